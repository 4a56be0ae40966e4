"""Each hard rule of the roster model on a tiny site (60-minute slots) where exactly that rule binds."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling import check_roster, solve_roster


def _solve(cfg, req, agents, leave=None, previous=None):
    leave = no_leave() if leave is None else leave
    result = solve_roster(cfg, req, agents, leave, WEEK, previous_roster=previous, time_limit_s=5)
    assert check_roster(result, cfg, agents, leave, req, previous_roster=previous) == []
    return result


def _one(**agent):
    return agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std", **agent}])


def _starts(result) -> list[pd.Timestamp]:
    return list(result.roster["shift_start"])


def _clocks(result, column: str) -> set[str]:
    return {f"{t:%H:%M}" for t in result.roster[column]}


def test_min_rest_keeps_a_late_shift_from_an_early_next_day():
    # Monday needs 14–22, Tuesday 06–14: only 8 h apart, so with 11 h rest one of them must go unworked.
    for rest, both in ((0, True), (11, False)):
        cfg = tiny_config(rest=rest, days=7)
        req = tiny_requirements(cfg)
        t = req["interval_start"]
        hot = ((t.dt.date == WEEK) & (t.dt.hour >= 14)) | ((t.dt.date == WEEK + dt.timedelta(days=1)) & (t.dt.hour < 14))
        req.loc[hot & (req["channel"] == "voice"), ["agents_required", "agents_productive", "offered"]] = [1, 1, 10.0]
        result = _solve(cfg, req, _one())
        starts = sorted(_starts(result))
        mon = [s for s in starts if s.day == 23]
        tue = [s for s in starts if s.day == 24]
        worked_both = bool(mon and tue and mon[0].hour == 14 and tue[0].hour == 6)
        assert worked_both == both


def test_days_per_week_caps_working_days():
    cfg = tiny_config(days=3, hmax=60)
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one())
    assert result.roster["date"].nunique() == 3


def test_max_consecutive_days_breaks_a_run():
    cfg = tiny_config(days=7, hmax=60, consec=3)
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one())
    days = sorted(result.roster["date"])
    assert len(days) == 6  # 3 on, 1 off, 3 on: the rule, not the demand, limits the week
    run = longest = 1
    for a, b in zip(days, days[1:], strict=False):
        run = run + 1 if (b - a).days == 1 else 1
        longest = max(longest, run)
    assert longest == 3


def test_consecutive_days_count_the_previous_roster():
    cfg = tiny_config(days=7, hmax=60, consec=3)
    previous = pd.DataFrame({"agent_id": ["A1"] * 3, "date": [WEEK - dt.timedelta(days=i) for i in (1, 2, 3)],
                             "shift_start": ["06:00"] * 3, "shift_end": ["14:00"] * 3})
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one(), previous=previous)
    assert WEEK not in set(result.roster["date"])


def test_rest_counts_the_previous_roster():
    cfg = tiny_config(days=7, hmax=60)
    previous = pd.DataFrame({"agent_id": ["A1"], "date": [WEEK - dt.timedelta(days=1)], "shift_start": ["14:00"],
                             "shift_end": ["22:00"]})
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one(), previous=previous)
    monday = result.roster[result.roster["date"] == WEEK]
    assert monday.empty or monday["shift_start"].iloc[0] >= pd.Timestamp(WEEK) + pd.Timedelta(hours=9)


def test_weekly_hours_minimum_is_worked_without_demand():
    cfg = tiny_config(hmin=24, hmax=40)
    result = _solve(cfg, tiny_requirements(cfg), _one())
    assert result.roster["paid_hours"].sum() == 24


def test_weekly_hours_maximum_caps_work_under_heavy_demand():
    cfg = tiny_config(hmin=0, hmax=16, days=7)
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 3}), _one())
    assert result.roster["paid_hours"].sum() == 16


def test_approved_leave_day_is_never_worked():
    cfg = tiny_config(days=7, hmax=60)
    leave = pd.DataFrame({"agent_id": ["A1"], "start_date": [WEEK + dt.timedelta(days=2)],
                          "end_date": [WEEK + dt.timedelta(days=2)], "kind": ["annual"], "status": ["approved"]})
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one(), leave=leave)
    assert WEEK + dt.timedelta(days=2) not in set(result.roster["date"])
    assert len(result.roster) == 6
    on_leave = result.roster_slots[result.roster_slots["activity"] == "leave"]
    assert set(on_leave["interval_start"].dt.date) == {WEEK + dt.timedelta(days=2)}


def test_requested_leave_is_honoured_when_a_colleague_covers():
    cfg = tiny_config(days=7, hmax=60)
    agents = agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"},
                           {"agent_id": "A2", "skills": ["voice"], "contract": "std"}])
    leave = pd.DataFrame({"agent_id": ["A1"], "start_date": [WEEK], "end_date": [WEEK], "kind": ["annual"],
                          "status": ["requested"]})
    need = {"voice": {h: 1 for h in range(8, 16)}}
    result = _solve(cfg, tiny_requirements(cfg, need, days=7), agents, leave=leave)
    monday = result.roster[result.roster["date"] == WEEK]
    assert list(monday["agent_id"]) == ["A2"]
    assert sum(result.shortfall_agent_slots.values()) == 0


def test_availability_window_holds_shifts():
    cfg = tiny_config()
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 1}), _one(available_from="10:00", available_to="19:00"))
    assert len(result.roster) == 5
    assert all(f"{r.shift_start:%H:%M}" >= "10:00" and f"{r.shift_end:%H:%M}" <= "19:00" for r in result.roster.itertuples())


def test_shift_starts_on_the_start_step():
    cfg = tiny_config(step=120, hmin=40)
    need = {"voice": {h: 1 for h in range(7, 15)}}  # 07–15 is best, but starts are 06, 08, 10, …
    result = _solve(cfg, tiny_requirements(cfg, need), _one())
    assert _clocks(result, "shift_start") <= {"06:00", "08:00"}


def test_night_shift_crosses_midnight_where_the_site_is_open():
    cfg = tiny_config(open="18:00", close="06:00", earliest="18:00", latest="06:00", rest=11, hmin=40)
    need = {"voice": {h: 1 for h in (22, 23, 0, 1, 2, 3, 4, 5)}}
    req = tiny_requirements(cfg, need)
    result = _solve(cfg, req, _one())
    assert _clocks(result, "shift_start") == {"22:00"}
    assert _clocks(result, "shift_end") == {"06:00"}
    assert (result.roster["shift_end"] - result.roster["shift_start"] == pd.Timedelta(hours=8)).all()  # ends next morning
    assert sum(result.shortfall_agent_slots.values()) == sum(req["agents_required"]) - 40


def test_agent_serves_only_their_skills():
    cfg = tiny_config(hmin=40)
    result = _solve(cfg, tiny_requirements(cfg, default={"voice": 0, "chat": 3}), _one())
    assert set(result.roster_slots["activity"]) == {"voice"}
    assert result.shortfall_agent_slots["chat"] > 0


@pytest.mark.parametrize("bad", ["skill", "leave", "rest", "hours"])
def test_check_roster_finds_planted_violations(bad):
    cfg = tiny_config(days=7, hmin=16, hmax=60)
    agents = _one()
    leave = pd.DataFrame({"agent_id": ["A1"], "start_date": [WEEK + dt.timedelta(days=6)],
                          "end_date": [WEEK + dt.timedelta(days=6)], "kind": ["annual"], "status": ["approved"]})
    req = tiny_requirements(cfg, default={"voice": 1})
    result = _solve(cfg, req, agents, leave=leave)
    roster, slots = result.roster.copy(), result.roster_slots.copy()
    if bad == "skill":
        slots.loc[slots["activity"] == "voice", "activity"] = "chat"
        expected = "without the skill"
    elif bad == "leave":
        extra = roster.iloc[[0]].assign(date=WEEK + dt.timedelta(days=6))
        roster = pd.concat([roster, extra], ignore_index=True)
        expected = "approved leave"
    elif bad == "rest":
        day0, day1 = (pd.Timestamp(roster.loc[i, "date"]) for i in (0, 1))
        roster.loc[1, "shift_start"], roster.loc[1, "shift_end"] = day1 + pd.Timedelta(hours=6), day1 + pd.Timedelta(hours=14)
        roster.loc[0, "shift_start"], roster.loc[0, "shift_end"] = day0 + pd.Timedelta(hours=14), day0 + pd.Timedelta(hours=22)
        slots = slots.iloc[0:0]
        expected = "rest of"
    else:
        roster = roster.iloc[:1]
        slots = slots.iloc[0:0]
        expected = "paid h in the week"
    found = check_roster({"roster": roster, "roster_slots": slots}, cfg, agents, leave, req)
    assert any(expected in p for p in found), found
