"""Contact forecasting: history table → forecast table (offered, aht_s, interval) per slot and channel.

Knows nothing of staffing or the planner; `forecast` and `backtest` are the entry points.
"""

from forecasts.api import COLUMNS, backtest, forecast
from forecasts.backtest import winners as backtest_winners
from forecasts.errors import ForecastError
from forecasts.models import MODEL_NAMES
from forecasts.spec import EventSpec, ForecastSpec

__all__ = ["COLUMNS", "MODEL_NAMES", "EventSpec", "ForecastError", "ForecastSpec", "backtest", "backtest_winners", "forecast"]
