"""Which skill group carries how much of each channel's requirement: a small LP, so no hour is counted twice.

Rule: every required hour of a channel is given to exactly one group that has the channel among its skills. The
split minimises the highest utilisation (required / available hours) over the groups, so the spare hours of the
site are shared as evenly as the skills allow; among the splits that reach it, specialists carry their own channel
before multi-skilled groups (a small cost per hour per skill), who stay the flexible reserve. A requirement no
group can serve is reported as unserved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

UNSERVED_COST = 1e4  # per unserved hour, far above any utilisation (≤ 1 for a feasible plan)
SKILL_COST = 1e-6  # per hour per skill of the serving group: prefers specialists among equally even splits


@dataclass(frozen=True)
class Split:
    """Shares of each channel's requirement per group, the highest utilisation, and hours no group can serve."""

    shares: dict[str, dict[str, float]]  # group → channel → share of the channel's hours (0–1)
    utilisation: float
    unserved_h: dict[str, float]


def split_requirement(required_h: dict[str, float], available_h: dict[str, float]) -> Split:
    """Shares of each channel's required hours (channel → h) per group (group 'a+b' → available h), by the LP above."""
    groups = [g for g in sorted(available_h) if available_h[g] > 0]
    channels = [c for c in sorted(required_h) if required_h[c] > 0]
    pairs = [(g, c) for g in groups for c in g.split("+") if c in channels]
    n_x, n_u = len(pairs), len(channels)
    n = n_x + n_u + 1  # x per (group, channel), u per channel, t
    if not channels:
        return Split({g: {} for g in available_h}, 0.0, {})
    cost = np.zeros(n)
    cost[:n_x] = [SKILL_COST * len(g.split("+")) for g, _ in pairs]
    cost[n_x:n_x + n_u] = UNSERVED_COST
    cost[-1] = 1.0
    a_ub = np.zeros((len(groups), n))  # Σ_c x_gc − t·A_g ≤ 0
    for i, (g, _) in enumerate(pairs):
        a_ub[groups.index(g), i] = 1.0
    for k, g in enumerate(groups):
        a_ub[k, -1] = -available_h[g]
    a_eq = np.zeros((n_u, n))  # Σ_g x_gc + u_c = R_c
    for i, (_, c) in enumerate(pairs):
        a_eq[channels.index(c), i] = 1.0
    a_eq[np.arange(n_u), n_x + np.arange(n_u)] = 1.0
    b_eq = np.array([required_h[c] for c in channels])
    res = linprog(cost, A_ub=a_ub if len(groups) else None, b_ub=np.zeros(len(groups)) if len(groups) else None,
                  A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n, method="highs")
    if res.status != 0:  # cannot happen (u makes every instance feasible); a solver failure is a bug
        raise RuntimeError(f"the requirement split LP failed: {res.message}")
    x = res.x
    shares: dict[str, dict[str, float]] = {g: {} for g in available_h}
    for i, (g, c) in enumerate(pairs):
        if x[i] > 1e-9:
            shares[g][c] = float(x[i] / required_h[c])
    unserved = {c: float(x[n_x + j]) for j, c in enumerate(channels) if x[n_x + j] > 1e-6}
    return Split(shares, float(x[-1]), unserved)
