"""Pydantic models of a site configuration (configs/*.yaml); unknown keys are rejected."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Fraction01 = Annotated[float, Field(gt=0, le=1)]


class Strict(BaseModel):
    """Base model: typos in keys fail instead of being ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _parse_hhmm(value: str, *, allow_24: bool = False) -> int:
    """Minutes after midnight of an 'HH:MM' string (24:00 allowed as a closing time)."""
    try:
        hh, mm = str(value).split(":")
        hours, minutes = int(hh), int(mm)
    except ValueError as exc:
        raise ValueError(f"time {value!r} is not HH:MM") from exc
    limit = 24 if allow_24 else 23
    if not (0 <= hours <= limit and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"time {value!r} is out of range (00:00–{'24:00' if allow_24 else '23:59'})")
    return hours * 60 + minutes


class OpenHours(Strict):
    """Opening window of one day, local wall clock; close may be 24:00, or after midnight if later than open."""

    open: str
    close: str

    @field_validator("open")
    @classmethod
    def _check_open(cls, v: str) -> str:
        _parse_hhmm(v)
        return v

    @field_validator("close")
    @classmethod
    def _check_close(cls, v: str) -> str:
        _parse_hhmm(v, allow_24=True)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> OpenHours:
        if self.open_min == self.close_min % (24 * 60) and self.close_min != 24 * 60:
            raise ValueError(f"open {self.open} and close {self.close} are the same time; use 00:00–24:00 for all day")
        return self

    @property
    def open_min(self) -> int:
        """Opening time in minutes after midnight."""
        return _parse_hhmm(self.open)

    @property
    def close_min(self) -> int:
        """Closing time in minutes after the day's midnight (> 1440 when the site closes after midnight)."""
        close = _parse_hhmm(self.close, allow_24=True)
        return close if close > self.open_min else close + 24 * 60


DayHours = OpenHours | Literal["closed"]


class HolidaySettings(Strict):
    """Public holidays from the `holidays` package, and what the site does on them."""

    country: str
    subdivision: str | None = None
    hours: DayHours = "closed"

    @model_validator(mode="after")
    def _known_country(self) -> HolidaySettings:
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError as exc:
            raise ValueError(f"holidays does not know country {self.country!r}") from exc
        except Exception as exc:  # holidays raises several types for a bad subdivision
            raise ValueError(f"holidays does not know {self.country!r} / {self.subdivision!r}: {exc}") from exc
        return self


