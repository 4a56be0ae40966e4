"""`seasonal`, the default model: daily totals (trend, weekday, year, holidays) × an intraday profile per weekday."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasts.errors import ForecastError
from forecasts.models import daily, profile
from forecasts.models.base import Model
from forecasts.panel import Horizon, Series, weekday


class Seasonal(Model):
    """Daily totals from a robust log-linear regression, spread over the day by a smoothed per-weekday profile.

    Outlier days (outages, spikes) get zero weight in both parts; gaps (days without rows) and
    event days are left out; the last two weeks' residual level is carried forward. A date whose
    volume was far off the model on the same date one and two years earlier, in the same
    direction both times (the days around Christmas, a yearly sale), gets that recurring deviation.
    """

    name = "seasonal"
    min_history_days = 14

    def __init__(
        self,
        fit_weeks: int = 156,
        fit_halflife_weeks: float = 52.0,
        knot_every_weeks: int = 6,
        knot_ridge: float = 0.02,
        yearly_order: int = 5,
        yearly_ridge: float = 1e-3,
        min_yearly_weeks: int = 60,
        recurring_threshold: float = 2.5,
        level_halflife_days: float = 7.0,
        trend_damping: float = 0.98,
        profile_weeks: int = 16,
        profile_halflife_weeks: float = 8.0,
        smoothing_min: tuple[float, ...] = (0.0, 5.0, 10.0, 15.0, 20.0, 30.0),
    ) -> None:
        self.fit_weeks = fit_weeks
        self.fit_halflife_weeks = fit_halflife_weeks
        self.knot_every_weeks = knot_every_weeks
        self.knot_ridge = knot_ridge
        self.yearly_order = yearly_order
        self.yearly_ridge = yearly_ridge
        self.min_yearly_weeks = min_yearly_weeks
        self.recurring_threshold = recurring_threshold
        self.level_halflife_days = level_halflife_days
        self.trend_damping = trend_damping
        self.profile_weeks = profile_weeks
        self.profile_halflife_weeks = profile_halflife_weeks
        self.smoothing_min = smoothing_min

    def _fit(self, series: Series) -> None:
        n = series.n_days
        abs_days = series.day0.astype(np.int64) + np.arange(n)
        wd = weekday(series.day0 + np.arange(n).astype("timedelta64[D]"))
        totals = np.nansum(np.where(series.open, series.y, 0.0), axis=1)
        valid = np.isfinite(series.y).all(axis=1) & series.open.any(axis=1) & ~series.excluded
        valid &= np.arange(n) >= n - 7 * self.fit_weeks
        if valid.sum() < 7:
            raise ForecastError(f"model {self.name!r} found fewer than 7 open days with data in the history")
        rows = np.flatnonzero(valid)
        age = (n - 1 - rows).astype(float)
        span = n - rows[0]
        self.design_ = daily.DailyDesign(
            knots_days=np.arange(rows[0] - (n - 1) + 7 * self.knot_every_weeks, -28, 7 * self.knot_every_weeks, dtype=float),
            use_trend=span >= 56,
            weekdays=tuple(int(g) for g in np.unique(wd[rows])),
            yearly_order=self.yearly_order if span >= 7 * self.min_yearly_weeks else 0,
            use_holiday=bool(series.holiday[rows].any()),
        )
        x = self.design_.matrix(-age, wd[rows], series.holiday[rows], abs_days[rows])
        z = np.log(totals[rows] + 0.5)
        recency = 0.5 ** (age / (7 * self.fit_halflife_weeks))
        pen = self.design_.penalty(recency.sum(), self.knot_ridge, self.yearly_ridge)
        self.coef_, self.scale_, robust = daily.fit_robust(x, z, recency, pen)
        resid = z - x @ self.coef_
        self.resid_ = np.full(n, np.nan)
        self.resid_[rows] = resid
        recent = age < 28
        lw = 0.5 ** (age[recent] / self.level_halflife_days) * robust[recent]
        self.level_ = float(lw @ resid[recent] / (lw.sum() + 0.5)) if recent.any() else 0.0
        good_day = np.zeros(n, dtype=bool)
        good_day[rows] = robust > 0.3
        self.profile_, self.masks_ = self._fit_profile(series, wd, good_day & ~series.holiday)

    def _fit_profile(self, series: Series, wd: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = series.n_days
        days = np.flatnonzero(usable & (np.arange(n) >= n - 7 * self.profile_weeks))
        if len(days) == 0:
            days = np.flatnonzero(np.isfinite(series.y).all(axis=1) & series.open.any(axis=1))
        y, open_, g = series.y[days], series.open[days], wd[days]
        weight = 0.5 ** ((n - 1 - days) / (7 * self.profile_halflife_weeks))
        prof, masks = profile.weekday_profiles(y, open_, g, weight)
        y = profile.clip_outliers(y, open_, g, prof)
        prof, masks = profile.weekday_profiles(y, open_, g, weight)
        slot_min = 1440 / y.shape[1]
        sigma = self._choose_smoothing(y, open_, g, weight, slot_min)
        return profile.smooth(prof, masks, sigma / slot_min), masks

    def _choose_smoothing(self, y, open_, g, weight, slot_min: float) -> float:
        """Smoothing width (minutes) that best shapes the last two weeks from a profile of the weeks before."""
        hold = len(y) - min(len(y) // 3, 10)
        if hold < 7 or len(y) - hold < 3:
            return 10.0
        prof, masks = profile.weekday_profiles(y[:hold], open_[:hold], g[:hold], weight[:hold])
        test = (y[hold:], open_[hold:], g[hold:])
        errors = [profile.slot_errors(*test, profile.smooth(prof, masks, s / slot_min)) for s in self.smoothing_min]
        return float(self.smoothing_min[int(np.argmin(errors))])

    def _recurring(self, days: np.ndarray) -> np.ndarray:
        """Log deviation seen on the same calendar date one and two years before each day, where both agree and are large."""
        first = self.day0_.astype("datetime64[D]")
        when = pd.DatetimeIndex(days)
        r = []
        for years in (1, 2):
            idx = ((when - pd.DateOffset(years=years)).to_numpy().astype("datetime64[D]") - first).astype(np.int64)
            ok = (idx >= 0) & (idx < self.n_days_)
            r.append(np.where(ok, self.resid_[np.clip(idx, 0, self.n_days_ - 1)], np.nan))
        limit = self.recurring_threshold * max(self.scale_, 1e-6)
        with np.errstate(invalid="ignore"):
            agree = (np.sign(r[0]) == np.sign(r[1])) & (np.abs(r[0]) > limit) & (np.abs(r[1]) > limit)
        return np.where(agree, np.sign(r[0]) * np.minimum(np.abs(r[0]), np.abs(r[1])), 0.0)

    def _predict(self, horizon: Horizon, gap_days: int) -> np.ndarray:
        h = horizon.n_days
        ahead = gap_days + 1 + np.arange(h)
        abs_days = self.day0_.astype(np.int64) + self.n_days_ - 1 + ahead
        wd = weekday(horizon.day0 + np.arange(h).astype("timedelta64[D]"))
        t = daily.damped_offsets(ahead, self.trend_damping)
        x = self.design_.matrix(t, wd, horizon.holiday, abs_days)
        log_total = x @ self.coef_ + self.level_ + self._recurring(horizon.day0 + np.arange(h).astype("timedelta64[D]"))
        totals = np.exp(log_total + 0.5 * self.scale_**2) - 0.5
        shares = self.profile_[wd] * horizon.open
        norm = shares.sum(axis=1, keepdims=True)
        uniform = horizon.open / np.maximum(horizon.open.sum(axis=1, keepdims=True), 1)
        shares = np.where(norm > 0, shares / np.where(norm > 0, norm, 1), uniform)
        return np.maximum(totals, 0.0)[:, None] * shares
