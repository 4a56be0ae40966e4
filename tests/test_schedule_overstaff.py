"""LP floors on overstaffing: hand-computable values, and never above what a solved roster has."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements
from test_schedule_bound import _random_instance

from planner.scheduling.instance import build_instance
from planner.scheduling.overstaff import overstaff_floor, overstaff_for_shifts, overstaff_plan

MORNING = {"voice": {h: 1 for h in range(8, 12)}}  # 4 one-hour slots on the first day


def _floor(cfg, req, agents, leave=None):
    return overstaff_floor(build_instance(cfg, req, agents, no_leave() if leave is None else leave, WEEK, None))


def test_without_a_minimum_nothing_is_forced_but_a_whole_shift_covers_four_hours():
    cfg = tiny_config()  # 8-hour shifts, no weekly minimum
    req = tiny_requirements(cfg, need=MORNING, days=1)
    floor = _floor(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}]))
    assert floor.forced == 0  # work nothing: short 4, over 0
    assert floor.shortfall_floor == 0
    assert floor.at_shortfall_floor == 4  # one 8-slot shift covers the 4 required slots, 4 on top


def test_the_weekly_minimum_forces_overstaffing():
    cfg = tiny_config(hmin=40)  # 5 shifts of 8 hours must be worked
    req = tiny_requirements(cfg, need=MORNING, days=7)
    floor = _floor(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}]))
    assert floor.forced == 40 - 4 * 5  # 40 slots worked, at most 4 required slots on each of 5 days
    assert floor.at_shortfall_floor == floor.forced
    assert floor.shortfall_floor == 4 * 2  # two of the seven mornings have nobody


def test_a_second_skill_absorbs_what_would_be_overstaffing():
    cfg = tiny_config(hmin=40)
    need = {"voice": {h: 1 for h in range(8, 12)}, "chat": {h: 1 for h in range(12, 16)}}
    req = tiny_requirements(cfg, need=need, days=7)
    one = _floor(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}]))
    both = _floor(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice", "chat"], "contract": "std"}]))
    assert one.forced == 20 and both.forced == 0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_floors_never_exceed_a_solved_roster(seed):
    from planner.scheduling.solve import solve_roster

    cfg, req, agents, leave = _random_instance(seed)
    floor = _floor(cfg, req, agents, leave)
    result = solve_roster(cfg, req, agents, leave, WEEK, time_limit_s=4)
    assert floor.shortfall_floor >= result.shortfall_bound.total if result.shortfall_bound else True
    assert sum(result.shortfall_agent_slots.values()) >= floor.shortfall_floor
    assert sum(result.overstaff_agent_slots.values()) >= floor.forced
    assert floor.required == result.coverage["required"].sum()


def test_the_minimum_is_worked_in_whole_shifts():
    cfg = tiny_config(hmin=36)  # 4 shifts of 8 hours are 32 h: the minimum takes 5 of them
    req = tiny_requirements(cfg, need=MORNING, days=7)
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in (1, 2)])
    floor = _floor(cfg, req, agents)
    # 10 shifts of 8 slots for 7 mornings of 4 required slots: 7 × 4 over on the mornings covered, 3 × 8 on the
    # shifts beside them; the hours alone (72 h, 9 shifts) would allow 7 × 4 + 2 × 8 = 44
    assert floor.forced == 7 * 4 + 3 * 8


def test_the_overstaff_plan_works_the_minimum_on_the_mornings_it_covers():
    cfg = tiny_config(hmin=40)  # 5 shifts of 8 hours must be worked
    req = tiny_requirements(cfg, need=MORNING, days=7)
    inst = build_instance(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}]),
                          no_leave(), WEEK, None)
    plan, floor = overstaff_plan(inst)
    assert floor.at_shortfall_floor == 40 - 4 * 5 and floor.shortfall_floor == 4 * 2
    assert math.isnan(floor.forced)  # not solved for
    assert sum(plan.values()) == pytest.approx(5)  # the minimum's five shifts, keyed (skills group, template)
    morning = range(8 * 60 // inst.slot_min, 12 * 60 // inst.slot_min)
    for (g, k), agents in plan.items():
        t = inst.templates[k]
        assert inst.groups[g] == ("voice",) and agents == pytest.approx(1)  # one agent a day, whole here
        assert t.start <= t.day * inst.slots_per_day + morning.start and t.end >= t.day * inst.slots_per_day + morning.stop
    assert len({inst.templates[k].day for _, k in plan}) == 5


def test_with_the_shifts_fixed_only_breaks_and_channels_are_left():
    cfg = tiny_config(hmin=40)  # 5 shifts of 8 hours must be worked
    req = tiny_requirements(cfg, need=MORNING, days=7)
    inst = build_instance(cfg, req, agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}]),
                          no_leave(), WEEK, None)
    day = inst.slots_per_day
    morning = 8 * 60 // inst.slot_min
    shift = 8 * 60 // inst.slot_min
    on_mornings = [(0, d * day + morning, d * day + morning + shift) for d in range(5)]
    late = [(0, d * day + morning + 4 * 60 // inst.slot_min, d * day + morning + 4 * 60 // inst.slot_min + shift)
            for d in range(5)]
    # five shifts from 08:00 cover five of the seven mornings: the LP's own best, so the floors are the free LP's
    assert overstaff_for_shifts(inst, on_mornings).at_shortfall_floor == overstaff_plan(inst)[1].at_shortfall_floor
    # five shifts from 12:00 cover no morning: every required slot short, every worked slot over
    fixed = overstaff_for_shifts(inst, late)
    assert fixed.shortfall_floor == fixed.required and fixed.forced == fixed.at_shortfall_floor == 5 * shift
    with pytest.raises(ValueError, match="not this instance's"):
        overstaff_for_shifts(inst, [(0, 1, 2)])


@pytest.mark.slow
def test_a_rosters_own_shifts_floor_is_never_above_it():
    from planner.scheduling.solve import solve_roster

    cfg, req, agents, leave = _random_instance(1)
    result = solve_roster(cfg, req, agents, leave, WEEK, time_limit_s=4)
    inst = build_instance(cfg, req, agents, leave, WEEK, None)
    index = {a.agent_id: i for i, a in enumerate(inst.agents)}
    origin, slot = pd.Timestamp(inst.week_start), pd.Timedelta(minutes=inst.slot_min)
    worked = [(index[str(r.agent_id)], int((r.shift_start - origin) / slot), int((r.shift_end - origin) / slot))
              for r in result.roster.itertuples()]
    own = overstaff_for_shifts(inst, worked)
    free = overstaff_floor(inst)
    assert own.shortfall_floor <= sum(result.shortfall_agent_slots.values())
    assert own.forced <= sum(result.overstaff_agent_slots.values())
    assert own.forced >= free.forced  # fixing the shifts only takes choices away