class Site(Strict):
    """The contact centre: name, time zone, slot length and opening hours."""

    name: str
    timezone: str = "UTC"
    slot_minutes: int = 15
    opening_hours: dict[str, DayHours] = Field(default_factory=lambda: {d: "closed" for d in WEEKDAYS})
    holidays: HolidaySettings | None = None

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {v!r} (for example 'Europe/London')") from exc
        return v

    @field_validator("slot_minutes")
    @classmethod
    def _check_slot(cls, v: int) -> int:
        if v <= 0 or 60 % v:
            raise ValueError(f"slot_minutes must divide the hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60), got {v}")
        return v

    @field_validator("opening_hours")
    @classmethod
    def _check_days(cls, v: dict[str, DayHours]) -> dict[str, DayHours]:
        unknown = sorted(set(v) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday(s) {unknown}; use {', '.join(WEEKDAYS)}")
        return {d: v.get(d, "closed") for d in WEEKDAYS}

    @model_validator(mode="after")
    def _slots_align(self) -> Site:
        for day, hours in self.opening_hours.items():
            if isinstance(hours, OpenHours) and (hours.open_min % self.slot_minutes or hours.close_min % self.slot_minutes):
                raise ValueError(f"opening_hours.{day}: {hours.open}–{hours.close} is not on {self.slot_minutes}-minute slots")
        return self

    @property
    def interval_s(self) -> int:
        """Slot length in seconds."""
        return self.slot_minutes * 60


class ServiceLevelTarget(Strict):
    """X% of contacts answered within T seconds (immediate) or H hours (deferred)."""

    service_level: Fraction01
    answer_within_s: float = Field(gt=0)


class AsaTarget(Strict):
    """Average speed of answer at most asa_s seconds."""

    asa_s: float = Field(gt=0)


class Channel(Strict):
    """One contact channel with its target, handle time and staffing parameters."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["immediate", "deferred"] = "immediate"
    target: ServiceLevelTarget | AsaTarget
    aht_s: float = Field(gt=0)
    shrinkage: float = Field(default=0.3, ge=0, lt=1)
    max_occupancy: Fraction01 = 0.85
    concurrency: int = Field(default=1, ge=1, le=10)
    patience_s: float | None = Field(default=None, gt=0)
    min_agents: int = Field(default=0, ge=0)
    opening_hours: dict[str, DayHours] | None = None
    cost_per_contact_target: float | None = None

    @model_validator(mode="after")
    def _kind_rules(self) -> Channel:
        if self.kind == "deferred":
            if not isinstance(self.target, ServiceLevelTarget):
                raise ValueError("a deferred channel needs a target {service_level, answer_within_s}")
            if self.patience_s is not None:
                raise ValueError("patience_s (abandonment) applies to immediate channels only")
        if self.concurrency > 1 and self.kind == "deferred":
            raise ValueError("concurrency applies to immediate channels (chat) only")
        return self


class Contract(Strict):
    """An employment contract: weekly paid hours, days per week and allowed shift lengths (paid hours)."""

    name: str
    weekly_hours_min: float = Field(ge=0)
    weekly_hours_max: float = Field(gt=0)
    days_per_week_max: int = Field(ge=1, le=7)
    shift_lengths_h: list[float] = Field(min_length=1)
    cost_per_paid_hour: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        if self.weekly_hours_min > self.weekly_hours_max:
            raise ValueError(f"weekly_hours_min {self.weekly_hours_min} > weekly_hours_max {self.weekly_hours_max}")
        if any(h <= 0 or h > 16 for h in self.shift_lengths_h):
            raise ValueError("shift_lengths_h must be in (0, 16] hours")
        if min(self.shift_lengths_h) > self.weekly_hours_max:
            raise ValueError("the shortest shift is longer than weekly_hours_max")
        return self


class LunchRule(Strict):
    """Shifts of at least min_shift_h get one lunch of one of durations_min, starting window_start_h–window_end_h in."""

    min_shift_h: float = 6.0
    durations_min: list[int] = Field(default_factory=lambda: [30])
    window_start_h: float = 3.0
    window_end_h: float = 5.0
    paid: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> LunchRule:
        if self.window_start_h > self.window_end_h:
            raise ValueError("window_start_h must not be after window_end_h")
        return self


class ShortBreakRule(Strict):
    """A short break of duration_min about every every_h hours of shift (± tolerance_h), paid by default."""

    every_h: float = Field(default=2.0, gt=0)
    duration_min: int = Field(default=15, gt=0)
    tolerance_h: float = Field(default=0.5, ge=0)
    min_shift_h: float = 4.0
    paid: bool = True


class ShiftRules(Strict):
    """Where shifts may start and end, and the break rules."""

    start_step_min: int = Field(default=30, gt=0)
    earliest_start: str = "00:00"
    latest_end: str = "24:00"
    lunch: LunchRule | None = Field(default_factory=LunchRule)
    short_breaks: ShortBreakRule | None = Field(default_factory=ShortBreakRule)

    @field_validator("earliest_start")
    @classmethod
    def _check_start(cls, v: str) -> str:
        _parse_hhmm(v)
        return v

    @field_validator("latest_end")
    @classmethod
    def _check_end(cls, v: str) -> str:
        _parse_hhmm(v, allow_24=True)
        return v


class SoftRuleWeights(Strict):
    """Penalty weights of the soft labour rules (0 switches a rule off)."""

    two_consecutive_days_off: float = 5.0
    similar_start_times: float = 1.0
    fair_weekends: float = 2.0
    preferences: float = 1.0
    requested_leave: float = 20.0


class LabourRules(Strict):
    """Hard rules between shifts, and the weights of the soft ones."""

    min_rest_h: float = Field(default=11.0, ge=0)
    max_consecutive_days: int = Field(default=6, ge=1)
    soft: SoftRuleWeights = Field(default_factory=SoftRuleWeights)


class Event(Strict):
    """A campaign or special day: volume on channel(s) scaled over [start, end], with optional ramp and decay."""

    name: str
    channels: list[str] | Literal["all"] = "all"
    start: dt.date
    end: dt.date
    uplift_pct: float | None = None
    multiplier: float | None = Field(default=None, ge=0)
    ramp_days: int = Field(default=0, ge=0)
    decay_days: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if (self.uplift_pct is None) == (self.multiplier is None):
            raise ValueError("give exactly one of uplift_pct or multiplier")
        return self

    @property
    def factor(self) -> float:
        """Volume multiplier at full strength."""
        return self.multiplier if self.multiplier is not None else 1 + self.uplift_pct / 100


class ForecastSettings(Strict):
    """Forecast model choice, interval level, backtest design and events (past and future)."""

    model: str = "seasonal"
    interval_level: float = Field(default=0.8, gt=0, lt=1)
    backtest_weeks: int = Field(default=8, ge=1)
    horizon_weeks: int = Field(default=1, ge=1)
    history_weeks: int | None = Field(default=None, ge=4)
    events: list[Event] = Field(default_factory=list)


class ObjectiveWeights(Strict):
    """Lexicographic-by-magnitude weights of the roster objective (per unit)."""

    late_contact: float = 1000.0
    shortfall_agent_slot: float = 1000.0  # per missing agent-slot, so a deferred channel (late only after hours) still counts
    overstaff_agent_slot: float = 10.0
    soft_rule: float = 1.0
    paid_hour: float = 0.1


class SolverSettings(Strict):
    """CP-SAT settings: wall time limit, parallel workers, seed and objective weights."""

    time_limit_s: float = Field(default=60.0, gt=0)
    workers: int = Field(default=2, ge=1)
    seed: int = 0
    deterministic: bool = True  # interleaved search stopped on deterministic time: same seed and workers, same roster
    weights: ObjectiveWeights = Field(default_factory=ObjectiveWeights)


class ReportSettings(Strict):
    """KPI report settings: first-contact-resolution window, cost, and how abandons count in the service level."""

    fcr_window_days: int = Field(default=7, ge=1)
    cost_per_paid_hour: float | None = Field(default=None, ge=0)  # fallback for contracts without cost_per_paid_hour
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")  # ISO 4217 code shown on every cost figure
    # exclude_within_target: SL = answered within T / (answered + abandoned after T)  (the common ACD default)
    # count_all: SL = answered within T / (answered + all abandoned)
    # met_within_target: SL = (answered within T + abandoned within T) / (answered + all abandoned)
    service_level_abandons: Literal["exclude_within_target", "count_all", "met_within_target"] = "exclude_within_target"
    short_abandon_s: float = Field(default=0.0, ge=0)
    abandon_rate_max: float | None = Field(default=0.05, ge=0, le=1)


class Inputs(Strict):
    """Paths of the input files, relative to the config file."""

    history: Path | None = None
    contacts: Path | None = None
    agents: Path | None = None
    leave: Path | None = None
    previous_roster: Path | None = None


class ImportCondition(Strict):
    """A test on one source column: its value is one of `equals`, or the cell is (`empty: true`) / is not empty."""

    column: str
    equals: list[str] | None = None
    empty: bool | None = None

    @field_validator("equals", mode="before")
    @classmethod
    def _listify(cls, v: object) -> object:
        return [str(v)] if isinstance(v, str | int | float) else v

    @model_validator(mode="after")
    def _one_test(self) -> ImportCondition:
        if (self.equals is None) == (self.empty is None):
            raise ValueError("give exactly one of equals (a value or list of values) or empty (true/false)")
        return self


# A rule is one condition or a list of conditions that must all hold.
ImportRule = ImportCondition | list[ImportCondition]


class ImportChannel(Strict):
    """Where the channel comes from: a source column, and an optional map of its values (e.g. ACD queues) to channels."""

    column: str
    map: dict[str, str] | None = None
    unmapped: Literal["error", "drop"] = "error"


class ContactsImport(Strict):
    """How to read one ACD/CRM export (one row per contact) into the contacts contract of DESIGN.md.

    `columns` maps contract columns to source columns; contact_id may join several (e.g. line and call
    id) with ':' when no single column is unique. `empty_values` are cells meaning "no value": a list
    for every column, or a map from source column (or "*" for every column) to a list.

    Times: each contract time (arrived_at, answered_at, ended_at) is the first non-empty of a list of
    source columns. With `date_column`, those columns hold times of day (`time_format`) on that date, and a time
    more than 12 hours before the `day_anchor` column's time is taken to be on the next day (calls across
    midnight). Without it they are full timestamps (`time_format`, or ISO 8601 when null).
    """

    delimiter: str = ","
    encoding: str = "utf-8"
    columns: dict[str, str | list[str]] = Field(default_factory=dict)
    channel: ImportChannel
    date_column: str | None = None
    date_format: str = "%Y-%m-%d"
    time_format: str | None = None
    empty_values: list[str] | dict[str, list[str]] = Field(default_factory=list)
    source_timezone: str | None = None
    arrived_at: list[str] = Field(min_length=1)
    answered_at: list[str] = Field(default_factory=list)
    ended_at: list[str] = Field(default_factory=list)
    day_anchor: str | None = None
    clock_skew_s: float = Field(default=0.0, ge=0)
    drop: list[ImportRule] = Field(default_factory=list)
    abandoned: list[ImportRule] | None = None

    def empty_for(self, column: str) -> set[str]:
        """Cell values of a source column that mean 'no value'."""
        if isinstance(self.empty_values, list):
            return set(self.empty_values)
        return set(self.empty_values.get("*", [])) | set(self.empty_values.get(column, []))

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        allowed = {"contact_id", "handle_s", "wrap_s", "agent_id", "customer_id", "resolved"}
        unknown = sorted(set(v) - allowed)
        if unknown:
            raise ValueError(f"columns maps contract column(s) {unknown}; mappable are {sorted(allowed)} "
                             "(channel, times and abandoned have their own keys)")
        joined = sorted(k for k, cols in v.items() if isinstance(cols, list) and k != "contact_id")
        if joined:
            raise ValueError(f"only contact_id may join several source columns, not {joined}")
        return v

    @field_validator("source_timezone")
    @classmethod
    def _check_tz(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown IANA time zone {v!r}") from exc
        return v

    @model_validator(mode="after")
    def _anchor_needs_date(self) -> ContactsImport:
        if self.day_anchor is not None and self.date_column is None:
            raise ValueError("day_anchor applies only with date_column (times of day on a date)")
        if self.date_column is not None and self.time_format is None:
            raise ValueError("date_column needs time_format, the format of the time-of-day cells (e.g. '%H:%M:%S')")
        return self


class Config(Strict):
    """A whole site configuration."""

    site: Site
    channels: list[Channel] = Field(min_length=1)
    contracts: list[Contract] = Field(default_factory=list)
    shift_rules: ShiftRules = Field(default_factory=ShiftRules)
    labour_rules: LabourRules = Field(default_factory=LabourRules)
    forecast: ForecastSettings = Field(default_factory=ForecastSettings)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    inputs: Inputs = Field(default_factory=Inputs)
    contacts_import: ContactsImport | None = None
    base_dir: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        names = [c.name for c in self.channels]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"channel name(s) {dupes} appear more than once")
        contract_names = [c.name for c in self.contracts]
        dupes = sorted({n for n in contract_names if contract_names.count(n) > 1})
        if dupes:
            raise ValueError(f"contract name(s) {dupes} appear more than once")
        if self.contacts_import is not None and self.contacts_import.channel.map is not None:
            unknown = sorted(set(self.contacts_import.channel.map.values()) - set(names))
            if unknown:
                raise ValueError(f"contacts_import.channel.map names unknown channel(s) {unknown}; channels are {names}")
        for event in self.forecast.events:
            if event.channels != "all":
                unknown = sorted(set(event.channels) - set(names))
                if unknown:
                    raise ValueError(f"event {event.name!r} names unknown channel(s) {unknown}; channels are {names}")
        return self

    def channel(self, name: str) -> Channel:
        """The channel called name (KeyError if none)."""
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def contract(self, name: str) -> Contract:
        """The contract called name (KeyError if none)."""
        for c in self.contracts:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def channel_names(self) -> list[str]:
        """Channel names in config order."""
        return [c.name for c in self.channels]

    def input_path(self, name: str) -> Path | None:
        """Absolute path of input `name` (history, contacts, agents, leave, previous_roster), or None."""
        rel = getattr(self.inputs, name)
        if rel is None:
            return None
        return rel if rel.is_absolute() else (self.base_dir / rel)

    def hours_on(self, day: dt.date, channel: str | None = None) -> OpenHours | None:
        """Opening window on a calendar day (holidays and channel overrides applied), None when closed."""
        table = self.site.opening_hours
        if channel is not None and self.channel(channel).opening_hours is not None:
            table = self.channel(channel).opening_hours
        hours = table[WEEKDAYS[day.weekday()]]
        if self.site.holidays is not None and day in self.holiday_calendar(day.year, day.year):
            hours = self.site.holidays.hours
        return None if hours == "closed" else hours

    def holiday_calendar(self, first_year: int, last_year: int) -> dict[dt.date, str]:
        """Public holidays (date → name) of the configured country between the two years inclusive."""
        if self.site.holidays is None:
            return {}
        return dict(_holidays(self.site.holidays.country, self.site.holidays.subdivision, first_year, last_year))


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, first_year: int, last_year: int) -> tuple:
    import holidays

    cal = holidays.country_holidays(country, subdiv=subdivision, years=range(first_year, last_year + 1))
    return tuple(sorted(cal.items()))
