"""Reshape a first roster by one-agent moves priced by the cost model: drop, move, resize or add a shift.

The LP plan covers the requirement with shifts whose surplus costs it nothing, and agents handed those shifts take
whatever their week allows, so a first roster can carry hundreds of paid hours above both the requirement and the
contracts' weekly minimums (on the sample site of seed 1: 4,668 paid hours handed out against 3,969 owed and 3,881
hours required, 14% of required agent-slots overstaffed) while some slots stay short. CP-SAT's search rarely finds
the one-agent moves that fix that. Here every agent-day is offered each move:

- drop the shift;
- replace it by another template of the same day (start earlier or later, shorter or longer);
- work a day off (add a shift), or move a shift to a day off (never a day the agent asked to have off: the soft
  rule's price is not part of the start's cost).

A move is priced exactly against the start's completion (breaks and channels placed): the agent leaves the slots
they no longer work (each on the channel they are cheapest to lose from), takes the slots they newly work (each on
the channel that gains most), gives back their breaks and takes the new shift's breaks where presence is worth
least; paid hours are priced too. Moves that save are applied, best first, while every hard rule holds: weekly paid
minutes between the week's minimum and the contract's maximum, days per week, consecutive days, and rest between
shifts and after the previous roster. Every other shift keeps its breaks and channels, so the trimmed start costs
exactly what its moves were priced at (placing every break again would undo the saving: the greedy placement puts
breaks where cover is to spare, and the moves have just taken the spare away).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from planner.scheduling.complete import Completion
from planner.scheduling.costs import SlotCost, paid_cost
from planner.scheduling.instance import Instance, Template
from planner.scheduling.rules import weekly_minimum_min

INVALID = -(10**15)  # a slot the agent cannot work: none of the group's channels is open there


@dataclass
class TrimReport:
    """What the trim did: moves of each kind, passes run and paid minutes saved (negative: added)."""

    dropped: int = 0
    reshaped: int = 0
    added: int = 0
    moved: int = 0
    passes: int = 0
    paid_min_saved: int = 0
    settled: bool = False  # the last pass found no saving move (False: the pass budget ended the trim)

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {"shifts_dropped": self.dropped, "shifts_reshaped": self.reshaped, "shifts_added": self.added,
                "shifts_moved_to_another_day": self.moved, "passes": self.passes,
                "settled": self.settled, "paid_hours_saved": round(self.paid_min_saved / 60, 2)}


class _Move(NamedTuple):
    """One agent's move: the day left (None: a day off is worked), the day worked and its template (None: dropped),
    the slots the agent was on task and the break placements given back, and the new shift's break placements."""

    saving: int  # scaled cost units
    day_out: int | None
    day_in: int | None
    template: int | None
    here: np.ndarray
    given: list[tuple]
    new_breaks: list[tuple]


