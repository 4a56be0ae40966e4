"""Cost of understaffing in late contacts: the staffing model's late-contacts curve as a convex piecewise-linear cost."""

from __future__ import annotations

import math

import numpy as np

from planner.config.schema import AsaTarget, Channel

try:  # the staffing area owns the real curve; until it lands the stand-in below has the same signature
    from planner.staffing import late_contacts_curve  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - exercised only before the staffing branch is merged

    def late_contacts_curve(offered, aht_s, interval_s, channel: Channel, max_agents: int) -> np.ndarray:
        """Expected contacts answered late per slot with 0..max_agents productive agents, shape (slots, max_agents+1).

        Stand-in: Erlang C wait-probability beyond the target for immediate channels (concurrency divides the handle
        time), work left undone in the slot for deferred ones.
        """
        offered = np.atleast_1d(np.asarray(offered, dtype=float))
        aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
        out = np.zeros((len(offered), max_agents + 1))
        agents = np.arange(max_agents + 1)
        for i, (lam, h) in enumerate(zip(offered, aht, strict=True)):
            if lam <= 0:
                continue
            if channel.kind == "deferred":
                out[i] = np.maximum(0.0, lam - agents * interval_s / h)
                continue
            h_eff = h / channel.concurrency
            load = lam * h_eff / interval_s
            within = channel.target.asa_s if isinstance(channel.target, AsaTarget) else channel.target.answer_within_s
            for n in agents:
                out[i, n] = lam * _erlang_c_late(int(n), load, within, h_eff)
        return out


def _erlang_c_late(n: int, load: float, within_s: float, aht_s: float) -> float:
    """Probability a contact waits longer than within_s with n agents and `load` Erlangs (1 when n <= load)."""
    if n <= load:
        return 1.0
    term, total = 1.0, 1.0
    for k in range(1, n):
        term *= load / k
        total += term
    top = term * load / n * n / (n - load)
    pw = top / (total + top)
    return float(min(1.0, pw * math.exp(-(n - load) * within_s / aht_s)))


def shortfall_cost(late: np.ndarray, required: int, productive: float) -> list[tuple[int, float]]:
    """Convex envelope of the extra late contacts caused by u = 0..required missing agents, as (u, cost) breakpoints.

    `late[n]` is the curve at n productive agents; a scheduled agent counts as productive/required productive agents
    (shrinkage), with the curve interpolated linearly between whole agents. The envelope is the tightest convex
    function below the curve, so one agent short where it hurts most weighs most and the model stays linear.
    """
    if required <= 0:
        return [(0, 0.0)]
    ratio = productive / required if productive > 0 else 1.0
    grid = np.arange(len(late))

    def at(agents: float) -> float:
        return float(np.interp(agents, grid, late))

    base = at(required * ratio)
    points = [(u, max(0.0, at((required - u) * ratio) - base)) for u in range(required + 1)]
    hull: list[tuple[int, float]] = []
    for p in points:  # lower convex hull (monotone chain), points sorted by u
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], p) <= 0:
            hull.pop()
        hull.append(p)
    return hull


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def late_at(late: np.ndarray, agents: float) -> float:
    """The late-contacts curve at a fractional number of productive agents (linear between whole agents)."""
    return float(np.interp(agents, np.arange(len(late)), late))
