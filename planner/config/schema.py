"""Pydantic models of a site configuration (configs/*.yaml); unknown keys are rejected."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class LocatedError(ValueError):
    """A cross-field error raised by a model validator, pointing at the key path (relative to the model) to blame."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _at_most(limit: float, reason: str) -> AfterValidator:
    def check(value: float) -> float:
        if value > limit:
            raise ValueError(f"must be at most {limit:,g} ({reason})")
        return value

    return AfterValidator(check)


# Numbers are strict (true/false is not 1/0, "3" is not 3), finite (Strict forbids NaN and inf) and
# bounded above where a larger value can only be a unit mistake or a typo.
Real = Annotated[float, Field(strict=True)]
Whole = Annotated[int, Field(strict=True)]
Fraction01 = Annotated[float, Field(strict=True, gt=0, le=1)]
DAY_S = 86_400.0
Seconds = Annotated[float, Field(strict=True, gt=0), _at_most(DAY_S, "one day; durations are in seconds")]
Hours = Annotated[float, Field(strict=True, ge=0), _at_most(24, "one day; durations are in hours")]
BreakMinutes = Annotated[int, Field(strict=True, gt=0), _at_most(480, "8 hours; break durations are in minutes")]
Weight = Annotated[float, Field(strict=True, ge=0), _at_most(1e9, "larger weights make the solver's objective overflow")]
Money = Annotated[float, Field(strict=True, ge=0), _at_most(1e6, "a rate per hour or per contact, not a total")]
Weeks = Annotated[int, Field(strict=True, ge=1), _at_most(520, "ten years")]


class Strict(BaseModel):
    """Base model: typos in keys fail instead of being ignored; NaN and infinity are never a valid number."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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


def _full_week(v: dict[str, DayHours]) -> dict[str, DayHours]:
    unknown = sorted(set(v) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"unknown weekday(s) {unknown}; use {', '.join(WEEKDAYS)}")
    return {d: v.get(d, "closed") for d in WEEKDAYS}


# A week of opening hours (the site's, or a channel's override): a day not named is closed.
WeekHours = Annotated[dict[str, DayHours], AfterValidator(_full_week)]


def off_grid(hours: dict[str, DayHours], slot_minutes: int) -> tuple[str, OpenHours] | None:
    """The first day (and its window) whose opening or closing time is not on the slot grid, or None."""
    for day, window in hours.items():
        if isinstance(window, OpenHours) and (window.open_min % slot_minutes or window.close_min % slot_minutes):
            return day, window
    return None


def outside_site(hours: dict[str, DayHours], site_hours: dict[str, DayHours], slot_minutes: int
                 ) -> tuple[str, OpenHours, int] | None:
    """The first day of a channel's hours (its window, and the minute after that day's midnight) open while the
    site is closed, or None; the site counts as open past midnight when its previous day's window runs on."""
    week_min = 7 * 24 * 60
    site_open: set[int] = set()
    for d, day in enumerate(WEEKDAYS):
        window = site_hours[day]
        if isinstance(window, OpenHours):
            site_open.update((d * 1440 + m) % week_min for m in range(window.open_min, window.close_min, slot_minutes))
    for d, day in enumerate(WEEKDAYS):
        window = hours.get(day)
        if not isinstance(window, OpenHours):
            continue
        for minute in range(window.open_min, window.close_min, slot_minutes):
            if (d * 1440 + minute) % week_min not in site_open:
                return day, window, minute
    return None


def _outside_site_message(channel: str, day: str, window: OpenHours, minute: int, site_window: DayHours) -> str:
    site = "closed" if not isinstance(site_window, OpenHours) else f"{site_window.open}–{site_window.close}"
    return (f"{channel} is open {window.open}–{window.close} on {day}, but the site is closed at "
            f"{minute // 60 % 24:02d}:{minute % 60:02d} (its hours that day are {site}); a channel cannot be open while "
            "the site is closed: keep the channel's hours inside site.opening_hours")


