"""Whole agent weeks as columns (columns.py): pricing only lowers the LP, every dived week meets the agent's hard
rules, and the LP is a floor of its boxed completion, which places every break."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from ortools.sat.python import cp_model
from schedule_instances import WEEK
from test_schedule_bound import _random_instance

from planner.scheduling import columns as columns_module
from planner.scheduling.columns import WeeksLP, boxed_completion, dive_weeks, week_paid_cost, weeks_master
from planner.scheduling.costs import demand_cost
from planner.scheduling.hint import greedy_weeks
from planner.scheduling.instance import build_instance
from planner.scheduling.model import build_model
from planner.scheduling.rules import add_agent_choice, add_hard_rules


def _week_meets_the_hard_rules(inst, i: int, week: dict[int, int]) -> bool:
    model = cp_model.CpModel()
    av = add_agent_choice(model, inst, inst.agents[i])
    add_hard_rules(model, inst, av)
    for day, pairs in av.x.items():
        for t, v in pairs:
            model.add(v == int(week.get(day) == t.index))
    if set(week) - set(av.x):
        return False  # a shift on a day the agent cannot work
    return cp_model.CpSolver().solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dive_gives_every_agent_a_lawful_week_and_pricing_only_lowers_the_lp(seed):
    cfg, req, agents, leave = _random_instance(seed)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    start = greedy_weeks(inst, build_model(inst))
    alone = weeks_master(inst, {i: [week] for i, week in start.items()}).objective
    weeks, report = dive_weeks(inst, start, rounds=3, step=2)
    assert report.lp_first <= alone + 1e-6  # more columns never raise the LP
    assert set(weeks) <= set(start) and report.dive_steps >= 1
    for i, week in weeks.items():
        assert _week_meets_the_hard_rules(inst, i, week), (inst.agents[i].agent_id, week)
    for i in set(start) - set(weeks):
        assert _week_meets_the_hard_rules(inst, i, {})  # left without shifts only where that is lawful


def test_the_lp_is_a_floor_of_its_boxed_completion_and_every_break_is_placed():
    cfg, req, agents, leave = _random_instance(1)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    rm = build_model(inst)
    weeks = greedy_weeks(inst, rm)
    done = boxed_completion(inst, weeks, 2.0, rm.coverage.costs).done
    assert done is not None
    lp = weeks_master(inst, {i: [weeks.get(i, {})] for i in range(len(inst.agents))}, rm.coverage.costs)
    paid = sum(week_paid_cost(inst, week) for week in weeks.values())
    # the LP relaxes whole breaks and reads the late-contacts curve between its points, so it is a floor of its own
    # boxed rounding priced by the model
    assert lp.objective - paid <= demand_cost(rm.coverage.costs, done.cover) + 1e-6
    takers: dict[tuple, int] = {}
    for i, week in weeks.items():
        for k in week.values():
            t = inst.templates[k]
            for kind in t.breaks:
                key = (inst.agents[i].group, t.start, kind)
                takers[key] = takers.get(key, 0) + 1
    placed: dict[tuple, int] = {}
    for (g, start, kind, _), n in done.breaks.items():
        placed[(g, start, kind)] = placed.get((g, start, kind), 0) + n
    assert {k: v for k, v in placed.items() if v} == takers  # every shift's every break placed once


def test_a_break_start_without_a_row_is_priced_as_its_row_would_be():
    cfg, req, agents, leave = _random_instance(2)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    rm = build_model(inst)
    lp = weeks_master(inst, {i: [week] for i, week in greedy_weeks(inst, rm).items()}, rm.coverage.costs)
    on_dual = {key: lp.dual(row) for key, row in lp.on_shift.items()}
    assert lp.takers
    for (g, start, kind), row in list(lp.takers.items()):
        real = lp.dual(row)
        del lp.takers[(g, start, kind)]  # as if no column took it yet
        assert lp.taker_dual(g, start, kind, on_dual) == pytest.approx(real, abs=1e-6)
        lp.takers[(g, start, kind)] = row


def test_the_kept_lp_re_solved_after_columns_and_fixes_equals_one_built_afresh():
    cfg, req, agents, leave = _random_instance(3)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    rm = build_model(inst)
    start = greedy_weeks(inst, rm)
    weeks, _ = dive_weeks(inst, start, rounds=2, step=2, costs=rm.coverage.costs)
    lp = WeeksLP(inst, sorted(start), rm.coverage.costs)
    for i in sorted(start):
        lp.add(i, start[i])
    lp.solve()
    columns = {i: [start[i]] + ([weeks[i]] if weeks.get(i, {}) != start[i] else []) for i in sorted(start)}
    for i, cols in columns.items():
        for week in cols[1:]:
            assert lp.add(i, week)
        assert not lp.add(i, cols[0])  # a column already there is not added twice
    lp.solve()
    assert lp.objective == pytest.approx(weeks_master(inst, columns, rm.coverage.costs).objective, rel=1e-9)
    first = sorted(start)[: max(1, len(start) // 2)]
    for i in first:
        lp.fix(i, len(columns[i]) - 1)
    lp.solve(dual=True)
    fresh = weeks_master(inst, {i: ([cols[-1]] if i in first else cols) for i, cols in columns.items()},
                         rm.coverage.costs)
    assert lp.objective == pytest.approx(fresh.objective, rel=1e-9)


def test_pricing_on_two_threads_gives_the_weeks_of_one():
    cfg, req, agents, leave = _random_instance(1)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    rm = build_model(inst)
    start = greedy_weeks(inst, rm)
    one, first = dive_weeks(inst, start, rounds=3, step=2, costs=rm.coverage.costs, workers=1)
    two, second = dive_weeks(inst, start, rounds=3, step=2, costs=rm.coverage.costs, workers=2)
    assert one == two and first.columns == second.columns and first.lp_first == second.lp_first
    assert first.pricing_wall_cuts == 0 and first.breaks == second.breaks


def test_a_dive_the_deadline_stops_still_gives_every_agent_a_lawful_week_and_says_so(monkeypatch):
    cfg, req, agents, leave = _random_instance(2)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    rm = build_model(inst)
    start = greedy_weeks(inst, rm)
    clock = iter([0.0] + [10.0] * 1000)  # the check before the LP passes, every later one is past the deadline
    monkeypatch.setattr(columns_module, "time", SimpleNamespace(perf_counter=lambda: next(clock)))
    weeks, report = dive_weeks(inst, start, rounds=3, step=1, costs=rm.coverage.costs, deadline=5.0)
    assert report.cut and report.rounds == 1 and report.dive_steps == 1  # no more pricing: one last step
    assert set(weeks) <= set(start) and report.breaks
    for i, week in weeks.items():
        assert _week_meets_the_hard_rules(inst, i, week)
    assert dive_weeks(inst, start, deadline=-1.0)[0] is None  # past it before the LP: nothing to dive
