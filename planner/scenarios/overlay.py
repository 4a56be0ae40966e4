"""Scenario files: YAML overlays on a site config, validated like the config (unknown keys fail with a hint).

A scenario file is a name and a list of changes, applied in order; each change is a one-key mapping:

    name: Spring campaign
    changes:
      - campaign: {channels: [voice, chat], start: 2026-11-25, end: 2026-11-27, uplift: 0.25, ramp_days: 1,
                   decay_days: 2, aht_change: 0.05}
      - volume: {channels: [email], start: 2026-11-23, end: 2026-11-29, factor: 1.1, add_per_day: 50}
      - aht: {channels: [voice], start: 2026-11-23, end: 2026-11-29, factor: 1.08}
      - target: {channel: voice, service_level: 0.9, answer_within_s: 20}
      - shrinkage: {channels: [chat], shrinkage: 0.35}
      - headcount: {hires: [{count: 5, skills: [voice], contract: full_time, start: 2026-11-23, training_days: 3}],
                    leavers: [{agent_id: A001, last_day: 2026-11-25}], attrition_per_month: 0.02}
      - channel_shift: {from_channel: voice, to_channel: chat, share: 0.1, start: 2026-11-23, end: 2026-11-29}
      - opening_hours: {channel: chat, hours: {sunday: closed, saturday: {open: "09:00", close: "17:00"}}}
      - contract: {name: full_time, weekly_hours_min: 30, shift_lengths_h: [6, 7, 8, 8.5]}

Shares are fractions (uplift 0.25 = +25 %); dates are inclusive local calendar days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, ValidationInfo, field_validator, model_validator

from planner.config.loader import parse_document
from planner.config.schema import (
    Config,
    DayHours,
    DaysPerWeek,
    LocatedError,
    Money,
    ShiftLengths,
    Strict,
    Target,
    WeeklyHoursMax,
    WeeklyHoursMin,
    contract_terms_problem,
    off_slot_length,
)
from planner.errors import ConfigError

Share = Annotated[float, Field(strict=True, ge=-1, le=10)]
Factor = Annotated[float, Field(strict=True, ge=0, le=100)]
Fraction = Annotated[float, Field(strict=True, ge=0, lt=1)]
Days = Annotated[int, Field(strict=True, ge=0, le=366)]


def _known_contract(name: str, info: ValidationInfo) -> str:
    """A contract name checked against the site's (validation context 'contracts')."""
    known = (info.context or {}).get("contracts")
    if known is not None and name not in known:
        raise ValueError(f"unknown contract {name!r}; the site's contracts are {', '.join(known)}")
    return name


def _known_channels(names: list[str], info: ValidationInfo) -> list[str]:
    """Channel names checked against the site's (validation context 'channels')."""
    known = (info.context or {}).get("channels")
    if known is not None:
        for i, name in enumerate(names):
            if name not in known:
                raise LocatedError((i,), f"unknown channel {name!r}; the site's channels are {', '.join(known)}")
    return names


class Span(Strict):
    """An inclusive range of calendar days."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise LocatedError(("end",), f"end {self.end} is before start {self.start}")
        return self

    def days(self) -> list[dt.date]:
        """Every day of the span."""
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class Campaign(Span):
    """Volume uplift (and handle-time change) on channels, ramping up before full strength and decaying after."""

    channels: list[str] = Field(min_length=1)
    uplift: Share
    ramp_days: Days = 0  # the first ramp_days of the span climb linearly to the full uplift
    decay_days: Days = 0  # days after end over which the uplift fades linearly to 0
    aht_change: Share = 0.0  # handle-time change of the campaign's contacts, scaled like the uplift

    _channels = field_validator("channels")(_known_channels)

    def strength(self, day: dt.date) -> float:
        """Share of the full uplift on day: ramp, full, decay, else 0."""
        if self.start <= day <= self.end:
            k = (day - self.start).days
            return (k + 1) / (self.ramp_days + 1) if k < self.ramp_days else 1.0
        after = (day - self.end).days
        if 1 <= after <= self.decay_days:
            return 1.0 - after / (self.decay_days + 1)
        return 0.0


class Volume(Span):
    """Contacts × factor, plus add_per_day contacts per day spread like the day's forecast."""

    channels: list[str] = Field(min_length=1)
    factor: Factor = 1.0
    add_per_day: Annotated[float, Field(strict=True, ge=-1e7, le=1e7)] = 0.0

    _channels = field_validator("channels")(_known_channels)