def _off_grid_message(window: OpenHours, slot_minutes: int) -> str:
    return (f"{window.open}–{window.close} is not on {slot_minutes}-minute slots; open and close on a slot boundary "
            f"(a multiple of {slot_minutes} minutes past the hour)")


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
            raise LocatedError(("country",), f"holidays does not know country {self.country!r}") from exc
        except Exception as exc:  # holidays raises several types for a bad subdivision
            raise LocatedError(("subdivision",),
                               f"holidays does not know {self.country!r} / {self.subdivision!r}: {exc}") from exc
        return self


class Site(Strict):
    """The contact centre: name, time zone, slot length and opening hours."""

    name: str
    timezone: str = "UTC"
    slot_minutes: Whole = 15
    opening_hours: WeekHours = Field(default_factory=lambda: {d: "closed" for d in WEEKDAYS})
    holidays: HolidaySettings | None = None

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, v: str) -> str:
        if not _is_time_zone(v):
            raise ValueError(f"unknown IANA time zone {v!r} (for example 'Europe/London')")
        return v

    @field_validator("slot_minutes")
    @classmethod
    def _check_slot(cls, v: int) -> int:
        if v <= 0 or 60 % v:
            raise ValueError(f"slot_minutes must divide the hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60), got {v}")
        return v

    @model_validator(mode="after")
    def _slots_align(self) -> Site:
        bad = off_grid(self.opening_hours, self.slot_minutes)
        if bad is not None:
            raise LocatedError(("opening_hours", bad[0]), _off_grid_message(bad[1], self.slot_minutes))
        return self

    @property
    def interval_s(self) -> int:
        """Slot length in seconds."""
        return self.slot_minutes * 60


class ServiceLevelTarget(Strict):
    """X% of contacts answered within T seconds (immediate) or H hours (deferred)."""

    service_level: Fraction01
    answer_within_s: Annotated[Real, Field(gt=0), _at_most(7 * DAY_S, "one week; the target is in seconds")]


class AsaTarget(Strict):
    """Average speed of answer at most asa_s seconds."""

    asa_s: Seconds


def _target_kind(value: Any) -> str:
    """The target branch a mapping means: asa_s names an ASA target, anything else a service-level one."""
    keys = value if isinstance(value, dict) else vars(value) if isinstance(value, BaseModel) else {}
    return "AsaTarget" if "asa_s" in keys else "ServiceLevelTarget"


# Tagged by the keys written, so a bad value is reported against the target the planner meant,
# not also as 'asa_s missing' and 'unknown key' from the other branch. Tags are the class names,
# which the loader already drops from error locations.
Target = Annotated[Annotated[ServiceLevelTarget, Tag("ServiceLevelTarget")] | Annotated[AsaTarget, Tag("AsaTarget")],
                   Discriminator(_target_kind)]


class Channel(Strict):
    """One contact channel with its target, handle time and staffing parameters."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["immediate", "deferred"] = "immediate"
    target: Target
    aht_s: Seconds
    shrinkage: Real = Field(default=0.3, ge=0, lt=1)
    max_occupancy: Fraction01 = 0.85
    concurrency: Whole = Field(default=1, ge=1, le=10)
    patience_s: Seconds | None = None
    min_agents: Annotated[Whole, Field(ge=0), _at_most(10_000, "agents in one slot of one channel")] = 0
    opening_hours: WeekHours | None = None  # validated like the site's; the slot grid is checked by Config
    cost_per_contact_target: Money | None = None

    @model_validator(mode="after")
    def _kind_rules(self) -> Channel:
        if self.kind == "deferred":
            if not isinstance(self.target, ServiceLevelTarget):
                raise LocatedError(("target",), "a deferred channel needs a target {service_level, answer_within_s}")
            if self.patience_s is not None:
                raise LocatedError(("patience_s",), "patience_s (abandonment) applies to immediate channels only")
        if self.concurrency > 1 and self.kind == "deferred":
            raise LocatedError(("concurrency",), "concurrency applies to immediate channels (chat) only")
        return self


# A contract's terms, shared with the what-if contract change (planner.scenarios.overlay) so both refuse the same values.
WeeklyHoursMin = Annotated[Real, Field(ge=0), _at_most(168, "the hours in a week")]
WeeklyHoursMax = Annotated[Real, Field(gt=0), _at_most(168, "the hours in a week")]
DaysPerWeek = Annotated[Whole, Field(ge=1, le=7)]
ShiftLengths = Annotated[list[Real], Field(min_length=1)]


def contract_terms_problem(terms: dict) -> tuple[tuple, str] | None:
    """The first inconsistency among a contract's terms (weekly hours, shift lengths in hours) as (location, message)."""
    low, high = terms.get("weekly_hours_min"), terms.get("weekly_hours_max")
    if low is not None and high is not None and low > high:
        return ("weekly_hours_min",), f"weekly_hours_min {low} > weekly_hours_max {high}"
    lengths = terms.get("shift_lengths_h") or []
    for i, h in enumerate(lengths):
        if h <= 0 or h > 16:
            return ("shift_lengths_h", i), f"shift_lengths_h must be in (0, 16] hours, got {h:g}"
    if lengths and high is not None and min(lengths) > high:
        return ("shift_lengths_h",), "the shortest shift is longer than weekly_hours_max"
    days = terms.get("days_per_week_max")
    # A shift pays at most its on-site length, so a minimum above the longest week of shifts binds nobody's roster:
    # every agent on the contract would be refused by the solve, after the file was accepted.
    if lengths and low is not None and days is not None and low > days * max(lengths) + 1e-9:
        return ("weekly_hours_min",), (f"weekly_hours_min {low:g} cannot be worked: at most {days} shift(s) a week of "
                                       f"at most {max(lengths):g} h is {days * max(lengths):g} h")
    return None


