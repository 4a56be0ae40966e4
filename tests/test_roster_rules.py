"""Each hard- and soft-rule helper on its own (Timefold style): a one-agent model, a forced week, and what the rule says.

No full solve: the model holds only the agent's template choice and the one rule under test, so exactly that rule
binds. Hard rules: the forced week is infeasible with the rule and feasible with a legal variant. Soft rules: the
penalty of the forced week, minimised over the rule's own penalty variables, counts the violations.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from ortools.sat.python import cp_model
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling import rules, soft
from planner.scheduling.instance import build_instance


def _model(cfg, *, preferences: str = "", leave=None, previous=None):
    agents = agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std", "preferences": preferences}])
    inst = build_instance(cfg, tiny_requirements(cfg), agents, no_leave() if leave is None else leave, WEEK,
                          previous_roster=previous)
    model = cp_model.CpModel()
    return inst, model, rules.add_agent_choice(model, inst, inst.agents[0])


def _week(model, inst, av, starts: dict[int, int]) -> None:
    """Force the week: day -> start hour worked (8 h shifts), every other day off."""
    for day, pairs in av.x.items():
        if day not in starts:
            model.add(av.work[day] == 0)
            continue
        slot = day * inst.slots_per_day + starts[day] * 60 // inst.slot_min
        chosen = [v for t, v in pairs if t.start == slot]
        assert chosen, f"no template starts at {starts[day]}:00 on day {day}"
        model.add(chosen[0] == 1)


def _feasible(model) -> bool:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _hard(rule: str, cfg, starts: dict[int, int], **kw) -> bool:
    inst, model, av = _model(cfg, **kw)
    rules.RULE_HELPERS[rule](model, inst, av)
    _week(model, inst, av, starts)
    return _feasible(model)


def _soft(rule: str, cfg, starts: dict[int, int], **kw) -> tuple[int, float]:
    """(number of penalty terms the rule created, violations of the forced week)."""
    inst, model, av = _model(cfg, **kw)
    penalties = soft.SOFT_HELPERS[rule](model, inst, av, 1.0)
    _week(model, inst, av, starts)
    model.minimize(sum(p.expr for p in penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    return len(penalties), solver.objective_value


def _previous(*shifts: tuple[int, str, str]) -> pd.DataFrame:
    """A previous roster in its display form: (days before WEEK, start, end)."""
    return pd.DataFrame([("A1", WEEK - dt.timedelta(days=back), a, b, "", 8.0) for back, a, b in shifts],
                        columns=["agent_id", "date", "shift_start", "shift_end", "breaks", "paid_hours"])


# --- hard rules -------------------------------------------------------------------------------------


def test_rest_forbids_a_late_shift_then_an_early_one():
    cfg = tiny_config(rest=11, days=7, hmax=60)
    assert not _hard("rest", cfg, {0: 14, 1: 6})  # 22:00 -> 06:00 is 8 h
    assert _hard("rest", cfg, {0: 14, 1: 9})  # 11 h exactly
    assert _hard("days_per_week", cfg, {0: 14, 1: 6})  # another rule alone does not forbid it


def test_rest_previous_counts_the_last_shift_before_the_week():
    cfg = tiny_config(rest=11, days=7, hmax=60)
    previous = _previous((1, "14:00", "22:00"))
    assert not _hard("rest_previous", cfg, {0: 6}, previous=previous)
    assert _hard("rest_previous", cfg, {0: 9}, previous=previous)
    night = _previous((1, "22:00", "06:00"))  # Sunday night into Monday 06:00: rest runs from Monday morning
    cfg_night = tiny_config(open="00:00", close="24:00", earliest="00:00", latest="24:00", rest=8, days=7, hmax=60)
    assert not _hard("rest_previous", cfg_night, {0: 13}, previous=night)
    assert _hard("rest_previous", cfg_night, {0: 14}, previous=night)


def test_days_per_week_caps_the_worked_days():
    cfg = tiny_config(days=3, hmax=60)
    assert not _hard("days_per_week", cfg, {0: 8, 1: 8, 2: 8, 3: 8})
    assert _hard("days_per_week", cfg, {0: 8, 2: 8, 4: 8})


def test_consecutive_days_counts_the_days_before_the_week():
    cfg = tiny_config(days=7, hmax=60, consec=3)
    assert not _hard("consecutive_days", cfg, {0: 8, 1: 8, 2: 8, 3: 8})
    assert _hard("consecutive_days", cfg, {0: 8, 1: 8, 2: 8, 4: 8, 5: 8, 6: 8})
    friday_to_sunday = _previous((1, "06:00", "14:00"), (2, "06:00", "14:00"), (3, "06:00", "14:00"))
    assert not _hard("consecutive_days", cfg, {0: 8}, previous=friday_to_sunday)
    assert _hard("consecutive_days", cfg, {1: 8, 2: 8, 3: 8}, previous=friday_to_sunday)


def test_weekly_hours_min_is_reduced_by_approved_leave():
    cfg = tiny_config(hmin=24, hmax=40, days=5)
    assert not _hard("weekly_hours_min", cfg, {0: 8, 1: 8})  # 16 paid h < 24
    assert _hard("weekly_hours_min", cfg, {0: 8, 1: 8, 2: 8})
    leave = pd.DataFrame({"agent_id": ["A1"], "start_date": [WEEK + dt.timedelta(days=4)],
                          "end_date": [WEEK + dt.timedelta(days=4)], "kind": ["annual"], "status": ["approved"]})
    assert _hard("weekly_hours_min", cfg, {0: 8, 1: 8, 2: 8}, leave=leave)
    two_leave = leave.assign(start_date=[WEEK + dt.timedelta(days=3)])  # Thursday and Friday: 24 - 2 x 24/5 = 14.4 h
    assert _hard("weekly_hours_min", cfg, {0: 8, 1: 8}, leave=two_leave)
    assert not _hard("weekly_hours_min", cfg, {0: 8}, leave=two_leave)


def test_weekly_hours_max_caps_paid_hours():
    cfg = tiny_config(hmin=0, hmax=16, days=7)
    assert not _hard("weekly_hours_max", cfg, {0: 8, 1: 8, 2: 8})
    assert _hard("weekly_hours_max", cfg, {0: 8, 1: 8})


# --- soft rules -------------------------------------------------------------------------------------


def test_two_consecutive_days_off_one_penalty_per_week_without_a_pair():
    cfg = tiny_config(days=7, hmax=60)
    assert _soft("two_consecutive_days_off", cfg, {d: 8 for d in range(5)}) == (1, 0)  # Saturday and Sunday off
    assert _soft("two_consecutive_days_off", cfg, {0: 8, 2: 8, 4: 8, 6: 8}) == (1, 1)  # every day off stands alone
    assert _soft("two_consecutive_days_off", cfg, {d: 8 for d in range(7)}) == (1, 1)


def test_similar_start_times_counts_each_jump_over_an_hour():
    cfg = tiny_config(days=7, hmax=60)
    n, _ = _soft("similar_start_times", cfg, {0: 6})
    assert n == 6  # one possible violation per pair of consecutive days
    assert _soft("similar_start_times", cfg, {0: 6, 1: 7, 2: 8})[1] == 0  # one hour a day is within tolerance
    assert _soft("similar_start_times", cfg, {0: 6, 1: 9, 2: 6})[1] == 2
    assert _soft("similar_start_times", cfg, {0: 6, 2: 12})[1] == 0  # not consecutive days


def test_fair_weekends_penalises_working_both_weekend_days():
    cfg = tiny_config(days=7, hmax=60)
    assert _soft("fair_weekends", cfg, {5: 8, 6: 8}) == (1, 1)
    assert _soft("fair_weekends", cfg, {5: 8, 0: 8}) == (1, 0)


@pytest.mark.parametrize(("token", "starts", "violations"), [
    ("early", {0: 6, 1: 9}, 0),
    ("early", {0: 6, 1: 10, 2: 12}, 2),  # starts at 10:00 and later are not early
    ("late", {0: 12, 1: 14}, 0),
    ("late", {0: 11, 1: 12}, 1),
    ("no_weekends", {4: 8, 5: 8, 6: 8}, 2),
    ("off:fri", {3: 8, 4: 8}, 1),
    ("early;off:mon", {0: 12}, 2),  # two tokens, two violations on one day
])
def test_preferences_count_each_worked_day_against_a_token(token, starts, violations):
    cfg = tiny_config(days=7, hmax=60)
    assert _soft("preferences", cfg, starts, preferences=token)[1] == violations


def test_requested_leave_counts_each_worked_requested_day():
    cfg = tiny_config(days=7, hmax=60)
    leave = pd.DataFrame({"agent_id": ["A1", "A1"], "start_date": [WEEK, WEEK + dt.timedelta(days=5)],
                          "end_date": [WEEK + dt.timedelta(days=1), WEEK + dt.timedelta(days=5)], "kind": ["annual"] * 2,
                          "status": ["requested", "approved"]})
    assert _soft("requested_leave", cfg, {0: 8, 1: 8, 2: 8}, leave=leave) == (2, 2)  # Saturday is approved: not a term
    assert _soft("requested_leave", cfg, {1: 8, 2: 8}, leave=leave) == (2, 1)