class Aht(Span):
    """Handle time × factor, or set to aht_s."""

    channels: list[str] = Field(min_length=1)
    factor: Annotated[float, Field(strict=True, gt=0, le=100)] | None = None
    aht_s: Annotated[float, Field(strict=True, gt=0, le=86_400)] | None = None

    _channels = field_validator("channels")(_known_channels)

    @model_validator(mode="after")
    def _one(self) -> Aht:
        if (self.factor is None) == (self.aht_s is None):
            raise ValueError("give exactly one of factor (× the forecast's handle time) or aht_s (seconds)")
        return self


class TargetChange(Strict):
    """A channel's new target (service_level + answer_within_s, or asa_s)."""

    channel: str
    service_level: float | None = None
    answer_within_s: float | None = None
    asa_s: float | None = None

    @field_validator("channel")
    @classmethod
    def _known(cls, v: str, info: ValidationInfo) -> str:
        _known_channels([v], info)
        return v

    @model_validator(mode="after")
    def _valid(self) -> TargetChange:
        try:
            TypeAdapter(Target).validate_python(self.target())
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"] if p not in ("ServiceLevelTarget", "AsaTarget"))
            raise ValueError(f"{where + ': ' if where else ''}{err['msg'].removeprefix('Value error, ')}") from None
        return self

    def target(self) -> dict[str, Any]:
        """The target mapping as the config writes it."""
        return {k: v for k, v in (("service_level", self.service_level), ("answer_within_s", self.answer_within_s),
                                  ("asa_s", self.asa_s)) if v is not None}


class ShrinkageChange(Strict):
    """Channels' shrinkage set to a new fraction."""

    channels: list[str] = Field(min_length=1)
    shrinkage: Fraction

    _channels = field_validator("channels")(_known_channels)


class Hire(Strict):
    """New agents: productive from start + training_days (on training leave before)."""

    count: Annotated[int, Field(strict=True, ge=1, le=1000)]
    skills: list[str] = Field(min_length=1)
    contract: str
    start: dt.date
    training_days: Days = 0
    team: str | None = None

    _skills = field_validator("skills")(_known_channels)

    _contract = field_validator("contract")(_known_contract)


class Leaver(Strict):
    """An agent who leaves after last_day."""

    agent_id: str
    last_day: dt.date


class Headcount(Strict):
    """Hires, leavers, and attrition per month (the least senior agents leave first)."""

    hires: list[Hire] = Field(default_factory=list)
    leavers: list[Leaver] = Field(default_factory=list)
    attrition_per_month: Annotated[float, Field(strict=True, ge=0, le=1)] = 0.0


class ChannelShift(Span):
    """share of from_channel's contacts move to to_channel (they take to_channel's handle time)."""

    from_channel: str
    to_channel: str
    share: Annotated[float, Field(strict=True, ge=0, le=1)]

    @field_validator("from_channel", "to_channel")
    @classmethod
    def _known(cls, v: str, info: ValidationInfo) -> str:
        _known_channels([v], info)
        return v

    @model_validator(mode="after")
    def _different(self) -> ChannelShift:
        if self.from_channel == self.to_channel:
            raise LocatedError(("to_channel",), "to_channel is from_channel: nothing would move")
        return self


