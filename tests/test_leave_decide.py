"""The decision pipeline: one tiny instance per step and reason code, order, all-or-nothing, the leave table after."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from leave_site import START, agents, capacity, config, leave, required

from planner.leave.balances import Ledger, entitlement_h
from planner.leave.capacity import build_capacity
from planner.leave.decide import decide, leave_after
from planner.leave.hours import agent_hours
from planner.leave.roster_check import RosterCheck
from planner.staffing import project, requirements

D = dt.timedelta
ASKED = START - D(days=30)
ROOMY = ([10.0] * 5 + [0, 0]) * 4, ([2.0] * 5 + [0, 0]) * 4  # four weeks, little demand: allowance everywhere


def _run(cfg, rows, *, agent_rows=None, demand=ROOMY, weeks=4, roster=None):
    agents_df = agents(agent_rows)
    table = leave(rows)
    hours, cap = capacity(cfg, agents_df, table, demand[0], demand[1], weeks)
    return decide(cfg, hours, cap, table, START - D(days=1), roster)


def _req(agent, start, end, rid="r1", asked=ASKED, kind="annual", override=None):
    return (agent, start, end, kind, "requested", rid, f"{asked}T09:00", override)


def _one(outcome, rid="r1"):
    row = outcome.decisions.set_index("request_id").loc[rid]
    return row["decision"], row["reason_code"], row["failing_dates"], row["detail"]


def test_approved_within_the_allowance():
    decision, code, failing, detail = _one(_run(config(), [_req("v1", START, START + D(days=1))]))
    assert (decision, code, failing) == ("approved", "APPROVED", "")
    assert "16.0 h from the voice allowance" in detail


def test_unknown_agent_is_denied_with_its_id():
    decision, code, _, detail = _one(_run(config(), [_req("nobody", START, START)]))
    assert (decision, code) == ("denied", "UNKNOWN_AGENT") and "nobody" in detail


def test_a_request_starting_before_it_was_made_is_an_invalid_period():
    assert _one(_run(config(), [_req("v1", START, START, asked=START + D(days=1))]))[:2] == ("denied", "INVALID_PERIOD")


def test_a_request_after_the_agent_leaves_is_an_invalid_period():
    rows = [("v1", "voice", "full_time", "T1", None, START + D(days=2))]
    decision, code, failing, _ = _one(_run(config(), [_req("v1", START + D(days=2), START + D(days=3))], agent_rows=rows))
    assert (decision, code, failing) == ("denied", "INVALID_PERIOD", str(START + D(days=3)))


def test_overlap_with_approved_leave_and_with_an_earlier_request():
    rows = [("v1", START, START + D(days=2), "training", "approved"), _req("v1", START + D(days=2), START + D(days=3)),
            _req("v2", START, START, "r2"), _req("v2", START, START + D(days=1), "r3", asked=ASKED + D(days=1))]
    out = _run(config(), rows)
    assert _one(out)[:3] == ("denied", "OVERLAP", str(START + D(days=2)))
    assert _one(out, "r2")[:2] == ("approved", "APPROVED")
    decision, code, _, detail = _one(out, "r3")
    assert (decision, code) == ("denied", "OVERLAP") and "request r2" in detail


def test_zero_entitlement_is_denied():
    rows = [("z1", "voice", "casual", "T1")]  # the casual contract has no entitlement
    decision, code, _, detail = _one(_run(config(), [_req("z1", START, START)], agent_rows=rows))
    assert (decision, code) == ("denied", "NO_ENTITLEMENT") and "casual" in detail


def test_insufficient_balance_is_denied_never_waitlisted_and_an_override_passes():
    cfg = config(entitlements=[{"contract": "full_time", "days_per_year": 2}])
    out = _run(cfg, [_req("v1", START, START + D(days=2)), _req("v2", START, START + D(days=2), "r2", override=True)])
    decision, code, failing, detail = _one(out)
    assert (decision, code) == ("denied", "INSUFFICIENT_BALANCE")
    assert "needs 24.0 h" in detail and "16.0 h left" in detail
    assert failing == ", ".join(str(START + D(days=i)) for i in range(3))
    assert _one(out, "r2")[:2] == ("approved", "APPROVED")
    balances = out.state.ledger.table(START)
    v2 = balances[balances["agent_id"] == "v2"].iloc[0]
    assert v2["remaining_h"] < 0 and v2["override_h"] == pytest.approx(24.0)


@pytest.mark.parametrize(("settings", "asked", "code"), [
    ({"min_notice_days": 14}, START - D(days=3), "NOTICE_TOO_SHORT"),
    ({"max_notice_days": 10}, START - D(days=30), "NOTICE_TOO_LONG"),
])
def test_notice_rules(settings, asked, code):
    decision, got, failing, detail = _one(_run(config(**settings), [_req("v1", START, START, asked=asked)]))
    assert (decision, got, failing) == ("denied", code, str(START))
    assert "day" in detail


def test_blackout_names_the_period_and_its_days():
    cfg = config(blackouts=[{"name": "Launch", "start": START + D(days=1), "end": START + D(days=2)}])
    decision, code, failing, detail = _one(_run(cfg, [_req("v1", START, START + D(days=4))]))
    assert (decision, code, failing) == ("denied", "BLACKOUT", f"{START + D(days=1)}, {START + D(days=2)}")
    assert "Launch" in detail


def test_max_consecutive_days_counts_adjacent_approved_leave():
    rows = [("v1", START, START + D(days=2), "annual", "approved"), _req("v1", START + D(days=3), START + D(days=4))]
    decision, code, _, detail = _one(_run(config(max_consecutive_days=4), rows))
    assert (decision, code) == ("denied", "MAX_CONSECUTIVE_DAYS") and "5 consecutive days" in detail


def test_team_concurrency_cap():
    rows = [("v1", START, START, "annual", "approved"), _req("v2", START, START + D(days=1)),
            _req("v3", START, START, "r2")]  # v3 is in team T2
    out = _run(config(max_team_concurrent=1), rows)
    assert _one(out)[:3] == ("denied", "TEAM_CONCURRENCY", str(START))
    assert _one(out, "r2")[:2] == ("approved", "APPROVED")


def _tight_demand():
    # voice group: 3 full-timers + 1 part-timer + 1 casual = 150 h a week against 140 h of need on weekdays
    return ([28.0] * 5 + [0, 0]) * 4, ([8.0] * 5 + [0, 0]) * 4


@pytest.mark.parametrize("mode", ["waitlist", "deny"])
def test_group_allowance_waitlists_or_denies_and_names_the_hours_over(mode):
    out = _run(config(over_allowance=mode), [_req("v1", START, START + D(days=4))], demand=_tight_demand())
    decision, code, failing, detail = _one(out)
    assert decision == ("waitlisted" if mode == "waitlist" else "denied")
    assert code == "INSUFFICIENT_GROUP_ALLOWANCE"
    assert failing.startswith(str(START)) and "voice group" in detail and "h over" in detail
    assert out.state.capacity.leave_h.sum() == 0  # all or nothing: no day of it was booked


def test_outside_the_plan_is_waitlisted():
    decision, code, failing, _ = _one(_run(config(), [_req("v1", START + D(weeks=4), START + D(weeks=4))]))
    assert (decision, code, failing) == ("waitlisted", "OUTSIDE_PLAN", str(START + D(weeks=4)))


def test_above_the_auto_approved_share_goes_to_review_and_holds_its_hours():
    cfg = config(threshold=0.1)
    out = _run(cfg, [_req("v1", START, START + D(days=4))], demand=(([20.0] * 5 + [0, 0]) * 4, ([8.0] * 5 + [0, 0]) * 4))
    decision, code, _, _ = _one(out)
    assert (decision, code) == ("review", "ABOVE_AUTO_APPROVE")
    assert out.state.capacity.leave_h.sum() == pytest.approx(40.0)


def test_fcfs_and_seniority_orders():
    rows = [("v1", "voice", "full_time", "T1", None, None, 1.0), ("v2", "voice", "full_time", "T1", None, None, 9.0)]
    demand = ([6.0] * 5 + [0, 0]) * 4, ([0.0] * 7) * 4  # 80 h of voice agents, 30 h of need: one week off, not two
    reqs = [_req("v1", START, START + D(days=4), "early", asked=ASKED), _req("v2", START, START + D(days=4), "late",
                                                                                asked=ASKED + D(days=1))]
    fcfs = _run(config(), reqs, agent_rows=rows, demand=demand)
    assert _one(fcfs, "early")[0] == "approved" and _one(fcfs, "late")[0] == "waitlisted"
    senior = _run(config(order="seniority"), reqs, agent_rows=rows, demand=demand)
    assert _one(senior, "late")[0] == "approved" and _one(senior, "early")[0] == "waitlisted"


def test_request_across_the_year_boundary_charges_each_year():
    start, plan = dt.date(2027, 12, 30), dt.date(2027, 12, 27)
    cfg = config()
    hours = agent_hours(cfg, agents([("v1", "voice", "full_time", "T1"), ("v2", "voice", "full_time", "T1")]))
    cap = build_capacity(cfg, required([1.0] * 5 + [0, 0] + [1.0] * 5 + [0, 0], [0.0] * 14, plan), hours, None, plan, 2)
    table = leave([_req("v1", start, dt.date(2028, 1, 4), asked=dt.date(2027, 11, 1))])
    out = decide(cfg, hours, cap, table, dt.date(2027, 11, 1))
    assert out.decisions["decision"].iloc[0] == "approved"
    balances = out.state.ledger.table(dt.date(2027, 11, 1)).query("agent_id == 'v1'").set_index("year_start")
    assert balances.loc[dt.date(2027, 1, 1), "booked_h"] == pytest.approx(16.0)  # Thu 30, Fri 31
    assert balances.loc[dt.date(2028, 1, 1), "booked_h"] == pytest.approx(16.0)  # Mon 3, Tue 4 (the weekend is closed)


def test_carry_over_is_capped_and_expires():
    cfg = config(entitlements=[{"contract": "full_time", "days_per_year": 5}], carry_over_max_days=2,
                 carry_over_expires="03-31")
    rows = [("v1", "voice", "full_time", "T1")]
    hours, _ = capacity(cfg, agents(rows), None, [1.0] * 7, [0.0] * 7, weeks=1)
    ledger = Ledger(cfg, hours, records_from=dt.date(2026, 1, 1))  # 2026 is on file and unused: 5 days left, 2 carry
    assert ledger.carry_over_h("v1", (dt.date(2027, 1, 1), dt.date(2027, 12, 31))) == pytest.approx(16.0)
    march = {dt.date(2027, 3, 1) + D(days=i): 8.0 for i in range(2)}
    april = {dt.date(2027, 4, 5) + D(days=i): 8.0 for i in range(5)}
    assert ledger.fits("v1", {**march, **april}).ok  # 56 h: March paid by the carry-over, April by the 40 h of 2027
    assert not ledger.fits("v1", {**april, dt.date(2027, 4, 12): 8.0}).ok  # after the expiry the carry-over is gone
    assert ledger.fits("v1", {dt.date(2027, 3, 1) + D(days=i): 8.0 for i in range(7)}).ok  # 56 h before the expiry
    assert not Ledger(cfg, hours).fits("v1", {**march, **april}).ok  # no previous year on file: nothing carried
    assert Ledger(cfg, hours).carry_over_h("v1", (dt.date(2027, 1, 1), dt.date(2027, 12, 31))) == 0


def test_pro_rata_entitlement_for_part_time_and_joiners():
    cfg = config()
    rows = [("p1", "voice", "part_time", "T1"), ("j1", "voice", "full_time", "T1", dt.date(2027, 7, 2))]
    hours, _ = capacity(cfg, agents(rows), None, [1.0] * 7, [0.0] * 7, weeks=1)
    year = (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert entitlement_h(cfg, hours["p1"], year) == pytest.approx(25 * 4.0)
    assert entitlement_h(cfg, hours["j1"], year) == pytest.approx(25 * 8.0 * 183 / 365)


def _roster_site():
    cfg = config(tolerance=0.05)
    slot = pd.Timestamp(START) + pd.Timedelta(hours=9)
    forecast = pd.DataFrame({"interval_start": [slot], "channel": ["voice"], "offered": [60.0], "aht_s": [300.0]})
    req = requirements(forecast, cfg)
    line = 0.8 - 0.05
    sl = [float(project(np.array([n]), forecast, cfg, agents_are="scheduled")["service_level"].iloc[0]) for n in range(40)]
    n = next(k for k in range(1, 40) if sl[k] >= line and sl[k - 1] < line)  # one agent fewer falls below the line
    names = [f"v{i}" for i in range(1, n + 1)]
    slots = pd.DataFrame({"agent_id": names, "interval_start": [slot] * n, "activity": ["voice"] * n})
    agent_rows = [(a, "voice", "full_time", "T1") for a in names] + [("v99", "voice", "full_time", "T2")]
    return cfg, RosterCheck(cfg, slots, req), agent_rows


def test_roster_shortfall_refuses_leave_that_takes_a_slot_below_target_minus_tolerance():
    cfg, check, agent_rows = _roster_site()
    rows = [_req("v1", START, START), _req("v99", START, START, "r2")]  # v99 is not rostered that day
    out = _run(cfg, rows, agent_rows=agent_rows, roster=check, demand=(([1.0] * 5 + [0, 0]) * 4, ([0.0] * 7) * 4))
    decision, code, failing, detail = _one(out)
    assert (decision, code, failing) == ("denied", "ROSTER_SHORTFALL", str(START))
    assert "voice" in detail and "09:00" in detail
    assert _one(out, "r2")[:2] == ("approved", "APPROVED")


def test_leave_table_after_decisions_for_the_roster():
    cfg = config(blackouts=[{"name": "B", "start": START + D(days=7), "end": START + D(days=7)}])
    rows = [("v3", START, START, "sick", "approved"), _req("v1", START, START), _req("v2", START + D(days=7),
                                                                                     START + D(days=7), "r2")]
    out = _run(cfg, rows)
    after = out.leave
    assert list(after["status"]) == ["approved", "approved"]  # r1 approved, r2 (denied) dropped
    assert set(after["agent_id"]) == {"v3", "v1"}
    assert leave_after(leave(rows), out.decisions, START).equals(after)


def test_days_before_the_plan_are_outside_it_and_said_so():
    decision, code, failing, detail = _one(_run(config(), [_req("v1", START - D(days=3), START - D(days=3),
                                                                asked=START - D(days=40))]))
    assert (decision, code, failing) == ("waitlisted", "OUTSIDE_PLAN", str(START - D(days=3)))
    assert "before it" in detail
