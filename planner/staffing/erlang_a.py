"""Erlang A (M/M/N+M: exponential patience): exact P(wait), abandon rate, service level, ASA, occupancy, agents.

The birth–death chain of Palm's model, summed in closed form as in Garnett, Mandelbaum & Reiman (2002) and
Mandelbaum & Zeltyn: with x = N·μ/θ and y = λ/θ (μ = 1/aht, θ = 1/patience) the queue states sum to
S = Σ_j y^j Γ(x+1)/Γ(x+j+1) = x·e^y·y^−x·γ(x, y), and a waiting contact's offered wait V has e^(−θV) ~ Beta(x, j+1)
given j ahead, which gives the share served within t through the incomplete gamma function. Everything is
evaluated in log space or by a short convergent series, so it stays finite from 0 to 10,000+ Erlangs, and N may
be at or below the traffic (abandonment keeps the queue stable).

Definitions (all over every arriving contact): service level = share answered by an agent within answer_within_s;
abandon rate = share that hang up before being answered; ASA = mean time in queue (answered or not) = P(abandon) ×
patience; occupancy = answered traffic / agents.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import special

from planner.staffing._search import fewest
from planner.staffing.erlang_b import blocking
from planner.staffing.erlang_c import TARGET_TOL, traffic

_TINY = 1e-280


class AgentsA(NamedTuple):
    """Required agents and the abandon rate expected with them (arrays of the broadcast shape)."""

    agents: np.ndarray
    abandon_rate: np.ndarray


def _series_tail(s: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Σ_{j≥1} z^j / ((s+1)…(s+j)); used only where z ≪ s, so the terms fall geometrically."""
    total = np.zeros_like(z)
    term = np.ones_like(z)
    for j in range(1, 4000):
        term = term * z / (s + j)
        total += term
        if not (term > 1e-17 * (1.0 + total)).any():
            break
    return total


def _log_queue_sum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """log S(x, y) with S = Σ_j y^j Γ(x+1)/Γ(x+j+1) (the queue states relative to state N)."""
    out = np.zeros_like(y)
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        p = np.where(x > 0, special.gammainc(np.maximum(x, 1e-300), y), 1.0)
        direct = (p > _TINY) & (y > 0)
        log_s = y - special.xlogy(x, y) + special.gammaln(x + 1) + np.log(p)
    out = np.where(direct & (x > 0), log_s, out)
    out = np.where((x <= 0) & (y > 0), y, out)  # x = 0: S = e^y
    small = ~direct & (y > 0) & (x > 0)
    if small.any():
        out[small] = np.log1p(_series_tail(x[small], y[small]))
    return out