def off_slot_length(lengths: list[float], slot_minutes: int) -> int | None:
    """The index of the first shift length (hours) that is not a whole number of slots, or None."""
    return next((j for j, h in enumerate(lengths)
                 if abs(h * 60 / slot_minutes - round(h * 60 / slot_minutes)) > 1e-9), None)


class Contract(Strict):
    """An employment contract: weekly paid hours, days per week and allowed shift lengths (paid hours)."""

    name: str
    weekly_hours_min: WeeklyHoursMin
    weekly_hours_max: WeeklyHoursMax
    days_per_week_max: DaysPerWeek
    shift_lengths_h: ShiftLengths
    cost_per_paid_hour: Money | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Contract:
        problem = contract_terms_problem(self.model_dump())
        if problem is not None:
            raise LocatedError(*problem)
        return self


class LunchRule(Strict):
    """Shifts of at least min_shift_h get one lunch of one of durations_min, starting window_start_h–window_end_h in."""

    min_shift_h: Hours = 6.0
    durations_min: list[BreakMinutes] = Field(default_factory=lambda: [30], min_length=1)
    window_start_h: Hours = 3.0
    window_end_h: Hours = 5.0
    paid: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> LunchRule:
        if self.window_start_h > self.window_end_h:
            raise LocatedError(("window_start_h",), "window_start_h must not be after window_end_h")
        return self


class ShortBreakRule(Strict):
    """A short break of duration_min about every every_h hours of shift (± tolerance_h), paid by default."""

    every_h: Hours = Field(default=2.0, gt=0)
    duration_min: BreakMinutes = 15
    tolerance_h: Hours = 0.5
    min_shift_h: Hours = 4.0
    paid: bool = True


class ShiftRules(Strict):
    """Where shifts may start and end, and the break rules."""

    start_step_min: Annotated[Whole, Field(gt=0), _at_most(1440, "one day; the step is in minutes")] = 30
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

    two_consecutive_days_off: Weight = 5.0
    similar_start_times: Weight = 1.0
    fair_weekends: Weight = 2.0
    preferences: Weight = 1.0
    requested_leave: Weight = 20.0


class LabourRules(Strict):
    """Hard rules between shifts, and the weights of the soft ones."""

    min_rest_h: Annotated[Real, Field(ge=0), _at_most(168, "one week; the rest is in hours")] = 11.0
    max_consecutive_days: Annotated[Whole, Field(ge=1), _at_most(366, "one year")] = 6
    soft: SoftRuleWeights = Field(default_factory=SoftRuleWeights)


