"""First-contact resolution, repeat contacts and contacts per resolution, across channels, by customer."""

from __future__ import annotations

import numpy as np
import pandas as pd

FCR_COLUMNS = [
    "channel", "identified", "fcr_eligible", "fcr_resolved", "fcr_rate", "repeat_contacts", "repeat_rate",
    "chains_complete", "contacts_in_chains", "contacts_per_resolution",
]


def _known_customer(contacts: pd.DataFrame) -> pd.Series:
    ids = contacts["customer_id"]
    text = ids.astype("string").str.strip()
    return ids.notna() & text.notna() & (text != "")


def contact_chains(contacts: pd.DataFrame, window_days: float) -> pd.DataFrame:
    """Per identified contact: repeat (follows one within the window), has_next, fcr_eligible/fcr, chain id and completeness."""
    known = _known_customer(contacts).to_numpy()
    c = pd.DataFrame({
        "contact_id": contacts["contact_id"].to_numpy()[known],
        "channel": contacts["channel"].to_numpy()[known],
        "arrived_at": pd.to_datetime(contacts["arrived_at"]).to_numpy()[known],
        "customer": pd.factorize(contacts["customer_id"].astype(str).to_numpy()[known])[0],
        "handled": _handled(contacts).to_numpy()[known],
        "resolved_flag": (contacts["resolved"].astype("boolean").to_numpy()[known] if "resolved" in contacts.columns
                          else pd.array([pd.NA] * int(known.sum()), dtype="boolean")),
    })
    c = c.iloc[np.lexsort((c["arrived_at"].to_numpy(), c["customer"].to_numpy()))].reset_index(drop=True)
    window = pd.Timedelta(days=window_days)
    data_end = pd.to_datetime(contacts["arrived_at"]).max()
    same_next = c["customer"].eq(c["customer"].shift(-1))
    same_prev = c["customer"].eq(c["customer"].shift(1))
    gap_next = c["arrived_at"].shift(-1) - c["arrived_at"]
    gap_prev = c["arrived_at"] - c["arrived_at"].shift(1)
    c["has_next"] = same_next & (gap_next <= window)
    c["repeat"] = same_prev & (gap_prev <= window)
    window_complete = c["arrived_at"] + window <= data_end
    not_unresolved = ~pd.Series(c["resolved_flag"]).eq(False).fillna(False).astype(bool)
    c["fcr_eligible"] = c["handled"] & (c["has_next"] | window_complete)
    c["fcr"] = c["fcr_eligible"] & ~c["has_next"] & not_unresolved
    c["chain"] = np.cumsum(~c["repeat"].to_numpy())
    # a chain is complete once its last contact's window has passed with no further contact; rows are in time order
    # within a chain, so its last contact is the row without a next one in the chain
    last_arrival = c["arrived_at"].where(~c["has_next"]).bfill()
    c["chain_complete"] = last_arrival + window <= data_end
    return c


def _handled(contacts: pd.DataFrame) -> pd.Series:
    abandoned = contacts["abandoned"].fillna(False).astype(bool) if "abandoned" in contacts.columns else False
    if "answered_at" in contacts.columns and contacts["answered_at"].notna().any():
        return (~abandoned) & contacts["answered_at"].notna()
    return ~pd.Series(abandoned, index=contacts.index).astype(bool)


def fcr_table(contacts: pd.DataFrame, window_days: float, channel_order: list[str] | None = None) -> pd.DataFrame:
    """FCR rate, repeat rate and contacts per resolution per channel plus an 'all' row (chains by first channel)."""
    if "customer_id" not in contacts.columns:
        return pd.DataFrame(columns=FCR_COLUMNS)
    c = contact_chains(contacts, window_days)
    if c.empty:
        return pd.DataFrame(columns=FCR_COLUMNS)
    chains = c.groupby("chain").agg(first_channel=("channel", "first"), size=("contact_id", "size"),
                                    complete=("chain_complete", "first"))
    chains = chains[chains["complete"]]
    rows = []
    channels = sorted(c["channel"].unique(), key=lambda ch: (channel_order or []).index(ch)
                      if ch in (channel_order or []) else len(channel_order or []))
    for name in [*channels, "all"]:
        part = c if name == "all" else c[c["channel"] == name]
        ch_chains = chains if name == "all" else chains[chains["first_channel"] == name]
        eligible = int(part["fcr_eligible"].sum())
        resolved = int(part["fcr"].sum())
        rows.append({
            "channel": name,
            "identified": len(part),
            "fcr_eligible": eligible,
            "fcr_resolved": resolved,
            "fcr_rate": resolved / eligible if eligible else np.nan,
            "repeat_contacts": int(part["repeat"].sum()),
            "repeat_rate": part["repeat"].mean() if len(part) else np.nan,
            "chains_complete": len(ch_chains),
            "contacts_in_chains": int(ch_chains["size"].sum()),
            "contacts_per_resolution": ch_chains["size"].mean() if len(ch_chains) else np.nan,
        })
    return pd.DataFrame(rows, columns=FCR_COLUMNS)
