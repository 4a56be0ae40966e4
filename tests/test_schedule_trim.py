"""The start's one-agent moves (trim.py): each kind of move where it should happen, every hard rule kept, the
completion left consistent, and the cost exactly the start's less the savings."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling.complete import greedy_completion, shift_counts
from planner.scheduling.costs import demand_cost, paid_cost
from planner.scheduling.hint import greedy_weeks
from planner.scheduling.instance import build_instance
from planner.scheduling.model import build_model
from planner.scheduling.phases import TRIM_MAX_PASSES, trim_passes
from planner.scheduling.rules import weekly_minimum_min
from planner.scheduling.solve import solve_roster
from planner.scheduling.trim import surplus, trim_start


def _setup(cfg, need, n_agents, days=7, skills=("voice",)):
    req = tiny_requirements(cfg, need, days=days)
    agents = agents_table([{"agent_id": f"A{i}", "skills": list(skills), "contract": "std"} for i in range(n_agents)])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK)
    return inst, build_model(inst)


def _template(inst, day: int, start_h: int, length_h: int) -> int:
    spd = inst.slots_per_day
    for t in inst.templates:
        if t.day == day and t.start == day * spd + start_h * 60 // inst.slot_min and t.length * inst.slot_min == length_h * 60:
            return t.index
    raise AssertionError(f"no template day {day} {start_h}:00 {length_h} h")


def _cost(inst, rm, weeks, done) -> int:
    w = inst.config.solver.weights
    return demand_cost(rm.coverage.costs, done.cover) + sum(paid_cost(w, inst.templates[k].paid_min)
                                                            for week in weeks.values() for k in week.values())


def _check_hard_rules(inst, weeks) -> None:
    """The hard rules, recomputed here from the config: hours, days, consecutive days and rest."""
    rules = inst.config.labour_rules
    rest = math.ceil(rules.min_rest_h * 60 / inst.slot_min)
    for i, week in weeks.items():
        agent = inst.agents[i]
        contract = inst.config.contract(agent.contract)
        for days in inst.weeks:
            paid = sum(inst.templates[week[d]].paid_min for d in days if d in week)
            assert weekly_minimum_min(inst, agent, days) <= paid <= contract.weekly_hours_max * 60
            assert sum(1 for d in days if d in week) <= contract.days_per_week_max
        for d, k in week.items():
            assert k in agent.templates[d]
        run = 0
        for d in range(inst.n_days):
            run = run + 1 if d in week else 0
            assert run <= rules.max_consecutive_days
        shifts = sorted((inst.templates[k].start, inst.templates[k].end) for k in week.values())
        assert all(b[0] - a[1] >= rest for a, b in zip(shifts, shifts[1:], strict=False))


def _check_completion(inst, weeks, done) -> None:
    """Breaks, working agents, flows and cover agree with the weeks."""
    on, takers, given, off = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    for i, week in weeks.items():
        g = inst.agents[i].group
        for k in week.values():
            t = inst.templates[k]
            for s in range(t.start, t.end):
                on[(g, s)] += 1
            for kind in t.breaks:
                takers[(g, t.start, kind)] += 1
    for (g, start, kind, o), n in done.breaks.items():
        assert n >= 0
        given[(g, start, kind)] += n
        for s in range(start + o, start + o + kind.duration_slots):
            off[(g, s)] += n
    assert {k: v for k, v in takers.items() if v} == {k: v for k, v in given.items() if v}
    cover = np.zeros_like(done.cover)
    for key in set(on) | set(done.working):
        n = done.working.get(key, 0)
        assert n == on[key] - off[key]
        g, s = key
        here = [inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
        if len(here) == 1:
            cover[here[0], s] += n
        elif here:
            assert sum(done.flows.get((s, g, c), 0) for c in here) == n
            for c in here:
                cover[c, s] += done.flows.get((s, g, c), 0)
    assert (cover == done.cover).all()


def _trim(inst, rm, weeks, max_passes=TRIM_MAX_PASSES):
    done = greedy_completion(inst, shift_counts(inst, weeks))
    before = _cost(inst, rm, weeks, done)
    weeks2, done2, report = trim_start(inst, rm.coverage.costs, weeks, done, max_passes)
    _check_hard_rules(inst, weeks2)
    _check_completion(inst, weeks2, done2)
    after = _cost(inst, rm, weeks2, done2)
    assert after <= before
    return weeks2, done2, report, before, after


def test_a_shift_that_only_overstaffs_is_dropped():
    cfg = tiny_config(hmin=0)
    inst, rm = _setup(cfg, {"voice": {h: 2 for h in range(8, 16)}}, 3, days=5)
    weeks = {i: {d: _template(inst, d, 8, 8) for d in range(5)} for i in range(3)}
    assert surplus(inst, greedy_completion(inst, shift_counts(inst, weeks))) == 5 * 8
    weeks2, done2, report, _, _ = _trim(inst, rm, weeks)
    assert surplus(inst, done2) == 0 and report.dropped == 5
    assert sum(len(w) for w in weeks2.values()) == 10


def test_the_weekly_minimum_keeps_a_shift_the_cost_would_drop():
    cfg = tiny_config(hmin=40)
    inst, rm = _setup(cfg, {"voice": {h: 2 for h in range(8, 16)}}, 3, days=5)
    weeks = {i: {d: _template(inst, d, 8, 8) for d in range(5)} for i in range(3)}
    weeks2, _, report, _, _ = _trim(inst, rm, weeks)
    assert report.dropped == 0 and all(len(w) == 5 for w in weeks2.values())


def test_a_shift_moves_to_where_the_requirement_is():
    cfg = tiny_config(hmin=0)
    inst, rm = _setup(cfg, {"voice": {h: 1 for h in range(12, 20)}}, 1, days=1)
    weeks = {0: {0: _template(inst, 0, 8, 8)}}
    weeks2, done2, report, before, after = _trim(inst, rm, weeks)
    assert weeks2 == {0: {0: _template(inst, 0, 12, 8)}} and report.reshaped == 1
    assert int(np.maximum(0, inst.required - done2.cover[:, :inst.required.shape[1]]).sum()) == 0
    assert after < before


def test_a_shift_moves_to_a_day_off_but_not_past_the_days_per_week():
    cfg = tiny_config(hmin=0, days=1)
    need = {"voice": {h: 1 for h in range(8, 16)}}
    req = tiny_requirements(cfg, need, days=7)
    req.loc[req["interval_start"].dt.dayofweek != 6, ["agents_required", "agents_productive", "offered"]] = 0
    agents = agents_table([{"agent_id": "A0", "skills": ["voice"], "contract": "std"}])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK)
    rm = build_model(inst)
    weeks2, _, report, _, _ = _trim(inst, rm, {0: {0: _template(inst, 0, 8, 8)}})
    assert weeks2 == {0: {6: _template(inst, 6, 8, 8)}} and report.moved == 1


def test_rest_between_days_holds_when_a_shift_moves_later():
    cfg = tiny_config(hmin=0, rest=12)
    need = {"voice": {h: 1 for h in range(8, 22)}}
    inst, rm = _setup(cfg, need, 1, days=2)
    # day 0 ends at 16:00, day 1 starts 06:00 (14 h rest); moving day 0 to 14:00-22:00 would leave 8 h
    weeks = {0: {0: _template(inst, 0, 8, 8), 1: _template(inst, 1, 6, 8)}}
    weeks2, _, _, _, _ = _trim(inst, rm, weeks)
    _check_hard_rules(inst, weeks2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_starts_keep_every_rule_and_cost_no_more(seed):
    rng = np.random.default_rng(seed)
    lunch = "{min_shift_h: 6, durations_min: [60], window_start_h: 3, window_end_h: 5, paid: false}"
    cfg = tiny_config(hmin=int(rng.integers(0, 30)), lengths="[6, 8]", lunch=lunch)
    need = {"voice": {h: int(rng.integers(0, 4)) for h in range(6, 22)},
            "chat": {h: int(rng.integers(0, 3)) for h in range(6, 22)}}
    req = tiny_requirements(cfg, need, days=7)
    skills = [["voice"], ["chat"], ["voice", "chat"]]
    agents = agents_table([{"agent_id": f"A{i}", "skills": skills[i % 3], "contract": "std"} for i in range(9)])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK)
    rm = build_model(inst)
    weeks = greedy_weeks(inst, rm)
    _, _, _, before, after = _trim(inst, rm, weeks)
    assert after <= before


def test_the_pass_budget_ends_the_trim_and_says_so():
    cfg = tiny_config(hmin=0)
    inst, rm = _setup(cfg, {"voice": {h: 1 for h in range(8, 16)}}, 3, days=5)
    weeks = {i: {d: _template(inst, d, 8, 8) for d in range(5)} for i in range(3)}
    # every agent drops at most one shift a pass, and ten of the fifteen shifts only overstaff
    _, _, one, _, cut = _trim(inst, rm, weeks, max_passes=1)
    assert one.passes == 1 and not one.settled and one.dropped == 3
    _, done, full, _, settled = _trim(inst, rm, weeks)
    assert full.settled and full.dropped == 10 and surplus(inst, done) == 0 and settled < cut


def test_the_pass_budget_grows_with_the_limit_shrinks_with_the_roster_and_is_capped():
    week = 36_036  # the sample week's agent-day template choices (150 agents)
    assert trim_passes(1, week) == 1 and trim_passes(5, week) == 1 and trim_passes(20, week) == 4
    assert trim_passes(60, week) == TRIM_MAX_PASSES and trim_passes(3600, week) == TRIM_MAX_PASSES
    assert trim_passes(20, 3 * week) == 1  # a site three times larger gets a third of the passes
    assert trim_passes(1, 1_000) == 7 and trim_passes(1, 0) == TRIM_MAX_PASSES  # a tiny roster's passes take ms


def test_the_solve_reports_the_trim_phase():
    cfg = tiny_config(hmin=0)
    req = tiny_requirements(cfg, {"voice": {h: 2 for h in range(8, 16)}}, days=5)
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in range(3)])
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    trim = next(p for p in result.phases if p.name == "trim")
    assert {"shifts_dropped", "shifts_reshaped", "overstaff_before", "overstaff_after"} <= set(trim.details)
    assert trim.details["overstaff_after"] <= trim.details["overstaff_before"]
    assert trim.budget_det == result.solve_plan.trim_passes and trim.used_det == trim.details["passes"] <= trim.budget_det
    assert trim.stopped_by == ("done" if trim.details["settled"] else "deterministic_budget")
