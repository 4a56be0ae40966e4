"""Re-plan a published roster with locks: the normal model on the changed inputs, plus a cost per changed agent-day.

A change is an absence (the agent cannot work that date, or only not inside a from–to window), a new leave day, or a
requirement factor (one channel, one date, one window × factor). `replan_inputs` turns them into the inputs of the
normal solve; `Replan.apply` takes the absent templates away from the instance and records the published shifts;
the model (model.py) then adds, per agent-day, the `changed_shifts` term of costs.py when the chosen day differs from
the published one (worked or not, start, length), and the solve starts from the published roster (solve.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.scheduling.instance import Instance

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

    published: pd.DataFrame
    changes: list[Change] = field(default_factory=list)
    slots: pd.DataFrame | None = None  # the published per-slot activity: channels are handed out as published first

    def apply(self, inst: Instance) -> None:
        """Record the published shifts on the instance and take away every template an absence forbids."""
        index = {a.agent_id: i for i, a in enumerate(inst.agents)}
        start = pd.Timestamp(inst.week_start)
        inst.published = {}
        for row in self.published.itertuples(index=False):
            i = index.get(str(row.agent_id))
            if i is None:
                continue
            first = round((pd.Timestamp(row.shift_start) - start).total_seconds() / 60 / inst.slot_min)
            last = round((pd.Timestamp(row.shift_end) - start).total_seconds() / 60 / inst.slot_min)
            day = (pd.Timestamp(row.date).date() - inst.week_start).days
            if 0 <= day < inst.n_days:
                inst.published[(i, day)] = (first, last - first, round(float(row.paid_hours) * 60))
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


def change_terms(inst: Instance, agents) -> tuple[int, list]:
    """The changed-shift indicators of the model: (agent-days changed whatever is chosen, literals that are 1 when
    the agent's day differs from the published one). A published day's literal is 'not the published template';
    an unpublished day's is 'works'."""
    lost, literals = 0, []
    for i, av in enumerate(agents):
        for day in range(inst.n_days):
            pub = inst.published.get((i, day))
            if day not in av.x:
                lost += pub is not None
                continue
            if pub is None:
                literals.append(av.work[day])
                continue
            same = [v for t, v in av.x[day] if (t.start, t.length) == pub[:2]]
            if not same:
                lost += 1
                continue
            keep = av.model.new_bool_var(f"kept[{av.agent.agent_id},d{day}]")
            av.model.add(sum(same) == keep)
            literals.append(~keep)
    return lost, literals


def published_weeks(inst: Instance) -> dict[int, dict[int, int]]:
    """agent index -> {day: template index} of the published shifts still possible (the solve's start): the template
    of the same start and length whose paid minutes are the published ones (its lunch), else the first of them."""
    weeks: dict[int, dict[int, int]] = {}
    for (i, day), (start, length, paid) in (inst.published or {}).items():
        fits = [k for k in inst.agents[i].templates.get(day, [])
                if (inst.templates[k].start, inst.templates[k].length) == (start, length)]
        if fits:
            weeks.setdefault(i, {})[day] = min(fits, key=lambda k: (abs(inst.templates[k].paid_min - paid), k))
    return weeks


def changed_days(inst: Instance, days) -> int:
    """Agent-days of an extracted roster ((agent index, day) -> AgentDay) that differ from the published ones."""
    chosen = {key: (ad.template.start, ad.template.length) for key, ad in days.items()}
    published = {key: pub[:2] for key, pub in (inst.published or {}).items()}
    return sum(chosen.get(k) != published.get(k) for k in set(chosen) | set(published))


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
                  "end_moved_min", "old_channels", "new_channels", "reason"]