class Event(Strict):
    """A campaign or special day: volume on channel(s) scaled over [start, end], with optional ramp and decay."""

    name: str
    channels: list[str] | Literal["all"] = "all"
    start: dt.date
    end: dt.date
    # -100% removes the volume; below that a forecast would go negative
    uplift_pct: Annotated[Real, Field(ge=-100), _at_most(10_000, "a 101-fold volume; is it a percentage?")] | None = None
    multiplier: Annotated[Real, Field(ge=0), _at_most(100, "a 100-fold volume")] | None = None
    ramp_days: Annotated[Whole, Field(ge=0), _at_most(366, "one year")] = 0
    decay_days: Annotated[Whole, Field(ge=0), _at_most(366, "one year")] = 0

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.end < self.start:
            raise LocatedError(("end",), f"end {self.end} is before start {self.start}")
        if (self.uplift_pct is None) == (self.multiplier is None):
            raise LocatedError(("uplift_pct" if self.uplift_pct is not None else "name",),
                               "give exactly one of uplift_pct or multiplier")
        return self

    @property
    def factor(self) -> float:
        """Volume multiplier at full strength."""
        return self.multiplier if self.multiplier is not None else 1 + self.uplift_pct / 100


class ForecastSettings(Strict):
    """Forecast model choice, interval level, backtest design and events (past and future)."""

    model: str = "seasonal"
    interval_level: Real = Field(default=0.8, gt=0, lt=1)
    backtest_weeks: Weeks = 8
    horizon_weeks: Annotated[Whole, Field(ge=1), _at_most(104, "two years ahead")] = 1
    history_weeks: Annotated[Weeks, Field(ge=4)] | None = None
    events: list[Event] = Field(default_factory=list)


class ObjectiveWeights(Strict):
    """Lexicographic-by-magnitude weights of the roster objective (per unit)."""

    late_contact: Weight = 1000.0
    shortfall_agent_slot: Weight = 1000.0  # per missing agent-slot, so a deferred channel (late only after hours) still counts
    overstaff_agent_slot: Weight = 10.0
    soft_rule: Weight = 1.0
    paid_hour: Weight = 0.1
    changed_shift: Weight = 50.0  # planner replan: per agent-day that differs from the published roster


class SolverSettings(Strict):
    """CP-SAT settings: wall time limit, parallel workers, seed and objective weights."""

    time_limit_s: Annotated[Real, Field(gt=0), _at_most(7 * DAY_S, "one week of solving")] = 60.0
    workers: Annotated[Whole, Field(ge=1), _at_most(256, "CP-SAT workers")] = 2
    seed: Annotated[Whole, Field(ge=0), _at_most(2**31 - 1, "CP-SAT's seed is a 32-bit integer")] = 0
    deterministic: bool = True  # interleaved search stopped on deterministic time: same seed and workers, same roster
    weights: ObjectiveWeights = Field(default_factory=ObjectiveWeights)


class ReportSettings(Strict):
    """KPI report settings: first-contact-resolution window, cost, and how abandons count in the service level."""

    fcr_window_days: Annotated[Whole, Field(ge=1), _at_most(366, "one year")] = 7
    cost_per_paid_hour: Money | None = None  # fallback for contracts without cost_per_paid_hour
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")  # ISO 4217 code shown on every cost figure
    # exclude_within_target: SL = answered within T / (answered + abandoned after T)  (the common ACD default)
    # count_all: SL = answered within T / (answered + all abandoned)
    # met_within_target: SL = (answered within T + abandoned within T) / (answered + all abandoned)
    service_level_abandons: Literal["exclude_within_target", "count_all", "met_within_target"] = "exclude_within_target"
    short_abandon_s: Annotated[Real, Field(ge=0), _at_most(DAY_S, "one day; the threshold is in seconds")] = 0.0
    abandon_rate_max: Annotated[Real, Field(ge=0, le=1)] | None = 0.05


def _month_day(value: str) -> str:
    try:
        dt.date(2000, int(value[:2]), int(value[3:])) if len(value) == 5 and value[2] == "-" else int("x")
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a month and day MM-DD (for example 01-01)") from exc
    return value


MonthDay = Annotated[str, AfterValidator(_month_day)]
Days = Annotated[Real, Field(ge=0), _at_most(366, "one year; the value is in days")]


