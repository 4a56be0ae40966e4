"""An independent check of a roster: every hard rule re-verified from the output tables and the config alone.

Nothing here reuses the model's templates or break windows: the rules are re-read from the config, so a bug in the
model cannot hide itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import pandas as pd

from planner.config.schema import WEEKDAYS, Config

TOL_MIN = 1e-6


def _minutes(text: str) -> int:
    hh, mm = str(text).strip().split(":")
    return int(hh) * 60 + int(mm)


def _window(start, end) -> tuple[int, int] | None:
    if any(str(v).strip() in ("", "nan", "None") for v in (start, end)) or start is None or end is None:
        return None
    lo, hi = _minutes(start), _minutes(end)
    return lo, hi if hi > lo else hi + 1440


def _skills(value) -> set[str]:
    if isinstance(value, list | tuple):
        return {str(s).strip() for s in value}
    return {s.strip() for s in str(value).split(";") if s.strip()}


def _open_at(config: Config, when: pd.Timestamp, channel: str | None) -> bool:
    """Whether the site (or the channel) is open at a moment, counting the previous day's opening past midnight."""
    for back in (0, 1):
        day = (when - pd.Timedelta(days=back)).date()
        hours = config.hours_on(day, channel)
        if hours is None:
            continue
        minute = (when - pd.Timestamp(day)).total_seconds() / 60
        if hours.open_min <= minute < hours.close_min:
            return True
    return False


def _shift_rows(shifts: pd.DataFrame, breaks: pd.DataFrame) -> list[dict]:
    """One dict per shift of the typed roster tables, with its breaks as (start, end) timestamps."""
    from planner.scheduling.roster import shift_of_breaks

    owner = shift_of_breaks(shifts, breaks)
    own: dict[int, list] = defaultdict(list)
    stray = []
    for pos, row in zip(owner, breaks.itertuples(index=False), strict=True):
        (own[int(pos)] if pos >= 0 else stray).append((pd.Timestamp(row.start), pd.Timestamp(row.end), str(row.agent_id)))
    out = []
    for pos, row in enumerate(shifts.itertuples(index=False)):
        day = pd.Timestamp(row.date).normalize()
        out.append({"agent_id": str(row.agent_id), "date": day.date(), "start": pd.Timestamp(row.shift_start),
                    "end": pd.Timestamp(row.shift_end), "breaks": sorted((a, b) for a, b, _ in own[pos]),
                    "paid_hours": float(row.paid_hours)})
    for a, _, aid in stray:
        out.append({"agent_id": aid, "date": None, "stray_break": a})
    return out


def _expected_short_nominals(config: Config, length_min: float, has_lunch: bool) -> list[float]:
    rule, lunch = config.shift_rules.short_breaks, config.shift_rules.lunch
    if rule is None or length_min < rule.min_shift_h * 60:
        return []
    out, j = [], 1
    while j * rule.every_h * 60 <= length_min - rule.every_h * 30:
        nominal = j * rule.every_h * 60
        if not (has_lunch and lunch.window_start_h * 60 <= nominal <= lunch.window_end_h * 60):
            out.append(nominal)
        j += 1
    return out


def _check_breaks(config: Config, s: dict, who: str) -> list[str]:
    problems = []
    length = (s["end"] - s["start"]).total_seconds() / 60
    lunch_rule, short_rule = config.shift_rules.lunch, config.shift_rules.short_breaks
    spans = [((a - s["start"]).total_seconds() / 60, (b - a).total_seconds() / 60) for a, b in s["breaks"]]
    for (a, n), (b, _) in zip(spans, spans[1:], strict=False):
        if a + n > b:
            problems.append(f"{who}: breaks overlap")
    for a, n in spans:
        if a < 0 or a + n > length:
            problems.append(f"{who}: a break lies outside the shift")
    lunch_due = lunch_rule is not None and length >= lunch_rule.min_shift_h * 60
    short_len = short_rule.duration_min if short_rule is not None else None
    lunches = [(a, n) for a, n in spans if lunch_due and n in lunch_rule.durations_min and n != short_len]
    shorts = [(a, n) for a, n in spans if (a, n) not in lunches]
    if lunch_due:
        if len(lunches) != 1:
            problems.append(f"{who}: expected one lunch of {lunch_rule.durations_min} min, found {len(lunches)}")
        else:
            a = lunches[0][0]
            if not lunch_rule.window_start_h * 60 - TOL_MIN <= a <= lunch_rule.window_end_h * 60 + TOL_MIN:
                window = f"{lunch_rule.window_start_h:g}–{lunch_rule.window_end_h:g} h"
                problems.append(f"{who}: lunch starts {a / 60:g} h in, outside {window}")
    nominals = _expected_short_nominals(config, length, lunch_due)
    if len(shorts) != len(nominals):
        problems.append(f"{who}: expected {len(nominals)} short break(s), found {len(shorts)}")
    else:
        for (a, n), nominal in zip(sorted(shorts), nominals, strict=True):
            if n != short_len:
                problems.append(f"{who}: short break of {n:g} min, expected {short_len} min")
            if abs(a - nominal) > short_rule.tolerance_h * 60 + TOL_MIN:
                problems.append(f"{who}: short break at {a / 60:g} h, expected {nominal / 60:g} ± {short_rule.tolerance_h:g} h")
    unpaid = sum(n for a, n in lunches if not lunch_rule.paid) + sum(n for a, n in shorts if short_rule and not short_rule.paid)
    if abs(s["paid_hours"] - (length - unpaid) / 60) > 0.011:
        problems.append(f"{who}: paid_hours {s['paid_hours']:g} but the shift less unpaid breaks is {(length - unpaid) / 60:g} h")
    return problems


