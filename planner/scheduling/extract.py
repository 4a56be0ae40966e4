"""From solver values to named agents: breaks and channels handed out one to one, then the output tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from planner.calendar import DAY_MIN, day_window
from planner.scheduling.costs import late_at
from planner.scheduling.instance import Instance, Template
from planner.scheduling.model import RosterModel
from planner.scheduling.replan import published_template

BREAK = "break"
LEAVE = "leave"


@dataclass
class AgentDay:
    """One worked day of one agent after extraction."""

    agent_id: str
    template: Template
    breaks: list[tuple[int, int, str]] = field(default_factory=list)  # (start slot, length in slots, kind name)
    activity: dict[int, str] = field(default_factory=dict)  # slot -> channel or 'break'


def chosen_days(inst: Instance, rm: RosterModel, solver: cp_model.CpSolver) -> dict[tuple[int, int], AgentDay]:
    """(agent index, day) -> the template worked, from the per agent-day choice."""
    out = {}
    for i, av in enumerate(rm.agents):
        for day, pairs in av.x.items():
            for t, v in pairs:
                if solver.boolean_value(v):
                    out[(i, day)] = AgentDay(av.agent.agent_id, t)
    return out


def hand_out_breaks(inst: Instance, rm: RosterModel, solver: cp_model.CpSolver, days: dict[tuple[int, int], AgentDay]) -> None:
    """Give each agent the break offsets their group's flows chose (windows cannot overlap). A re-plan first gives
    the days the model kept as published their published breaks (the flows hold them, replan.change_terms), then
    every other day worked as published its published offsets where the flows have them left; the rest in agent_id
    order."""
    takers: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for (i, day), ad in sorted(days.items()):
        for kind in ad.template.breaks:
            takers[(inst.agents[i].group, ad.template.start, kind)].append((i, day))
    wanted: dict[tuple[int, int], dict] = {}  # (agent, day) worked as published -> {break kind: published offset}
    for key, ad in days.items():
        found = published_template(inst, *key) if inst.published else None
        if found is not None and found[0] == ad.template.index and found[1] is not None:
            wanted[key] = dict(zip(ad.template.breaks, found[1], strict=True))
    kept = {key for key, var in rm.kept.items() if key in days and solver.boolean_value(var)}
    for (g, start, kind), keys in takers.items():
        left = {off: solver.value(rm.breaks[(g, start, kind, off)])
                for off in range(kind.earliest_offset, kind.latest_offset + 1)}
        given: dict[tuple[int, int], int] = {}
        for key in sorted(keys, key=lambda k: k not in kept):  # stable: agent order within each rank
            off = wanted.get(key, {}).get(kind)
            if off is not None and left[off] > 0:
                given[key], left[off] = off, left[off] - 1
        spare = [off for off, n in left.items() for _ in range(n)]
        rest = [key for key in keys if key not in given]
        for key, off in zip(rest, spare, strict=True):
            given[key] = off
        for key, off in given.items():
            days[key].breaks.append((start + off, kind.duration_slots, kind.name))
    for ad in days.values():
        ad.breaks.sort()
        for b_start, length, _ in ad.breaks:
            for s in range(b_start, b_start + length):
                ad.activity[s] = BREAK


def hand_out_channels(inst: Instance, rm: RosterModel, solver: cp_model.CpSolver, days: dict[tuple[int, int], AgentDay]) -> None:
    """Give each working agent-slot a channel so group flows are met, keeping each agent on their published channel
    (re-plan) or else their last channel when possible."""
    working: dict[tuple[int, int], list[AgentDay]] = defaultdict(list)  # (group, slot) -> agent-days
    for (i, _day), ad in sorted(days.items()):
        for s in range(ad.template.start, ad.template.end):
            if s not in ad.activity:
                working[(inst.agents[i].group, s)].append(ad)
    last: dict[int, str] = {}
    published = inst.published_channels or {}
    for (g, s), ads in sorted(working.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        skills = [inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
        flows = rm.coverage.flows
        capacity = {skills[0]: len(ads)} if len(skills) == 1 else {c: solver.value(flows[(s, g, c)]) for c in skills}

        def take(ad: AgentDay, channel: str | None, capacity=capacity, s=s) -> bool:
            c = inst.channels.index(channel) if channel in inst.channels else None
            if c is None or capacity.get(c, 0) <= 0:
                return False
            capacity[c] -= 1
            ad.activity[s] = channel
            return True

        # a re-plan first gives each agent the channel they served in the published roster, where the flows allow
        rest = [ad for ad in ads if not take(ad, published.get((ad.agent_id, s)))]
        pending = [ad for ad in rest if not take(ad, last.get(id(ad)))]
        for ad in pending:
            c = max(capacity, key=lambda k: (capacity[k], -k))
            capacity[c] -= 1
            ad.activity[s] = inst.channels[c]
            last[id(ad)] = inst.channels[c]
        for ad in ads:
            last[id(ad)] = ad.activity[s]


def tables(inst: Instance, days: dict[tuple[int, int], AgentDay]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Typed shifts (each with its breaks as (start, end, kind) tuples, see roster.typed_shifts), activity per slot and
    coverage (the horizon's open slots and any slot with agents required or scheduled), sorted; timestamps on the
    slot axis, so a night shift ends the next day."""
    roster_rows, slot_rows = [], []
    scheduled = np.zeros((len(inst.channels), inst.n_slots), dtype=int)
    team = {a.agent_id: a.team for a in inst.agents}
    for (_i, day), ad in sorted(days.items(), key=lambda kv: (inst.agents[kv[0][0]].agent_id, kv[0][1])):
        t = ad.template
        breaks = [(inst.slot_time(b), inst.slot_time(b + n), "lunch" if name == "lunch" else "short")
                  for b, n, name in ad.breaks]
        served = sorted({a for a in ad.activity.values() if a != BREAK}, key=inst.channels.index)
        roster_rows.append((ad.agent_id, inst.day_date(day), inst.slot_time(t.start), inst.slot_time(t.end), breaks,
                            round(t.paid_min / 60, 2), team.get(ad.agent_id, ""), served))
        for s in range(t.start, t.end):
            act = ad.activity[s]
            slot_rows.append((ad.agent_id, inst.slot_time(s), act))
            if act != BREAK:
                scheduled[inst.channels.index(act), s] += 1
    for agent in inst.agents:
        for day in sorted(agent.approved_leave):
            hours = inst.config.hours_on(inst.day_date(day))
            if hours is None:
                continue
            first = (day * 1440 + hours.open_min) // inst.slot_min
            for s in range(first, min((day * 1440 + hours.close_min) // inst.slot_min, inst.n_slots)):
                slot_rows.append((agent.agent_id, inst.slot_time(s), LEAVE))
    columns = ["agent_id", "date", "shift_start", "shift_end", "breaks", "paid_hours", "team", "channels"]
    roster = pd.DataFrame(roster_rows, columns=columns)
    roster["shift_start"], roster["shift_end"] = pd.to_datetime(roster["shift_start"]), pd.to_datetime(roster["shift_end"])
    slots = pd.DataFrame(slot_rows, columns=["agent_id", "interval_start", "activity"])
    slots = slots.sort_values(["agent_id", "interval_start"], kind="stable").reset_index(drop=True)
    cov_rows = []
    listed = horizon_open(inst) | (inst.required > 0) | (scheduled > 0)
    for c, name in enumerate(inst.channels):
        for s in np.flatnonzero(listed[c]):
            req, sch = int(inst.required[c, s]), int(scheduled[c, s])
            cov_rows.append((inst.slot_time(int(s)), name, req, sch, sch - req))
    coverage = pd.DataFrame(cov_rows, columns=["interval_start", "channel", "required", "scheduled", "gap"])
    coverage = coverage.sort_values(["interval_start", "channel"], kind="stable").reset_index(drop=True)
    return roster, slots, coverage


def horizon_open(inst: Instance) -> np.ndarray:
    """(n_channels, n_slots) bool: the channel is open within the horizon's own days. The slot axis runs one day
    past them so that a night shift can end; on that day only the last day's opening past midnight counts."""
    end = inst.n_days * inst.slots_per_day
    last_day = inst.day_date(inst.n_days - 1)
    minute = DAY_MIN + (np.arange(inst.n_slots - end) * inst.slot_min)  # after the last day's midnight
    site = day_window(inst.config, last_day)
    open_ = inst.channel_open.copy()
    for c, name in enumerate(inst.channels):
        closes = [w[1] if w else 0 for w in (day_window(inst.config, last_day, name), site)]
        open_[c, end:] &= minute < min(closes)
    return open_


def gap_metrics(inst: Instance, rm: RosterModel, coverage: pd.DataFrame) -> tuple[dict, dict, float]:
    """Shortfall and overstaffing agent-slots per channel, and expected late contacts caused by the shortfall."""
    short = {c: 0 for c in inst.channels}
    over = {c: 0 for c in inst.channels}
    late = 0.0
    start = pd.Timestamp(inst.week_start)
    for row in coverage.itertuples(index=False):
        short[row.channel] += max(0, -row.gap)
        over[row.channel] += max(0, row.gap)
        if row.gap < 0:
            c = inst.channels.index(row.channel)
            s = int((row.interval_start - start).total_seconds() // 60 // inst.slot_min)
            curve = rm.coverage.curves.get((c, s))
            if curve is not None:
                ratio = inst.productive[c, s] / row.required if row.required else 1.0
                late += late_at(curve, row.scheduled * ratio) - late_at(curve, row.required * ratio)
    return short, over, round(late, 3)
