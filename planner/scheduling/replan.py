"""Re-plan a published roster with locks: the normal model on the changed inputs, plus a cost per changed agent-day.

A change is an absence (the agent cannot work that date, or only not inside a from–to window), a new leave day, or a
requirement factor (one channel, one date, one window × factor). `replan_inputs` turns them into the inputs of the
normal solve; `Replan.apply` takes the absent templates away from the instance and records the published shifts with
their breaks. The model (model.py) then adds, per agent-day, the `changed_shifts` term of costs.py when the day
differs from the published one: worked or not, hours, lunch (paid minutes) or break times (`change_terms`). The solve
starts from the published roster with only the edits the changes force (`start_weeks`: an agent whose week lost a
day gets the nearest week their hard rules allow), breaks and channels as published, prices that start exactly and
keeps it unless the search finds a cheaper roster (solve.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.scheduling.instance import Instance, PublishedShift, Template

KINDS = ("absent", "leave", "requirement")
COVERAGE = "coverage"


@dataclass(frozen=True)
class Change:
    """One row of a changes file: what changed, for whom or which channel, on which date and window."""

    line: int  # line in the changes file (header = 1), for the reason column and messages
    kind: str  # absent | leave | requirement
    date: dt.date
    agent_id: str = ""
    channel: str = ""
    from_min: int | None = None  # window inside the date, minutes after midnight; None = the whole day
    to_min: int | None = None
    factor: float = 1.0
    note: str = ""

    @property
    def reason(self) -> str:
        """How changes.csv names this change."""
        return f"line {self.line}: {self.kind}" + (f" ({self.note})" if self.note else "")


@dataclass
class Replan:
    """What a re-plan adds to a solve: the published shifts (typed roster) and the changes that move them."""

    published: object  # the published roster: a typed roster table (breaks in a column) or a Roster / RosterResult
    changes: list[Change] = field(default_factory=list)
    slots: pd.DataFrame | None = None  # the published per-slot activity: channels are handed out as published first

    def apply(self, inst: Instance) -> None:
        """Record the published shifts (hours, paid minutes, breaks) and channels on the instance and take away every
        template an absence forbids."""
        from planner.scheduling.roster import as_roster, shift_of_breaks

        index = {a.agent_id: i for i, a in enumerate(inst.agents)}
        start = pd.Timestamp(inst.week_start)

        def slot(ts) -> int:
            return round((pd.Timestamp(ts) - start).total_seconds() / 60 / inst.slot_min)

        roster = as_roster(self.published, inst.config)
        shifts, breaks = roster.shifts, roster.breaks
        spans: list[list[tuple[int, int]]] = [[] for _ in range(len(shifts))]
        for pos, a, b in zip(shift_of_breaks(shifts, breaks), breaks["start"], breaks["end"], strict=True):
            if pos >= 0:
                spans[pos].append((slot(a), slot(b) - slot(a)))
        inst.published = {}
        for pos, row in enumerate(shifts.itertuples(index=False)):
            i = index.get(str(row.agent_id))
            day = (pd.Timestamp(row.date).date() - inst.week_start).days
            if i is not None and 0 <= day < inst.n_days:
                first, last = slot(row.shift_start), slot(row.shift_end)
                inst.published[(i, day)] = PublishedShift(first, last - first, round(float(row.paid_hours) * 60),
                                                          tuple(sorted(spans[pos])))
        if self.slots is not None and len(self.slots):
            at = ((pd.to_datetime(self.slots["interval_start"]) - start).dt.total_seconds() // 60 // inst.slot_min)
            inst.published_channels = {(str(a), int(s)): str(c) for a, s, c in
                                       zip(self.slots["agent_id"], at, self.slots["activity"], strict=True)
                                       if str(c) in inst.channels}
        for ch in self.changes:
            if ch.kind != "absent" or ch.agent_id not in index:
                continue
            agent = inst.agents[index[ch.agent_id]]
            lo, hi = absent_slots(inst, ch)
            for day in list(agent.templates):
                kept = [k for k in agent.templates[day]
                        if inst.templates[k].end <= lo or inst.templates[k].start >= hi]
                if kept:
                    agent.templates[day] = kept
                else:
                    del agent.templates[day]


def absent_slots(inst: Instance, ch: Change) -> tuple[int, int]:
    """The [first, end) slots of an absence on the instance's axis (the whole date when it has no window)."""
    day = (ch.date - inst.week_start).days
    lo = 0 if ch.from_min is None else ch.from_min
    hi = 1440 if ch.to_min is None else ch.to_min
    return (day * 1440 + lo) // inst.slot_min, -(-(day * 1440 + hi) // inst.slot_min)