class _State:
    """A first roster being reshaped: its weeks and its completion (breaks, working agents, channel flows, cover)."""

    def __init__(self, inst: Instance, costs: dict[tuple[int, int], SlotCost], weeks: dict[int, dict[int, int]],
                 done: Completion) -> None:
        self.inst = inst
        self.costs = costs
        self.weeks = {i: dict(week) for i, week in weeks.items()}
        self.breaks = dict(done.breaks)
        self.working = dict(done.working)
        self.flows = dict(done.flows)
        self.cover = done.cover.copy()
        self._costs: dict[tuple[int, int, int], int] = {}
        n = inst.n_slots
        self.open = [[[inst.channels.index(c) for c in inst.groups[g] if inst.channel_open[inst.channels.index(c), s]]
                      for s in range(n)] for g in range(len(inst.groups))]
        self.lose = np.zeros((len(inst.groups), n), dtype=np.int64)  # cost of one working agent of g leaving s
        self.gain = np.zeros((len(inst.groups), n), dtype=np.int64)  # cost saved by one more agent of g at s
        self.refresh(range(n))

    def completion(self) -> Completion:
        """The reshaped roster's completion."""
        return Completion(breaks=self.breaks, working=self.working, flows=self.flows, cover=self.cover, objective=None)

    def _cost(self, c: int, s: int, n: int) -> int:
        key = (c, s, n)
        if key not in self._costs:
            self._costs[key] = self.costs[(c, s)].cost(n)
        return self._costs[key]

    def _delta(self, c: int, s: int, step: int) -> int:
        """Cost change (scaled) when channel c gets `step` (±1) agents in slot s."""
        n = int(self.cover[c, s])
        if (c, s) not in self.costs or n + step < 0:
            return 0
        return self._cost(c, s, n + step) - self._cost(c, s, n)

    def _served(self, g: int, s: int) -> list[int]:
        """Channels a working agent of group g serves in slot s (flows; a group with one open channel keeps none)."""
        if self.working.get((g, s), 0) <= 0:
            return []
        here = self.open[g][s]
        if len(here) == 1:
            return here if self.cover[here[0], s] > 0 else []
        return [c for c in here if self.flows.get((s, g, c), 0) > 0]

    def _leave_channel(self, g: int, s: int) -> int | None:
        served = self._served(g, s)
        return min(served, key=lambda c: (self._delta(c, s, -1), c)) if served else None

    def _join_channel(self, g: int, s: int) -> int | None:
        here = self.open[g][s]
        return min(here, key=lambda c: (self._delta(c, s, 1), c)) if here else None

    def refresh(self, slots) -> None:
        """Recompute the leave and join prices of every group over these slots."""
        for s in slots:
            for g in range(len(self.open)):
                c = self._leave_channel(g, s)
                self.lose[g, s] = 0 if c is None else self._delta(c, s, -1)
                c = self._join_channel(g, s)
                self.gain[g, s] = INVALID if c is None else -self._delta(c, s, 1)

    def leave(self, g: int, s: int) -> None:
        """One working agent of group g leaves slot s."""
        c = self._leave_channel(g, s)
        if c is None:
            return
        self.working[(g, s)] -= 1
        self.cover[c, s] -= 1
        if (s, g, c) in self.flows:
            self.flows[(s, g, c)] -= 1

    def join(self, g: int, s: int) -> None:
        """One more agent of group g works slot s."""
        c = self._join_channel(g, s)
        self.working[(g, s)] = self.working.get((g, s), 0) + 1
        self.cover[c, s] += 1
        if len(self.open[g][s]) > 1 or (s, g, c) in self.flows:
            self.flows[(s, g, c)] = self.flows.get((s, g, c), 0) + 1

    def own_breaks(self, g: int, t: Template) -> list[tuple] | None:
        """The break placements an agent working t gives back when leaving it: per break kind the one over the
        slots that would cost most to leave (the agent was off there); None if the completion holds none."""
        out = []
        for kind in t.breaks:
            offs = [off for off in range(kind.earliest_offset, kind.latest_offset + 1)
                    if self.breaks.get((g, t.start, kind, off), 0) > 0]
            if not offs:
                return None
            first = t.start
            off = max(offs, key=lambda o: (int(self.lose[g, first + o:first + o + kind.duration_slots].sum()), -o))
            out.append((g, t.start, kind, off))
        return out


def _presence(t: Template, placements: list[tuple]) -> np.ndarray:
    """Slots an agent working t is on task (shift less the given break placements), as slot indices."""
    off_task = set()
    for _, start, kind, off in placements:
        off_task.update(range(start + off, start + off + kind.duration_slots))
    return np.array([s for s in range(t.start, t.end) if s not in off_task], dtype=np.int64)


class _Prices:
    """Prefix sums of what an agent's presence is worth per slot, to price any template in a few additions."""

    def __init__(self, value: np.ndarray) -> None:
        bad = value <= INVALID // 2
        self.worth = np.concatenate([[0], np.cumsum(np.where(bad, 0, value))]).tolist()
        self.closed = np.concatenate([[0], np.cumsum(bad)]).tolist()
        self._best: dict[tuple, tuple[int, int, int]] = {}

    def span(self, a: int, b: int) -> tuple[int, int]:
        """(closed slots, worth of the open ones) over slots a..b-1."""
        return self.closed[b] - self.closed[a], self.worth[b] - self.worth[a]

    def best_break(self, start: int, kind) -> tuple[int, int, int]:
        """(offset, closed slots, worth) of the placement of a break of this kind for a shift starting at start
        where presence is worth least (a closed slot first); the same for every template with that start."""
        key = (start, id(kind))
        if key not in self._best:
            d, closed, worth = kind.duration_slots, self.closed, self.worth
            self._best[key] = min(
                ((off, closed[start + off + d] - closed[start + off], worth[start + off + d] - worth[start + off])
                 for off in range(kind.earliest_offset, kind.latest_offset + 1)),
                key=lambda p: (-p[1], p[2], p[0]))
        return self._best[key]


