"""The roster instance: one continuous slot axis over the horizon, shift templates with their breaks, agents and demand."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.calendar import open_mask, slot_starts
from planner.config.schema import Config, ShiftRules
from planner.errors import ConfigError, DataError, RequestError

MAX_WEEKS = 4
WEEKEND_DAYS = (5, 6)  # Saturday, Sunday (date.weekday())


@dataclass(frozen=True)
class BreakKind:
    """A break a shift must take: its length and the window of start offsets (slots after the shift start)."""

    name: str  # 'lunch' or 'short_<j>'
    duration_slots: int
    earliest_offset: int
    latest_offset: int
    paid: bool


@dataclass(frozen=True)
class Template:
    """One way to work a day: start slot on the horizon axis, on-site length, lunch length and the breaks it takes."""

    index: int
    day: int
    start: int
    length: int  # slots, start to end
    lunch_slots: int  # 0 when the shift has no lunch
    breaks: tuple[BreakKind, ...]
    paid_min: int

    @property
    def end(self) -> int:
        """First slot after the shift."""
        return self.start + self.length


@dataclass
class AgentInfo:
    """An agent as the model sees it: skills group, contract, allowed templates per day, leave and history."""

    agent_id: str
    name: str
    skills: tuple[str, ...]
    contract: str
    group: int
    templates: dict[int, list[int]]  # day -> template indices the agent may work
    approved_leave: set[int] = field(default_factory=set)  # day indices
    requested_leave: set[int] = field(default_factory=set)
    preferences: tuple[str, ...] = ()
    available_from_min: int | None = None
    available_to_min: int | None = None
    prev_end_slot: int | None = None  # end of the last shift before the horizon (negative slot index)
    prev_consecutive_days: int = 0  # worked days in a row just before the horizon
    team: str = ""


@dataclass(frozen=True)
class PublishedShift:
    """planner replan: one agent-day of the published roster on the instance's slot axis."""

    start: int  # start slot
    length: int  # slots, start to end
    paid_min: int
    breaks: tuple[tuple[int, int], ...]  # (start slot, length in slots) of each break, in time order


@dataclass
class Instance:
    """Everything the CP-SAT model needs, in slot indices (slot 0 = week_start 00:00)."""

    config: Config
    week_start: dt.date
    n_days: int
    slot_min: int
    n_slots: int
    channels: list[str]
    channel_open: np.ndarray  # (n_channels, n_slots) bool
    required: np.ndarray  # (n_channels, n_slots) int, agents_required rounded up
    productive: np.ndarray  # (n_channels, n_slots) float, agents_productive
    offered: np.ndarray  # (n_channels, n_slots) float
    aht_s: np.ndarray  # (n_channels, n_slots) float
    templates: list[Template]
    agents: list[AgentInfo]
    groups: list[tuple[str, ...]]  # distinct skill sets, group index -> channels
    published: dict[tuple[int, int], PublishedShift] | None = None  # planner replan: (agent index, day) -> its shift
    published_channels: dict[tuple[str, int], str] | None = None  # (agent_id, slot) -> channel served when published
    # days a public holiday closes the site on a normally open weekday (Config.closed_for_holiday): each lowers every
    # agent's weekly minimum by a contract day, as an approved leave day does (rules.weekly_minimum_min)
    holiday_closed: frozenset[int] = frozenset()

    @property
    def slots_per_day(self) -> int:
        """Slots in 24 hours."""
        return 24 * 60 // self.slot_min

    @property
    def weeks(self) -> list[range]:
        """Day indices of each 7-day week of the horizon."""
        return [range(w * 7, min(w * 7 + 7, self.n_days)) for w in range(math.ceil(self.n_days / 7))]

    def slot_time(self, slot: int) -> pd.Timestamp:
        """Wall-clock start of a slot."""
        return pd.Timestamp(self.week_start) + pd.Timedelta(minutes=slot * self.slot_min)

    def day_date(self, day: int) -> dt.date:
        """Calendar date of a day index."""
        return self.week_start + dt.timedelta(days=day)


def hhmm(value: str) -> int:
    """Minutes after midnight of 'HH:MM' (24:00 allowed)."""
    hh, mm = str(value).strip().split(":")
    return int(hh) * 60 + int(mm)