def break_offsets(t: Template, breaks: tuple[tuple[int, int], ...]) -> tuple[int, ...] | None:
    """The offset of each of the template's breaks (its kinds, in time order) that puts them where `breaks` are, or
    None when they do not fit its windows (another break plan)."""
    if len(t.breaks) != len(breaks):
        return None
    offsets = []
    for kind, (first, length) in zip(t.breaks, breaks, strict=True):
        off = first - t.start
        if length != kind.duration_slots or not kind.earliest_offset <= off <= kind.latest_offset:
            return None
        offsets.append(off)
    return tuple(offsets)


def published_template(inst: Instance, i: int, day: int) -> tuple[int, tuple[int, ...] | None] | None:
    """The agent's allowed template that works the published shift of that day as published (same start, length and
    paid minutes, so the same lunch) and its break offsets as published (None when they do not fit); None when the
    agent has no published shift that day or may no longer work it."""
    pub = (inst.published or {}).get((i, day))
    if pub is None:
        return None
    found = None
    for k in inst.agents[i].templates.get(day, []):
        t = inst.templates[k]
        if (t.start, t.length, t.paid_min) == (pub.start, pub.length, pub.paid_min):
            offsets = break_offsets(t, pub.breaks)
            if offsets is not None:
                return k, offsets
            found = found or (k, None)
    return found


def same_as_published(inst: Instance, i: int, day: int, t: Template, breaks) -> bool:
    """Whether template t with breaks [(start slot, length in slots), …] is the published shift of agent i's day."""
    pub = (inst.published or {}).get((i, day))
    return (pub is not None and (t.start, t.length, t.paid_min) == (pub.start, pub.length, pub.paid_min)
            and tuple(sorted(breaks)) == pub.breaks)


def change_terms(inst: Instance, model, agents, breaks) -> tuple[int, list, dict]:
    """The changed-shift indicators of the model: (agent-days changed whatever is chosen, literals that are 1 when
    the agent's day differs from the published one, (agent index, day) -> 'kept as published' variable of the days
    whose shift has breaks; without breaks, working the published template is keeping it).

    A published day is kept when the agent works its template (same hours and lunch) with every break where it was:
    its 'kept' literal takes one shift of each of those break flows (break offsets are chosen per skill group and
    shift start, breaks.py), so no more shifts keep a break offset than the flows give it, and the breaks of kept
    days are handed out as published (extract.hand_out_breaks). An unpublished day's literal is 'works'."""
    lost, literals, kept = 0, [], {}
    needs: dict[tuple, list] = defaultdict(list)  # break flow -> kept literals taking one of its shifts
    for i, av in enumerate(agents):
        for day in range(inst.n_days):
            if (i, day) not in (inst.published or {}):
                if day in av.x:
                    literals.append(av.work[day])
                continue
            found = published_template(inst, i, day)
            if found is None or found[1] is None or day not in av.x:
                lost += 1
                continue
            k, offsets = found
            t = inst.templates[k]
            x = next(v for tt, v in av.x[day] if tt.index == k)
            var = x
            if t.breaks:
                var = model.new_bool_var(f"kept[{av.agent.agent_id},d{day}]")
                model.add_implication(var, x)
                for kind, off in zip(t.breaks, offsets, strict=True):
                    needs[(av.agent.group, t.start, kind, off)].append(var)
                kept[(i, day)] = var
            literals.append(~var)
    for key, lits in needs.items():
        model.add(sum(lits) <= breaks[key])
    return lost, literals, kept


# A published day kept as published outweighs every tie-break of the repair (slots in common, at most a day's).
REPAIR_KEEP = 10_000


def start_weeks(inst: Instance, every_agent: bool = False) -> tuple[dict[int, dict[int, int]],
                                                                    dict[tuple[int, int], tuple[int, ...]]]:
    """The solve's start: agent index -> {day: template index}, and (agent index, day) -> break offsets of the days
    kept as published. Agents whose published week lost a day (an absence, leave), or with `every_agent` every agent
    (for a published week that breaks a rule of today's inputs, e.g. leave since withdrawn), get the week of their
    own hard rules that keeps most published days and adds fewest (planner.scheduling.plan.AgentWeek), so the start
    is feasible: a full-time agent short of the weekly minimum without that day works another one."""
    from planner.scheduling.plan import AgentWeek

    weeks: dict[int, dict[int, int]] = defaultdict(dict)
    placed: dict[tuple[int, int], tuple[int, ...]] = {}
    touched = {i for i, _ in inst.published or {}} if every_agent else set()
    for (i, day) in sorted(inst.published or {}):
        found = published_template(inst, i, day)
        if found is None:
            touched.add(i)
            continue
        weeks[i][day] = found[0]
        if found[1] is not None:
            placed[(i, day)] = found[1]
    for i in sorted(touched):
        as_published = dict(weeks[i])

        def worth(t: Template, i=i, as_published=as_published) -> int:
            pub = inst.published.get((i, t.day))
            if pub is None:
                return -REPAIR_KEEP
            if as_published.get(t.day) == t.index:
                return REPAIR_KEEP
            return max(0, min(t.end, pub.start + pub.length) - max(t.start, pub.start))  # a shift cut keeps its slots

        week = AgentWeek(inst, inst.agents[i]).best(worth, REPAIR_DET)
        if week is None:  # not found in the budget: the published days left, which the search repairs
            continue
        weeks[i] = week
        for day in as_published:
            if week.get(day) != as_published[day]:
                placed.pop((i, day), None)
    return {i: w for i, w in weeks.items() if w}, placed