def check_roster(result, config: Config, agents_df: pd.DataFrame, leave_df: pd.DataFrame | None,
                 requirements_df: pd.DataFrame, previous_roster: pd.DataFrame | None = None,
                 week_start: dt.date | None = None) -> list[str]:
    """Every hard-rule violation in a roster (a RosterResult, a roster.Roster or a {'roster', 'roster_slots'} dict of
    typed or display-form tables); [] when clean."""
    from planner.scheduling.roster import as_roster

    tables = as_roster(result, config)
    slots = tables.activity
    problems: list[str] = []
    agents = {str(r.agent_id): r for r in agents_df.itertuples(index=False)}
    rules, labour = config.shift_rules, config.labour_rules
    shifts = _shift_rows(tables.shifts, tables.breaks)
    problems += [f"agent {s['agent_id']}: a break at {s['stray_break']} lies in no shift" for s in shifts if "stray_break" in s]
    shifts = [s for s in shifts if "stray_break" not in s]
    times = pd.to_datetime(requirements_df["interval_start"]) if len(requirements_df) else pd.Series(dtype="datetime64[ns]")
    if week_start is not None:  # the requirements may span more weeks than the roster (the week before is not rostered)
        times = times[times >= pd.Timestamp(week_start)]
        first_day = pd.Timestamp(week_start)
    else:
        first_day = times.min().normalize() if len(times) else (pd.Timestamp(min(s["date"] for s in shifts)) if shifts else None)
    n_weeks = max(1, math.ceil(((times.max().normalize() - first_day).days + 1) / 7)) if len(times) else 1
    approved, requested_ok = defaultdict(set), None
    del requested_ok
    if leave_df is not None:
        for row in leave_df.itertuples(index=False):
            if str(getattr(row, "status", "approved")).strip().lower() == "approved":
                d, last = pd.Timestamp(row.start_date).date(), pd.Timestamp(row.end_date).date()
                while d <= last:
                    approved[str(row.agent_id)].add(d)
                    d += dt.timedelta(days=1)
    earliest, latest = _minutes(rules.earliest_start), _minutes(rules.latest_end)
    if latest <= earliest:
        latest += 1440
    for s in shifts:
        who = f"agent {s['agent_id']} on {s['date']}"
        agent = agents.get(s["agent_id"])
        if agent is None:
            problems.append(f"{who}: not in the agents table")
            continue
        contract = config.contract(agent.contract)
        length = (s["end"] - s["start"]).total_seconds() / 60
        if not any(abs(length - h * 60) < TOL_MIN for h in contract.shift_lengths_h):
            problems.append(f"{who}: shift of {length / 60:g} h not among contract lengths {contract.shift_lengths_h}")
        tod = (s["start"] - pd.Timestamp(s["date"])).total_seconds() / 60
        if tod < earliest or (tod - earliest) % rules.start_step_min:
            step_text = f"the {rules.start_step_min}-min step from {rules.earliest_start}"
            problems.append(f"{who}: start {s['start'].time()} is not on {step_text}")
        if tod + length > latest:
            problems.append(f"{who}: ends after latest_end {rules.latest_end}")
        window = _window(getattr(agent, "available_from", None), getattr(agent, "available_to", None))
        if window is not None and not (window[0] <= tod and tod + length <= window[1]):
            span = f"{s['start'].time()}–{s['end'].time()}"
            problems.append(f"{who}: shift {span} outside availability {agent.available_from}–{agent.available_to}")
        step = pd.Timedelta(minutes=config.site.slot_minutes)
        t = s["start"]
        while t < s["end"]:
            if not _open_at(config, t, None):
                problems.append(f"{who}: works at {t} while the site is closed")
                break
            t += step
        if s["date"] in approved[s["agent_id"]] or (s["end"] - pd.Timedelta(minutes=1)).date() in approved[s["agent_id"]]:
            problems.append(f"{who}: works during approved leave")
        problems += _check_breaks(config, s, who)
    problems += _check_slots(config, shifts, slots, agents)
    problems += _check_between_shifts(config, shifts, agents, approved, previous_roster, first_day, n_weeks, labour)
    return problems


