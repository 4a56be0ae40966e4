"""Breakdowns of contacts: day-of-week × hour volume, channel mix, contact-type mix and per-agent handle time."""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def weekday_hour_volume(sums: pd.DataFrame, span: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Mean contacts offered per hour on each weekday (rows Mon..Sun, columns 0..23), averaged over the dates in span."""
    t = pd.to_datetime(sums["interval_start"])
    frame = pd.DataFrame({"weekday": t.dt.weekday, "hour": t.dt.hour, "offered": sums["offered"].to_numpy()})
    total = frame.groupby(["weekday", "hour"])["offered"].sum().unstack(fill_value=0)
    total = total.reindex(index=range(7), columns=range(24), fill_value=0)
    first, last = span if span is not None else (t.min(), t.max())
    dates = pd.date_range(first.normalize(), last.normalize(), freq="D")
    days = pd.Series(dates.weekday).value_counts().reindex(range(7), fill_value=0)
    mean = total.div(days.replace(0, np.nan), axis=0)
    mean.index = WEEKDAY_NAMES
    return mean


def channel_mix(sums: pd.DataFrame, period: str = "week") -> pd.DataFrame:
    """Offered per period and channel with each channel's share of the period's contacts."""
    from planner.reports.periods import period_start

    frame = sums.assign(period_start=period_start(sums["interval_start"], period))
    table = frame.groupby(["period_start", "channel"], as_index=False, sort=True)["offered"].sum()
    table["share"] = table["offered"] / table.groupby("period_start")["offered"].transform("sum")
    return table


def contact_type_mix(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts per channel and contact_type with the share within the channel; empty without a contact_type column."""
    if "contact_type" not in contacts.columns or contacts["contact_type"].isna().all():
        return pd.DataFrame(columns=["channel", "contact_type", "contacts", "share"])
    frame = contacts.assign(contact_type=contacts["contact_type"].fillna("(none)").astype(str))
    table = frame.groupby(["channel", "contact_type"], as_index=False, sort=True).size().rename(columns={"size": "contacts"})
    table["share"] = table["contacts"] / table.groupby("channel")["contacts"].transform("sum")
    return table


def agent_table(outcomes: pd.DataFrame, contacts: pd.DataFrame) -> pd.DataFrame:
    """Per agent and channel: contacts handled, mean talk, after-contact work and handle time (s); sorted by agent id."""
    if "agent_id" not in contacts.columns or contacts["agent_id"].isna().all():
        return pd.DataFrame(columns=["agent_id", "channel", "handled", "talk_s", "acw_s", "aht_s"])
    frame = outcomes.loc[outcomes["handled"], ["channel", "talk_s", "wrap_s"]].copy()
    frame["agent_id"] = contacts.loc[frame.index, "agent_id"].astype("string")
    frame = frame[frame["agent_id"].notna()]
    frame["busy_s"] = frame["talk_s"] + frame["wrap_s"].fillna(0)
    table = frame.groupby(["agent_id", "channel"], as_index=False, sort=True).agg(
        handled=("channel", "size"), talk_s=("talk_s", "mean"), acw_s=("wrap_s", "mean"), aht_s=("busy_s", "mean"))
    return table
