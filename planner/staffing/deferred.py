"""Deferred channels (email, social): agents per slot from workload, a backlog and a response-time target.

Contacts arrive in every slot, around the clock; agents work only in open slots. Each agent gives
interval_s × max_occupancy seconds of handling per slot. A contact arriving in slot i and handled in slot j counts as
answered within the target H when (j − i + 1) × interval ≤ H: from the start of its arrival slot to the end of its
handling slot, the longest it can have waited, so the share reported is a guaranteed lower bound under the fluid model.

Every contact gets a due slot (`due_slots`). A contact that can meet H (an open slot lies within H of its arrival) is
due at the last such open slot: first come first served, since a later arrival is never due earlier. A contact that
arrives while the channel is closed, more than H before it opens, cannot meet H whatever the staffing; it is due by
the end of the first `backlog_clear_s` of open time (the shortest shift a contract allows, so a roster can supply the
level), or within H of the opening when that is later. Contacts are answered in order of due slot, then of arrival
(earliest due first), in the plan and in every replay of a roster (`serve`): first come first served, except that
the backlog a closure made late waits behind the contacts that can still be answered in time, instead of asking for
a spike of agents at the opening that no shift can supply.

Planning walks the open slots in order, keeping the work answered ahead of the work due. In each slot it computes r,
the lowest constant rate (agents per slot) meeting every due slot in the look-ahead window, and staffs floor(r)
agents, or more when needed so that the due slots ahead stay reachable with at most ceil(r) agents per slot. Staffing
is thus level where volume is steady, and integer rounding costs at most about one agent for a short stretch, so
total staffed hours stay near the lower bound volume × AHT / max occupancy. Every contact that can meet H does, so
the share within H is the most the opening hours allow (≥ X whenever X is reachable).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DeferredOutcome:
    """Per-slot results of serving a deferred channel with given agents (arrays over the slots)."""

    agents: np.ndarray  # productive agents per slot
    handled: np.ndarray  # contacts handled in the slot
    backlog: np.ndarray  # contacts waiting at the end of the slot
    within_target: np.ndarray  # of the contacts that ARRIVED in the slot, how many are answered within H
    response_s: np.ndarray  # mean response time (s) of the contacts that arrived in the slot, NaN if none answered
    unanswered: np.ndarray  # of the contacts that arrived in the slot, how many are still waiting at the end
    late: np.ndarray  # of the contacts that arrived in the slot, how many miss H (answered late, or waiting past H)
    occupancy: np.ndarray  # handling time / (agents × interval), 0 with no agents

    @property
    def within_target_share(self) -> float:
        """Share of the judged contacts answered within H (those still waiting with H not yet over are not judged)."""
        judged = float(self.within_target.sum() + self.late.sum())
        return float(self.within_target.sum()) / judged if judged > 0 else 1.0


def _slots_within(answer_within_s: float, interval_s: float) -> int:
    return max(int(math.floor(answer_within_s / interval_s + 1e-9)), 1)


def due_slots(open_mask, answer_within_s: float, interval_s: float, backlog_clear_s: float = 0.0) -> np.ndarray:
    """Per arrival slot: the open slot by which it is answered (module docstring), or n_slots + i with no open slot ahead."""
    open_mask = np.asarray(open_mask, dtype=bool)
    n_slots = open_mask.size
    slots = np.arange(n_slots)
    open_idx = np.flatnonzero(open_mask)
    due = n_slots + slots
    if open_idx.size == 0:
        return due
    h = _slots_within(answer_within_s, interval_s)
    first_pos = np.searchsorted(open_idx, slots, side="left")  # first open slot at or after i
    served = first_pos < open_idx.size
    opening = open_idx[np.minimum(first_pos, open_idx.size - 1)]  # the arrival slot itself when open
    can_meet = served & (opening <= slots + h - 1)
    last_pos = open_idx.size - 1
    in_time = np.searchsorted(open_idx, slots + h - 1, side="right") - 1  # last open slot within H of arrival
    from_opening = np.searchsorted(open_idx, opening + h - 1, side="right") - 1  # within H of the opening
    spread = first_pos + max(int(round(backlog_clear_s / interval_s)), 1) - 1  # end of the first open stretch
    late_pos = np.minimum(np.maximum(from_opening, spread), last_pos)
    pos = np.where(can_meet, in_time, late_pos)
    return np.where(served, open_idx[np.clip(pos, 0, last_pos)], due)


def serve(agents, offered, aht_s, interval_s: float, answer_within_s: float, max_occupancy: float,
          open_mask=None, backlog_clear_s: float = 0.0) -> DeferredOutcome:
    """Serve the forecast earliest-due-first (`due_slots`; every slot open when open_mask is None: plain FIFO) with
    the given productive agents per slot; per-slot outcome."""
    agents = np.asarray(agents, dtype=float)
    offered = np.asarray(offered, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    n_slots = offered.size
    mask = np.ones(n_slots, dtype=bool) if open_mask is None else np.asarray(open_mask, dtype=bool)
    due = due_slots(mask, answer_within_s, interval_s, backlog_clear_s).tolist()
    h = _slots_within(answer_within_s, interval_s)
    handled = np.zeros(n_slots)
    backlog = np.zeros(n_slots)
    within = np.zeros(n_slots)
    late = np.zeros(n_slots)
    wait_sum = np.zeros(n_slots)
    answered = np.zeros(n_slots)
    busy_s = np.zeros(n_slots)
    left = offered.copy()
    queue: list[tuple[int, int]] = []  # (due slot, arrival slot) of the arrivals still waiting
    waiting = 0.0
    eps = 1e-9
    agents_l, offered_l, aht_l = agents.tolist(), offered.tolist(), aht.tolist()
    for j in range(n_slots):
        if offered_l[j] > 0:
            heapq.heappush(queue, (due[j], j))
            waiting += offered_l[j]
        capacity = agents_l[j] * interval_s * max_occupancy
        while queue and capacity > eps:
            i = queue[0][1]
            each = aht_l[i]
            take = min(left[i], capacity / each)
            capacity -= take * each
            busy_s[j] += take * each
            handled[j] += take
            waiting -= take
            answered[i] += take
            wait_sum[i] += take * (j - i + 0.5) * interval_s
            if j - i + 1 <= h:
                within[i] += take
            else:
                late[i] += take
            left[i] -= take
            if left[i] <= eps:
                heapq.heappop(queue)
        backlog[j] = max(waiting, 0.0)
    unanswered = np.zeros(n_slots)
    for _, i in queue:
        unanswered[i] += left[i]
        if n_slots - i > h:  # its H ended inside the horizon: it is late already
            late[i] += left[i]
    with np.errstate(divide="ignore", invalid="ignore"):
        response = np.where(answered > 0, wait_sum / answered, np.nan)
        occ = np.where(agents > 0, busy_s / (agents * interval_s), 0.0)
    return DeferredOutcome(agents.astype(np.int64), handled, backlog, within, response, unanswered, late, occ)


def plan(offered, aht_s, interval_s: float, open_mask, answer_within_s: float, max_occupancy: float,
         min_agents: int = 0, backlog_clear_s: float = 0.0) -> np.ndarray:
    """Productive agents per slot (0 when closed) answering every contact by its due slot, level and near the
    workload bound."""
    offered = np.asarray(offered, dtype=float)
    open_mask = np.asarray(open_mask, dtype=bool)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    agents = np.zeros(offered.size, dtype=np.int64)
    open_idx = np.flatnonzero(open_mask)
    if open_idx.size == 0:
        return agents
    n_slots, n_pos = offered.size, open_idx.size
    work = offered * aht / (interval_s * max_occupancy)  # agent-slots of handling per arrival slot
    due = due_slots(open_mask, answer_within_s, interval_s, backlog_clear_s)
    keep = (due < n_slots) & (work > 0)  # arrivals after the last open slot are not served in this horizon
    due_pos = np.searchsorted(open_idx, np.minimum(due, n_slots - 1))
    first_pos = np.searchsorted(open_idx, np.arange(n_slots), side="left")
    remaining = np.bincount(due_pos[keep], weights=work[keep], minlength=n_pos)  # work not yet answered, by due slot
    window = int(max((due_pos - first_pos)[keep].max(initial=0) + 1, 1))
    steps = np.arange(1, window + 2, dtype=float)
    left = work.copy()
    queue: list[tuple[int, int]] = []
    due_l, keep_l = due.tolist(), keep.tolist()
    arrived, available = 0, 0.0
    eps = 1e-9
    for p in range(n_pos):
        j = int(open_idx[p])
        for i in range(arrived, j + 1):
            if keep_l[i]:
                heapq.heappush(queue, (due_l[i], i))
                available += left[i]
        arrived = j + 1
        need = np.cumsum(remaining[:p + window + 1])[p:]  # work due by each open slot ahead (overdue included)
        k = steps[:need.size]
        rate = max(float((need / k).max()), 0.0)  # lowest constant rate meeting every due slot ahead
        cap = math.ceil(rate - eps)
        # fewest agents now that keep every due slot ahead reachable with at most `cap` agents per slot later
        n_min = math.ceil(max(float((need - cap * (k - 1)).max()), 0.0) - eps)
        n = max(n_min, math.floor(rate + eps))
        n = min(n, math.ceil(available - eps))
        n = max(n, min_agents, 0)
        agents[j] = n
        capacity = float(n)
        while queue and capacity > eps:  # answer earliest due first, as serve() does
            i = queue[0][1]
            take = min(left[i], capacity)
            capacity -= take
            left[i] -= take
            available -= take
            remaining[due_pos[i]] -= take
            if left[i] <= eps:
                heapq.heappop(queue)
    return agents
