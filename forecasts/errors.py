"""The forecasting package's exception (a request it cannot serve; the planner CLI maps it to exit 2) and its warnings."""

from __future__ import annotations


class ForecastError(ValueError):
    """A bad forecast request or unusable history: the message says what to change."""


class ForecastWarning(UserWarning):
    """Something the forecast worked around and the user should know about; the message says what and how to fix it."""


class HistoryGapWarning(ForecastWarning):
    """Open slots of a channel had no row in the history: they were treated as unknown, not as zero contacts."""

    def __init__(self, channel: str, missing_slots: int, missing_days: int, slot_minutes: int) -> None:
        self.channel = channel
        self.missing_slots = missing_slots
        self.missing_days = missing_days
        self.slot_minutes = slot_minutes
        partial = missing_slots > 0 and missing_days == 0
        days = f"{missing_days:,} whole day(s)" if missing_days else "no whole day"
        super().__init__(
            f"channel {channel!r}: {missing_slots:,} open {slot_minutes}-minute slot(s) have no row in the history "
            f"({days}{'' if partial else ' among them'}); they were treated as missing, not as zero contacts. "
            "If those slots really had no contacts, write them as rows with offered 0"
        )


class BacktestSkipWarning(ForecastWarning):
    """A backtest left a model out, or used fewer origins than asked, because the history is too short."""
