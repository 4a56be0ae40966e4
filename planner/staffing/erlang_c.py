"""Erlang C (M/M/N, infinite patience): exact service level, ASA, P(wait), occupancy and required agents, vectorised.

Every function broadcasts its array arguments (numpy rules) and returns an ndarray. `offered` is contacts per
interval of `interval_s` seconds, `aht_s` the mean handle time in seconds. N ≤ A (agents not above the traffic in
Erlangs) is an unstable queue: service level 0, P(wait) 1, ASA infinite. Zero volume needs 0 agents.
"""

from __future__ import annotations

import numpy as np

from planner.staffing._search import fewest
from planner.staffing.erlang_b import blocking

# Tolerance of target comparisons: a published figure exactly at its target counts as met.
TARGET_TOL = 1e-12


def traffic(offered, aht_s, interval_s) -> np.ndarray:
    """Offered load in Erlangs: contacts per interval × handle time / interval length."""
    return np.asarray(offered, dtype=float) * np.asarray(aht_s, dtype=float) / np.asarray(interval_s, dtype=float)


def p_wait_erlangs(n, a) -> np.ndarray:
    """P(wait) with n agents (a fractional count is floored) and a Erlangs of traffic."""
    n, a = np.broadcast_arrays(np.floor(np.asarray(n, dtype=float)), np.asarray(a, dtype=float))
    b = blocking(n, a)
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = b / (1.0 - (a / n) * (1.0 - b))
    c = np.where(stable, c, 1.0)
    return np.where(a <= 0, 0.0, np.clip(c, 0.0, 1.0))


def service_level_erlangs(n, a, aht_s, answer_within_s) -> np.ndarray:
    """Service level with n agents and a Erlangs (answer_within_s, aht_s in seconds)."""
    n, a, aht, t = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (n, a, aht_s, answer_within_s)))
    n = np.floor(n)
    c = p_wait_erlangs(n, a)
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * t / aht)
    sl = np.where(n > a, sl, 0.0)
    return np.where(a <= 0, 1.0, np.clip(sl, 0.0, 1.0))


