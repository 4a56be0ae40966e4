"""What a forecast needs to know about the site beyond the history: slots, channels, open hours, holidays, events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# A day → (open_min, close_min) minutes after that day's midnight (close may exceed 1440), or None when closed.
OpenHoursFn = Callable[[dt.date], "tuple[int, int] | None"]


@dataclass(frozen=True)
class EventSpec:
    """A campaign or special day: volume of `channels` (None = all) times `factor` over [start, end] (dates inclusive).

    The uplift ramps linearly over the first `ramp_days` days of the event and fades linearly over
    `decay_days` days after `end`.
    """

    name: str
    start: dt.date
    end: dt.date
    factor: float
    channels: tuple[str, ...] | None = None
    ramp_days: int = 0
    decay_days: int = 0

    def applies_to(self, channel: str) -> bool:
        """True when the event touches this channel."""
        return self.channels is None or channel in self.channels


@dataclass(frozen=True)
class ForecastSpec:
    """Site facts for a forecast; every field may be left out and is then inferred from the history (or unused).

    Times are naive local wall-clock times. `open_hours` maps a channel to a function giving that
    day's opening window; channels missing from it get open slots inferred from the history
    (slots with arrivals in recent weeks, per weekday).
    """

    slot_minutes: int | None = None
    channels: tuple[str, ...] | None = None
    open_hours: Mapping[str, OpenHoursFn] = field(default_factory=dict)
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    events: tuple[EventSpec, ...] = ()
    interval_level: float = 0.8
    aht_s: Mapping[str, float] = field(default_factory=dict)
    history_weeks: int | None = None
    auto_models: tuple[str, ...] = ("seasonal", "mean4", "naive")
    auto_origins: int = 4
    max_gap_weeks: int = 8
