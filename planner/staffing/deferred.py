"""Deferred channels (email, social): agents per slot from workload, a FIFO backlog and a response-time target.

Contacts arrive in every slot, around the clock; agents work only in open slots. Each agent gives
interval_s × max_occupancy seconds of handling per slot, taken first-come first-served from the backlog, which
carries across slots and across closed hours. A contact arriving in slot i and handled in slot j counts as answered
within the target H when (j − i + 1) × interval ≤ H: from the start of its arrival slot to the end of its handling
slot, the longest it can have waited, so the share reported is a guaranteed lower bound under the fluid model.

Planning: every contact gets a deadline, the last open slot that still meets H; for a contact that arrives while
the channel is closed, H counts from the opening (the night's backlog is cleared within H of opening, not in the
first slot; such contacts are still reported late by the wall clock when they are). The plan
walks the open slots in order, keeping the cumulative work served ahead of the cumulative work due. In each slot it
computes r, the lowest constant rate (agents per slot) meeting every deadline in the look-ahead window, and staffs
floor(r) agents, or more when needed so that the deadlines ahead stay reachable with at most ceil(r) agents per
slot. Staffing is thus level where volume is steady, and integer rounding costs at most about one agent for a short
stretch, so total staffed hours stay near the lower bound volume × AHT / max occupancy. Every contact that can meet
its deadline does, so the share within H is the most the opening hours allow (≥ X whenever X is reachable).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DeferredOutcome:
    """Per-slot results of serving a deferred channel FIFO with given agents (arrays over the slots)."""

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


def serve(agents, offered, aht_s, interval_s: float, answer_within_s: float, max_occupancy: float) -> DeferredOutcome:
    """Serve the forecast FIFO with the given productive agents per slot (0 in closed slots); per-slot outcome."""
    agents = np.asarray(agents, dtype=float)
    offered = np.asarray(offered, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    n_slots = offered.size
    h = _slots_within(answer_within_s, interval_s)
    handled = np.zeros(n_slots)
    backlog = np.zeros(n_slots)
    within = np.zeros(n_slots)
    late = np.zeros(n_slots)
    wait_sum = np.zeros(n_slots)
    answered = np.zeros(n_slots)
    busy_s = np.zeros(n_slots)
    queue: deque[list] = deque()  # [arrival slot, contacts left, handle seconds each]
    waiting = 0.0
    eps = 1e-9
    agents_l, offered_l, aht_l = agents.tolist(), offered.tolist(), aht.tolist()
    for j in range(n_slots):
        if offered_l[j] > 0:
            queue.append([j, offered_l[j], aht_l[j]])
            waiting += offered_l[j]
        capacity = agents_l[j] * interval_s * max_occupancy
        while queue and capacity > eps:
            group = queue[0]
            i, left, each = group
            take = min(left, capacity / each)
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
            if take >= left - eps:
                queue.popleft()
            else:
                group[1] = left - take
        backlog[j] = max(waiting, 0.0)
    unanswered = np.zeros(n_slots)
    for i, left, _ in queue:
        unanswered[i] += left
        if n_slots - i > h:  # its H ended inside the horizon: it is late already
            late[i] += left
    with np.errstate(divide="ignore", invalid="ignore"):
        response = np.where(answered > 0, wait_sum / answered, np.nan)
        occ = np.where(agents > 0, busy_s / (agents * interval_s), 0.0)
    return DeferredOutcome(agents.astype(np.int64), handled, backlog, within, response, unanswered, late, occ)


def _deadlines(open_mask: np.ndarray, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Per arrival slot: the position (index into the open slots) of its deadline, and of its first open slot.

    The clock of a contact that arrives while the channel is closed starts when it opens: its deadline is the
    last open slot within H of the opening (or of its arrival, when it arrives open). Counting from arrival
    instead would make the whole night's backlog due in the first minutes of the morning, because under FIFO
    it must be answered before the first contact that can still be on time: a spike no roster can staff.
    """
    n_slots = open_mask.size
    open_idx = np.flatnonzero(open_mask)
    first_pos = np.searchsorted(open_idx, np.arange(n_slots), side="left")  # first open slot at or after i
    clock_start = open_idx[np.minimum(first_pos, open_idx.size - 1)]  # the arrival slot itself when open
    deadline = np.searchsorted(open_idx, clock_start + h - 1, side="right") - 1  # last open slot ≤ start + H
    deadline = np.minimum(np.maximum(deadline, first_pos), open_idx.size - 1)
    # FIFO: answering a contact by its deadline answers every earlier one too, so no deadline may fall after a later one's
    return np.minimum.accumulate(deadline[::-1])[::-1], first_pos


def plan(offered, aht_s, interval_s: float, open_mask, answer_within_s: float, max_occupancy: float,
         min_agents: int = 0) -> np.ndarray:
    """Productive agents per slot (0 when closed) meeting every reachable deadline, level and near the workload bound."""
    offered = np.asarray(offered, dtype=float)
    open_mask = np.asarray(open_mask, dtype=bool)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    agents = np.zeros(offered.size, dtype=np.int64)
    open_idx = np.flatnonzero(open_mask)
    if open_idx.size == 0:
        return agents
    per_agent_s = interval_s * max_occupancy
    work = offered * aht / per_agent_s  # agent-slots of handling per arrival slot
    h = _slots_within(answer_within_s, interval_s)
    deadline, first_pos = _deadlines(open_mask, h)
    n_pos = open_idx.size
    keep = first_pos < n_pos  # arrivals after the last open slot are not served in this horizon
    due = np.bincount(deadline[keep], weights=work[keep], minlength=n_pos)
    due_cum = np.cumsum(due)
    avail_cum = np.cumsum(work)[open_idx]  # work arrived by the end of each open slot
    window = int(max((deadline - first_pos)[keep].max(initial=0) + 1, 1))
    steps = np.arange(1, window + 2, dtype=float)
    served = 0.0
    eps = 1e-9
    for p in range(n_pos):
        need = due_cum[p:p + window + 1] - served
        k = steps[:need.size]
        rate = max(float((need / k).max()), 0.0)  # lowest constant rate meeting every deadline ahead
        cap = math.ceil(rate - eps)
        # fewest agents now that keep every deadline ahead reachable with at most `cap` agents per slot later
        n_min = math.ceil(max(float((need - cap * (k - 1)).max()), 0.0) - eps)
        n = max(n_min, math.floor(rate + eps))
        available = avail_cum[p] - served
        n = min(n, math.ceil(available - eps))
        n = max(n, min_agents, 0)
        agents[open_idx[p]] = n
        served += min(n, max(available, 0.0))
    return agents
