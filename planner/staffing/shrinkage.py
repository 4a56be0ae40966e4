"""Agents to schedule from productive agents: ceil(productive / (1 − shrinkage)) in exact rational arithmetic."""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def _as_fraction(shrinkage: float) -> Fraction:
    # A config value like 0.3 means 3/10 exactly; the nearest small fraction undoes the binary float error.
    return Fraction(str(shrinkage)).limit_denominator(1_000_000)


def scheduled_agents(agents_productive, shrinkage: float) -> np.ndarray:
    """Agents to schedule so that agents_productive remain after shrinkage (21 at 0.3 → 30, never 31)."""
    frac = _as_fraction(shrinkage)
    if not 0 <= frac < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage}")
    keep_num, keep_den = (1 - frac).numerator, (1 - frac).denominator
    productive = np.asarray(agents_productive)
    if np.any(productive < 0) or np.any(productive != np.floor(productive)):
        raise ValueError("agents_productive must be non-negative integers")
    p = productive.astype(np.int64)
    # ceil(p / (num/den)) = ceil(p·den / num) with integers only
    return -((-p * keep_den) // keep_num)


def productive_agents(scheduled, shrinkage: float) -> np.ndarray:
    """Productive agents expected from scheduled heads: floor(scheduled × (1 − shrinkage)), exact (30 at 0.3 → 21)."""
    frac = _as_fraction(shrinkage)
    keep = 1 - frac
    s = np.asarray(scheduled).astype(np.int64)
    return (s * keep.numerator) // keep.denominator
