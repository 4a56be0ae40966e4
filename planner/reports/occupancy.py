"""Agent workload of handled contacts spread over the slots it spans, and occupancy against staffed agent time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import Config
from planner.reports.periods import period_start


def workload_by_slot(outcomes: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Busy agent-seconds per (interval_start, channel): handle + wrap from answer time, split by overlap, ÷ concurrency."""
    interval_s = config.site.interval_s
    busy = outcomes["talk_s"].fillna(0) + outcomes["wrap_s"].fillna(0)
    keep = outcomes["handled"].to_numpy() & (busy.to_numpy() > 0)
    o = outcomes.loc[keep]
    if o.empty:
        return pd.DataFrame(columns=["interval_start", "channel", "workload_s"])
    concurrency = o["channel"].map({c.name: c.concurrency for c in config.channels}).fillna(1).to_numpy(dtype=float)
    start_time = o["answered_at"].fillna(o["arrived_at"])
    origin = start_time.min().floor("D")
    start = (start_time - origin).dt.total_seconds().to_numpy()
    duration = busy[keep].to_numpy()
    end = start + duration
    first = np.floor(start / interval_s).astype(np.int64)
    last = np.floor(np.maximum(end - 1e-9, start) / interval_s).astype(np.int64)
    count = last - first + 1
    row = np.repeat(np.arange(len(o)), count)
    slot = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
    overlap = np.minimum(end[row], (slot + 1) * interval_s) - np.maximum(start[row], slot * interval_s)
    frame = pd.DataFrame({
        "interval_start": origin + pd.to_timedelta(slot * interval_s, unit="s"),
        "channel": o["channel"].to_numpy()[row],
        "workload_s": overlap / concurrency[row],
    })
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)["workload_s"].sum()


def workload_from_history(history: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Busy agent-seconds per (interval_start, channel) from an interval history: handled × aht_s ÷ concurrency,
    in the arrival slot (an interval history does not say when the work was done)."""
    concurrency = history["channel"].astype(str).map({c.name: c.concurrency for c in config.channels}).fillna(1)
    work = pd.to_numeric(history["handled"] if "handled" in history.columns else history["offered"]).fillna(0) * \
        pd.to_numeric(history["aht_s"]).fillna(0) / concurrency
    frame = pd.DataFrame({"interval_start": pd.to_datetime(history["interval_start"]),
                          "channel": history["channel"].astype(str), "workload_s": work.astype(float)})
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)["workload_s"].sum()


def staffed_from_history(history: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Staffed agent-seconds per (interval_start, channel) from the history's staffed_agents (rows where it is known)."""
    known = history[history["staffed_agents"].notna()]
    frame = pd.DataFrame({
        "interval_start": pd.to_datetime(known["interval_start"]),
        "channel": known["channel"].astype(str),
        "staffed_s": pd.to_numeric(known["staffed_agents"]).astype(float) * config.site.interval_s,
    })
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)["staffed_s"].sum()


def staffed_by_slot(coverage: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Staffed agent-seconds per (interval_start, channel) from a coverage table's `scheduled` agents."""
    frame = pd.DataFrame({
        "interval_start": pd.to_datetime(coverage["interval_start"]),
        "channel": coverage["channel"].astype(str),
        "staffed_s": pd.to_numeric(coverage["scheduled"]).astype(float) * config.site.interval_s,
    })
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)["staffed_s"].sum()


def staffed_from_roster_slots(roster_slots: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Staffed agent-seconds per (interval_start, channel) from per-slot roster activity (rows whose activity is a channel)."""
    slots = roster_slots[roster_slots["activity"].astype(str).isin(config.channel_names)]
    frame = pd.DataFrame({"interval_start": pd.to_datetime(slots["interval_start"]), "channel": slots["activity"].astype(str)})
    counts = frame.groupby(["interval_start", "channel"], as_index=False, sort=True).size()
    return counts.assign(staffed_s=counts["size"].astype(float) * config.site.interval_s).drop(columns="size")


def occupancy_table(workload: pd.DataFrame, staffed: pd.DataFrame, period: str, config: Config,
                    bounds: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Occupancy per period and channel over staffed slots within bounds (default: the workload's slots); may be empty."""
    if workload.empty or staffed.empty:
        return pd.DataFrame(columns=["period_start", "channel", "workload_s", "staffed_s", "occupancy"])
    lo, hi = bounds if bounds is not None else (workload["interval_start"].min(), workload["interval_start"].max())
    staffed = staffed[(staffed["interval_start"] >= lo) & (staffed["interval_start"] <= hi)]
    merged = staffed.merge(workload, on=["interval_start", "channel"], how="left").fillna({"workload_s": 0.0})
    merged["period_start"] = period_start(merged["interval_start"], period, config.site.slot_minutes)
    table = merged.groupby(["period_start", "channel"], as_index=False, sort=True)[["workload_s", "staffed_s"]].sum()
    table["occupancy"] = table["workload_s"] / table["staffed_s"].where(table["staffed_s"] > 0)
    return table
