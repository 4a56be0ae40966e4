"""Capacity plan and leave allowance per skill group and day, in hours.

Per group and calendar week:
- pool_h: the contract hours of the group's agents (hours.AgentHours.week_h × the share of the week's open days
  they are employed), plus leave.headcount_changes from their week on;
- planned_leave_h: the charge (hours.leave_charge) of approved leave, every kind;
- available_h = pool_h − planned_leave_h;
- required_h: the group's share (split.split_requirement, on available hours) of each channel's required hours
  (horizon.required_by_day: productive hours grossed up by the shrinkage other than planned leave).

Per day, the week's pool is spread over the days in proportion to the group's requirement (the roster puts its
hours where the demand is; evenly over the open days when the group has no requirement). A week's leave charge is
taken off the days (Capacity.spread): on each leave day what the agent would have worked there (their week shaped
like the group's pool), the rest on the week's other days in proportion to the pool, where the roster covers it. So a
quiet Sunday off costs that Sunday little, and the week always loses the whole charge.

allowance_h = available_h − required_h × (1 + leave.margin): the leave hours still grantable, never below 0; a
week's is the sum over its days before that floor, so a short day counts against the week. allowance_heads = whole
leave days of the group's average agent in it; auto_approve_h = leave.threshold × allowance_h. A quiet week has a
lower requirement for the same pool, so a larger allowance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.config import Config
from planner.leave.hours import AgentHours, OpenDays, contract_week_h, leave_charge, monday
from planner.leave.split import split_requirement

DAY_COLUMNS = ["group", "date", "week", "pool_h", "required_h", "available_h", "planned_leave_h", "margin_h",
               "allowance_h", "allowance_heads", "auto_approve_h"]
WEEK_COLUMNS = ["group", "week", "agents", "pool_h", "required_h", "planned_leave_h", "available_h", "margin_h",
                "allowance_h", "allowance_heads", "auto_approve_h", "utilisation", "note"]


@dataclass
class Capacity:
    """Pool, requirement and planned leave per group (rows) and day (columns) from start, in hours."""

    start: dt.date
    groups: list[str]
    pool_h: np.ndarray
    required_h: np.ndarray
    leave_h: np.ndarray
    margin: float
    threshold: float
    day_h: dict[str, float]  # the group's average leave day, hours (for head counts)
    agents: dict[str, int]
    unserved_h: dict[dt.date, dict[str, float]] = field(default_factory=dict)  # week → channel → hours nobody can serve

    @property
    def n_days(self) -> int:
        """Days covered."""
        return self.pool_h.shape[1]

    def day_index(self, day: dt.date) -> int | None:
        """Column of day, or None outside the plan."""
        i = (day - self.start).days
        return i if 0 <= i < self.n_days else None

    def allowance_h(self) -> np.ndarray:
        """Leave hours still grantable per group and day (negative where the plan is already short)."""
        return self.pool_h - self.leave_h - self.required_h * (1 + self.margin)

    def spread(self, group: str, charge: dict[dt.date, float], week_h: float) -> dict[int, float]:
        """Column → hours a leave charge takes from the group's capacity, per calendar week: on each leave day what the
        agent (week_h a week) would have worked there, their week shaped like the group's pool; the rest of the week's
        charge on the week's other days in proportion to the pool (the roster covers it there). Days outside are
        left out; a week's columns add up to its charge."""
        g = self.groups.index(group)
        per_week: dict[int, list[int]] = {}
        for d in charge:
            col = self.day_index(d)
            if col is not None:
                per_week.setdefault(col - col % 7, []).append(col)
        out: dict[int, float] = {}
        for first, cols in per_week.items():
            total = sum(charge[self.start + dt.timedelta(days=c)] for c in cols)
            weight = self.pool_h[g, first:first + 7]
            share = weight / weight.sum() if weight.sum() > 0 else np.full(7, 1 / 7)
            on = {c: week_h * share[c - first] for c in cols}
            worked = sum(on.values())
            if worked > total:
                on = {c: h * total / worked for c, h in on.items()}
            rest = total - sum(on.values())
            others = [c for c in range(first, first + 7) if c not in on and share[c - first] > 0]
            targets = others or list(on)
            mass = sum(share[c - first] for c in targets)
            for c in targets:
                on[c] = on.get(c, 0.0) + rest * (share[c - first] / mass if mass > 0 else 1 / len(targets))
            out.update(on)
        return out

    def add_leave(self, group: str, charge: dict[dt.date, float], week_h: float) -> None:
        """Take a leave charge (day → hours) of an agent working week_h a week off the group's capacity."""
        g = self.groups.index(group)
        for col, hours in self.spread(group, charge, week_h).items():
            self.leave_h[g, col] += hours

    def dates(self) -> list[dt.date]:
        """The plan's days."""
        return [self.start + dt.timedelta(days=i) for i in range(self.n_days)]


