"""The real bank log as an interval history for forecast checks, read through configs/anonymous_bank.yaml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from planner.config import load_config
from planner.io.aggregate import contacts_to_intervals
from planner.io.contacts_import import load_contacts

REPO = Path(__file__).resolve().parents[1]


def bank_history(path: str | Path, slot_minutes: int = 5) -> pd.DataFrame:
    """Offered and AHT per slot for two channels: `ps` (the regular queue) and `other` (every other queue)."""
    cfg = load_config(REPO / "configs" / "anonymous_bank.yaml", overrides={"site.slot_minutes": slot_minutes})
    per_queue = contacts_to_intervals(load_contacts(path, cfg), cfg)
    per_queue = per_queue.assign(channel=np.where(per_queue["channel"] == "retail", "ps", "other"),
                                 handle_s=per_queue["aht_s"].fillna(0) * per_queue["handled"])
    out = per_queue.groupby(["interval_start", "channel"], as_index=False)[["offered", "handled", "handle_s"]].sum()
    out["aht_s"] = (out["handle_s"] / out["handled"]).where(out["handled"] > 0)
    return out[["interval_start", "channel", "offered", "aht_s"]]