def _place_new(prices: _Prices, g: int, t: Template) -> tuple[int, list[tuple]] | None:
    """(worth of working t, its break placements): each break goes where presence is worth least (a closed slot
    first); None if t cannot be worked (a closed slot off break, or overlapping breaks)."""
    placements, taken = [], []
    closed, worth = prices.span(t.start, t.end)
    for kind in t.breaks:
        best, off_closed, off_worth = prices.best_break(t.start, kind)
        a, b = t.start + best, t.start + best + kind.duration_slots
        if any(a < y and x < b for x, y in taken):
            return None
        taken.append((a, b))
        closed, worth = closed - off_closed, worth - off_worth
        placements.append((g, t.start, kind, best))
    return (worth, placements) if closed == 0 else None


class _Rules:
    """The per-agent hard rules a move must keep."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.rest = math.ceil(inst.config.labour_rules.min_rest_h * 60 / inst.slot_min)
        self.max_consecutive = inst.config.labour_rules.max_consecutive_days

    def week_ok(self, i: int, week: dict[int, int]) -> bool:
        """Every hard rule of agent i's week (day -> template index)."""
        inst = self.inst
        agent = inst.agents[i]
        contract = inst.config.contract(agent.contract)
        for days in inst.weeks:
            paid = sum(inst.templates[week[d]].paid_min for d in days if d in week)
            if paid < weekly_minimum_min(inst, agent, days) or paid > round(contract.weekly_hours_max * 60):
                return False
            if sum(1 for d in days if d in week) > contract.days_per_week_max:
                return False
        run = min(agent.prev_consecutive_days, self.max_consecutive + 1)
        for d in range(inst.n_days):
            run = run + 1 if d in week else 0
            if run > self.max_consecutive:
                return False
        shifts = sorted((inst.templates[k].start, inst.templates[k].end) for k in week.values())
        if shifts and agent.prev_end_slot is not None and shifts[0][0] < agent.prev_end_slot + self.rest:
            return False
        return all(b[0] - a[1] >= self.rest for a, b in zip(shifts, shifts[1:], strict=False))


