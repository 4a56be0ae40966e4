"""Erlang B blocking probability, exact and stable in log space for 0 to 10,000+ Erlangs (numpy broadcasting)."""

from __future__ import annotations

import numpy as np
from scipy import special

# Below this Poisson CDF the ratio pmf/cdf is taken from its series in n/A instead (deep overload only).
_TINY = 1e-280
_SERIES_TERMS = 400


def blocking(servers, traffic_erlangs) -> np.ndarray:
    """Erlang B: probability an arrival finds all `servers` busy with `traffic_erlangs` offered (no queue)."""
    n, a = np.broadcast_arrays(np.asarray(servers, dtype=float), np.asarray(traffic_erlangs, dtype=float))
    n = np.floor(n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        # B(n, A) = P(Poisson(A) = n) / P(Poisson(A) <= n): both terms exact via log-gamma and the incomplete gamma.
        log_pmf = special.xlogy(n, a) - a - special.gammaln(n + 1)
        cdf = special.pdtr(n, a)
        b = np.array(np.exp(log_pmf) / cdf, dtype=float)
    deep = (cdf < _TINY) & (a > 0)
    if deep.any():
        b[deep] = _blocking_overloaded(n[deep], a[deep])
    b = np.where(a <= 0, np.where(n <= 0, 1.0, 0.0), b)
    return np.clip(b, 0.0, 1.0)


def _blocking_overloaded(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    # 1/B = sum_m n!/(n-m)! / A^m; the terms shrink at least geometrically by n/A < 1 here.
    total = np.ones_like(a)
    term = np.ones_like(a)
    for m in range(_SERIES_TERMS):
        term = term * np.maximum(n - m, 0) / a
        total += term
        if term.max() < 1e-17:
            break
    return 1.0 / total


def servers_for_blocking(traffic_erlangs, max_blocking) -> np.ndarray:
    """Fewest servers (trunks) with Erlang B blocking ≤ max_blocking."""
    from planner.staffing._search import fewest

    a, target = np.broadcast_arrays(np.asarray(traffic_erlangs, dtype=float), np.asarray(max_blocking, dtype=float))
    start = np.full(a.shape, -1, dtype=np.int64)
    n = fewest(start, lambda k: blocking(k, a) <= target + 1e-12)
    return np.where(a <= 0, 0, n)
