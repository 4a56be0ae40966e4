"""A small discrete-event simulation of one FCFS M/M/n(+M) queue in steady state, for checking the analytic models."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimResult:
    """Batch-means estimates over the simulated contacts (after warm-up)."""

    service_level: float
    service_level_halfwidth: float  # ≈ 99.9% confidence half-width (4 standard errors of the batch means)
    abandon_rate: float
    abandon_rate_halfwidth: float


def simulate(agents: int, erlangs: float, aht_s: float, answer_within_s: float, patience_s: float | None = None,
             contacts: int = 100_000, seed: int = 0, batches: int = 20, warmup_share: float = 0.05) -> SimResult:
    """Simulate `contacts` Poisson arrivals served FCFS by `agents` exponential servers, optionally with exponential patience.

    Under FCFS the wait a contact would get is the time until the earliest server is free after every earlier contact
    that stayed; it abandons when that exceeds its patience and then never takes a server.
    """
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(aht_s / erlangs, contacts)).tolist()
    services = rng.exponential(aht_s, contacts).tolist()
    patience = rng.exponential(patience_s, contacts).tolist() if patience_s else [math.inf] * contacts
    free = [0.0] * agents
    within = np.zeros(contacts, dtype=bool)
    abandoned = np.zeros(contacts, dtype=bool)
    for k in range(contacts):
        arrive = arrivals[k]
        wait = max(free[0] - arrive, 0.0)
        if wait > patience[k]:
            abandoned[k] = True
            continue
        within[k] = wait <= answer_within_s
        heapq.heapreplace(free, arrive + wait + services[k])
    start = int(contacts * warmup_share)
    sl_batches = np.array([b.mean() for b in np.array_split(within[start:], batches)])
    ab_batches = np.array([b.mean() for b in np.array_split(abandoned[start:], batches)])

    def halfwidth(x):
        return 4 * x.std(ddof=1) / math.sqrt(batches)

    return SimResult(float(sl_batches.mean()), halfwidth(sl_batches), float(ab_batches.mean()), halfwidth(ab_batches))
