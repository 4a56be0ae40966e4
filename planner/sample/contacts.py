"""Simulated contacts to tables: the interval history (one row per slot per channel) and one row per contact.

Customers: a share of contacts follow up an earlier contact of the same issue (a retry soon after an
abandoned contact on the same channel, or a repeat hours to days later on any channel); an issue's
contacts share a customer id and contact type, and only the last contact of an issue can be
`resolved`, so first-contact resolution is measurable from the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config import Config
from planner.config.schema import AsaTarget, Channel
from planner.sample.params import SiteParams
from planner.sample.simulate import ContactArrays
from planner.sample.volumes import ChannelSlots, SlotAxis

HISTORY_COLUMNS = ["interval_start", "channel", "offered", "handled", "abandoned", "aht_s", "answered_within_target", "asa_s",
                   "staffed_agents"]
CONTACT_COLUMNS = ["contact_id", "channel", "arrived_at", "answered_at", "ended_at", "abandoned", "handle_s", "wrap_s",
                   "agent_id", "customer_id", "resolved", "contact_type"]


def target_threshold_s(channel: Channel) -> float:
    """The wait (seconds) a contact must be answered within to count in answered_within_target."""
    return channel.target.asa_s if isinstance(channel.target, AsaTarget) else channel.target.answer_within_s


def intervals_from_contacts(c: ContactArrays, axis: SlotAxis, slots: ChannelSlots, channel: Channel,
                            first_slot: int, last_slot: int) -> pd.DataFrame:
    """History rows of slots [first_slot, last_slot) where the channel has rows: counts, means of answered/handled contacts.

    The array twin of planner.io.aggregate.contacts_to_intervals (same definitions, checked by a test),
    for the weeks whose contacts are never materialised as a table: offered counts every arrival;
    handled = offered - abandoned; aht_s = mean handle_s + wrap_s of handled contacts;
    answered_within_target counts answered contacts whose wait <= the target threshold; asa_s = mean
    wait of answered contacts (aht_s and asa_s are empty when nothing was handled); staffed_agents is
    what the past site staffed on the channel in the slot.
    """
    size = len(slots.rate)
    answered = ~c.abandoned
    offered = np.bincount(c.slot, minlength=size)
    abandoned = np.bincount(c.slot, weights=c.abandoned, minlength=size).astype(np.int64)
    handled = offered - abandoned
    work = np.bincount(c.slot, weights=np.where(answered, c.handle_s + c.wrap_s, 0), minlength=size)
    waits = np.bincount(c.slot, weights=np.where(answered, c.wait_s, 0), minlength=size)
    within = np.bincount(c.slot, weights=answered & (c.wait_s <= target_threshold_s(channel)), minlength=size)
    keep = np.flatnonzero(slots.rows[first_slot:last_slot]) + first_slot
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(handled > 0, work / handled, np.nan)
        asa = np.where(handled > 0, waits / handled, np.nan)
    return pd.DataFrame({
        "interval_start": axis.times[keep].astype("datetime64[ns]"),
        "channel": channel.name,
        "offered": offered[keep],
        "handled": handled[keep],
        "abandoned": abandoned[keep],
        "aht_s": np.round(aht[keep], 1),
        "answered_within_target": within[keep].astype(np.int64),
        "asa_s": np.round(asa[keep], 1),
        "staffed_agents": c.staffed_agents[keep].astype(np.int64),
    })


def _window(c: ContactArrays, first_slot: int, last_slot: int) -> dict[str, np.ndarray]:
    keep = (c.slot >= first_slot) & (c.slot < last_slot)
    return {"channel": np.full(keep.sum(), c.channel, dtype=object), "arrived_s": c.arrived_s[keep], "wait_s": c.wait_s[keep],
            "abandoned": c.abandoned[keep], "handle_s": c.handle_s[keep], "wrap_s": c.wrap_s[keep]}


def _link_issues(rng: np.random.Generator, arrived: np.ndarray, wait: np.ndarray, abandoned: np.ndarray,
                 channel: np.ndarray, params: SiteParams) -> np.ndarray:
    """Parent index of each contact (the earlier contact of the same issue it follows up), -1 for an issue's first contact."""
    p = params.customers
    n = len(arrived)
    parent = np.full(n, -1, dtype=np.int64)
    # A follow-up hours to days later, on any channel: a contact arriving about then becomes its child.
    follow = rng.random(n) < p.repeat_share
    due = arrived + wait + rng.exponential(p.repeat_lag_mean_h * 3600, n)
    child = np.searchsorted(arrived, due, side="left") + rng.integers(0, 5, n)
    ok = np.flatnonzero(follow & (child < n))
    parent[child[ok]] = ok  # when two issues pick the same contact, the later one wins
    # A retry soon after an abandoned contact, on the same channel: the first later contact there.
    retry = abandoned & (rng.random(n) < p.retry_after_abandon)
    retry_at = arrived + wait + rng.exponential(p.retry_lag_mean_min * 60, n)
    for name in np.unique(channel):
        on = np.flatnonzero(channel == name)
        k = on[retry[on]]
        nxt = np.searchsorted(arrived[on], retry_at[k], side="left")
        found = nxt < len(on)
        np.maximum.at(parent, on[nxt[found]], k[found])  # a retry link beats an earlier follow-up link
    return parent


