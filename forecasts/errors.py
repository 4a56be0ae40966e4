"""The one exception of the forecasting package: a request it cannot serve (the planner CLI maps it to exit 2)."""

from __future__ import annotations


class ForecastError(ValueError):
    """A bad forecast request or unusable history: the message says what to change."""
