"""Deferred channels as a queue with randomness: the expected contacts answered within target per arrival slot.

deferred.serve replays a deferred channel as a fluid: contacts flow at their expected rate and each agent answers a
steady aht_s-long contact after another, so a backlog that the agents clear with less than one contact to spare is
on time in full. Real arrivals are Poisson and handle times vary, so part of such a backlog is still waiting when it
falls due; near capacity the fluid overstates the share within target by a few points (planner.scenarios.simulate
measures it). This module follows the same channel as a time-varying M/M/c queue, served in the planner's order:

- Contacts that can meet the target (deferred.due_slots) are served first come first served. The backlog a closure
  made late waits behind them: it is served only by agents no on-time contact needs, and joins the line (behind the
  contacts in it) at the first slot whose fresh arrivals are due at or after it, as the simulator's due-order key has it.
- With the on-time contacts first, their number in the system is a birth–death chain of its own (servers min(n, c)),
  and so is the number of all contacts (a busy agent is busy whichever class it serves): two one-dimensional chains,
  stepped exactly through each slot by uniformization (planner.staffing.uniformization), instead of the two-class
  chain they are the marginals of. When the late backlog joins the line the on-time chain becomes the total one.
- A contact arriving with n on-time contacts in the system, c agents, waits for n − c + 1 departures, less the agents
  added during its wait; departures are Poisson with mean ∫ c(s)/aht ds over the target window (agents work all their
  time, as the simulator's do by default; closed slots have none). Arrivals see the slot's time-average state
  (Poisson arrivals see time averages), at `points` instants spread over the slot.
- Agents leaving finish the contact in hand at once; contacts with no open slot ahead in the table are not served.

On a stationary queue this is exact Erlang C; on the demo week it agrees with the simulator within about a point
(tests/test_deferred_queue.py, bench/whatif_bench.py).
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict

import numpy as np
from scipy import special

from planner.staffing import deferred, uniformization

# A chain is (lo, p): p[k] = P(lo + k contacts in the system). The window follows the mass: a day's email backlog
# sits at hundreds of contacts with nothing near 0, and each uniformization step costs the window's width.


def _finish(lo: int, p: np.ndarray, before: int, after: int) -> tuple[int, np.ndarray]:
    """The chain when the agents drop from `before` to `after`: the contacts the leaving agents held are done."""
    n = lo + np.arange(p.size)
    left = n - (np.minimum(n, before) - np.minimum(n, after))
    return int(left[0]), np.bincount(left - left[0], weights=p)


def _window(lo: int, p: np.ndarray, servers: int, arrivals: float, departures: float) -> tuple[int, np.ndarray]:
    """The chain cut to its states of probability > TAIL and padded with empty states: above, so that the slot's
    arrivals cannot reach the last state (transient._room); below, so that its departures cannot reach the first."""
    held = np.flatnonzero(p > uniformization.TAIL)
    first, top = (int(held[0]), int(held[-1])) if held.size else (0, 0)
    # Poisson(m) has less than 1e-15 of its mass above m + 8√m + 10 (the chain's steps are a Poisson number of moves)
    down = int(math.ceil(departures + 8.0 * math.sqrt(departures) + 10.0)) if departures > 0.0 else 0
    new_lo = max(lo + first - down, 0)
    high = max(lo + top, servers) + int(math.ceil(arrivals + 8.0 * math.sqrt(arrivals) + 10.0))
    out = np.zeros(high - new_lo + 1)
    out[lo + first - new_lo: lo + top - new_lo + 1] = p[first: top + 1]
    return new_lo, out


def _arrivals_only(lo: int, p: np.ndarray, lam_tau: float) -> tuple[int, np.ndarray, np.ndarray]:
    """(lo, end, time average) of a slot without agents: the chain only counts Poisson arrivals, so its end state is
    p convolved with Poisson(λτ) and its time average p convolved with P(X > k) / λτ (the uniformization sums); p is
    first cut to its states of probability > TAIL (a night of arrivals would otherwise widen it slot after slot)."""
    held = np.flatnonzero(p > uniformization.TAIL)
    if held.size:
        lo, p = lo + int(held[0]), p[held[0]: held[-1] + 1]
    if lam_tau <= 0.0:
        return lo, p, p.copy()
    weight, tail = uniformization.poisson(lam_tau)
    return lo, np.convolve(p, weight), np.convolve(p, tail) / lam_tau


def _steps(chains: list[tuple[int, np.ndarray]], births: list[float], servers: list[int], mus: list[float], tau: float
           ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(end, time average) over a slot of tau seconds of birth–death chains (births λ, deaths min(n, c)·μ), each by
    uniformization at its own rate, side by side (uniformization.power_sums); a chain's figures do not depend on the
    chains beside it."""
    rows, width = len(chains), max(p.size for _, p in chains)
    up, down, q = np.zeros((rows, width)), np.zeros((rows, width)), np.zeros((rows, width))
    sums = []
    for r, ((lo, p), lam, c, mu) in enumerate(zip(chains, births, servers, mus, strict=True)):
        n = p.size
        rate = lam + min(lo + n - 1, c) * mu  # the fastest state's (the last gets no arrivals, see _window)
        m = rate * tau
        weight, tail = uniformization.slot_weights(m)
        up[r, : n - 1] = lam / rate
        down[r, :n] = np.minimum(lo + np.arange(n), c) * mu / rate
        q[r, :n] = p
        sums.append((weight, tail / m))
    coefs = np.zeros((2, rows, max(weight.size for weight, _ in sums)))
    for r, (weight, tail) in enumerate(sums):
        coefs[0, r, : weight.size], coefs[1, r, : tail.size] = weight, tail
    end, average = uniformization.power_sums(q, up, down, coefs)
    return [(end[r, : p.size], average[r, : p.size]) for r, (_, p) in enumerate(chains)]


