"""The forecasting models by name; each is an estimator with fit(series) -> self and predict(horizon) -> mean."""

from __future__ import annotations

from collections.abc import Callable

from forecasts.errors import ForecastError
from forecasts.models.base import Model
from forecasts.models.mstl import Mstl
from forecasts.models.naive import Naive, SeasonalMean
from forecasts.models.seasonal import Seasonal

MODELS: dict[str, Callable[[], Model]] = {
    "seasonal": Seasonal,
    "mean4": lambda: SeasonalMean(weeks=4),
    "naive": Naive,
    "mstl": Mstl,
}
MODEL_NAMES = (*MODELS, "auto")


def make_model(name: str) -> Model:
    """A fresh model called name, or ForecastError listing the valid names."""
    if name not in MODELS:
        raise ForecastError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}")
    return MODELS[name]()


__all__ = ["MODELS", "MODEL_NAMES", "Model", "Mstl", "Naive", "Seasonal", "SeasonalMean", "make_model"]
