"""Kernel of the daily-totals model: robust ridge regression of log daily volume on trend, weekday, year and holidays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True)
class DailyDesign:
    """Which terms the daily regression has (chosen from how much history there is)."""

    knots_days: np.ndarray  # trend slope may change at these day offsets (relative to the last history day, ≤ 0)
    use_trend: bool
    weekdays: tuple[int, ...]  # weekdays with their own level (the first is the base)
    yearly_order: int
    use_holiday: bool

    def matrix(self, t_days: np.ndarray, wd: np.ndarray, hol: np.ndarray, abs_days: np.ndarray) -> np.ndarray:
        """Design matrix: one row per day; t_days is the (possibly damped) day offset from the last history day."""
        t = t_days / DAYS_PER_YEAR
        cols = [np.ones_like(t)]
        if self.use_trend:
            cols.append(t)
            cols += [np.maximum(t - k / DAYS_PER_YEAR, 0.0) for k in self.knots_days]
        cols += [(wd == g).astype(float) for g in self.weekdays[1:]]
        phase = 2 * np.pi * (abs_days / DAYS_PER_YEAR)
        for k in range(1, self.yearly_order + 1):
            cols += [np.sin(k * phase), np.cos(k * phase)]
        if self.use_holiday:
            cols.append(hol.astype(float))
        return np.column_stack(cols)

    def penalty(self, total_weight: float, knot_ridge: float, yearly_ridge: float) -> np.ndarray:
        """Ridge penalty per column, scaled to the total observation weight."""
        pen = [0.0]
        if self.use_trend:
            pen += [0.0] + [knot_ridge] * len(self.knots_days)
        pen += [1e-6] * (len(self.weekdays) - 1)
        pen += [yearly_ridge] * (2 * self.yearly_order)
        if self.use_holiday:
            pen.append(1e-6)
        return np.asarray(pen) * total_weight


def fit_robust(x: np.ndarray, z: np.ndarray, weight: np.ndarray, penalty: np.ndarray, iterations: int = 5):
    """Ridge regression of z on x, reweighted with Huber then Tukey bisquare weights; returns (coef, scale, robust weight)."""
    robust = np.ones_like(z)
    coef = np.zeros(x.shape[1])
    scale = 0.0
    for it in range(iterations):
        w = weight * robust
        xtw = x.T * w
        coef = np.linalg.solve(xtw @ x + np.diag(penalty + 1e-9), xtw @ z)
        resid = z - x @ coef
        scale = _robust_scale(resid, weight)
        if scale <= 1e-9:
            break
        u = np.abs(resid) / scale
        if it == 0:
            robust = np.minimum(1.0, 1.345 / np.maximum(u, 1e-12))
        else:
            robust = np.where(u < 4.685, (1 - (u / 4.685) ** 2) ** 2, 0.0)
    return coef, scale, robust


def _robust_scale(resid: np.ndarray, weight: np.ndarray) -> float:
    """1.4826 × median absolute deviation of the recent-weighted residuals (weights below 5% of the max ignored)."""
    keep = weight > 0.05 * weight.max()
    r = resid[keep]
    return float(1.4826 * np.median(np.abs(r - np.median(r)))) if len(r) else 0.0


def damped_offsets(days_ahead: np.ndarray, phi: float) -> np.ndarray:
    """Trend offset (in days) of each day ahead with a per-day damping phi: Σ_{j=1..h} phi^j."""
    h = np.maximum(days_ahead, 0).astype(float)
    return phi * (1 - phi**h) / (1 - phi) if phi < 1 else h
