"""The sample site: generate history, contacts, agents and leave for a config, and write them as CSV files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.config import Config
from planner.io.aggregate import contacts_to_intervals
from planner.io.files import write_table
from planner.sample.agents import make_agents, make_leave
from planner.sample.bids import make_bids
from planner.sample.contacts import HISTORY_COLUMNS, contacts_frame, intervals_from_contacts
from planner.sample.params import DEFAULT_PARAMS, SiteParams
from planner.sample.requests import leave_year_requests, with_employment
from planner.sample.simulate import simulate_deferred, simulate_immediate
from planner.sample.volumes import channel_slots, slot_axis

CONTACT_WEEKS = 4  # one-row-per-contact records cover the last this many weeks of the history
ANSWER_DAYS = 21  # the axis runs on past the history so late contacts still get an answer time
FILES = ("history", "contacts", "agents", "leave", "bids")


@dataclass(frozen=True)
class SampleSite:
    """A generated site: the four input tables of DESIGN.md, the next leave year's bids, and the days the history
    covers."""

    history: pd.DataFrame
    contacts: pd.DataFrame
    agents: pd.DataFrame
    leave: pd.DataFrame
    bids: pd.DataFrame
    first_day: dt.date
    end: dt.date


def generate_site(config: Config, seed: int = 7, weeks: int = 104, end: dt.date = dt.date(2026, 11, 22),
                  params: SiteParams = DEFAULT_PARAMS) -> SampleSite:
    """A deterministic sample site for config: `weeks` weeks of slot history ending on `end` (inclusive), the last
    four weeks also as one row per contact, params.agents.count agents (with employment dates and seniority), leave
    around the week after `end`, a year of leave requests (sample.requests) and that year's bids (sample.bids)."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    # the sixth and seventh children (the leave year, the bids) came later; spawning more leaves the first streams as
    # they were
    volumes_rng, queue_rng, contacts_rng, agents_rng, leave_rng, year_rng, bids_rng = np.random.default_rng(seed).spawn(7)
    first_day = end - dt.timedelta(days=7 * weeks - 1)
    axis = slot_axis(config, first_day, 7 * weeks + ANSWER_DAYS)
    history_slots = 7 * weeks * axis.slots_per_day
    agents = make_agents(agents_rng, config, params)

    arrays, frames = [], []
    for slots in channel_slots(config, axis, params, end):
        channel = config.channel(slots.name)
        rate = slots.rate.copy()
        rate[history_slots:] = 0  # no arrivals after the end of the history
        offered = volumes_rng.poisson(rate)
        p = params.channel(channel.name, channel.kind)
        if channel.kind == "immediate":
            c = simulate_immediate(queue_rng, axis, slots, offered, channel, p, params.queue)
        else:
            c = simulate_deferred(queue_rng, axis, slots, offered, channel, p)
        arrays.append(c)
        frames.append(intervals_from_contacts(c, axis, slots, channel, 0, history_slots))

    first_contact_slot = max(0, history_slots - 7 * CONTACT_WEEKS * axis.slots_per_day)
    leave = make_leave(leave_rng, agents, end, params)
    contacts = contacts_frame(contacts_rng, config, axis, arrays, first_contact_slot, history_slots, agents, params, leave)
    history = _with_contact_weeks(pd.concat(frames, ignore_index=True), contacts, config, axis.times[first_contact_slot])
    agents = with_employment(year_rng, agents, leave, end)
    leave = leave_year_requests(year_rng, agents, leave, end)
    return SampleSite(history, contacts, agents, leave, make_bids(bids_rng, agents, end), first_day, end)


def _with_contact_weeks(history: pd.DataFrame, contacts: pd.DataFrame, config: Config, since: np.datetime64) -> pd.DataFrame:
    """The history with its rows from `since` on re-derived from the contacts table by the io aggregation, so the two agree.

    The history keeps its own rows (immediate channels only in their opening hours) and staffed agents; the
    aggregation's other rows are empty slots.
    """
    recent = history["interval_start"] >= since
    keys = history.loc[recent, ["interval_start", "channel", "staffed_agents"]]  # staffing is not in the contacts
    derived = keys.merge(contacts_to_intervals(contacts, config), on=["interval_start", "channel"], how="left", validate="1:1")
    counts = ["offered", "handled", "abandoned", "answered_within_target"]
    derived[counts] = derived[counts].fillna(0).astype("int64")
    order = {name: i for i, name in enumerate(config.channel_names)}
    history = pd.concat([history.loc[~recent], derived], ignore_index=True)
    return history.sort_values(["interval_start", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s,
                               kind="stable").reset_index(drop=True)[HISTORY_COLUMNS]


def _iso_text(df: pd.DataFrame) -> pd.DataFrame:
    """df with timestamp columns as ISO 8601 text (the bytes write_table would write, several times faster than pandas)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col].dtype):
            text = np.datetime_as_string(out[col].to_numpy().astype("datetime64[s]"), unit="s")
            out[col] = np.where(text == "NaT", None, text)
    return out


def write_site(site: SampleSite, out_dir: str | Path) -> list[Path]:
    """Write history.csv, contacts.csv, agents.csv, leave.csv and bids.csv into out_dir (each atomically); returns their paths."""
    out = Path(out_dir)
    return [write_table(_iso_text(getattr(site, name)), out / f"{name}.csv") for name in FILES]
