"""Whole agent weeks as columns (columns.py): pricing only lowers the LP, every dived week meets the agent's hard
rules, and the LP is a floor of its boxed completion, which places every break."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model
from schedule_instances import WEEK
from test_schedule_bound import _random_instance

from planner.scheduling.columns import boxed_completion, dive_weeks, week_paid_cost, weeks_master
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
    master = weeks_master(inst, {i: [week] for i, week in start.items()})  # kept: its solver owns the objective
    alone = master.solver.Objective().Value()
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
    done = boxed_completion(inst, weeks, 2.0, rm.coverage.costs)
    assert done is not None
    lp = weeks_master(inst, {i: [weeks.get(i, {})] for i in range(len(inst.agents))}, rm.coverage.costs)
    paid = sum(week_paid_cost(inst, week) for week in weeks.values())
    # the LP relaxes whole breaks and reads the late-contacts curve between its points, so it is a floor of its own
    # boxed rounding priced by the model
    assert lp.solver.Objective().Value() - paid <= demand_cost(rm.coverage.costs, done.cover) + 1e-6
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