def _roots(parent: np.ndarray) -> np.ndarray:
    """Index of each contact's issue root (parents always come earlier, so pointer jumping converges)."""
    root = np.where(parent >= 0, parent, np.arange(len(parent)))
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def _assign_agents(rng: np.random.Generator, config: Config, axis: SlotAxis, agents: pd.DataFrame, leave: pd.DataFrame | None,
                   channel: np.ndarray, arrived_s: np.ndarray, abandoned: np.ndarray) -> np.ndarray:
    """agent_id of each answered contact (None when abandoned): a random skilled agent not on approved leave that day."""
    agent_id = np.full(len(channel), None, dtype=object)
    day = arrived_s // 86400
    skills = agents["skills"].str.split(";")
    off: dict[int, set[str]] = {}
    if leave is not None:
        for row in leave[leave["status"] == "approved"].itertuples():
            first = (row.start_date - axis.first_day).days
            for d in range(first, first + (row.end_date - row.start_date).days + 1):
                off.setdefault(d, set()).add(row.agent_id)
    for ch in config.channels:
        skilled = agents.loc[skills.apply(lambda s, name=ch.name: name in s), "agent_id"].to_numpy()
        for d in np.unique(day[channel == ch.name]):
            pool = np.array([a for a in skilled if a not in off.get(int(d), ())], dtype=object)
            on = np.flatnonzero((channel == ch.name) & ~abandoned & (day == d))
            if len(pool) and len(on):
                agent_id[on] = pool[rng.integers(0, len(pool), len(on))]
    return agent_id


def contacts_frame(rng: np.random.Generator, config: Config, axis: SlotAxis, arrays: list[ContactArrays],
                   first_slot: int, last_slot: int, agents: pd.DataFrame, params: SiteParams,
                   leave: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per contact arriving in slots [first_slot, last_slot), with customers, issues, resolution and agents
    (an answered contact goes to an agent with the skill who is not on approved leave that day)."""
    parts = [_window(c, first_slot, last_slot) for c in arrays]
    cols = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    order = np.argsort(cols["arrived_s"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    n = len(order)
    arrived, wait, abandoned, channel = cols["arrived_s"], cols["wait_s"], cols["abandoned"], cols["channel"]

    parent = _link_issues(rng, arrived, wait, abandoned, channel, params)
    root = _roots(parent)
    has_child = np.bincount(parent[parent >= 0], minlength=n) > 0
    resolved = ~has_child & ~abandoned & (rng.random(n) >= params.customers.unresolved_last)
    customer = rng.integers(0, params.customers.customers, n)[root]
    contact_type = np.empty(n, dtype=object)
    for ch in config.channels:
        types = params.channel(ch.name, ch.kind).contact_types
        names = np.array([t[0] for t in types], dtype=object)
        weights = np.array([t[1] for t in types]) / sum(t[1] for t in types)
        on = channel == ch.name
        contact_type[on] = names[rng.choice(len(names), on.sum(), p=weights)]
    contact_type = contact_type[root]

    agent_id = _assign_agents(rng, config, axis, agents, leave, channel, arrived, abandoned)

    start = np.datetime64(axis.first_day, "s")
    arrived_at = start + arrived.astype("timedelta64[s]")
    answered_at = np.where(abandoned, np.datetime64("NaT"), arrived_at + wait.astype("timedelta64[s]"))
    ended_at = arrived_at + (wait + cols["handle_s"] + cols["wrap_s"]).astype("timedelta64[s]")
    return pd.DataFrame({
        "contact_id": [f"C{i + 1:07d}" for i in range(n)],
        "channel": channel,
        "contact_type": contact_type,
        "customer_id": [f"CU{c:06d}" for c in customer],
        "arrived_at": arrived_at.astype("datetime64[ns]"),
        "answered_at": answered_at.astype("datetime64[ns]"),
        "ended_at": ended_at.astype("datetime64[ns]"),
        "abandoned": abandoned,
        "handle_s": pd.array(np.where(abandoned, pd.NA, cols["handle_s"]), dtype="Int64"),
        "wrap_s": pd.array(np.where(abandoned, pd.NA, cols["wrap_s"]), dtype="Int64"),
        "agent_id": agent_id,
        "resolved": resolved,
    })[CONTACT_COLUMNS]
