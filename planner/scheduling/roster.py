"""The typed roster contract: shifts, breaks as rows and activity per slot; one reader and one writer of its files.

Inside the planner a roster is three typed tables (timestamps are naive site wall clock):
- shifts: agent_id, date (datetime.date the shift starts on), shift_start and shift_end (datetime64; a night shift
  ends the next day), paid_hours, team, channels (list of the channels served);
- breaks: agent_id, start, end (datetime64), kind ('lunch' or 'short');
- activity: agent_id, interval_start, activity (a channel, 'break' or 'leave').
Display formatting ('HH:MM', '12:00-12:30;15:00-15:15', ';'-joined channels) happens only in `display_shifts`,
used by the CSV writer; `read_roster` parses it back (night shifts included) and validates like every reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.io.files import write_table
from planner.io.validation import Checker

SHIFT_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "paid_hours", "team", "channels"]
BREAK_COLUMNS = ["agent_id", "start", "end", "kind"]
ACTIVITY_COLUMNS = ["agent_id", "interval_start", "activity"]
CSV_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "breaks", "paid_hours", "channels", "team"]
BREAK_KINDS = ("lunch", "short")
_BREAK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CLOCK = re.compile(r"^\s*\d{1,2}:\d{2}(:\d{2})?\s*$")
_STAND_IN_DAY = "2000-01-03"  # the day a clock time is put on when its row's date is bad (that row fails on its date)


def empty_shifts() -> pd.DataFrame:
    """A shifts table with no rows and the contract's dtypes."""
    return pd.DataFrame({"agent_id": pd.Series(dtype=object), "date": pd.Series(dtype=object),
                         "shift_start": pd.Series(dtype="datetime64[ns]"), "shift_end": pd.Series(dtype="datetime64[ns]"),
                         "paid_hours": pd.Series(dtype=float), "team": pd.Series(dtype=object),
                         "channels": pd.Series(dtype=object)})


def empty_breaks() -> pd.DataFrame:
    """A breaks table with no rows."""
    return pd.DataFrame({"agent_id": pd.Series(dtype=object), "start": pd.Series(dtype="datetime64[ns]"),
                         "end": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype=object)})


def empty_activity() -> pd.DataFrame:
    """An activity table with no rows."""
    return pd.DataFrame({"agent_id": pd.Series(dtype=object), "interval_start": pd.Series(dtype="datetime64[ns]"),
                         "activity": pd.Series(dtype=object)})


def shifts_frame(rows: list[tuple]) -> pd.DataFrame:
    """A typed shifts table from (agent_id, date, start, end, paid_hours, team, channels) tuples, sorted."""
    if not rows:
        return empty_shifts()
    out = pd.DataFrame(rows, columns=SHIFT_COLUMNS)
    out["shift_start"] = pd.to_datetime(out["shift_start"])
    out["shift_end"] = pd.to_datetime(out["shift_end"])
    out["paid_hours"] = out["paid_hours"].astype(float)
    return out.sort_values(["agent_id", "shift_start"], kind="stable").reset_index(drop=True)


def breaks_frame(rows: list[tuple]) -> pd.DataFrame:
    """A typed breaks table from (agent_id, start, end, kind) tuples, sorted."""
    if not rows:
        return empty_breaks()
    out = pd.DataFrame(rows, columns=BREAK_COLUMNS)
    out["start"], out["end"] = pd.to_datetime(out["start"]), pd.to_datetime(out["end"])
    return out.sort_values(["agent_id", "start"], kind="stable").reset_index(drop=True)


@dataclass
class Roster:
    """A roster as the three typed tables of the contract."""

    shifts: pd.DataFrame = field(default_factory=empty_shifts)
    breaks: pd.DataFrame = field(default_factory=empty_breaks)
    activity: pd.DataFrame = field(default_factory=empty_activity)


def shift_of_breaks(shifts: pd.DataFrame, breaks: pd.DataFrame) -> np.ndarray:
    """Row position in `shifts` of the shift each break lies in (-1 when it lies in none)."""
    out = np.full(len(breaks), -1, dtype=np.int64)
    if breaks.empty or shifts.empty:
        return out
    index: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, int]]] = {}
    for pos, (aid, a, b) in enumerate(zip(shifts["agent_id"].astype(str), shifts["shift_start"], shifts["shift_end"],
                                          strict=True)):
        index.setdefault(aid, []).append((a, b, pos))
    for i, (aid, start) in enumerate(zip(breaks["agent_id"].astype(str), breaks["start"], strict=True)):
        out[i] = next((pos for a, b, pos in index.get(aid, []) if a <= start < b), -1)
    return out


def _clock(ts: pd.Timestamp) -> str:
    return f"{ts:%H:%M}"


