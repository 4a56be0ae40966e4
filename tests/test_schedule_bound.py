"""The LP lower bound on shortfall: hand-computable values, and never above the shortfall of a solved roster."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling.bound import shortfall_lower_bound

LUNCH_60_UNPAID = "{min_shift_h: 6, durations_min: [60], window_start_h: 3, window_end_h: 5, paid: false}"
OPEN_SLOTS_PER_DAY = 16  # 06:00-22:00 on 60-minute slots


def _one_agent(skills=("voice",)):
    return agents_table([{"agent_id": "A1", "skills": list(skills), "contract": "std"}])


def test_one_agent_against_a_requirement_wider_than_any_shift():
    cfg = tiny_config()
    req = tiny_requirements(cfg, default={"voice": 1})
    bound = shortfall_lower_bound(cfg, req, _one_agent(), no_leave(), WEEK)
    # 7 days x 16 slots required; at most 5 shifts of 8 slots worked
    assert bound.required_total == 7 * OPEN_SLOTS_PER_DAY
    assert bound.total == 7 * OPEN_SLOTS_PER_DAY - 5 * 8


def test_weekly_hours_cap_binds_before_days():
    cfg = tiny_config(hmax=24)
    req = tiny_requirements(cfg, default={"voice": 1})
    bound = shortfall_lower_bound(cfg, req, _one_agent(), no_leave(), WEEK)
    assert bound.total == 7 * OPEN_SLOTS_PER_DAY - 3 * 8


def test_an_unpaid_lunch_takes_a_slot_off_every_shift():
    cfg = tiny_config(lunch=LUNCH_60_UNPAID)
    req = tiny_requirements(cfg, default={"voice": 1})
    bound = shortfall_lower_bound(cfg, req, _one_agent(), no_leave(), WEEK)
    # 5 days (the day limit binds: 5 x 7 paid hours < 40) of 8 on-site slots minus the 1-slot lunch
    assert bound.total == 7 * OPEN_SLOTS_PER_DAY - 5 * 7


def test_one_shift_a_day_cannot_serve_two_channels_at_different_times():
    cfg = tiny_config()
    need = {"voice": {h: 1 for h in range(6, 14)}, "chat": {h: 1 for h in range(14, 22)}}
    req = tiny_requirements(cfg, need=need, days=1)
    bound = shortfall_lower_bound(cfg, req, _one_agent(("voice", "chat")), no_leave(), WEEK, per_channel=True)
    assert bound.total == 8  # one 8-hour shift covers one of the two 8-hour blocks
    assert bound.per_channel == {"voice": 0.0, "chat": 0.0}  # either channel alone can be fully covered


def test_skills_limit_coverage():
    cfg = tiny_config()
    req = tiny_requirements(cfg, need={"chat": {h: 1 for h in range(8, 16)}}, days=1)
    assert shortfall_lower_bound(cfg, req, _one_agent(("voice",)), no_leave(), WEEK).total == 8
    assert shortfall_lower_bound(cfg, req, _one_agent(("chat",)), no_leave(), WEEK).total == 0


def test_approved_leave_removes_the_agent_and_requested_leave_does_not():
    cfg = tiny_config()
    req = tiny_requirements(cfg, need={"voice": {h: 1 for h in range(8, 16)}}, days=1)
    leave = pd.DataFrame([{"agent_id": "A1", "start_date": WEEK, "end_date": WEEK, "kind": "annual", "status": "approved"}])
    assert shortfall_lower_bound(cfg, req, _one_agent(), leave, WEEK).total == 8
    requested = leave.assign(status="requested")
    assert shortfall_lower_bound(cfg, req, _one_agent(), requested, WEEK).total == 0


def test_availability_window_limits_templates():
    cfg = tiny_config()
    req = tiny_requirements(cfg, need={"voice": {h: 1 for h in range(6, 14)}}, days=1)
    agents = agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std",
                            "available_from": "10:00", "available_to": "22:00"}])
    assert shortfall_lower_bound(cfg, req, agents, no_leave(), WEEK).total == 4  # 06:00-10:00 cannot be covered


def _random_instance(seed: int):
    rng = np.random.default_rng(seed)
    cfg = tiny_config(lunch=LUNCH_60_UNPAID, hmin=16, hmax=32, days=4, lengths="[6, 8]", rest=12, consec=3)
    need = {ch: {h: int(rng.integers(0, 3)) for h in range(6, 22)} for ch in ("voice", "chat")}
    req = tiny_requirements(cfg, need=need)
    skills = [["voice"], ["chat"], ["voice", "chat"]]
    agents = agents_table([{"agent_id": f"A{i}", "skills": skills[i % 3], "contract": "std"} for i in range(4)])
    day = WEEK + dt.timedelta(days=int(rng.integers(0, 7)))
    leave = pd.DataFrame([{"agent_id": "A1", "start_date": day, "end_date": day, "kind": "annual", "status": "approved"}])
    return cfg, req, agents, leave


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_never_exceeds_a_solved_rosters_shortfall(seed):
    from planner.scheduling.solve import solve_roster

    cfg, req, agents, leave = _random_instance(seed)
    bound = shortfall_lower_bound(cfg, req, agents, leave, WEEK, per_channel=True)
    result = solve_roster(cfg, req, agents, leave, WEEK, time_limit_s=4)
    assert bound.total > 0  # the instance is short of agents, so the check has teeth
    assert sum(result.shortfall_agent_slots.values()) >= bound.total
    for channel, value in bound.per_channel.items():
        assert result.shortfall_agent_slots.get(channel, 0) >= value
    assert bound.required_total == result.coverage["required"].sum()
