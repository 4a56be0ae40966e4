"""The roster's shifts as published: one row per shift with its breaks (start, end, kind) and its main channel."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from planner.scheduling.roster import Roster, shift_of_breaks
from planner.scheduling.xlsx import main_channels

SHIFT_ROW_COLUMNS = ["agent_id", "date", "shift_start", "shift_end", "paid_hours", "channels", "main_channel", "breaks"]


def shift_rows(roster: Roster) -> pd.DataFrame:
    """One row per shift, sorted by agent and start: `breaks` a time-ordered list of (start, end, kind) per shift and
    `main_channel` the channel served most slots (from the activity table; else the first of `channels`, else None)."""
    shifts = roster.shifts.reset_index(drop=True)
    if shifts.empty:
        return pd.DataFrame(columns=SHIFT_ROW_COLUMNS)
    owner = shift_of_breaks(shifts, roster.breaks)
    breaks: list[list[tuple[pd.Timestamp, pd.Timestamp, str]]] = [[] for _ in range(len(shifts))]
    for pos, start, end, kind in zip(owner, roster.breaks["start"], roster.breaks["end"], roster.breaks["kind"], strict=True):
        if pos >= 0:
            breaks[pos].append((pd.Timestamp(start), pd.Timestamp(end), str(kind)))
    # main_channels reads only .roster (shifts) and .roster_slots (activity) of a solve result
    main = main_channels(SimpleNamespace(roster=shifts, roster_slots=roster.activity))
    channels = [list(c) if isinstance(c, list | tuple) else [] for c in shifts.get("channels", [[]] * len(shifts))]
    out = pd.DataFrame({
        "agent_id": shifts["agent_id"].astype(str),
        "date": [pd.Timestamp(d).date() for d in shifts["date"]],
        "shift_start": pd.to_datetime(shifts["shift_start"]),
        "shift_end": pd.to_datetime(shifts["shift_end"]),
        "paid_hours": shifts["paid_hours"].astype(float),
        "channels": channels,
        "breaks": [sorted(b) for b in breaks],
    })
    out["main_channel"] = [main.get((a, d.isoformat())) if len(main) else None for a, d in zip(out["agent_id"], out["date"],
                                                                                                strict=True)]
    out["main_channel"] = [m if isinstance(m, str) else (c[0] if c else None)
                           for m, c in zip(out["main_channel"], out["channels"], strict=True)]
    return out[SHIFT_ROW_COLUMNS].sort_values(["agent_id", "shift_start"], kind="stable").reset_index(drop=True)


def clock(ts: pd.Timestamp) -> str:
    """'HH:MM' of a wall-clock time."""
    return f"{ts:%H:%M}"


def span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """'HH:MM-HH:MM' of a wall-clock span."""
    return f"{clock(start)}-{clock(end)}"