class OpeningHoursChange(Strict):
    """New opening hours for the named weekdays, of one channel (or the site when channel is left out)."""

    channel: str | None = None
    hours: dict[Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], DayHours] = Field(
        min_length=1)

    @field_validator("channel")
    @classmethod
    def _known(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None:
            _known_channels([v], info)
        return v


class ContractChange(Strict):
    """A contract's new terms: any of its weekly paid hours, days per week, shift lengths (hours) and hourly cost."""

    name: str
    weekly_hours_min: WeeklyHoursMin | None = None
    weekly_hours_max: WeeklyHoursMax | None = None
    days_per_week_max: DaysPerWeek | None = None
    shift_lengths_h: ShiftLengths | None = None
    cost_per_paid_hour: Money | None = None

    _known = field_validator("name")(_known_contract)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> ContractChange:
        terms = self.terms()
        if not terms:
            raise ValueError("give at least one of weekly_hours_min, weekly_hours_max, days_per_week_max, "
                             "shift_lengths_h, cost_per_paid_hour")
        context = info.context or {}
        base = (context.get("contract_terms") or {}).get(self.name, {})
        problem = contract_terms_problem({**base, **terms})
        if problem is not None:
            where, message = problem
            raise LocatedError(where, f"{message} (with {self.name}'s other terms)" if base else message)
        slot_minutes = context.get("slot_minutes")
        j = off_slot_length(self.shift_lengths_h or [], slot_minutes) if slot_minutes else None
        if j is not None:
            raise LocatedError(("shift_lengths_h", j), f"a {self.shift_lengths_h[j]:g} h shift is not a whole number "
                               f"of {slot_minutes}-minute slots; shifts start and end on the slot grid")
        return self

    def terms(self) -> dict[str, Any]:
        """The contract fields this change sets, as the config writes them."""
        return {k: v for k, v in self.model_dump().items() if k != "name" and v is not None}


CHANGE_KINDS = ("campaign", "volume", "aht", "target", "shrinkage", "headcount", "channel_shift", "opening_hours",
                "contract")


class Change(Strict):
    """One change of a scenario: exactly one of its keys."""

    campaign: Campaign | None = None
    volume: Volume | None = None
    aht: Aht | None = None
    target: TargetChange | None = None
    shrinkage: ShrinkageChange | None = None
    headcount: Headcount | None = None
    channel_shift: ChannelShift | None = None
    opening_hours: OpeningHoursChange | None = None
    contract: ContractChange | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Change:
        given = [k for k in CHANGE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a change is exactly one of {', '.join(CHANGE_KINDS)}; got {', '.join(given) or 'none'}")
        return self

    @property
    def kind(self) -> str:
        """The change's key."""
        return next(k for k in CHANGE_KINDS if getattr(self, k) is not None)

    @property
    def value(self) -> Any:
        """The change's settings."""
        return getattr(self, self.kind)


class Scenario(Strict):
    """A named list of changes applied in order on the site's config, forecast, agents and leave."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    changes: list[Change] = Field(default_factory=list)


def site_context(channels: list[str], contracts: list[str], config: Config | None = None) -> dict[str, Any]:
    """The validation context of scenario and grid files: the site's channel and contract names, and with the config
    its contracts' terms and slot length, so a contract change is checked against the contract it edits."""
    context: dict[str, Any] = {"channels": channels, "contracts": contracts}
    if config is not None:
        context["contract_terms"] = {c.name: c.model_dump() for c in config.contracts}
        context["slot_minutes"] = config.site.slot_minutes
    return context


def load_scenario(path: str | Path, channels: list[str], contracts: list[str], config: Config | None = None) -> Scenario:
    """Read and validate a scenario file against the site's channel and contract names (ConfigError with line/column)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: scenario file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read scenario file ({exc})") from None
    return parse_scenario(text, str(path), channels, contracts, config)


def parse_scenario(text: str, source: str, channels: list[str], contracts: list[str],
                   config: Config | None = None) -> Scenario:
    """Validate scenario YAML text against the site's channel and contract names."""
    return parse_document(text, source, Scenario, "scenario", context=site_context(channels, contracts, config))