def trim_start(inst: Instance, costs: dict[tuple[int, int], SlotCost], weeks: dict[int, dict[int, int]],
               done: Completion, max_passes: int) -> tuple[dict[int, dict[int, int]], Completion, TrimReport]:
    """A first roster (weeks: agent index -> {day: template index}, and its completion) reshaped by the one-agent moves
    that save cost under every hard rule (see the module), in at most max_passes passes over every agent (each applies
    every saving move it still finds). Its cost is the start's less the savings reported."""
    weights = inst.config.solver.weights
    paid = [paid_cost(weights, t.paid_min) for t in inst.templates]  # scaled, per template index
    state = _State(inst, costs, weeks, done)
    rules = _Rules(inst)
    report = TrimReport()
    agents = sorted(set(state.weeks) | {i for i, a in enumerate(inst.agents) if any(a.templates.values())})
    for i in agents:
        state.weeks.setdefault(i, {})

    def value_of_presence(g: int, here: np.ndarray) -> np.ndarray:
        value = state.gain[g].copy()
        value[here] = state.lose[g, here]
        return value

    def best_move(i: int) -> _Move | None:
        """Agent i's most saving move under every hard rule, or None when no move saves."""
        agent = inst.agents[i]
        g = agent.group
        week = state.weeks[i]
        best = None
        leaving = {}
        for day, k in week.items():
            t = inst.templates[k]
            given = state.own_breaks(g, t)
            if given is None:
                continue
            here = _presence(t, given)
            leaving[day] = (here, given, int(state.lose[g, here].sum()) - paid[k])
        for day, k in sorted(week.items()):
            if day not in leaving:
                continue
            here, given, leave_cost = leaving[day]
            rest_of_week = {d: kk for d, kk in week.items() if d != day}
            if rules.week_ok(i, rest_of_week):  # drop
                saving = -leave_cost
                if saving > 0 and (best is None or saving > best.saving):
                    best = _Move(saving, day, None, None, here, given, [])
            prices = _Prices(value_of_presence(g, here))
            for k2 in agent.templates.get(day, []):
                if k2 == k:
                    continue
                t2 = inst.templates[k2]
                placed = _place_new(prices, g, t2)
                if placed is None:
                    continue
                worth, new_breaks = placed
                saving = worth - leave_cost - paid[k2]
                if saving > 0 and (best is None or saving > best.saving) and rules.week_ok(i, rest_of_week | {day: k2}):
                    best = _Move(saving, day, day, k2, here, given, new_breaks)
        # a day the agent asked to have off is left off: the soft rule's price is not in the start's cost
        free = [d for d in sorted(agent.templates)
                if d not in week and agent.templates[d] and d not in agent.requested_leave]
        if free:
            empty = np.zeros(0, dtype=np.int64)
            prices = _Prices(state.gain[g])
            for day in free:
                for k2 in agent.templates[day]:
                    t2 = inst.templates[k2]
                    placed = _place_new(prices, g, t2)
                    if placed is None:
                        continue
                    worth, new_breaks = placed
                    add = worth - paid[k2]
                    if add > 0 and (best is None or add > best.saving) and rules.week_ok(i, week | {day: k2}):
                        best = _Move(add, None, day, k2, empty, [], new_breaks)
                    for d1, (here, given, leave_cost) in leaving.items():  # move a shift from d1 to this day
                        saving = add - leave_cost
                        if saving > 0 and (best is None or saving > best.saving):
                            moved = {d: kk for d, kk in week.items() if d != d1} | {day: k2}
                            if rules.week_ok(i, moved):
                                best = _Move(saving, d1, day, k2, here, given, new_breaks)
        return best

    for _ in range(max_passes):
        report.passes += 1
        moves = [(m.saving, i) for i in agents if (m := best_move(i)) is not None]
        applied = 0
        for _, i in sorted(moves, key=lambda m: (-m[0], m[1])):
            move = best_move(i)  # earlier moves of this pass may have changed its prices
            if move is None:
                continue
            _apply(inst, state, i, move, report)
            applied += 1
        if not applied:
            report.settled = True
            break
    return {i: week for i, week in state.weeks.items() if week}, state.completion(), report


def _apply(inst: Instance, state: _State, i: int, move: _Move, report: TrimReport) -> None:
    """Carry out agent i's move on the state and count it."""
    g = inst.agents[i].group
    day_out, day_in, k_new, here, given, new_breaks = move[1:]
    week = state.weeks[i]
    old_paid = inst.templates[week[day_out]].paid_min if day_out is not None else 0
    new_here = set()
    if k_new is not None:
        t2 = inst.templates[k_new]
        new_here = set(_presence(t2, new_breaks).tolist())
    old_here = set(here.tolist())
    touched = old_here | new_here
    for s in sorted(old_here - new_here):
        state.leave(g, s)
    for s in sorted(new_here - old_here):
        state.join(g, s)
    for key in given:
        state.breaks[key] -= 1
    for key in new_breaks:
        state.breaks[key] = state.breaks.get(key, 0) + 1
    new_paid = inst.templates[k_new].paid_min if k_new is not None else 0
    report.paid_min_saved += old_paid - new_paid
    if day_out is not None:
        del week[day_out]
    if k_new is not None:
        week[day_in] = k_new
    if day_out is not None and k_new is None:
        report.dropped += 1
    elif day_out is None:
        report.added += 1
    elif day_out == day_in:
        report.reshaped += 1
    else:
        report.moved += 1
    state.refresh(sorted(touched))  # a slot's prices depend on that slot's cover, working agents and flows only


def surplus(inst: Instance, done: Completion) -> int:
    """Overstaffed agent-slots of a completion's cover."""
    req = inst.required.astype(int)
    return int(np.maximum(0, done.cover[:, :req.shape[1]] - req).sum())