def display_shifts(roster: Roster) -> pd.DataFrame:
    """roster.csv rows: shift times as 'HH:MM' on `date`, breaks as 'HH:MM-HH:MM;…', channels ';'-joined."""
    shifts = roster.shifts
    texts = [[] for _ in range(len(shifts))]
    owner = shift_of_breaks(shifts, roster.breaks)
    for pos, a, b in zip(owner, roster.breaks["start"], roster.breaks["end"], strict=True):
        if pos >= 0:
            texts[pos].append((a, f"{_clock(a)}-{_clock(b)}"))
    out = pd.DataFrame({
        "agent_id": shifts["agent_id"].astype(str),
        "date": [pd.Timestamp(d).date().isoformat() for d in shifts["date"]],
        "shift_start": [_clock(t) for t in shifts["shift_start"]],
        "shift_end": [_clock(t) for t in shifts["shift_end"]],
        "breaks": [";".join(text for _, text in sorted(parts)) for parts in texts],
        "paid_hours": shifts["paid_hours"].astype(float),
        "channels": [";".join(c) if isinstance(c, list | tuple) else ("" if c is None else str(c))
                     for c in shifts.get("channels", pd.Series([[]] * len(shifts)))],
        "team": [("" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t))
                 for t in shifts.get("team", pd.Series([""] * len(shifts)))],
    }, columns=CSV_COLUMNS)
    return out


def write_roster(roster: Roster, out_dir: str | Path) -> dict[str, Path]:
    """Write roster.csv (display form), breaks.csv (one row per break) and roster_slots.csv atomically."""
    out = Path(out_dir)
    breaks = roster.breaks.reindex(columns=BREAK_COLUMNS).sort_values(["agent_id", "start"], kind="stable")
    activity = roster.activity.reindex(columns=ACTIVITY_COLUMNS).sort_values(["agent_id", "interval_start"], kind="stable")
    return {
        "roster": write_table(display_shifts(roster), out / "roster.csv"),
        "breaks": write_table(breaks, out / "breaks.csv"),
        "roster_slots": write_table(activity, out / "roster_slots.csv"),
    }


def _lunch_kinds(config, length_min: float, spans: list[tuple[float, float]]) -> list[str]:
    """'lunch' or 'short' for each (offset_min, length_min) break of one shift: by the config's lunch rule, or without a
    config the longest break of 30 min or more is lunch."""
    kinds = ["short"] * len(spans)
    if config is None:
        long = [(n, -i) for i, (_, n) in enumerate(spans) if n >= 30]
        if long:
            kinds[-max(long)[1]] = "lunch"
        return kinds
    lunch, short = config.shift_rules.lunch, config.shift_rules.short_breaks
    if lunch is None or length_min < lunch.min_shift_h * 60:
        return kinds
    short_len = short.duration_min if short is not None else None
    # a lunch as long as a short break is told apart by its window; else the lunch-length break in the window
    candidates = [(lunch.window_start_h * 60 <= a <= lunch.window_end_h * 60, n != short_len, n, -i)
                  for i, (a, n) in enumerate(spans) if n in lunch.durations_min]
    if candidates:
        kinds[-max(candidates)[3]] = "lunch"
    return kinds


