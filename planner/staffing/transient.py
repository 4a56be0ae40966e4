"""Time-dependent Erlang C / Erlang A: the queue carried from slot to slot through a day, instead of a steady state per slot.

Erlang C and A (erlang_c, erlang_a) give each slot the steady state of its own arrival rate and agents, as if the
slot had lasted for ever. A queue needs a few handle times to settle, so when the handle time is a large part of the
slot (a 10-minute chat in a 15-minute slot) the slot inherits much of the previous slot's queue: the first slots
after opening start from an empty line and do better than the steady state, and a slot that gains an agent while
the load rises still carries the previous slot's shorter line.

This module follows the same M/M/s(+M) birth–death chain (s servers, exponential handle time, exponential patience
with Erlang A) through consecutive slots: the probability of n contacts in the system is carried from slot to slot,
the rates change at slot boundaries, and the chain is solved exactly inside each slot by uniformization. The
measures of a slot are those of its arrivals (Poisson arrivals see the time average over the slot), with the
definitions of erlang_c and erlang_a, so a slot whose rate and agents have not changed for a long time gets exactly
the Erlang C / Erlang A figures.

- A contact arriving with n in the system starts service at once when n < s; otherwise it has j = n − s ahead in
  line and, FCFS, waits for j + 1 departures from the line: rate s·μ + m·θ with m contacts ahead (Erlang C: θ = 0,
  so it is answered within t with probability P(Poisson(s·μ·t) > j)). With patience, e^(−θ·V) of its offered wait V
  is Beta(s·μ/θ, j + 1) distributed, which gives the shares answered within t and abandoned (Mandelbaum & Zeltyn).
- The servers during a contact's wait are those of its arrival slot (the wait is seconds, the slot minutes).
- Where the servers drop to 0 (the channel closes, or nobody is rostered) the contacts in service finish and those
  in line wait for the next agent, as planner.scenarios.simulate's agents finish the contact in hand.
- A run of slots starts with an empty system when the channel opens, or in the steady state of its first slot when
  what came before is not known (a table that starts, or resumes after a gap, while the channel is open).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from planner.staffing import uniformization

# Following the chain costs about (uniformization steps × states) per slot, which grows with the square of the
# agents: about 1e6 for a demo chat day (0.2 s), 3.5e7 for a 400-agent voice day, 1e11 for a day of 10,000 Erlangs. Above this
# budget a run of slots keeps each slot's steady state (Erlang C / A), so a very large site is not held up for hours;
# the carried queue matters less there anyway (many servers settle within a slot).
WORK_BUDGET = 2e7


def _steps(ps: list[np.ndarray], births: list[float], deaths: list[np.ndarray], tau: float
           ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(state distribution at the end of a slot of tau seconds, its time average over the slot) of several independent
    chains, exactly by uniformization: p(t) = Σ_k Poisson(k; Λt) p P^k with P = I + Q/Λ, so ∫₀^τ p(t) dt / τ =
    Σ_k P(X > k) p P^k / (Λτ); the chains go side by side on one zero-padded array (uniformization.power_sums), and
    each chain's result does not depend on the chains beside it."""
    out: list[tuple[np.ndarray, np.ndarray]] = [(p, p) for p in ps]
    chains = []
    for i, (p, birth, death) in enumerate(zip(ps, births, deaths, strict=True)):
        up = np.full(p.size, birth)
        up[-1] = 0.0  # the last state is kept far above any reachable queue (see _room)
        rate = float((up + death).max())
        if rate <= 0.0:
            out[i] = (p, p.copy())
            continue
        m = rate * tau
        chains.append((i, p, up / rate, death / rate, m, *uniformization.slot_weights(m)))
    if not chains:
        return out
    rows, width = len(chains), max(c[1].size for c in chains)
    count = max(c[5].size for c in chains)
    q, up_, down_ = np.zeros((rows, width)), np.zeros((rows, width)), np.zeros((rows, width))
    coefs = np.zeros((2, rows, count))
    for r, (_, p, up, down, _, weight, tail) in enumerate(chains):
        q[r, : p.size], up_[r, : p.size], down_[r, : p.size] = p, up, down
        coefs[0, r, : weight.size], coefs[1, r, : tail.size] = weight, tail
    end, avg = uniformization.power_sums(q, up_, down_, coefs)
    for r, (i, p, *_, m, _, _) in enumerate(chains):
        out[i] = (end[r, : p.size].copy(), avg[r, : p.size] / m)
    return out


