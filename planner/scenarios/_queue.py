"""Event loop of one queue with a time-varying number of servers: who starts service when, who abandons.

Servers form one pool whose size changes at slot boundaries. A contact starts service at the first moment it is the
first in line and fewer contacts are in service than the pool allows; a contact in service when the pool shrinks
finishes it (the agent leaves after the contact, not in the middle of it). The line is first come first served, or
ordered by a priority key (lower first, then arrival). A contact whose time in line exceeds its patience leaves:
it is dropped when it reaches the head of the line (lazy deletion, exact because waiting in line never holds up
anyone else).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from typing import NamedTuple

import numpy as np


class QueueOutcome(NamedTuple):
    """Per contact: service start in seconds (NaN if never answered), and whether it abandoned."""

    start_s: np.ndarray
    abandoned: np.ndarray


def run_queue(arrive_s: np.ndarray, handle_s: np.ndarray, patience_s: np.ndarray, servers: np.ndarray,
              interval_s: float, key: np.ndarray | None = None) -> QueueOutcome:
    """Serve contacts (sorted by arrive_s, seconds from the start of slot 0) with servers[j] servers during slot j.

    No server works after the last slot: contacts still in line then are neither answered nor (unless their patience
    ran out by the end of the last slot) abandoned. `key` orders the line (lower first, ties by arrival); None = FCFS.
    """
    n = len(arrive_s)
    arrive = arrive_s.tolist()
    handle = handle_s.tolist()
    patience = patience_s.tolist()
    cap_by_slot = [int(c) for c in servers] + [0]
    n_slots = len(servers)
    end_s = n_slots * interval_s
    start = [math.nan] * n
    abandoned = [False] * n
    busy: list[float] = []  # end times of the contacts in service
    fifo = key is None
    line: deque[int] | list[tuple[float, int]] = deque() if fifo else []
    keys = None if fifo else key.tolist()
    inf = math.inf
    i = 0  # next arrival
    j = 0  # current slot
    cap = cap_by_slot[0] if n_slots else 0
    next_bound = interval_s if n_slots else inf
    t = 0.0
    while True:
        next_arr = arrive[i] if i < n else inf
        next_end = busy[0] if busy else inf
        t = min(next_arr, next_end, next_bound)
        if t == inf:
            break
        while busy and busy[0] <= t:
            heapq.heappop(busy)
        while next_bound <= t:
            j += 1
            cap = cap_by_slot[j] if j < n_slots else 0
            next_bound = (j + 1) * interval_s if j < n_slots else inf
        while i < n and arrive[i] <= t:
            if fifo:
                line.append(i)
            else:
                heapq.heappush(line, (keys[i], i))
            i += 1
        while line and len(busy) < cap:
            k = line.popleft() if fifo else heapq.heappop(line)[1]
            if t - arrive[k] > patience[k]:
                abandoned[k] = True
                continue
            start[k] = t
            heapq.heappush(busy, t + handle[k])
        if j >= n_slots:  # no server works after the last slot
            break
    for k in (line if fifo else (item[1] for item in line)):
        if arrive[k] + patience[k] <= end_s:
            abandoned[k] = True
    return QueueOutcome(np.array(start, dtype=float), np.array(abandoned, dtype=bool))