class Entitlement(Strict):
    """Yearly leave of one contract: days (each the contract's planned week / days_per_week_max, in hours) or hours."""

    contract: str
    days_per_year: Days | None = None
    hours_per_year: Annotated[Real, Field(ge=0), _at_most(8784, "the hours in a year")] | None = None

    @model_validator(mode="after")
    def _one_unit(self) -> Entitlement:
        if (self.days_per_year is None) == (self.hours_per_year is None):
            raise LocatedError(("contract",), "give exactly one of days_per_year or hours_per_year")
        return self


class Blackout(Strict):
    """Dates on which no leave of a balance kind is granted (a launch, the year-end close)."""

    name: str
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Blackout:
        if self.end < self.start:
            raise LocatedError(("end",), f"end {self.end} is before start {self.start}")
        return self


class HeadcountChange(Strict):
    """Agents who join (agents > 0) or leave (agents < 0) a skill group from a week on, for the capacity plan."""

    week: dt.date
    group: str  # a skill group: the channel names sorted and joined by '+', e.g. chat+voice
    contract: str
    agents: Annotated[Whole, Field(ge=-10_000, le=10_000)]


class LeaveSettings(Strict):
    """Leave planning: allowance margin and auto-approval share, decision policy, entitlements and carry-over."""

    margin: Annotated[Real, Field(ge=0), _at_most(1, "a share of the requirement")] = 0.05
    threshold: Annotated[Real, Field(ge=0, le=1)] = 1.0  # share of the allowance approved without a planner's review
    tolerance: Annotated[Real, Field(ge=0, le=1)] = 0.05  # service-level points a rostered slot may fall below target
    leave_in_shrinkage: Annotated[Real, Field(ge=0, lt=1)] = 0.0  # share of each channel's shrinkage that is planned leave
    order: Literal["fcfs", "seniority"] = "fcfs"
    over_allowance: Literal["waitlist", "deny"] = "waitlist"
    balance_kinds: list[str] = Field(default_factory=lambda: ["annual"])
    year_start: MonthDay = "01-01"
    entitlements: list[Entitlement] = Field(default_factory=list)
    carry_over_max_days: Days = 0.0
    carry_over_expires: MonthDay = "03-31"
    min_notice_days: Annotated[Whole, Field(ge=0), _at_most(3660, "ten years")] = 0
    max_notice_days: Annotated[Whole, Field(ge=0), _at_most(3660, "ten years")] | None = None
    max_consecutive_days: Annotated[Whole, Field(ge=1), _at_most(366, "one year")] | None = None
    max_team_concurrent: Annotated[Whole, Field(ge=0), _at_most(10_000, "agents")] | None = None
    blackouts: list[Blackout] = Field(default_factory=list)
    headcount_changes: list[HeadcountChange] = Field(default_factory=list)

    def entitlement(self, contract: str) -> Entitlement | None:
        """The entitlement of a contract, or None (no leave entitlement)."""
        return next((e for e in self.entitlements if e.contract == contract), None)