def _room(p: np.ndarray, servers: int, arrivals: float) -> np.ndarray:
    """p cut above its last state of probability > TAIL and padded with empty states, so that the slot's arrivals
    cannot reach the last state (the chain's size, hence its fastest rate, follows the queue that can form)."""
    top = int(np.flatnonzero(p > uniformization.TAIL)[-1]) if (p > uniformization.TAIL).any() else 0
    need = max(top, servers) + int(math.ceil(arrivals + 12.0 * math.sqrt(arrivals) + 30.0))
    return np.pad(p[: top + 1], (0, need - top))


def _arrival_view(n: np.ndarray, s: int, mu: float, theta: float, t: float) -> dict[str, np.ndarray]:
    """Per number n in the system at arrival: P(answered within t), P(abandon), E[time in line], P(wait)."""
    j = np.maximum(n - s, 0).astype(float)
    waits = n >= s
    if theta <= 0.0:
        if s == 0:
            within, wait = np.zeros(n.size), np.full(n.size, np.inf)
        else:
            within = special.pdtrc(j, s * mu * t)  # P(Poisson(s·μ·t) > j): j + 1 departures within t
            wait = (j + 1.0) / (s * mu)
        abandon = np.zeros(n.size)
    else:
        x = s * mu / theta
        answered = x / (x + j + 1.0)  # E[e^(−θV)], V ~ the offered wait: P(patience outlasts it)
        within = answered * (1.0 - special.betainc(x + 1.0, j + 1.0, math.exp(-theta * t))) if s > 0 \
            else np.zeros(n.size)
        abandon = 1.0 - answered
        wait = abandon / theta  # E[min(V, patience)] = (1 − E[e^(−θV)]) / θ
    return {
        "service_level": np.where(waits, within, 1.0),
        "abandon_rate": np.where(waits, abandon, 0.0),
        "asa_s": np.where(waits, wait, 0.0),
        "p_wait": waits.astype(float),
    }


def _steady_state(servers: int, arrivals_per_s: float, mu: float, theta: float) -> np.ndarray:
    """The chain's steady-state distribution at these rates (Erlang C / A's); nobody in the system when it has none
    (no patience and arrivals at or above what the servers answer)."""
    if arrivals_per_s <= 0.0 or (theta <= 0.0 and arrivals_per_s >= servers * mu):
        return np.ones(1)
    if theta > 0.0:
        size = servers + arrivals_per_s / theta + 12.0 * math.sqrt(arrivals_per_s / theta + 1.0) + 30.0
    else:  # the line beyond the servers is geometric with ratio ρ
        size = servers + math.log(uniformization.TAIL * 1e-3) / math.log(arrivals_per_s / (servers * mu)) + 30.0
    n = np.arange(1, int(math.ceil(size)) + 1)
    death = np.minimum(n, servers) * mu + np.maximum(n - servers, 0) * theta
    log_p = np.r_[0.0, np.cumsum(math.log(arrivals_per_s) - np.log(death))]
    p = np.exp(log_p - log_p.max())
    return p / p.sum()


def work(servers, offered, aht_s, interval_s: float, patience_s: float | None = None) -> float:
    """About how many state updates measures() does for these slots (uniformization steps × chain states, summed)."""
    servers = np.maximum(np.asarray(servers, dtype=float), 0.0)
    arrivals = np.maximum(np.asarray(offered, dtype=float), 0.0)
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), arrivals.shape)
    rate_tau = arrivals + servers * float(interval_s) / aht  # (arrivals + departures) per slot at full servers
    queue = arrivals if patience_s is None else np.minimum(arrivals, arrivals * float(patience_s) / float(interval_s))
    steps = rate_tau + 12.0 * np.sqrt(rate_tau) + 30.0
    states = servers + queue + 12.0 * np.sqrt(arrivals) + 30.0
    return float((steps * states).sum())


