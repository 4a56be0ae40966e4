"""Breaks and channels for fixed shifts (complete.py): the sub-solve finds the best placement, checked by enumeration."""

from __future__ import annotations

import itertools

import numpy as np
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling.complete import complete_shifts, shift_counts
from planner.scheduling.costs import demand_cost
from planner.scheduling.instance import build_instance
from planner.scheduling.model import build_model

BREAKS = ("{min_shift_h: 6, durations_min: [30, 60], window_start_h: 3, window_end_h: 5, paid: false}",
          "{every_h: 2, duration_min: 15, tolerance_h: 0.5, min_shift_h: 4, paid: true}")


def _config():
    cfg = tiny_config(lunch=BREAKS[0], short=BREAKS[1], step=30)
    cfg = cfg.model_copy(update={"site": cfg.site.model_copy(update={"slot_minutes": 15})})
    # shortfall alone (plus the constant overstaffing it implies on one channel), so enumeration can check it
    weights = cfg.solver.weights.model_copy(update={"late_contact": 0.0})
    return cfg.model_copy(update={"solver": cfg.solver.model_copy(update={"weights": weights})})


def _best_by_enumeration(required: np.ndarray, template, agents: int) -> int:
    """Least shortfall over every way `agents` agents on `template` can place their breaks (one channel)."""
    options = list(itertools.product(*[range(b.earliest_offset, b.latest_offset + 1) for b in template.breaks]))
    best = None
    for combo in itertools.combinations_with_replacement(options, agents):
        working = np.zeros(required.shape[0], dtype=int)
        working[template.start:template.end] += agents
        for offsets in combo:
            for kind, off in zip(template.breaks, offsets, strict=True):
                working[template.start + off:template.start + off + kind.duration_slots] -= 1
        short = int(np.clip(required - working, 0, None).sum())
        best = short if best is None else min(best, short)
    return best


def test_completion_places_breaks_as_well_as_enumeration():
    cfg = _config()
    need = {8: 2, 9: 2, 10: 3, 11: 1, 12: 1, 13: 2, 14: 3, 15: 2}  # dips where the breaks should go
    req = tiny_requirements(cfg, {"voice": need}, days=1)
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in range(2)])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK)
    eight = [inst.templates[k] for k in inst.agents[0].templates[0]]
    template = next(t for t in eight if t.start == 8 * 4 and t.length == 32 and t.lunch_slots == 2)
    weeks = {0: {0: template.index}, 1: {0: template.index}}
    done = complete_shifts(inst, shift_counts(inst, weeks), cfg, budget_det=5)
    assert done is not None
    voice = inst.channels.index("voice")
    shortfall = int(np.clip(inst.required - done.cover, 0, None).sum())
    assert shortfall == _best_by_enumeration(inst.required[voice], template, 2)
    # the hand-out's yardstick (demand_cost, numpy) prices the placement as the sub-solve's objective does
    assert demand_cost(build_model(inst).coverage.costs, done.cover) == round(done.objective)
    # every shift's breaks are placed, inside their windows
    for kind in template.breaks:
        placed = {off: n for (g, start, k, off), n in done.breaks.items() if k == kind and start == template.start and n}
        assert sum(placed.values()) == 2
        assert all(kind.earliest_offset <= off <= kind.latest_offset for off in placed)


def test_completion_serves_the_short_channel_with_multi_skilled_agents():
    cfg = _config()
    req = tiny_requirements(cfg, {"voice": {h: 1 for h in range(8, 16)}, "chat": {h: 2 for h in range(8, 16)}}, days=1)
    agents = agents_table([{"agent_id": "V", "skills": ["voice"], "contract": "std"},
                           {"agent_id": "M1", "skills": ["voice", "chat"], "contract": "std"},
                           {"agent_id": "M2", "skills": ["voice", "chat"], "contract": "std"}])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK)
    day0 = [inst.templates[k] for k in inst.agents[0].templates[0]]  # every agent here has the same templates
    template = next(t for t in day0 if t.start == 8 * 4 and t.length == 32)
    done = complete_shifts(inst, shift_counts(inst, {i: {0: template.index} for i in range(3)}), cfg, budget_det=5)
    chat = inst.channels.index("chat")
    group = {a.agent_id: a.group for a in inst.agents}
    mixed, solo = group["M1"], group["V"]
    on_shift = range(template.start, template.end)
    # wherever the voice-only agent is at work, every working multi-skilled agent serves chat, the short channel
    covered = [s for s in on_shift if done.working[(solo, s)] == 1]
    assert len(covered) > 20
    assert all(done.flows[(s, mixed, chat)] == done.working[(mixed, s)] for s in covered)