REPAIR_DET = 0.5  # deterministic units per repaired agent week (the sample site's take a few hundredths)


def changed_days(inst: Instance, days) -> int:
    """Agent-days of an extracted roster ((agent index, day) -> AgentDay) that differ from the published ones: worked
    or not, hours, lunch (paid minutes) or break times."""
    published = inst.published or {}
    return sum(1 for key in set(days) | set(published)
               if key not in days or not same_as_published(inst, *key, days[key].template,
                                                          [(b, n) for b, n, _ in days[key].breaks]))


# --- inputs and outputs -------------------------------------------------------------------------------------------


def changes_from(table: pd.DataFrame) -> list[Change]:
    """The Change rows of a validated changes table (planner.io.tables.read_changes)."""
    def minutes(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        hh, mm = str(value).split(":")
        return int(hh) * 60 + int(mm)

    def text(value) -> str:
        return "" if value is None or str(value) == "nan" else str(value)

    return [Change(int(r["line"]), r["kind"], pd.Timestamp(r["date"]).date(), text(r["agent_id"]), text(r["channel"]),
                   minutes(r["from"]), minutes(r["to"]),
                   1.0 if r["factor"] is None or pd.isna(r["factor"]) else float(r["factor"]), text(r["note"]))
            for r in table.to_dict("records")]


def replan_inputs(requirements: pd.DataFrame, leave: pd.DataFrame | None, changes: list[Change]):
    """The requirements with every requirement factor applied, and the leave table with the new leave days and the
    whole-day absences added (approved, kind 'leave' or 'absent')."""
    req = requirements.copy()
    times = pd.to_datetime(req["interval_start"])
    for ch in changes:
        if ch.kind != "requirement":
            continue
        day = pd.Timestamp(ch.date)
        lo = day + pd.Timedelta(minutes=ch.from_min or 0)
        hi = day + pd.Timedelta(minutes=1440 if ch.to_min is None else ch.to_min)
        rows = (req["channel"] == ch.channel) & (times >= lo) & (times < hi)
        for col in ("agents_required", "agents_productive"):
            if col in req:
                req.loc[rows, col] = np.ceil(req.loc[rows, col].astype(float) * ch.factor - 1e-9).astype(int)
        if "offered" in req:
            req.loc[rows, "offered"] = req.loc[rows, "offered"].astype(float) * ch.factor
    # a whole-day absence counts as an approved leave day, so the contract's weekly minimum drops by a day's share
    # (as for leave, here and in the checker); an absence inside a window only takes the templates overlapping it
    added = [(ch.agent_id, ch.date, ch.date, ch.kind, "approved") for ch in changes
             if ch.kind == "leave" or (ch.kind == "absent" and ch.from_min is None)]
    extra = pd.DataFrame(added, columns=["agent_id", "start_date", "end_date", "kind", "status"])
    if leave is None or len(leave) == 0:
        return req, extra if len(extra) else leave
    return req, pd.concat([leave, extra], ignore_index=True) if len(extra) else leave


def shortfall(slots: pd.DataFrame, requirements: pd.DataFrame) -> int:
    """Agent-slots below agents_required over every channel and slot, for a roster's per-slot activity."""
    served = slots.groupby([pd.to_datetime(slots["interval_start"]), slots["activity"]]).size()
    req = requirements.assign(interval_start=pd.to_datetime(requirements["interval_start"]))
    have = [served.get((t, c), 0) for t, c in zip(req["interval_start"], req["channel"], strict=True)]
    need = np.ceil(req["agents_required"].to_numpy(dtype=float) - 1e-9)
    return int(np.maximum(0, need - np.array(have, dtype=float)).sum())


def without(slots: pd.DataFrame, changes: list[Change]) -> pd.DataFrame:
    """The published slots with every absent or leave agent's slots of that date (inside the window) removed."""
    drop = np.zeros(len(slots), dtype=bool)
    times = pd.to_datetime(slots["interval_start"])
    for ch in changes:
        if ch.kind not in ("absent", "leave"):
            continue
        day = pd.Timestamp(ch.date)
        lo = day + pd.Timedelta(minutes=ch.from_min or 0)
        hi = day + pd.Timedelta(minutes=1440 if ch.to_min is None else ch.to_min)
        drop |= ((slots["agent_id"].astype(str) == ch.agent_id) & (times >= lo) & (times < hi)).to_numpy()
    return slots[~drop]


CHANGE_COLUMNS = ["agent_id", "date", "change", "old_start", "old_end", "new_start", "new_end", "start_moved_min",
                  "end_moved_min", "old_breaks", "new_breaks", "old_paid_hours", "new_paid_hours", "old_channels",
                  "new_channels", "reason"]
# What changed on one agent-day, most telling first: every agent-day planner diff lists has one row.
CHANGE_KINDS = ("added", "removed", "moved", "breaks", "channel")


def changes_table(old, new, changes: list[Change]) -> pd.DataFrame:
    """Per agent and date, what changed between two rosters (typed tables, Roster or RosterResult, as_roster):
    added, removed, moved (start/end shifted, minutes), breaks (same hours, other break times or lunch, so maybe
    other paid hours) or channel (only the channels served): the agent-days planner diff lists. And why: the change
    rows naming that agent and date, else those naming the agent on another date (an edit they force elsewhere in
    the week, e.g. to keep the weekly minimum), else 'coverage'."""
    before, after = _keyed(old), _keyed(new)
    why: dict[tuple[str, dt.date], list[str]] = {}
    elsewhere: dict[str, list[str]] = {}
    for ch in changes:
        if ch.agent_id:
            why.setdefault((ch.agent_id, ch.date), []).append(ch.reason)
            elsewhere.setdefault(ch.agent_id, []).append(f"{ch.reason} on {ch.date}")
    rows = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        moved_s = moved_e = None
        if a is not None and b is not None:
            moved_s = int((b["shift_start"] - a["shift_start"]).total_seconds() // 60)
            moved_e = int((b["shift_end"] - a["shift_end"]).total_seconds() // 60)
            if moved_s or moved_e:
                kind = "moved"
            elif a["breaks"] != b["breaks"] or abs(a["paid_hours"] - b["paid_hours"]) > PAID_HOURS_TOLERANCE_H:
                kind = "breaks"
            elif a["channels"] != b["channels"]:
                kind = "channel"
            else:
                continue
        else:
            kind = "added" if a is None else "removed"
        reason = why.get(key) or elsewhere.get(key[0]) or [COVERAGE]
        rows.append((key[0], key[1], kind, *_side(a), *_side(b), moved_s, moved_e, *_details(a, b), "; ".join(reason)))
    out = pd.DataFrame(rows, columns=["agent_id", "date", "change", "old_start", "old_end", "new_start", "new_end",
                                      "start_moved_min", "end_moved_min", "old_breaks", "new_breaks", "old_paid_hours",
                                      "new_paid_hours", "old_channels", "new_channels", "reason"])[CHANGE_COLUMNS]
    for col in ("start_moved_min", "end_moved_min"):
        out[col] = out[col].astype("Int64")
    return out


PAID_HOURS_TOLERANCE_H = 0.005  # as planner diff: paid hours are written with two decimals


def _keyed(roster) -> dict[tuple[str, dt.date], dict]:
    """(agent_id, date) -> shift_start, shift_end, breaks (sorted (start, end) spans), paid_hours, channels (text)."""
    from planner.scheduling.roster import as_roster, shift_of_breaks

    typed = as_roster(roster)
    shifts, breaks = typed.shifts, typed.breaks
    spans: list[list] = [[] for _ in range(len(shifts))]
    for pos, a, b in zip(shift_of_breaks(shifts, breaks), breaks["start"], breaks["end"], strict=True):
        if pos >= 0:
            spans[pos].append((pd.Timestamp(a), pd.Timestamp(b)))
    return {(str(r.agent_id), pd.Timestamp(r.date).date()):
            {"shift_start": pd.Timestamp(r.shift_start), "shift_end": pd.Timestamp(r.shift_end), "breaks": sorted(spans[pos]),
             "paid_hours": float(r.paid_hours), "channels": _channels(r)}
            for pos, r in enumerate(shifts.itertuples(index=False))}


def _side(shift: dict | None) -> tuple[str, str]:
    if shift is None:
        return "", ""
    return f"{shift['shift_start']:%Y-%m-%d %H:%M}", f"{shift['shift_end']:%Y-%m-%d %H:%M}"


def _details(a: dict | None, b: dict | None) -> tuple:
    """old_breaks, new_breaks, old_paid_hours, new_paid_hours, old_channels, new_channels of one agent-day."""
    def breaks(shift):
        return "" if shift is None else ";".join(f"{x:%H:%M}-{y:%H:%M}" for x, y in shift["breaks"])

    def paid(shift):
        return None if shift is None else shift["paid_hours"]

    return (breaks(a), breaks(b), paid(a), paid(b), "" if a is None else a["channels"], "" if b is None else b["channels"])


def _channels(row) -> str:
    value = getattr(row, "channels", "")
    if isinstance(value, list | tuple | np.ndarray):
        return ";".join(sorted(map(str, value)))
    return ";".join(sorted(s for s in str(value or "").split(";") if s and s != "nan"))


def with_change_cost(config, cost: float | None):
    """The config with solver.weights.changed_shift set to cost (None: unchanged); configs are frozen, so a copy."""
    if cost is None:
        return config
    weights = config.solver.weights.model_copy(update={"changed_shift": float(cost)})
    return config.model_copy(update={"solver": config.solver.model_copy(update={"weights": weights})})


def change_counts(table: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame, changes: list[Change]) -> dict:
    """The summary's counts of a changes_table between rosters old and new (their shift tables): agents with an
    agent-day changed (added, removed, moved, breaks); agents with only channel changes (channels are handed out
    again after each solve and are not part of the change cost); and, of the agents no absent or leave row names,
    their agent-days worked in either roster and how many of those changed, so the share is at most 1."""
    named = {ch.agent_id for ch in changes if ch.kind in ("absent", "leave")}
    others = table[~table["agent_id"].isin(named)]
    hours = table["change"] != "channel"
    other_days = {(str(a), pd.Timestamp(d).date()) for frame in (old, new)
                  for a, d in zip(frame["agent_id"], frame["date"], strict=True) if str(a) not in named}
    changed = int((others["change"] != "channel").sum())
    return {
        "agents_affected": int(table.loc[hours, "agent_id"].nunique()),
        "agents_channel_only": len(set(table.loc[~hours, "agent_id"]) - set(table.loc[hours, "agent_id"])),
        "agents_named_in_changes": len(named),
        "other_agents_shifts": len(other_days),
        "other_agents_shifts_changed": changed,
        "other_agents_shifts_changed_share": changed / len(other_days) if other_days else 0.0,
        "other_agents_channel_only_changes": int((others["change"] == "channel").sum()),
        "changes_by_kind": {kind: int((table["change"] == kind).sum()) for kind in CHANGE_KINDS},
    }


@dataclass
class ReplanResult:
    """A re-planned roster, what moved (changes_table) and the summary figures planner replan prints."""

    result: object  # RosterResult
    changes: pd.DataFrame
    summary: dict
    requirements: pd.DataFrame  # with the requirement factors applied
    leave: pd.DataFrame | None  # with the new leave days


def replan_roster(config, published, published_slots: pd.DataFrame, requirements: pd.DataFrame,
                  agents: pd.DataFrame, leave: pd.DataFrame | None, changes: list[Change], week_start: dt.date,
                  previous_roster: pd.DataFrame | None = None, time_limit_s: float | None = None,
                  on_progress=None) -> ReplanResult:
    """Re-solve a published roster (a typed roster table with its breaks column, or a Roster / RosterResult) and its
    per-slot activity after the changes, keeping what it can."""
    from planner.scheduling.roster import as_roster
    from planner.scheduling.solve import solve_roster

    old = as_roster(published, config)
    req, new_leave = replan_inputs(requirements, leave, changes)
    result = solve_roster(config, req, agents, new_leave, week_start, previous_roster=previous_roster,
                          on_progress=on_progress, time_limit_s=time_limit_s, replan=Replan(old, changes, published_slots))
    table = changes_table(old, result, changes)
    summary = {
        **change_counts(table, old.shifts, result.roster, changes),
        "shortfall_before_changes": shortfall(published_slots, requirements),
        "shortfall_without_repair": shortfall(without(published_slots, changes), req),
        "shortfall_after_repair": shortfall(result.roster_slots, req),
        "solve_s": result.solve_s,
    }
    summary["coverage_loss"] = summary["shortfall_after_repair"] - summary["shortfall_before_changes"]
    return ReplanResult(result, table, summary, req, new_leave)