def build_capacity(config: Config, channel_day_h: pd.DataFrame, agents: dict[str, AgentHours], leave: pd.DataFrame | None,
                   start: dt.date, weeks: int) -> Capacity:
    """The capacity plan of `weeks` weeks from start (a Monday) from required hours per channel and day (horizon)."""
    is_open = OpenDays(config)
    n_days = 7 * weeks
    dates = [start + dt.timedelta(days=i) for i in range(n_days)]
    groups = sorted({a.group for a in agents.values()} | {c.group for c in config.leave.headcount_changes})
    gi = {g: k for k, g in enumerate(groups)}
    pool_w = _weekly_pool(config, agents, groups, dates, is_open)
    charges: list[tuple[str, dict[dt.date, float], float]] = []
    week_leave = np.zeros((len(groups), weeks))
    for aid, charge in charged(leave, agents, is_open):
        charges.append((agents[aid].group, charge, agents[aid].week_h))
        for day, hours in charge.items():
            i = (day - start).days
            if 0 <= i < n_days:
                week_leave[gi[agents[aid].group], i // 7] += hours
    req_c = _channel_matrix(channel_day_h, config.channel_names, start, n_days)
    required = np.zeros((len(groups), n_days))
    pool = np.zeros((len(groups), n_days))
    unserved: dict[dt.date, dict[str, float]] = {}
    open_row = np.array([is_open(d) for d in dates], dtype=float)
    for w in range(weeks):
        days = slice(7 * w, 7 * w + 7)
        available = {g: max(0.0, pool_w[gi[g], w] - week_leave[gi[g], w]) for g in groups}
        week_req = {c: float(req_c[k, days].sum()) for k, c in enumerate(config.channel_names)}
        split = split_requirement(week_req, available)
        if split.unserved_h:
            unserved[dates[7 * w]] = split.unserved_h
        for g in groups:
            for c, share in split.shares[g].items():
                required[gi[g], days] += share * req_c[config.channel_names.index(c), days]
            total = required[gi[g], days].sum()
            shape = required[gi[g], days] / total if total > 0 else _even(open_row[days])
            pool[gi[g], days] = pool_w[gi[g], w] * shape
    day_h = {g: float(np.mean([a.day_h for a in agents.values() if a.group == g] or [_change_day_h(config, g)]))
             for g in groups}
    counts = {g: sum(1 for a in agents.values() if a.group == g) for g in groups}
    cap = Capacity(start, groups, pool, required, np.zeros((len(groups), n_days)), config.leave.margin,
                   config.leave.threshold, day_h, counts, unserved)
    for group, charge, week_h in charges:
        cap.add_leave(group, charge, week_h)
    return cap


def _even(open_days: np.ndarray) -> np.ndarray:
    return open_days / open_days.sum() if open_days.sum() > 0 else np.full(open_days.size, 1 / open_days.size)


def _change_day_h(config: Config, group: str) -> float:
    change = next(c for c in config.leave.headcount_changes if c.group == group)
    contract = config.contract(change.contract)
    return contract_week_h(contract) / contract.days_per_week_max


def charged(leave: pd.DataFrame | None, agents: dict[str, AgentHours], is_open: OpenDays):
    """(agent_id, day → hours) of every approved leave row's charge (agents unknown to the table are skipped)."""
    if leave is None or leave.empty:
        return
    rows = leave[leave["status"] == "approved"]
    for aid, first, last in zip(rows["agent_id"].astype(str), rows["start_date"], rows["end_date"], strict=True):
        if aid in agents:
            yield aid, leave_charge(first, last, agents[aid], is_open)


def _weekly_pool(config: Config, agents: dict[str, AgentHours], groups: list[str], dates: list[dt.date],
                 is_open: OpenDays) -> np.ndarray:
    """Contract hours per group and week: agents' weeks × their employed share of the open days, plus headcount changes."""
    weeks = len(dates) // 7
    gi = {g: k for k, g in enumerate(groups)}
    pool = np.zeros((len(groups), weeks))
    for w in range(weeks):
        days = [d for d in dates[7 * w: 7 * w + 7] if is_open(d)] or dates[7 * w: 7 * w + 7]
        for a in agents.values():
            if a.employed_from is None and a.employed_to is None:
                pool[gi[a.group], w] += a.week_h
            else:
                pool[gi[a.group], w] += a.week_h * sum(a.employed_on(d) for d in days) / len(days)
    for change in config.leave.headcount_changes:
        first = max(0, (monday(change.week) - dates[0]).days // 7)
        if first < weeks:
            pool[gi[change.group], first:] += change.agents * contract_week_h(config.contract(change.contract))
    return np.maximum(pool, 0.0)


def _channel_matrix(channel_day_h: pd.DataFrame, channels: list[str], start: dt.date, n_days: int) -> np.ndarray:
    out = np.zeros((len(channels), n_days))
    for day, channel, hours in zip(channel_day_h["date"], channel_day_h["channel"], channel_day_h["required_h"], strict=True):
        i = (day - start).days
        if 0 <= i < n_days and channel in channels:
            out[channels.index(channel), i] += hours
    return out


def day_table(cap: Capacity) -> pd.DataFrame:
    """leave_allowance rows: one per group and day (DAY_COLUMNS; hours, heads)."""
    dates = cap.dates()
    allowance = np.maximum(cap.allowance_h(), 0.0)
    rows = []
    for k, g in enumerate(cap.groups):
        heads = np.floor(allowance[k] / cap.day_h[g] + 1e-9) if cap.day_h[g] > 0 else np.zeros(cap.n_days)
        rows.append(pd.DataFrame({
            "group": g, "date": dates, "week": [monday(d) for d in dates], "pool_h": cap.pool_h[k],
            "required_h": cap.required_h[k], "available_h": cap.pool_h[k] - cap.leave_h[k], "planned_leave_h": cap.leave_h[k],
            "margin_h": cap.required_h[k] * cap.margin, "allowance_h": allowance[k], "allowance_heads": heads.astype(int),
            "auto_approve_h": allowance[k] * cap.threshold}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=DAY_COLUMNS)
    return _rounded(out[DAY_COLUMNS])


def week_table(cap: Capacity, basis: str = "") -> pd.DataFrame:
    """capacity_plan rows: one per group and week (WEEK_COLUMNS), with a note on an unserved or missing requirement."""
    rows = []
    for k, g in enumerate(cap.groups):
        for w in range(cap.n_days // 7):
            days = slice(7 * w, 7 * w + 7)
            week = cap.start + dt.timedelta(weeks=w)
            pool, req, leave = cap.pool_h[k, days].sum(), cap.required_h[k, days].sum(), cap.leave_h[k, days].sum()
            allowance = max(0.0, float(cap.allowance_h()[k, days].sum()))
            notes = []
            if req <= 0:
                notes.append(f"no requirement for {g} this week: its whole available time is allowance")
            unserved = {c: h for c, h in cap.unserved_h.get(week, {}).items() if c in g.split("+")}
            if unserved:
                notes.append("unserved: " + ", ".join(f"{c} {h:.1f} h" for c, h in unserved.items()))
            if basis and w == 0:
                notes.append(basis)
            rows.append({"group": g, "week": week, "agents": cap.agents[g], "pool_h": pool, "required_h": req,
                         "planned_leave_h": leave, "available_h": pool - leave, "margin_h": req * cap.margin,
                         "allowance_h": allowance,
                         "allowance_heads": int(allowance // cap.day_h[g]) if cap.day_h[g] > 0 else 0,
                         "auto_approve_h": allowance * cap.threshold,
                         "utilisation": req / (pool - leave) if pool - leave > 0 else float("nan"),
                         "note": "; ".join(notes)})
    return _rounded(pd.DataFrame(rows, columns=WEEK_COLUMNS))


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    hours = [c for c in df.columns if c.endswith("_h")]
    return df.assign(**{c: df[c].astype(float).round(2) for c in hours},
                     **({"utilisation": df["utilisation"].astype(float).round(4)} if "utilisation" in df else {}))
