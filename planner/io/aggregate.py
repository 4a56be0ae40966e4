"""Contacts (one row each) → interval history (one row per slot per channel), the DESIGN.md history contract.

Each contact counts in the slot of its arrival (`arrived_at` floored to the site's slot length):

- offered: every contact that arrived in the slot;
- handled: contacts answered (an `answered_at`; without that column, those not abandoned);
- abandoned: contacts flagged `abandoned` (without that column: those never answered). They count in
  offered and abandoned only: never in handled, aht_s, asa_s or answered_within_target, so a
  service level computed as answered_within_target / offered counts every abandon as a miss;
- aht_s: mean of handle_s + wrap_s (missing wrap = 0) over handled contacts with a known handle_s;
- asa_s: mean wait (answered_at − arrived_at, seconds) over handled contacts;
- answered_within_target: handled contacts whose wait ≤ the channel's `answer_within_s` (for a
  channel with an ASA target: wait ≤ its `asa_s`).

The grid is complete: every slot of every config channel from the first to the last day with a
contact, zeros where nothing arrived (aht_s and asa_s empty where nothing was handled). Slots that
do not exist (the hour skipped at a spring-forward change) are left out. The hour repeated at a
fall-back change cannot be split from naive arrival times: its contacts are counted in one row per
slot, and `history.attrs["notes"]` says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import DataError
from planner.io.timestamps import dst_masks

HISTORY_COLUMNS = ["interval_start", "channel", "offered", "handled", "abandoned", "aht_s", "answered_within_target", "asa_s"]


def contacts_to_intervals(contacts_df: pd.DataFrame, config) -> pd.DataFrame:
    """Interval history per slot per channel from typed contacts (see read_contacts); counts int, seconds float."""
    slot = f"{config.site.slot_minutes}min"
    df = contacts_df
    unknown = sorted(set(df["channel"].dropna()) - set(config.channel_names))
    if unknown or df["arrived_at"].isna().any():
        raise DataError(f"contacts to aggregate name channel(s) {unknown} not in the config, or lack arrived_at; "
                        "read them with read_contacts(path, config) to see which rows")
    start = df["arrived_at"].dt.floor(slot)
    abandoned = _flag(df, "abandoned") if "abandoned" in df else (
        df["answered_at"].isna() if "answered_at" in df else pd.Series(False, index=df.index))
    answered = df["answered_at"].notna() if "answered_at" in df else ~abandoned
    nothing = pd.Series(np.nan, index=df.index)
    wait_s = (df["answered_at"] - df["arrived_at"]).dt.total_seconds() if "answered_at" in df else nothing
    handle = df["handle_s"].astype(float) if "handle_s" in df else nothing
    if "wrap_s" in df:
        handle = handle + df["wrap_s"].astype(float).fillna(0.0)
    threshold = df["channel"].map({c.name: _threshold_s(c) for c in config.channels}).astype(float)

    work = pd.DataFrame({
        "interval_start": start,
        "channel": df["channel"],
        "offered": 1,
        "handled": answered.astype(int),
        "abandoned": abandoned.astype(int),
        "handle_sum": handle.where(answered & handle.notna(), 0.0),
        "handle_n": (answered & handle.notna()).astype(int),
        "wait_sum": wait_s.where(answered, 0.0).fillna(0.0),
        "answered_within_target": (answered & (wait_s <= threshold)).astype(int),
    })
    sums = work.groupby(["interval_start", "channel"], sort=False).sum()

    grid = _grid(start, config)
    out = grid.join(sums, on=["interval_start", "channel"])
    out[sums.columns] = out[sums.columns].fillna(0)
    for col in ("offered", "handled", "abandoned", "answered_within_target", "handle_n"):
        out[col] = out[col].astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["aht_s"] = (out["handle_sum"] / out["handle_n"].where(out["handle_n"] > 0)).round(1)
        out["asa_s"] = (out["wait_sum"] / out["handled"].where(out["handled"] > 0)).round(1)
    out = out[HISTORY_COLUMNS].sort_values(["interval_start", "channel"], kind="stable").reset_index(drop=True)
    out.attrs["notes"] = _fall_back_notes(out, config)
    return out


def _flag(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].astype("boolean").fillna(False).astype(bool)


def _threshold_s(channel) -> float:
    target = channel.target
    return float(target.answer_within_s if hasattr(target, "answer_within_s") else target.asa_s)


def _grid(start: pd.Series, config) -> pd.DataFrame:
    """Every existing slot of every channel on the days from the first to the last arrival."""
    columns = ["interval_start", "channel"]
    if start.dropna().empty:
        return pd.DataFrame({"interval_start": pd.Series(dtype="datetime64[ns]"), "channel": pd.Series(dtype=object)})[columns]
    first, last = start.min().normalize(), start.max().normalize() + pd.Timedelta(days=1)
    slots = pd.Series(pd.date_range(first, last, freq=f"{config.site.slot_minutes}min", inclusive="left"))
    nonexistent, _ = dst_masks(slots, config.site.timezone)
    slots = slots[~nonexistent].reset_index(drop=True)
    names = config.channel_names
    return pd.DataFrame({
        "interval_start": np.repeat(slots.to_numpy(), len(names)),
        "channel": np.tile(np.array(names, dtype=object), len(slots)),
    })


def _fall_back_notes(history: pd.DataFrame, config) -> list[str]:
    _, ambiguous = dst_masks(history["interval_start"], config.site.timezone)
    if not ambiguous.any():
        return []
    days = sorted({t.date().isoformat() for t in history.loc[ambiguous, "interval_start"]})
    n = int(history.loc[ambiguous, "offered"].sum())
    return [f"clocks go back on {', '.join(days)}: the repeated hour's {n} contact(s) are counted once per slot "
            "(each such slot covers both passes of the hour)"]
