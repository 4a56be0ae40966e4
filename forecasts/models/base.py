"""The interface every model shares: hyper-parameters in __init__, fit(series) -> self, predict(horizon) -> mean."""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from forecasts.errors import ForecastError
from forecasts.panel import Horizon, Series


class Model(ABC):
    """A forecaster of one channel's contacts per slot; subclasses implement _fit and _predict."""

    name = "model"
    min_history_days = 7

    def fit(self, series: Series) -> Model:
        """Learn from a channel's history; ForecastError when it is too short for this model."""
        # a closed day (weekend of a weekday-only site) counts as known: zero contacts
        observed = int((np.isfinite(series.y).all(axis=1) | ~series.open.any(axis=1)).sum())
        if series.n_days < self.min_history_days or observed < self.min_history_days * 0.75:
            raise ForecastError(
                f"model {self.name!r} needs at least {self.min_history_days} days of history; "
                f"got {series.n_days} days, {observed} of them with data or closed"
            )
        self._fit(series)
        self.n_days_ = series.n_days
        self.day0_ = series.day0
        return self

    def predict(self, horizon: Horizon) -> np.ndarray:
        """Expected contacts [day, slot] over the horizon, exactly 0 in closed slots."""
        if not hasattr(self, "n_days_"):
            raise ForecastError(f"model {self.name!r} must be fitted before predict")
        gap = int((horizon.day0 - self.day0_).astype(np.int64)) - self.n_days_
        mean = self._predict(horizon, gap)
        return np.where(horizon.open, np.clip(np.nan_to_num(mean, nan=0.0), 0.0, None), 0.0)

    @abstractmethod
    def _fit(self, series: Series) -> None:
        """Learn the model's parameters from one channel's history."""

    @abstractmethod
    def _predict(self, horizon: Horizon, gap_days: int) -> np.ndarray:
        """Expected contacts [day, slot], gap_days after the end of the fitted history."""
