"""The Anonymous Bank call log (Brown et al. 2005, one row per call) as an interval history, for real-data checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def bank_history(path: str | Path, slot_minutes: int = 5) -> pd.DataFrame:
    """Calls per slot: channel `ps` (regular queue) and `other` (every other queue); PHANTOM records dropped.

    A call arrives at q_start, or at vru_exit when it never queued; aht_s is the mean service time of
    the slot's served calls.
    """
    raw = pd.read_csv(path, sep="\t", dtype=str)
    raw = raw[raw["outcome"] != "PHANTOM"]
    arrived = np.where(raw["q_start"] != "0:00:00", raw["q_start"], raw["vru_exit"])
    when = pd.to_datetime("19" + raw["date"] + " " + arrived, format="%Y%m%d %H:%M:%S", errors="coerce")
    service = pd.to_numeric(raw["ser_time"], errors="coerce")
    calls = pd.DataFrame(
        {
            "interval_start": when.dt.floor(f"{slot_minutes}min"),
            "channel": np.where(raw["type"] == "PS", "ps", "other"),
            "served_s": service.where(raw["outcome"] == "AGENT"),
        }
    ).dropna(subset=["interval_start"])
    grouped = calls.groupby(["interval_start", "channel"])
    out = grouped.size().rename("offered").to_frame()
    out["aht_s"] = grouped["served_s"].mean()
    return out.reset_index().sort_values(["interval_start", "channel"]).reset_index(drop=True)