def _gamma_ratio(s: np.ndarray, y: np.ndarray, c: np.ndarray) -> np.ndarray:
    """γ(s, y·c) / γ(s, y) for 0 ≤ c ≤ 1, s > 0, y > 0."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        num = special.gammainc(s, y * c)
        den = special.gammainc(s, y)
        r = np.array(num / den, dtype=float)
    small = ~(den > _TINY)
    if small.any():
        ss, yy, cc = s[small], y[small], c[small]
        with np.errstate(divide="ignore", under="ignore"):
            log_r = special.xlogy(ss, cc) + yy * (1 - cc) + np.log1p(_series_tail(ss, yy * cc)) - np.log1p(_series_tail(ss, yy))
        r[small] = np.exp(log_r)
    return np.clip(np.nan_to_num(r, nan=0.0), 0.0, 1.0)


def _measures(n, a, aht_s, patience_s, answer_within_s=0.0) -> dict[str, np.ndarray]:
    n, a, aht, pat, t = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (n, a, aht_s, patience_s, answer_within_s))
    )
    n, a, aht, pat, t = (np.array(v, dtype=float) for v in (n, a, aht, pat, t))
    n = np.floor(n)  # agents are whole people
    x = n * pat / aht  # N·μ/θ
    y = a * pat / aht  # λ/θ
    e = blocking(n, a)
    log_s = _log_queue_sum(x, y)
    inv_s = np.exp(-log_s)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # P(wait) = S·E / (1 + (S − 1)·E), written so that neither a huge S nor a tiny E overflows
        pw = np.where(e > 0, 1.0 / (1.0 + (1.0 / e - 1.0) * inv_s), 0.0)
        # q = (x/y)(1 − 1/S): the share of waiting contacts eventually answered; → x/(x+1) as y → 0
        q = np.where(y > 1e-200, (x / np.maximum(y, 1e-300)) * -np.expm1(-log_s), x / (x + 1.0))
    q = np.clip(q, 0.0, 1.0)
    p_ab = np.clip((1.0 - q) * pw, 0.0, 1.0)
    ratio = _gamma_ratio(x + 1.0, np.maximum(y, 1e-300), np.exp(-t / pat))
    served_in_t = np.clip(1.0 - pw + pw * q * (1.0 - ratio), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, a * (1.0 - p_ab) / n, 0.0)
    none = a <= 0
    return {
        "p_wait": np.where(none, 0.0, np.clip(pw, 0.0, 1.0)),
        "abandon_rate": np.where(none, 0.0, p_ab),
        "service_level": np.where(none, 1.0, served_in_t),
        "asa_s": np.where(none, 0.0, p_ab * pat),
        "occupancy": np.where(none, 0.0, np.clip(occ, 0.0, 1.0)),
    }


def measures(agents, offered, aht_s, interval_s, patience_s, answer_within_s=0.0) -> dict[str, np.ndarray]:
    """All Erlang A figures at once: p_wait, abandon_rate, service_level, asa_s (s), occupancy."""
    return _measures(agents, traffic(offered, aht_s, interval_s), aht_s, patience_s, answer_within_s)


def p_wait(agents, offered, aht_s, interval_s, patience_s) -> np.ndarray:
    """Probability an arriving contact has to queue."""
    return measures(agents, offered, aht_s, interval_s, patience_s)["p_wait"]


def abandon_rate(agents, offered, aht_s, interval_s, patience_s) -> np.ndarray:
    """Share of arriving contacts that hang up before an agent answers."""
    return measures(agents, offered, aht_s, interval_s, patience_s)["abandon_rate"]


def service_level(agents, offered, aht_s, interval_s, answer_within_s, patience_s) -> np.ndarray:
    """Share of all arriving contacts answered by an agent within answer_within_s seconds."""
    return measures(agents, offered, aht_s, interval_s, patience_s, answer_within_s)["service_level"]


def asa(agents, offered, aht_s, interval_s, patience_s) -> np.ndarray:
    """Mean time in queue in seconds over all arriving contacts (answered or abandoned)."""
    return measures(agents, offered, aht_s, interval_s, patience_s)["asa_s"]


def occupancy(agents, offered, aht_s, interval_s, patience_s) -> np.ndarray:
    """Share of agents' time busy: answered traffic / agents."""
    return measures(agents, offered, aht_s, interval_s, patience_s)["occupancy"]


def _start(a: np.ndarray, floor_share: np.ndarray, max_occupancy: np.ndarray) -> np.ndarray:
    # Answered traffic ≥ floor_share·A and occupancy ≤ cap force N ≥ floor_share·A/cap: everything below fails.
    return np.maximum(np.ceil(a * floor_share / max_occupancy - 1e-9) - 1, -1).astype(np.int64)


def _result(n: np.ndarray, a, aht, pat) -> AgentsA:
    n = np.where(a <= 0, 0, n)
    return AgentsA(n, _measures(n, a, aht, pat)["abandon_rate"])


def agents(offered, aht_s, interval_s, service_level, answer_within_s, patience_s, max_occupancy=1.0) -> AgentsA:
    """Fewest agents answering service_level of all contacts within answer_within_s s, occupancy ≤ max_occupancy."""
    a, aht, sl, t, pat, occ = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (traffic(offered, aht_s, interval_s), aht_s, service_level,
                                               answer_within_s, patience_s, max_occupancy))
    )

    def ok(k):
        m = _measures(k, a, aht, pat, t)
        return (m["service_level"] >= sl - TARGET_TOL) & (m["occupancy"] <= occ + TARGET_TOL)

    return _result(fewest(_start(a, sl, occ), ok), a, aht, pat)


def agents_for_asa(offered, aht_s, interval_s, asa_s, patience_s, max_occupancy=1.0) -> AgentsA:
    """Fewest agents with mean time in queue ≤ asa_s seconds and occupancy ≤ max_occupancy."""
    a, aht, target, pat, occ = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (traffic(offered, aht_s, interval_s), aht_s, asa_s, patience_s, max_occupancy))
    )

    def ok(k):
        m = _measures(k, a, aht, pat)
        return (m["asa_s"] <= target * (1 + TARGET_TOL)) & (m["occupancy"] <= occ + TARGET_TOL)

    # ASA ≤ target means abandon rate ≤ target/patience, so at least that share of A is answered.
    floor_share = np.clip(1.0 - target / pat, 0.0, 1.0)
    return _result(fewest(_start(a, floor_share, occ), ok), a, aht, pat)