class Inputs(Strict):
    """Paths of the input files, relative to the config file."""

    history: Path | None = None
    contacts: Path | None = None
    agents: Path | None = None
    leave: Path | None = None
    bids: Path | None = None  # yearly leave bids (planner leave bids)
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
    clock_skew_s: Annotated[Real, Field(ge=0), _at_most(DAY_S, "one day")] = 0.0
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
        if v is not None and not _is_time_zone(v):
            raise ValueError(f"unknown IANA time zone {v!r} (for example 'Europe/London')")
        return v

    @model_validator(mode="after")
    def _anchor_needs_date(self) -> ContactsImport:
        if self.day_anchor is not None and self.date_column is None:
            raise LocatedError(("day_anchor",), "day_anchor applies only with date_column (times of day on a date)")
        if self.date_column is not None and self.time_format is None:
            raise LocatedError(("date_column",),
                               "date_column needs time_format, the format of the time-of-day cells (e.g. '%H:%M:%S')")
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
    leave: LeaveSettings = Field(default_factory=LeaveSettings)
    base_dir: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="after")
    def _cross_checks(self) -> Config:
        names = [c.name for c in self.channels]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise LocatedError(("channels", i, "name"),
                                   f"channel {name!r} appears more than once (first as channels[{names.index(name)}])")
        contract_names = [c.name for c in self.contracts]
        for i, name in enumerate(contract_names):
            if name in contract_names[:i]:
                raise LocatedError(("contracts", i, "name"), f"contract {name!r} appears more than once "
                                   f"(first as contracts[{contract_names.index(name)}])")
        for i, contract in enumerate(self.contracts):
            j = off_slot_length(contract.shift_lengths_h, self.site.slot_minutes)
            if j is not None:
                raise LocatedError(("contracts", i, "shift_lengths_h", j),
                                   f"a {contract.shift_lengths_h[j]:g} h shift is not a whole number of "
                                   f"{self.site.slot_minutes}-minute slots; shifts start and end on the slot grid")
        for i, ch in enumerate(self.channels):
            bad = off_grid(ch.opening_hours or {}, self.site.slot_minutes)
            if bad is not None:
                raise LocatedError(("channels", i, "opening_hours", bad[0]), _off_grid_message(bad[1], self.site.slot_minutes))
            outside = outside_site(ch.opening_hours or {}, self.site.opening_hours, self.site.slot_minutes)
            if outside is not None:
                day, window, minute = outside
                raise LocatedError(("channels", i, "opening_hours", day),
                                   _outside_site_message(ch.name, day, window, minute, self.site.opening_hours[day]))
        if self.contacts_import is not None and self.contacts_import.channel.map is not None:
            for source, target in self.contacts_import.channel.map.items():
                if target not in names:
                    raise LocatedError(("contacts_import", "channel", "map", source),
                                       f"maps to unknown channel {target!r}; channels are {names}")
        for i, ent in enumerate(self.leave.entitlements):
            if ent.contract not in contract_names:
                raise LocatedError(("leave", "entitlements", i, "contract"),
                                   f"unknown contract {ent.contract!r}; contracts are {contract_names}")
        for i, change in enumerate(self.leave.headcount_changes):
            if change.contract not in contract_names:
                raise LocatedError(("leave", "headcount_changes", i, "contract"),
                                   f"unknown contract {change.contract!r}; contracts are {contract_names}")
            unknown = sorted(set(change.group.split("+")) - set(names))
            if unknown:
                raise LocatedError(("leave", "headcount_changes", i, "group"),
                                   f"group {change.group!r} names unknown channel(s) {unknown}; channels are {names}")
        for i, event in enumerate(self.forecast.events):
            if event.channels != "all":
                for j, name in enumerate(event.channels):
                    if name not in names:
                        raise LocatedError(("forecast", "events", i, "channels", j),
                                           f"event {event.name!r} names unknown channel {name!r}; channels are {names}")
        return self

    def channel(self, name: str) -> Channel:
        """The channel called name (KeyError if none)."""
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    def roster_shrinkage(self, name: str) -> float:
        """Shrinkage the roster covers for channel name (a fraction): the channel's shrinkage minus its planned-leave
        share (leave.leave_in_shrinkage), because approved leave is blocked by name in the leave table instead."""
        return max(0.0, round(float(self.channel(name).shrinkage) - float(self.leave.leave_in_shrinkage), 12))

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
        """Absolute path of input `name` (history, contacts, agents, leave, bids, previous_roster), or None."""
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

    def closed_for_holiday(self, day: dt.date) -> bool:
        """Whether a public holiday closes the site on a day its weekly opening hours would open it (site.holidays.hours
        'closed'); such a day lowers each contract's weekly minimum like an approved leave day."""
        holidays = self.site.holidays
        return (holidays is not None and holidays.hours == "closed"
                and self.site.opening_hours[WEEKDAYS[day.weekday()]] != "closed"
                and day in self.holiday_calendar(day.year, day.year))

    def holiday_calendar(self, first_year: int, last_year: int) -> dict[dt.date, str]:
        """Public holidays (date → name) of the configured country between the two years inclusive."""
        if self.site.holidays is None:
            return {}
        return dict(_holidays(self.site.holidays.country, self.site.holidays.subdivision, first_year, last_year))


def _is_time_zone(name: str) -> bool:
    # ZoneInfo reads tzdata files: a directory ('Europe') or an over-long name fails with OSError
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, first_year: int, last_year: int) -> tuple:
    import holidays

    cal = holidays.country_holidays(country, subdiv=subdivision, years=range(first_year, last_year + 1))
    return tuple(sorted(cal.items()))