def changes_table(old: pd.DataFrame, new: pd.DataFrame, changes: list[Change]) -> pd.DataFrame:
    """Per agent and date, what moved between two typed rosters: added, removed, moved (start/end shifted, minutes)
    or channel (same hours, other channels), and why: the change rows naming that agent and date, else 'coverage'."""
    def keyed(df):
        return {(str(r.agent_id), pd.Timestamp(r.date).date()): r for r in df.itertuples(index=False)}

    before, after = keyed(old), keyed(new)
    why: dict[tuple[str, dt.date], list[str]] = {}
    for ch in changes:
        if ch.agent_id:
            why.setdefault((ch.agent_id, ch.date), []).append(ch.reason)
    rows = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        chan_a = _channels(a) if a is not None else ""
        chan_b = _channels(b) if b is not None else ""
        if a is not None and b is not None:
            moved_s = int((pd.Timestamp(b.shift_start) - pd.Timestamp(a.shift_start)).total_seconds() // 60)
            moved_e = int((pd.Timestamp(b.shift_end) - pd.Timestamp(a.shift_end)).total_seconds() // 60)
            if moved_s or moved_e:
                kind = "moved"
            elif chan_a != chan_b:
                kind = "channel"
            else:
                continue
        else:
            kind, moved_s, moved_e = ("added" if a is None else "removed"), None, None
        rows.append((key[0], key[1], kind, _hm(a, "shift_start"), _hm(a, "shift_end"), _hm(b, "shift_start"),
                     _hm(b, "shift_end"), moved_s, moved_e, chan_a, chan_b, "; ".join(why.get(key, [COVERAGE]))))
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ("start_moved_min", "end_moved_min"):
        out[col] = out[col].astype("Int64")
    return out


def _channels(row) -> str:
    value = getattr(row, "channels", "")
    if isinstance(value, list | tuple | np.ndarray):
        return ";".join(sorted(map(str, value)))
    return ";".join(sorted(s for s in str(value or "").split(";") if s and s != "nan"))


def _hm(row, col: str) -> str:
    return "" if row is None else pd.Timestamp(getattr(row, col)).strftime("%Y-%m-%d %H:%M")


def with_change_cost(config, cost: float | None):
    """The config with solver.weights.changed_shift set to cost (None: unchanged); configs are frozen, so a copy."""
    if cost is None:
        return config
    weights = config.solver.weights.model_copy(update={"changed_shift": float(cost)})
    return config.model_copy(update={"solver": config.solver.model_copy(update={"weights": weights})})


@dataclass
class ReplanResult:
    """A re-planned roster, what moved (changes_table) and the summary figures planner replan prints."""

    result: object  # RosterResult
    changes: pd.DataFrame
    summary: dict
    requirements: pd.DataFrame  # with the requirement factors applied
    leave: pd.DataFrame | None  # with the new leave days


def replan_roster(config, published: pd.DataFrame, published_slots: pd.DataFrame, requirements: pd.DataFrame,
                  agents: pd.DataFrame, leave: pd.DataFrame | None, changes: list[Change], week_start: dt.date,
                  previous_roster: pd.DataFrame | None = None, time_limit_s: float | None = None,
                  on_progress=None) -> ReplanResult:
    """Re-solve a published roster (typed shifts and its per-slot activity) after the changes, keeping what it can."""
    from planner.scheduling.solve import solve_roster

    req, new_leave = replan_inputs(requirements, leave, changes)
    result = solve_roster(config, req, agents, new_leave, week_start, previous_roster=previous_roster,
                          on_progress=on_progress, time_limit_s=time_limit_s, replan=Replan(published, changes, published_slots))
    table = changes_table(published, result.roster, changes)
    named = {ch.agent_id for ch in changes if ch.kind in ("absent", "leave")}
    others = table[~table["agent_id"].isin(named)]
    other_shifts = int((~published["agent_id"].astype(str).isin(named)).sum())
    moved = int(others["change"].isin(["added", "removed", "moved"]).sum())
    summary = {
        # agents whose hours changed (a shift added, removed or moved); channel-only changes are counted apart: the
        # channels of every slot are handed out again after each solve and are not part of the change cost
        "agents_affected": int(table.loc[table["change"] != "channel", "agent_id"].nunique()),
        "agents_channel_only": int(table.loc[table["change"] == "channel", "agent_id"].nunique()
                                   - len(set(table.loc[table["change"] == "channel", "agent_id"])
                                         & set(table.loc[table["change"] != "channel", "agent_id"]))),
        "agents_named_in_changes": len(named),
        "other_agents_shifts_published": other_shifts,
        "other_agents_shifts_changed": moved,
        "other_agents_shifts_changed_share": moved / other_shifts if other_shifts else 0.0,
        "other_agents_channel_only_changes": int((others["change"] == "channel").sum()),
        "shortfall_before_changes": shortfall(published_slots, requirements),
        "shortfall_without_repair": shortfall(without(published_slots, changes), req),
        "shortfall_after_repair": shortfall(result.roster_slots, req),
        "solve_s": result.solve_s,
    }
    summary["coverage_loss"] = summary["shortfall_after_repair"] - summary["shortfall_before_changes"]
    return ReplanResult(result, table, summary, req, new_leave)
