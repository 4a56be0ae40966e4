"""Vectorised search for the fewest integer servers meeting a monotone target, for every slot at once."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def fewest(lo_fail: np.ndarray, ok: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Smallest n > lo_fail with ok(n) true, element-wise; ok must be monotone (false…false, true…true) in n.

    Galloping then bisection, on all elements at once: about 2·log2(answer − lo_fail) evaluations of ok.
    """
    lo = np.asarray(lo_fail, dtype=np.int64).copy()
    step = np.ones_like(lo)
    hi = lo + step
    good = ok(hi)
    rounds = 0
    while not good.all():
        rounds += 1
        if rounds > 60:
            raise FloatingPointError("no agent count meets the target for some slots (NaN or infinite inputs?)")
        bad = ~good
        lo = np.where(bad, hi, lo)
        step = np.where(bad, step * 2, step)
        hi = np.where(bad, lo + step, hi)
        good = good | ok(hi)
    # invariant: ok(hi) true, ok(lo) false (or lo is the known-failing start)
    while True:
        gap = hi - lo
        active = gap > 1
        if not active.any():
            return hi
        mid = lo + gap // 2
        res = ok(mid)
        hi = np.where(active & res, mid, hi)
        lo = np.where(active & ~res, mid, lo)