def parse_roster(df: pd.DataFrame, source: object = "<roster>", config=None, lines=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed shifts (with the `breaks` text column kept) and break rows of a roster table; DataError listing every problem.

    shift_start/shift_end are timestamps or 'HH:MM' on `date` (an end at or before the start is the next morning);
    a break starting before the shift's start clock time is on the next day, as in a night shift.
    """
    from planner.io.tables import ROSTER, _tz

    chk = Checker(df, source, lines)
    chk.require_columns(ROSTER, "roster")
    dates = chk.parse([c for c in ROSTER if c.name == "date"])["date"]  # first: a clock time is on its row's date
    raw = chk.df.copy()
    clock_end = np.zeros(len(raw), dtype=bool)
    for col in ("shift_start", "shift_end"):
        if raw[col].dtype == object or pd.api.types.is_string_dtype(raw[col].dtype):
            clock = raw[col].astype("string").str.match(_CLOCK).fillna(False).to_numpy(dtype=bool)
            raw.loc[clock, col] = _on_dates(chk, col, raw[col], clock, dates)
            if col == "shift_end":
                clock_end = clock
    chk.df = raw
    out = chk.parse([c for c in ROSTER if c.name != "date"], _tz(config))
    out["date"] = dates
    ends_early = (out["shift_end"] <= out["shift_start"]).to_numpy(dtype=bool)
    out.loc[ends_early & clock_end, "shift_end"] += pd.Timedelta(days=1)  # an HH:MM end before the start is next morning
    chk.add(ends_early & ~clock_end, "shift_end", out["shift_end"], "a time after shift_start")
    text = [None if b is None or (isinstance(b, float) and np.isnan(b)) else str(b) for b in out["breaks"]]
    bad = np.array([t is not None and not all(_BREAK.match(p) for p in t.split(";") if p.strip()) for t in text], dtype=bool)
    chk.add(bad, "breaks", out["breaks"], "breaks as HH:MM-HH:MM separated by ';' (e.g. 12:00-12:30;15:00-15:15)")
    dates_text = [None if d is None else str(d) for d in out["date"]]  # the problem message quotes the key as text
    chk.check_unique(out.assign(date=dates_text), ["agent_id", "date"], None, None)
    chk.raise_if_any("roster")
    rows = []
    for aid, start, end, breaks in zip(out["agent_id"], out["shift_start"], out["shift_end"], text, strict=True):
        spans = []
        for part in (breaks or "").split(";"):
            m = _BREAK.match(part)
            if not m:
                continue
            a_min, b_min = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
            b_start = start.normalize() + pd.Timedelta(minutes=a_min)
            if b_start < start:
                b_start += pd.Timedelta(days=1)  # past midnight of a night shift
            spans.append((b_start, b_start + pd.Timedelta(minutes=(b_min - a_min) % 1440)))
        spans.sort()
        offsets = [((a - start).total_seconds() / 60, (b - a).total_seconds() / 60) for a, b in spans]
        kinds = _lunch_kinds(config, (end - start).total_seconds() / 60, offsets)
        rows += [(aid, a, b, k) for (a, b), k in zip(spans, kinds, strict=True)]
    if "team" not in out.columns:
        out["team"] = None
    if "channels" not in out.columns:
        out["channels"] = [[] for _ in range(len(out))]
    order = [c.name for c in ROSTER]
    return out[order + [c for c in out.columns if c not in order]], breaks_frame(rows)


def _on_dates(chk: Checker, column: str, cells: pd.Series, clock: np.ndarray, dates: pd.Series) -> list[str]:
    """The clock-time cells of a shift column (rows `clock`) as timestamps on their row's date. Every problem quotes the
    cell as written: a clock time out of range is recorded here, and one on a row whose date is bad (reported once, on
    the date) is put on a stand-in day so that no made-up timestamp is reported for it."""
    text = cells[clock].astype(str).str.strip()
    parts = text.str.split(":", expand=True).reindex(columns=[0, 1, 2]).fillna("0").astype(int)
    out_of_range = ((parts[0] > 24) | (parts[1] > 59) | (parts[2] > 59)
                    | ((parts[0] == 24) & ((parts[1] > 0) | (parts[2] > 0)))).to_numpy()
    bad = np.zeros(len(cells), dtype=bool)
    bad[np.flatnonzero(clock)[out_of_range]] = True
    chk.add(bad, column, cells, "a time of day HH:MM (on the row's date) or an ISO 8601 timestamp")
    return [f"{d.isoformat() if d is not None else _STAND_IN_DAY}T{'00:00' if b else t}"
            for d, t, b in zip(dates[clock], text, out_of_range, strict=True)]


def as_roster(obj, config=None) -> Roster:
    """A Roster from a Roster, a RosterResult, a {'roster', 'roster_slots'[, 'breaks']} dict or a roster DataFrame
    (typed or in its display form)."""
    if isinstance(obj, Roster):
        return obj
    if hasattr(obj, "roster") and hasattr(obj, "roster_slots"):
        return Roster(obj.roster, obj.breaks, obj.roster_slots)
    if isinstance(obj, dict):
        roster = as_roster(obj["roster"], config)
        activity = obj.get("roster_slots")
        breaks = obj.get("breaks")
        return Roster(roster.shifts, roster.breaks if breaks is None else breaks,
                      empty_activity() if activity is None else activity)
    shifts, breaks = typed_shifts(obj, config)
    return Roster(shifts, breaks)


def typed_shifts(df: pd.DataFrame, config=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shifts, breaks) of a roster DataFrame: typed shifts pass through, a `breaks` column of (start, end, kind)
    tuples per shift (the engine's form) becomes rows, and a display-form table is parsed."""
    if len(df) == 0:
        return empty_shifts(), empty_breaks()
    typed = pd.api.types.is_datetime64_any_dtype(df["shift_start"]) and pd.api.types.is_datetime64_any_dtype(df["shift_end"])
    if typed and "breaks" not in df.columns:
        return df.reset_index(drop=True), empty_breaks()
    if typed and all(isinstance(b, list | tuple) for b in df["breaks"]):
        rows = [(aid, a, b, kind) for aid, parts in zip(df["agent_id"], df["breaks"], strict=True) for a, b, kind in parts]
        return df.drop(columns="breaks").reset_index(drop=True), breaks_frame(rows)
    frame = df if "breaks" in df.columns else df.assign(breaks=None)
    frame = frame if "paid_hours" in frame.columns else frame.assign(paid_hours=0.0)
    shifts, breaks = parse_roster(frame, "<roster>", config)
    return shifts.drop(columns="breaks"), breaks


def read_roster(path: str | Path, config=None, slots: bool = True) -> Roster:
    """Read roster.csv (and roster_slots.csv beside it, when there and `slots`) into the typed tables."""
    from planner.io.tables import read_roster_slots, read_table

    path = Path(path)
    df, lines = read_table(path)
    shifts, breaks = parse_roster(df, path, config, lines)
    activity = empty_activity()
    beside = path.with_name("roster_slots" + path.suffix)
    if slots and beside.exists():
        activity = read_roster_slots(beside, config)
    return Roster(shifts.drop(columns="breaks").reindex(columns=[*SHIFT_COLUMNS, *[c for c in shifts.columns
                                                                                  if c not in CSV_COLUMNS]]),
                  breaks, activity)
