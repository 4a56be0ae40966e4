"""Cost of understaffing in late contacts: the staffing model's late-contacts curve as a convex piecewise-linear cost."""

from __future__ import annotations

import numpy as np

from planner.staffing import late_contacts_curve  # noqa: F401  (re-exported for the model)


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