def break_plan(length_min: int, lunch_min: int, rules: ShiftRules, slot_min: int) -> tuple[BreakKind, ...]:
    """Breaks of a shift of length_min with a lunch of lunch_min (0 = none), windows in slots, made non-overlapping.

    Lunch starts window_start_h–window_end_h in; short breaks are due at every_h, 2·every_h, … while at least
    every_h/2 of the shift remains, skipping those falling in the lunch window, each starting within ±tolerance_h.
    Windows are then trimmed in time order so that no two breaks can overlap (a subset of the rule, never wider).
    """
    windows: list[tuple[float, float, str, int, bool]] = []  # earliest_min, latest_min, name, duration_min, paid
    lunch = rules.lunch
    if lunch_min:
        windows.append((lunch.window_start_h * 60, lunch.window_end_h * 60, "lunch", lunch_min, lunch.paid))
    short = rules.short_breaks
    if short is not None and length_min >= short.min_shift_h * 60:
        j = 1
        while j * short.every_h * 60 <= length_min - short.every_h * 30:
            nominal = j * short.every_h * 60
            in_lunch = lunch_min and lunch.window_start_h * 60 <= nominal <= lunch.window_end_h * 60
            if not in_lunch:
                tol = short.tolerance_h * 60
                windows.append((nominal - tol, nominal + tol, f"short_{j}", short.duration_min, short.paid))
            j += 1
    windows.sort()
    kinds: list[BreakKind] = []
    floor_min = slot_min  # a shift never opens on a break
    for earliest, latest, name, duration, paid in windows:
        if duration % slot_min:
            raise ConfigError(f"break '{name}' of {duration} min is not a multiple of the {slot_min}-minute slot")
        lo = max(math.ceil(earliest / slot_min), math.ceil(floor_min / slot_min))
        hi = min(math.floor(latest / slot_min), (length_min - duration) // slot_min - 1)
        if lo > hi:
            raise ConfigError(
                f"shift_rules: a {length_min / 60:g} h shift cannot fit its '{name}' break of {duration} min between "
                f"{earliest / 60:g} h and {latest / 60:g} h after the start without overlapping another break; widen the windows"
            )
        kinds.append(BreakKind(name, duration // slot_min, lo, hi, paid))
        floor_min = (hi * slot_min) + duration
    return tuple(kinds)


def lunch_options(length_min: int, rules: ShiftRules) -> list[int]:
    """Lunch lengths (minutes) a shift of length_min may take: [0] when no lunch is due."""
    if rules.lunch is None or length_min < rules.lunch.min_shift_h * 60:
        return [0]
    return sorted(set(rules.lunch.durations_min))


def _window(start: str | None, end: str | None) -> tuple[int, int] | None:
    """A daily [from, to) window in minutes, to > from (crossing midnight when to <= from), None when open-ended."""
    if start is None or end is None or str(start).strip() in ("", "nan", "None") or str(end).strip() in ("", "nan", "None"):
        return None
    lo, hi = hhmm(start), hhmm(end)
    return (lo, hi if hi > lo else hi + 1440)


def horizon_days(requirements_df: pd.DataFrame, week_start: dt.date, weeks: int | None) -> int:
    """Days in the horizon: whole weeks, from `weeks` or else from the requirement's span (1 to 4 weeks)."""
    if weeks is None:
        times = pd.to_datetime(requirements_df["interval_start"]) if len(requirements_df) else pd.Series([], dtype="M8[ns]")
        last = times.max() if len(times) else pd.Timestamp(week_start)
        span = (last.normalize() - pd.Timestamp(week_start)).days + 1
        weeks = max(1, math.ceil(span / 7))
    if not 1 <= weeks <= MAX_WEEKS:
        raise RequestError(f"a roster horizon is 1 to {MAX_WEEKS} weeks, asked for {weeks}; split the period into shorter runs")
    return 7 * weeks


def build_instance(
    config: Config,
    requirements_df: pd.DataFrame,
    agents_df: pd.DataFrame,
    leave_df: pd.DataFrame | None,
    week_start: dt.date,
    previous_roster: pd.DataFrame | None = None,
    weeks: int | None = None,
) -> Instance:
    """The instance of one roster solve: slots, channel demand, templates per agent-day, leave and previous roster."""
    week_start = pd.Timestamp(week_start).date()
    slot_min = config.site.slot_minutes
    n_days = horizon_days(requirements_df, week_start, weeks)
    spd = 1440 // slot_min
    n_slots = (n_days + 1) * spd
    channels = config.channel_names
    starts = slot_starts(week_start, n_slots, slot_min)
    site_open = open_mask(config, None, starts)
    channel_open = np.array([open_mask(config, c, starts) for c in channels])
    required, productive, offered, aht = _demand(requirements_df, channels, week_start, slot_min, n_slots, config)
    templates, by_key = _all_templates(config, week_start, n_days, site_open)
    agents, groups = _agents(config, agents_df, leave_df, week_start, n_days, templates, by_key, channel_open, channels)
    inst = Instance(config, week_start, n_days, slot_min, n_slots, channels, channel_open, required, productive, offered, aht,
                    templates, agents, groups,
                    holiday_closed=frozenset(d for d in range(n_days)
                                             if config.closed_for_holiday(week_start + dt.timedelta(days=d))))
    if previous_roster is not None and len(previous_roster):
        _apply_previous(inst, previous_roster)
    return inst


def _demand(req: pd.DataFrame, channels: list[str], week_start: dt.date, slot_min: int, n_slots: int, config: Config):
    shape = (len(channels), n_slots)
    required, productive = np.zeros(shape, dtype=int), np.zeros(shape)
    offered, aht = np.zeros(shape), np.array([[config.channel(c).aht_s] * n_slots for c in channels], dtype=float)
    if len(req) == 0:
        return required, productive, offered, aht
    missing = sorted({"interval_start", "channel", "agents_required"} - set(req.columns))
    if missing:
        raise DataError(f"requirements table lacks column(s) {missing}")
    times = pd.to_datetime(req["interval_start"])
    minutes = (times - pd.Timestamp(week_start)).dt.total_seconds() / 60
    slot = (minutes // slot_min).astype(int).to_numpy()
    unknown = sorted(set(req["channel"]) - set(channels))
    if unknown:
        raise DataError(f"requirements name channel(s) {unknown} that the config does not define; channels are {channels}")
    cidx = req["channel"].map({c: i for i, c in enumerate(channels)}).to_numpy()
    keep = (slot >= 0) & (slot < n_slots)
    cidx, slot = cidx[keep], slot[keep]
    required[cidx, slot] = np.ceil(req["agents_required"].to_numpy(dtype=float)[keep] - 1e-9).astype(int)
    prod_col = req["agents_productive"] if "agents_productive" in req else req["agents_required"]
    productive[cidx, slot] = prod_col.to_numpy(dtype=float)[keep]
    if "offered" in req:
        offered[cidx, slot] = req["offered"].to_numpy(dtype=float)[keep]
    if "aht_s" in req:
        aht[cidx, slot] = req["aht_s"].to_numpy(dtype=float)[keep]
    return required, productive, offered, aht


def _all_templates(config: Config, week_start: dt.date, n_days: int, site_open: np.ndarray):
    """Every (day, start, length, lunch) inside earliest_start–latest_end and the site's open hours, on the start step."""
    rules = config.shift_rules
    slot_min = config.site.slot_minutes
    earliest, latest = hhmm(rules.earliest_start), hhmm(rules.latest_end)
    if latest <= earliest:
        latest += 1440
    lengths_min = sorted({round(h * 60) for c in config.contracts for h in c.shift_lengths_h})
    for length in lengths_min:
        if length % slot_min:
            raise ConfigError(f"a shift length of {length / 60:g} h is not a multiple of the {slot_min}-minute slot")
    templates: list[Template] = []
    by_key: dict[tuple[int, int, int], list[int]] = {}  # (day, start_slot, length_slots) -> template indices
    plans: dict[tuple[int, int], tuple[BreakKind, ...]] = {}
    for day in range(n_days):
        for tod in range(earliest, latest, rules.start_step_min):
            if tod % slot_min:
                continue
            start = (day * 1440 + tod) // slot_min
            for length in lengths_min:
                if tod + length > latest:
                    continue
                end = start + length // slot_min
                if end > len(site_open) or not site_open[start:end].all():
                    continue
                for lunch in lunch_options(length, rules):
                    if (length, lunch) not in plans:
                        plans[(length, lunch)] = break_plan(length, lunch, rules, slot_min)
                    unpaid = sum(b.duration_slots * slot_min for b in plans[(length, lunch)] if not b.paid)
                    t = Template(len(templates), day, start, length // slot_min, lunch // slot_min, plans[(length, lunch)],
                                 length - unpaid)
                    templates.append(t)
                    by_key.setdefault((day, start, t.length), []).append(t.index)
    return templates, by_key


def _agents(config, agents_df, leave_df, week_start, n_days, templates, by_key, channel_open, channels):
    slot_min = config.site.slot_minutes
    contract_names = [c.name for c in config.contracts]
    problems = []
    leave = _leave_days(leave_df, week_start, n_days)
    groups: list[tuple[str, ...]] = []
    agents: list[AgentInfo] = []
    any_open = {}
    for row in agents_df.sort_values("agent_id").itertuples(index=False):
        agent_id = str(row.agent_id)
        skills = row.skills if isinstance(row.skills, list | tuple) else [s for s in str(row.skills).split(";") if s]
        named = {s.strip() for s in skills if s.strip()}
        bad = sorted(named - set(channels))
        skills = tuple(c for c in channels if c in named)
        if bad:
            problems.append(f"agent {agent_id}: unknown skill(s) {bad}; channels are {channels}")
            continue
        if not skills:
            problems.append(f"agent {agent_id}: no skills")
            continue
        if row.contract not in contract_names:
            problems.append(f"agent {agent_id}: unknown contract {row.contract!r}; contracts are {contract_names}")
            continue
        if skills not in groups:
            groups.append(skills)
        group = groups.index(skills)
        if skills not in any_open:
            any_open[skills] = channel_open[[channels.index(s) for s in skills]].any(axis=0)
        contract = config.contract(row.contract)
        lengths = {round(h * 60) // slot_min for h in contract.shift_lengths_h}
        window = _window(getattr(row, "available_from", None), getattr(row, "available_to", None))
        approved, requested = leave.get(agent_id, (set(), set()))
        allowed: dict[int, list[int]] = {}
        for t in templates:
            if t.length not in lengths or t.day in approved:
                continue
            if (t.end - 1) // (1440 // slot_min) in approved:  # a night shift must not run into a leave day
                continue
            if window is not None and not _inside_window(t, window, slot_min):
                continue
            if not any_open[skills][t.start:t.end].all():
                continue
            allowed.setdefault(t.day, []).append(t.index)
        prefs = getattr(row, "preferences", "") if hasattr(row, "preferences") else ""
        text = "" if str(prefs) == "nan" else str(prefs or "")
        prefs = tuple(p.strip().lower() for p in text.replace(",", ";").split(";") if p.strip())
        team = getattr(row, "team", "")
        agents.append(AgentInfo(agent_id, str(getattr(row, "name", agent_id)), skills, row.contract, group, allowed,
                                approved, requested, prefs, window[0] if window else None, window[1] if window else None,
                                team="" if team is None or str(team) == "nan" else str(team)))
    if problems:
        raise DataError("agents table: " + "; ".join(problems[:20]))
    return agents, groups


def _inside_window(t: Template, window: tuple[int, int], slot_min: int) -> bool:
    tod = (t.start * slot_min) % 1440
    return window[0] <= tod and tod + t.length * slot_min <= window[1]


def _leave_days(leave_df, week_start, n_days) -> dict[str, tuple[set[int], set[int]]]:
    out: dict[str, tuple[set[int], set[int]]] = {}
    if leave_df is None or len(leave_df) == 0:
        return out
    for row in leave_df.itertuples(index=False):
        first, last = pd.Timestamp(row.start_date).date(), pd.Timestamp(row.end_date).date()
        days = {d for d in range((first - week_start).days, (last - week_start).days + 1) if 0 <= d < n_days}
        approved, requested = out.setdefault(str(row.agent_id), (set(), set()))
        status = str(getattr(row, "status", "approved")).strip().lower()
        (approved if status == "approved" else requested).update(days)
    for approved, requested in out.values():
        requested -= approved
    return out


def previous_shifts(previous_roster: pd.DataFrame) -> pd.DataFrame:
    """Previous roster rows as agent_id, date, start, end timestamps (end after start, crossing midnight allowed)."""
    from planner.scheduling.roster import typed_shifts  # the one roster reader

    shifts, _ = typed_shifts(previous_roster)
    return pd.DataFrame({"agent_id": shifts["agent_id"].astype(str), "date": [pd.Timestamp(d).date() for d in shifts["date"]],
                         "start": shifts["shift_start"], "end": shifts["shift_end"]})


def _apply_previous(inst: Instance, previous_roster: pd.DataFrame) -> None:
    shifts = previous_shifts(previous_roster)
    start = pd.Timestamp(inst.week_start)
    by_agent = {a.agent_id: a for a in inst.agents}
    for agent_id, part in shifts.groupby("agent_id"):
        agent = by_agent.get(agent_id)
        part = part[part["start"] < start]
        if agent is None or part.empty:
            continue
        last_end = part["end"].max()
        agent.prev_end_slot = math.ceil((last_end - start).total_seconds() / 60 / inst.slot_min)
        worked = set(part["date"])
        run, day = 0, inst.week_start - dt.timedelta(days=1)
        while day in worked:
            run, day = run + 1, day - dt.timedelta(days=1)
        agent.prev_consecutive_days = run