def _check_slots(config: Config, shifts: list[dict], slots: pd.DataFrame, agents: dict) -> list[str]:
    problems = []
    by_agent: dict[str, list[dict]] = defaultdict(list)
    for s in shifts:
        by_agent[s["agent_id"]].append(s)
    for row in slots.itertuples(index=False):
        aid, when, act = str(row.agent_id), pd.Timestamp(row.interval_start), row.activity
        if act == "leave":
            continue
        shift = next((s for s in by_agent.get(aid, []) if s["start"] <= when < s["end"]), None)
        if shift is None:
            problems.append(f"agent {aid}: activity '{act}' at {when} outside any shift")
            continue
        on_break = any(a <= when < b for a, b in shift["breaks"])
        if act == "break" and not on_break:
            problems.append(f"agent {aid}: break slot at {when} not in the roster's breaks")
        elif act != "break":
            if on_break:
                problems.append(f"agent {aid}: serves {act} at {when} during a break")
            if aid in agents and act not in _skills(agents[aid].skills):
                problems.append(f"agent {aid}: serves {act} at {when} without the skill")
            elif act in config.channel_names and not _open_at(config, when, act):
                problems.append(f"agent {aid}: serves {act} at {when} while the channel is closed")
    return problems


def _check_between_shifts(config, shifts, agents, approved, previous_roster, first_day, n_weeks, labour) -> list[str]:
    problems = []
    from planner.scheduling.roster import as_roster, empty_breaks

    prev = defaultdict(list)
    if previous_roster is not None and len(as_roster(previous_roster, config).shifts):
        previous = as_roster(previous_roster, config).shifts
        previous = previous if "paid_hours" in previous.columns else previous.assign(paid_hours=0.0)
        for s in _shift_rows(previous, empty_breaks()):
            if first_day is None or s["start"] < first_day:
                prev[s["agent_id"]].append(s)
    by_agent = defaultdict(list)
    for s in shifts:
        by_agent[s["agent_id"]].append(s)
    for aid, own in sorted(by_agent.items()):
        if aid not in agents:
            continue
        contract = config.contract(agents[aid].contract)
        seq = sorted(prev[aid] + own, key=lambda s: s["start"])
        for a, b in zip(seq, seq[1:], strict=False):
            rest_h = (b["start"] - a["end"]).total_seconds() / 3600
            if rest_h < labour.min_rest_h - 1e-9:
                problems.append(f"agent {aid}: rest of {rest_h:g} h between shifts on {a['date']} and {b['date']} "
                                f"(minimum {labour.min_rest_h:g} h)")
        days = sorted({s["date"] for s in seq})
        run = 1
        for d1, d2 in zip(days, days[1:], strict=False):
            run = run + 1 if (d2 - d1).days == 1 else 1
            if run > labour.max_consecutive_days:
                problems.append(f"agent {aid}: {run} consecutive working days up to {d2} (maximum {labour.max_consecutive_days})")
        if first_day is None:
            continue
        for w in range(n_weeks):
            lo = (first_day + pd.Timedelta(days=7 * w)).date()
            week = [lo + dt.timedelta(days=i) for i in range(7)]
            worked = [s for s in own if s["date"] in week]
            if len({s["date"] for s in worked}) > contract.days_per_week_max:
                problems.append(f"agent {aid}: {len(worked)} working days in the week of {lo} "
                                f"(maximum {contract.days_per_week_max})")
            paid = sum(s["paid_hours"] for s in worked)
            low, why = _weekly_minimum(config, contract, week, approved[aid])
            if paid > contract.weekly_hours_max + 0.011:
                problems.append(f"agent {aid}: {paid:g} paid h in the week of {lo} (maximum {contract.weekly_hours_max:g})")
            if paid < low - 0.011:
                problems.append(f"agent {aid}: {paid:g} paid h in the week of {lo} (minimum {low:g}{why})")
    for aid in sorted(set(agents) - set(by_agent)):
        contract = config.contract(agents[aid].contract)
        for w in range(n_weeks if first_day is not None else 0):
            lo = (first_day + pd.Timedelta(days=7 * w)).date()
            low, why = _weekly_minimum(config, contract, [lo + dt.timedelta(days=i) for i in range(7)], approved[aid])
            if low > 0.011:
                problems.append(f"agent {aid}: 0 paid h in the week of {lo} (minimum {low:g}{why})")
    return problems


def _holiday_closure(config: Config, day: dt.date) -> bool:
    """A public holiday on which the site closes although its weekly hours would open it (read from the config here)."""
    holidays = config.site.holidays
    if holidays is None or holidays.hours != "closed" or day not in config.holiday_calendar(day.year, day.year):
        return False
    return config.site.opening_hours[WEEKDAYS[day.weekday()]] != "closed"


def _weekly_minimum(config: Config, contract, week: list[dt.date], leave: set[dt.date]) -> tuple[float, str]:
    """The week's minimum paid hours: the contract's less weekly_hours_min / days_per_week_max for each approved leave
    day and each holiday closure (a day that is both counts once), and the words saying why it is lower."""
    leave_days = sum(1 for d in week if d in leave)
    closed = sum(1 for d in week if d not in leave and _holiday_closure(config, d))
    low = max(0.0, contract.weekly_hours_min - (leave_days + closed) * contract.weekly_hours_min / contract.days_per_week_max)
    parts = [f"{leave_days} leave day(s)"] if leave_days else []
    parts += [f"{closed} holiday closure(s)"] if closed else []
    return low, (" after " + " and ".join(parts)) if parts else ""