def asa_erlangs(n, a, aht_s) -> np.ndarray:
    """ASA in seconds with n agents and a Erlangs."""
    n, a, aht = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (n, a, aht_s)))
    n = np.floor(n)
    c = p_wait_erlangs(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = c * aht / (n - a)
    asa = np.where(n > a, asa, np.inf)
    return np.where(a <= 0, 0.0, asa)


def occupancy_erlangs(n, a) -> np.ndarray:
    """Occupancy a / n (0 with no agents or no traffic, 1 when saturated)."""
    n, a = np.broadcast_arrays(np.floor(np.asarray(n, dtype=float)), np.asarray(a, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.minimum(a / n, 1.0)
    return np.where((a <= 0) | (n <= 0), 0.0, occ)  # no agents: nothing is handled


def p_wait(agents, offered, aht_s, interval_s) -> np.ndarray:
    """Probability an arriving contact waits (Erlang C formula); 1 when agents ≤ traffic, 0 with no volume."""
    return p_wait_erlangs(agents, traffic(offered, aht_s, interval_s))


def service_level(agents, offered, aht_s, interval_s, answer_within_s) -> np.ndarray:
    """Fraction of contacts answered within answer_within_s seconds (0 when unstable, 1 with no volume)."""
    return service_level_erlangs(agents, traffic(offered, aht_s, interval_s), aht_s, answer_within_s)


def asa(agents, offered, aht_s, interval_s) -> np.ndarray:
    """Average speed of answer in seconds over all contacts (inf when unstable, 0 with no volume)."""
    return asa_erlangs(agents, traffic(offered, aht_s, interval_s), aht_s)


def occupancy(agents, offered, aht_s, interval_s) -> np.ndarray:
    """Expected share of agents' time busy with contacts: traffic / agents, capped at 1."""
    return occupancy_erlangs(agents, traffic(offered, aht_s, interval_s))


def _first_candidate(a: np.ndarray, max_occupancy: np.ndarray) -> np.ndarray:
    """The largest agent count that certainly fails: not above the traffic, or over the occupancy cap."""
    stable_min = np.floor(a) + 1  # fewest agents with N > A
    occ_min = np.ceil(a / max_occupancy - 1e-9)  # 1e-9 absorbs 8.5/0.85 = 10.000000000000002
    return (np.maximum(stable_min, occ_min) - 1).astype(np.int64)


def _climb(a, start, passes, max_steps: int = 64) -> np.ndarray:
    """Fewest n > start with passes(n, erlang_b(n), idx) true: Erlang B recursion upward from start + 1 for all slots
    at once (a handful of steps for usual loads), then the galloping search for any slot still short."""
    a = np.asarray(a, dtype=float).ravel()
    result = np.asarray(start, dtype=np.int64).ravel() + 1
    idx = np.arange(a.size)
    n = result.astype(float)
    b = blocking(n, a)
    for _ in range(max_steps):
        ok = passes(n, b, idx)
        idx, n, b = idx[~ok], n[~ok], b[~ok]
        if idx.size == 0:
            return result
        n = n + 1.0
        ab = a[idx] * b
        b = ab / (n + ab)  # B(n) from B(n−1), stable: stays in [0, 1]
        result[idx] = n.astype(np.int64)
    result[idx] = fewest(n.astype(np.int64) - 1, lambda k: passes(k.astype(float), blocking(k, a[idx]), idx))
    return result


def _sl_from_b(n, a, b, aht, t) -> np.ndarray:
    c = b / (1.0 - (a / n) * (1.0 - b))
    return 1.0 - c * np.exp(-(n - a) * t / aht)


def agents_for_erlangs(a, aht_s, service_level_target, answer_within_s, max_occupancy=1.0) -> np.ndarray:
    """Fewest agents for traffic `a` (Erlangs) meeting the service level and the occupancy cap."""
    a, aht, sl, t, occ = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (a, aht_s, service_level_target, answer_within_s, max_occupancy))
    )
    flat = [x.ravel() for x in (a, aht, sl, t)]

    def passes(n, b, idx):
        aa, hh, ss, tt = (x[idx] for x in flat)
        return _sl_from_b(n, aa, b, hh, tt) >= ss - TARGET_TOL

    n = _climb(a, _first_candidate(a, occ), passes).reshape(a.shape)
    return np.where(a <= 0, 0, n)


def agents(offered, aht_s, interval_s, service_level, answer_within_s, max_occupancy=1.0) -> np.ndarray:
    """Fewest agents (int array) answering service_level of contacts within answer_within_s s, occupancy ≤ max_occupancy."""
    return agents_for_erlangs(traffic(offered, aht_s, interval_s), aht_s, service_level, answer_within_s, max_occupancy)


def agents_for_asa(offered, aht_s, interval_s, asa_s, max_occupancy=1.0) -> np.ndarray:
    """Fewest agents (int array) with average speed of answer ≤ asa_s seconds and occupancy ≤ max_occupancy."""
    a, aht, target, occ = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (traffic(offered, aht_s, interval_s), aht_s, asa_s, max_occupancy))
    )
    flat = [x.ravel() for x in (a, aht, target)]

    def passes(n, b, idx):
        aa, hh, tt = (x[idx] for x in flat)
        c = b / (1.0 - (aa / n) * (1.0 - b))
        return c * hh / (n - aa) <= tt * (1 + TARGET_TOL)

    n = _climb(a, _first_candidate(a, occ), passes).reshape(a.shape)
    return np.where(a <= 0, 0, n)


def agents_for_p_wait(offered, aht_s, interval_s, max_p_wait, max_occupancy=1.0) -> np.ndarray:
    """Fewest agents (int array) with probability of waiting ≤ max_p_wait and occupancy ≤ max_occupancy."""
    a, target, occ = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (traffic(offered, aht_s, interval_s), max_p_wait, max_occupancy))
    )
    flat = [a.ravel(), target.ravel()]

    def passes(n, b, idx):
        aa, tt = (x[idx] for x in flat)
        return b / (1.0 - (aa / n) * (1.0 - b)) <= tt + TARGET_TOL

    n = _climb(a, _first_candidate(a, occ), passes).reshape(a.shape)
    return np.where(a <= 0, 0, n)
