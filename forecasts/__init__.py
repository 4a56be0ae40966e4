"""Contact forecasting: history table → forecast table (offered, aht_s, interval) per slot and channel, and per day.

Knows nothing of staffing or the planner; `forecast`, `forecast_tables` and `backtest` are the entry points.
"""

from forecasts.api import COLUMNS, DAILY_COLUMNS, ForecastTables, backtest, forecast, forecast_tables
from forecasts.backtest import SCORE_COLUMNS
from forecasts.backtest import winners as backtest_winners
from forecasts.errors import BacktestSkipWarning, ForecastError, ForecastWarning, HistoryGapWarning
from forecasts.models import MODEL_NAMES
from forecasts.spec import EventSpec, ForecastSpec

__all__ = [
    "COLUMNS", "DAILY_COLUMNS", "MODEL_NAMES", "SCORE_COLUMNS", "BacktestSkipWarning", "EventSpec", "ForecastError",
    "ForecastSpec", "ForecastTables", "ForecastWarning", "HistoryGapWarning", "backtest", "backtest_winners", "forecast",
    "forecast_tables",
]
