"""Vectorised Erlang C for the sample generator: how the past site was staffed, and how long its contacts waited.

Kept private to the sample site (the planner's own staffing models live in planner/staffing): it only
has to make plausible history, one array of slots at a time.
"""

from __future__ import annotations

import numpy as np


def erlang_c(agents: np.ndarray, load_erlangs: np.ndarray) -> np.ndarray:
    """Probability of waiting per slot with `agents` servers and `load_erlangs` offered load; 1 when agents <= load."""
    agents = np.asarray(agents, dtype=np.int64)
    load = np.asarray(load_erlangs, dtype=float)
    blocking = np.ones_like(load)  # Erlang B with 0 servers
    at_n = np.ones_like(load)
    for k in range(1, int(agents.max(initial=0)) + 1):
        blocking = load * blocking / (k + load * blocking)
        at_n = np.where(agents == k, blocking, at_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = agents * at_n / (agents - load * (1 - at_n))
    return np.where((agents > load) & (agents > 0), np.clip(wait, 0.0, 1.0), 1.0)


def required_agents(load_erlangs: np.ndarray, aht_s: np.ndarray, service_level: float | None, within_s: float | None,
                    asa_s: float | None, max_occupancy: float, min_agents: int) -> np.ndarray:
    """Fewest agents per slot meeting the target (SL within T seconds, or ASA) and the occupancy cap; 0 where load is 0."""
    load = np.asarray(load_erlangs, dtype=float)
    aht = np.asarray(aht_s, dtype=float)
    need = np.where(load > 0, 0, -1).astype(np.int64)
    blocking = np.ones_like(load)
    k = 0
    while (need == 0).any():
        k += 1
        blocking = load * blocking / (k + load * blocking)
        with np.errstate(divide="ignore", invalid="ignore"):
            wait = np.where(k > load, k * blocking / (k - load * (1 - blocking)), 1.0)
            if asa_s is not None:
                ok = (k > load) & (wait * aht / np.maximum(k - load, 1e-9) <= asa_s)
            else:
                ok = (k > load) & (1 - wait * np.exp(-(k - load) * within_s / aht) >= service_level)
        ok &= load / k <= max_occupancy
        need = np.where((need == 0) & ok, k, need)
    return np.where(need < 0, 0, np.maximum(need, max(min_agents, 1)))