def measures(servers, offered, aht_s, interval_s: float, answer_within_s: float,
             patience_s: float | None = None, start: str = "empty") -> dict[str, np.ndarray]:
    """service_level, asa_s, p_wait, occupancy and abandon_rate per slot of consecutive slots of one channel;
    servers = agents × concurrency, offered = contacts per slot. The first slot starts with nobody in the system
    (start="empty": the channel opens) or in the steady state of its own rates (start="steady": the slots before it
    are not known; "empty" when that steady state does not exist)."""
    return measures_runs([(servers, offered, aht_s, start)], interval_s, answer_within_s, patience_s)[0]


def measures_runs(runs: list[tuple], interval_s: float, answer_within_s: float,
                  patience_s: float | None = None) -> list[dict[str, np.ndarray]]:
    """measures() of several independent runs of one channel, each (servers, offered, aht_s, start): the same
    figures, bit for bit, with the runs' slots stepped side by side (_steps), which is faster than one run at a time."""
    theta = 0.0 if patience_s is None else 1.0 / float(patience_s)
    tau = float(interval_s)
    t = float(answer_within_s)
    chains = []
    for servers, offered, aht_s, start in runs:
        if start not in ("empty", "steady"):
            raise ValueError("start must be 'empty' or 'steady'")
        servers = np.floor(np.asarray(servers, dtype=float) + 1e-9).astype(np.int64)
        offered = np.asarray(offered, dtype=float)
        aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
        out = {k: np.full(offered.size, np.nan) for k in ("service_level", "asa_s", "p_wait", "occupancy", "abandon_rate")}
        p, previous = np.ones(1), 0
        if start == "steady" and offered.size:
            p = _steady_state(int(servers[0]), max(float(offered[0]), 0.0) / tau, 1.0 / float(aht[0]), theta)
            previous = int(servers[0])
        chains.append({"servers": servers, "offered": offered, "aht": aht, "out": out, "p": p, "previous": previous})
    for i in range(max((c["offered"].size for c in chains), default=0)):
        here = [c for c in chains if i < c["offered"].size]
        births, deaths = [], []
        for c in here:
            s, lam, mu = int(c["servers"][i]), max(float(c["offered"][i]), 0.0) / tau, 1.0 / float(c["aht"][i])
            p = c["p"]
            if s == 0 and c["previous"] > 0:  # the contacts in service finish; those in line wait for the next agent
                done = np.zeros_like(p)
                done[0] = p[: c["previous"] + 1].sum()
                done[1: p.size - c["previous"]] = p[c["previous"] + 1:]
                p = done
            c["previous"] = s
            c["p"] = _room(p, s, lam * tau)
            c["n"] = np.arange(c["p"].size)
            c["s"], c["lam"], c["mu"] = s, lam, mu
            births.append(lam)
            deaths.append(np.minimum(c["n"], s) * mu + np.maximum(c["n"] - s, 0) * theta)
        for c, (p, avg) in zip(here, _steps([c["p"] for c in here], births, deaths, tau), strict=True):
            c["p"] = p
            s, lam, n, out = c["s"], c["lam"], c["n"], c["out"]
            view = _arrival_view(n, s, c["mu"], theta, t)
            for key in ("service_level", "abandon_rate", "p_wait"):
                out[key][i] = float(avg @ view[key])
            with np.errstate(invalid="ignore"):
                out["asa_s"][i] = float(avg @ view["asa_s"]) if s > 0 or theta > 0 else (math.inf if lam > 0 else 0.0)
            out["occupancy"][i] = float(avg @ np.minimum(n, s)) / s if s > 0 else 0.0
    results = []
    for c in chains:
        out, offered = c["out"], c["offered"]
        none = offered <= 0  # no arrivals: nobody waits, as erlang_c and erlang_a count it
        for key, value in (("service_level", 1.0), ("asa_s", 0.0), ("p_wait", 0.0), ("abandon_rate", 0.0)):
            out[key][none] = value
        if patience_s is None:
            out["abandon_rate"] = np.zeros(offered.size)
        results.append(out)
    return results