def _share_within(lo: int, average: np.ndarray, servers: int, departures: np.ndarray, added: np.ndarray) -> float:
    """P(answered within target) of an arrival seeing `average` (P(lo + j on-time contacts in the system)): with N in
    the system it waits for N − servers + 1 − added departures, D ~ Poisson(departures) (one value per arrival
    instant, averaged), so P(D ≥ N − servers + 1 − added) = Σ_k P(D = k) · P(N ≤ k + servers − 1 + added)."""
    cdf = np.cumsum(average)
    d = departures[:, None]
    spread = 9.0 * np.sqrt(d) + 20.0  # Poisson(d) has no mass (< 1e-16) beyond d ± spread
    k = np.arange(max(math.floor(float((d - spread).min())), 0), math.ceil(float((d + spread).max())) + 1,
                  dtype=float)[None, :]
    pmf = np.exp(special.xlogy(k, d) - d - special.gammaln(k + 1.0))  # one row per arrival instant
    at = (k + (servers - 1 - lo) + np.asarray(added, dtype=float)[:, None]).astype(np.int64)
    below = at < 0
    at[below] = 0
    np.minimum(at, cdf.size - 1, out=at)
    return float((pmf * np.where(below, 0.0, cdf[at])).sum()) / departures.size


class _Channel:
    """One channel's slots and its two chains as they are stepped (see within_expected for the arguments)."""

    def __init__(self, agents, offered, aht_s, interval_s: float, answer_within_s: float, open_mask,
                 backlog_clear_s: float, points: int, wanted, waiting: float):
        self.offered = offered = np.maximum(np.asarray(offered, dtype=float), 0.0)
        n_slots = offered.size
        self.mu = 1.0 / np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape).astype(float)
        mask = np.ones(n_slots, dtype=bool) if open_mask is None else np.asarray(open_mask, dtype=bool)
        self.servers = np.where(mask, np.floor(np.asarray(agents, dtype=float) + 1e-9), 0.0).astype(np.int64)
        self.tau = tau = float(interval_s)
        self.answer_within_s = float(answer_within_s)
        self.due = deferred.due_slots(mask, answer_within_s, tau, backlog_clear_s)
        inside = self.due < n_slots
        self.on_time = inside & (self.due <= np.arange(n_slots) + deferred._slots_within(answer_within_s, tau) - 1)
        self.late = inside & ~self.on_time
        self.capacity = np.r_[0.0, np.cumsum(self.servers * self.mu * tau)]  # departures the agents give, to each slot
        self.rises = np.r_[0, np.cumsum(np.maximum(np.diff(np.r_[0, self.servers]), 0))]  # agents added, to each slot
        self.instants = (np.arange(points) + 0.5) / points
        self.within = np.zeros(n_slots)
        self.wanted = np.ones(n_slots, dtype=bool) if wanted is None else np.asarray(wanted, dtype=bool)
        self.slots = int(np.flatnonzero(self.wanted)[-1]) + 1 if self.wanted.any() else 0
        self.first = int(np.flatnonzero(self.wanted)[0]) if self.wanted.any() else 0
        self.on_time_chain: tuple[int, np.ndarray] = (0, np.ones(1))  # P(n on-time contacts in the system)
        self.all_chain: tuple[int, np.ndarray] | None = None  # P(n contacts in the system) while a late backlog is apart
        self.joins_at = math.inf  # the lowest due slot of the late backlog not yet in the line
        self.previous = 0
        if waiting > 0.0:  # contacts of slot 0 (an empty closed slot ahead of the table), exactly floor or ceiling
            whole = int(math.floor(waiting))
            start = (whole, np.array([1.0 - (waiting - whole), waiting - whole]))
            if self.late[0]:
                self.all_chain, self.joins_at = start, int(self.due[0])
            elif inside[0]:
                self.on_time_chain = start

    def prefix_key(self) -> bytes:
        """A digest of everything the chains' state at slot `first` depends on (the slots before it and the start)."""
        digest = hashlib.sha256()
        f = self.first
        for part in (np.array([self.tau, f]), self.servers[:f], self.offered[:f], self.mu[:f], self.on_time[:f],
                     self.late[:f], self.due[:f], np.array([self.joins_at]), *self.state_arrays()):
            digest.update(np.ascontiguousarray(part).tobytes())
            digest.update(b"|")
        return digest.digest()

    def state_arrays(self) -> list[np.ndarray]:
        """The chains' state as arrays (for prefix_key at the start)."""
        chains = [self.on_time_chain] + ([] if self.all_chain is None else [self.all_chain])
        return [np.array([lo, self.previous, len(chains)]) for lo, _ in chains] + [p for _, p in chains]

    def state(self) -> tuple:
        """The chains' state between slots (never changed in place, so it can be kept and shared)."""
        return self.on_time_chain, self.all_chain, self.joins_at, self.previous

    def restore(self, state: tuple) -> None:
        """Continue from a state taken at slot `first` of an identical prefix."""
        self.on_time_chain, self.all_chain, self.joins_at, self.previous = state

    def served_by(self, t: np.ndarray) -> np.ndarray:
        """Departures the agents can give from time 0 to t (s), at full work."""
        n_slots = self.offered.size
        t = np.minimum(t, n_slots * self.tau)
        j = np.minimum((t // self.tau).astype(np.int64), n_slots - 1)
        return self.capacity[j] + (t - j * self.tau) * self.servers[j] * self.mu[j]

    def added_between(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """Agents added at slot starts in (t0, t1]."""
        n_slots = self.offered.size
        first = np.floor(t0 / self.tau).astype(np.int64) + 1
        last = np.minimum(np.floor(t1 / self.tau + 1e-9).astype(np.int64), n_slots - 1)
        return np.where(last >= first, self.rises[np.maximum(last + 1, 0)] - self.rises[np.minimum(first, n_slots)], 0)

    def begin(self, i: int) -> list[tuple[tuple[int, np.ndarray], float]]:
        """Slot i's chains to step: [((lo, p), arrivals per s)], the on-time chain first."""
        if self.all_chain is not None and self.on_time[i] and self.due[i] >= self.joins_at:
            self.on_time_chain, self.all_chain, self.joins_at = self.all_chain, None, math.inf  # the backlog joins
        c = int(self.servers[i])
        if c < self.previous:
            self.on_time_chain = _finish(*self.on_time_chain, self.previous, c)
            self.all_chain = None if self.all_chain is None else _finish(*self.all_chain, self.previous, c)
        self.previous = c
        lam_on_time = self.offered[i] / self.tau if self.on_time[i] else 0.0
        lam_late = self.offered[i] / self.tau if self.late[i] else 0.0
        if lam_late > 0.0:
            self.joins_at = min(self.joins_at, int(self.due[i]))
            if self.all_chain is None:
                self.all_chain = self.on_time_chain
        chains = [(self.on_time_chain, lam_on_time)]
        if self.all_chain is not None:
            chains.append((self.all_chain, lam_on_time + lam_late))
        if c == 0:
            return chains
        departures = c * self.mu[i] * self.tau
        return [(_window(*chain, c, lam * self.tau, departures), lam) for chain, lam in chains]

    def end(self, i: int, stepped: list[tuple[int, np.ndarray, np.ndarray]]) -> None:
        """Take slot i's stepped chains ((lo, end, time average) each) and count its arrivals answered within target."""
        lo = stepped[0][0]
        self.on_time_chain, average = (lo, stepped[0][1]), stepped[0][2]
        if self.all_chain is not None:
            self.all_chain = stepped[1][:2]
        if self.on_time[i] and self.offered[i] > 0.0 and self.wanted[i]:
            t0 = (i + self.instants) * self.tau
            t1 = t0 + self.answer_within_s
            departures = self.served_by(t1) - self.served_by(t0)
            share = _share_within(lo, average, int(self.servers[i]), departures, self.added_between(t0, t1))
            self.within[i] = self.offered[i] * share


# The state at the first wanted slot, by a digest of what it depends on: scenarios of one week share the warm-up
# before it (its actual history and the plan's agents), which is most of the work of projecting a roster.
_PREFIXES: OrderedDict[bytes, tuple] = OrderedDict()
_PREFIXES_KEPT = 16


def within_expected(agents, offered, aht_s, interval_s: float, answer_within_s: float, open_mask=None,
                    backlog_clear_s: float = 0.0, points: int = 4, wanted=None, waiting: float = 0.0) -> np.ndarray:
    """Per arrival slot: the expected contacts answered within answer_within_s (s) by `agents` (productive, per slot;
    0 when closed) under Poisson arrivals and exponential handle times of mean aht_s (s); see the module docstring.
    With `wanted` (a mask over the slots) only those slots are computed (0 elsewhere), the chain stopping after the last;
    `waiting` contacts are in the system at the start, ahead of every arrival (between its floor and ceiling, its mean)."""
    return within_expected_many([dict(agents=agents, offered=offered, aht_s=aht_s, answer_within_s=answer_within_s,
                                      open_mask=open_mask, backlog_clear_s=backlog_clear_s, points=points,
                                      wanted=wanted, waiting=waiting)], interval_s)[0]


def within_expected_many(channels: list[dict], interval_s: float) -> list[np.ndarray]:
    """within_expected of several channels of one slot length (each a dict of its keyword arguments), their chains
    stepped side by side: the same figures, in less time than one channel after another. A channel whose slots
    before its first wanted one are those of a recent call starts from that call's state there (_PREFIXES)."""
    runs = []
    for kw in channels:
        kw = dict(kw)
        waiting = float(kw.pop("waiting", 0.0) or 0.0)
        if waiting > 0.0:  # as contacts that arrived in an empty closed slot just before the first
            size = np.size(kw["offered"])
            aht = np.broadcast_to(np.asarray(kw["aht_s"], dtype=float), (size,))
            mask, wanted = kw.get("open_mask"), kw.get("wanted")
            kw.update(agents=np.r_[0.0, kw["agents"]], offered=np.r_[0.0, kw["offered"]], aht_s=np.r_[aht[:1], aht],
                      open_mask=np.r_[False, np.ones(size, bool) if mask is None else np.asarray(mask, bool)],
                      wanted=np.r_[False, np.ones(size, bool) if wanted is None else np.asarray(wanted, bool)])
        runs.append((_Channel(interval_s=interval_s, waiting=waiting, **{"open_mask": None, "backlog_clear_s": 0.0,
                                                                         "points": 4, "wanted": None, **kw}),
                     waiting > 0.0))
    tau = float(interval_s)
    starts, keys = [], []
    for run, _ in runs:
        key = run.prefix_key() if run.first > 0 else None
        if key is not None and key in _PREFIXES:
            run.restore(_PREFIXES[key])
            _PREFIXES.move_to_end(key)
            starts.append(run.first)
            key = None
        else:
            starts.append(0)
        keys.append(key)
    for i in range(min(starts, default=0), max((run.slots for run, _ in runs), default=0)):
        for (run, _), key in zip(runs, keys, strict=True):
            if key is not None and i == run.first:
                _PREFIXES[key] = run.state()
                while len(_PREFIXES) > _PREFIXES_KEPT:
                    _PREFIXES.popitem(last=False)
        todo = [(run, run.begin(i)) for (run, _), start in zip(runs, starts, strict=True) if start <= i < run.slots]
        batch, births, servers, mus, where = [], [], [], [], []
        results: list[list] = []
        for k, (run, chains) in enumerate(todo):
            c = int(run.servers[i])
            results.append([None] * len(chains))
            for j, (chain, lam) in enumerate(chains):
                if c == 0:
                    results[k][j] = _arrivals_only(*chain, lam * tau)
                else:
                    batch.append(chain)
                    births.append(lam)
                    servers.append(c)
                    mus.append(float(run.mu[i]))
                    where.append((k, j))
        for run_k in sorted({k for k, _ in where}):  # a channel's chains together (their widths are alike)
            at = [n for n, (k, _) in enumerate(where) if k == run_k]
            stepped = _steps([batch[n] for n in at], [births[n] for n in at], [servers[n] for n in at],
                             [mus[n] for n in at], tau)
            for n, (end, average) in zip(at, stepped, strict=True):
                results[run_k][where[n][1]] = (batch[n][0], end, average)
        for (run, _), res in zip(todo, results, strict=True):
            run.end(i, res)
    return [run.within[1:] if shifted else run.within for run, shifted in runs]
