"""What changed between two rosters, per agent and date: shifts added or removed, start or end moved (minutes),
breaks, channels or paid hours changed. A shift is identified by (agent_id, date); one that moved to another day is
one removed and one added."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.publish.shifts import shift_rows, span_text
from planner.scheduling.roster import Roster

DIFF_COLUMNS = ["agent_id", "date", "change", "old", "new", "minutes"]  # old/new: what differs, as text
# The order changes of one shift are listed in.
CHANGES = ["added", "removed", "start_moved", "end_moved", "breaks_changed", "channels_changed", "paid_hours_changed"]
PAID_HOURS_TOLERANCE_H = 0.005  # paid hours are written with two decimals


@dataclass(frozen=True)
class DiffSummary:
    """Totals of a roster diff: agents with any change, shifts with any change, and paid hours new − old."""

    agents_affected: int
    shifts_changed: int
    shifts_added: int
    shifts_removed: int
    paid_hours_old: float
    paid_hours_new: float

    @property
    def paid_hours_delta(self) -> float:
        """Paid hours of the new roster minus the old one (hours)."""
        return self.paid_hours_new - self.paid_hours_old


def _breaks_text(breaks: list[tuple[pd.Timestamp, pd.Timestamp, str]]) -> str:
    return ", ".join(f"{kind} {span_text(a, b)}" for a, b, kind in breaks) or "none"


def _shift_text(row: pd.Series) -> str:
    channels = ";".join(row["channels"])
    return f"{span_text(row['shift_start'], row['shift_end'])} {row['paid_hours']:g} h" + (f" {channels}" if channels else "")


def _minutes(later: pd.Timestamp, earlier: pd.Timestamp) -> int:
    return round((later - earlier).total_seconds() / 60)


def _shift_changes(old: pd.Series, new: pd.Series) -> list[tuple[str, str, str, int | None]]:
    """(change, old text, new text, minutes) for one shift present in both rosters."""
    found = []
    if old["shift_start"] != new["shift_start"]:
        found.append(("start_moved", f"{old['shift_start']:%H:%M}", f"{new['shift_start']:%H:%M}",
                      _minutes(new["shift_start"], old["shift_start"])))
    if old["shift_end"] != new["shift_end"]:
        found.append(("end_moved", f"{old['shift_end']:%H:%M}", f"{new['shift_end']:%H:%M}",
                      _minutes(new["shift_end"], old["shift_end"])))
    spans_old, spans_new = {(a, b) for a, b, _ in old["breaks"]}, {(a, b) for a, b, _ in new["breaks"]}
    if spans_old != spans_new:  # the texts name only the breaks that differ
        found.append(("breaks_changed", _breaks_text([x for x in old["breaks"] if x[:2] not in spans_new]),
                      _breaks_text([x for x in new["breaks"] if x[:2] not in spans_old]), None))
    if sorted(old["channels"]) != sorted(new["channels"]):
        found.append(("channels_changed", ";".join(old["channels"]) or "none", ";".join(new["channels"]) or "none", None))
    if abs(old["paid_hours"] - new["paid_hours"]) > PAID_HOURS_TOLERANCE_H:
        found.append(("paid_hours_changed", f"{old['paid_hours']:g}", f"{new['paid_hours']:g}", None))
    return found


def roster_diff(old: Roster, new: Roster) -> pd.DataFrame:
    """One row per change between two typed rosters (agent_id, date, change, old, new, minutes: signed minutes a start
    or end moved, later positive), sorted by agent, date and the order of CHANGES; empty when they are the same."""
    before = {(r["agent_id"], r["date"]): r for _, r in shift_rows(old).iterrows()}
    after = {(r["agent_id"], r["date"]): r for _, r in shift_rows(new).iterrows()}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            rows.append((*key, "removed", _shift_text(before[key]), "", None))
        elif key not in before:
            rows.append((*key, "added", "", _shift_text(after[key]), None))
        else:
            rows += [(*key, *change) for change in _shift_changes(before[key], after[key])]
    out = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    out["minutes"] = out["minutes"].astype("Int64")
    out["date"] = [d.isoformat() for d in out["date"]]
    rank = {c: i for i, c in enumerate(CHANGES)}
    out["_rank"] = out["change"].map(rank)
    return out.sort_values(["agent_id", "date", "_rank"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def diff_summary(old: Roster, new: Roster, changes: pd.DataFrame) -> DiffSummary:
    """The totals of `changes` (from roster_diff(old, new)) and the paid hours of both rosters (hours)."""
    shifts = changes.drop_duplicates(["agent_id", "date"])
    return DiffSummary(
        agents_affected=int(changes["agent_id"].nunique()),
        shifts_changed=len(shifts),
        shifts_added=int((changes["change"] == "added").sum()),
        shifts_removed=int((changes["change"] == "removed").sum()),
        paid_hours_old=float(old.shifts["paid_hours"].astype(float).sum()),
        paid_hours_new=float(new.shifts["paid_hours"].astype(float).sum()),
    )
