"""Discrete-event simulation of a staffing plan or roster: simulated contacts served by the agents per slot.

Per channel and replication: Poisson arrivals at each slot's forecast rate (piecewise constant), handle times
exponential with the slot's aht_s (or resampled from an empirical sample, rescaled to the slot's aht_s), exponential
patience with mean patience_s on immediate channels that have one (Erlang A), agents × concurrency servers (a chat
agent serves `concurrency` chats at once, each taking aht_s, as planner.staffing.channel_models reads it). Deferred
channels never abandon; their line carries over closed hours and days, ordered as the planner's deferred replay
orders it (deferred.serve: by due slot, then first come first served), or plain FCFS with `deferred_order="fcfs"`;
deferred agents work whenever mail waits (max_occupancy is a planning cap, as for Erlang channels), or only
max_occupancy of their time, as deferred.serve counts capacity, with `deferred_occupancy=True`.

Measures per slot of arrival, the planner's definitions: service level = answered within the target time / offered
(abandoned and never-answered contacts are not within target); mean_wait_s = mean time in line of the contacts that
left the line (answered or abandoned; an abandoned contact waited its patience), which is Erlang C's ASA and
Erlang A's asa_s. A contact is within target when its wait is ≤ the target's answer time (deferred.serve, a fluid
model, counts whole slots instead: from the start of the arrival slot to the end of the handling slot).

Replication r draws from SeedSequence(seed).spawn(...)[r], so a run of replications first..first+n−1 is the same
whether it runs at once, in chunks, or in other processes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.config.schema import Channel, Config
from planner.errors import DataError
from planner.scenarios._queue import run_queue
from planner.staffing import channel_models, deferred
from planner.staffing.open_hours import open_slots
from planner.staffing.requirements import backlog_clear_s

COUNTS = ["offered", "answered", "abandoned", "unanswered", "answered_within_target", "wait_total_s"]
SLOT_COLUMNS = ["replication", "interval_start", "channel", *COUNTS, "service_level", "mean_wait_s"]


@dataclass(frozen=True)
class ChannelRun:
    """What one channel's simulation needs, as arrays over its slots (a regular grid of interval_s)."""

    name: str
    interval_start: np.ndarray  # datetime64 per slot
    offered: np.ndarray  # expected arrivals per slot (Poisson mean)
    aht_s: np.ndarray  # mean handle time per slot, seconds
    servers: np.ndarray  # agents × concurrency per slot
    answer_within_s: float
    patience_s: float | None  # None: nobody abandons
    priority_slot: np.ndarray | None  # per arrival slot, the line's order key (deferred due slot); None = FCFS
    handle_sample_s: np.ndarray | None  # empirical handle times, rescaled to aht_s per slot
    work_share: float = 1.0  # share of an agent's time on contacts: a contact holds its agent handle / work_share


def replication_seeds(seed: int, first: int, count: int) -> list[np.random.SeedSequence]:
    """Seeds of replications first..first+count−1: the same as SeedSequence(seed).spawn(first + count)[first:]."""
    return [np.random.SeedSequence(seed, spawn_key=(r,)) for r in range(first, first + count)]


def _arrivals(rng: np.random.Generator, run: ChannelRun, interval_s: float) -> tuple[np.ndarray, ...]:
    """(slot, arrive_s, handle_s, patience_s) of one replication's contacts, sorted by arrival."""
    counts = rng.poisson(np.maximum(run.offered, 0.0))
    slot = np.repeat(np.arange(run.offered.size), counts)
    arrive = (slot + rng.random(slot.size)) * interval_s  # uniform inside the slot: a Poisson process given the count
    order = np.argsort(arrive, kind="stable")
    slot, arrive = slot[order], arrive[order]
    if run.handle_sample_s is None:
        handle = rng.exponential(1.0, slot.size) * run.aht_s[slot]
    else:
        sample = run.handle_sample_s
        handle = rng.choice(sample, slot.size) * (run.aht_s[slot] / sample.mean())
    handle = handle / run.work_share
    patience = (rng.exponential(run.patience_s, slot.size) if run.patience_s is not None
                else np.full(slot.size, np.inf))
    return slot, arrive, handle, patience


def simulate_channel(rng: np.random.Generator, run: ChannelRun, interval_s: float) -> dict[str, np.ndarray]:
    """One replication of one channel: the COUNTS per slot of arrival."""
    slot, arrive, handle, patience = _arrivals(rng, run, interval_s)
    key = None
    if run.priority_slot is not None:
        key = run.priority_slot[slot] * (run.offered.size + 1) * interval_s + arrive
    out = run_queue(arrive, handle, patience, run.servers, interval_s, key)
    answered = ~np.isnan(out.start_s)
    wait = np.where(answered, out.start_s - arrive, np.where(out.abandoned, patience, 0.0))
    within = answered & (wait <= run.answer_within_s + 1e-9)
    size = run.offered.size

    def per_slot(weights) -> np.ndarray:
        return np.bincount(slot, weights=np.asarray(weights, dtype=float), minlength=size)

    return {
        "offered": per_slot(np.ones(slot.size)),
        "answered": per_slot(answered),
        "abandoned": per_slot(out.abandoned),
        "unanswered": per_slot(~answered & ~out.abandoned),
        "answered_within_target": per_slot(within),
        "wait_total_s": per_slot(wait),
    }


def _replications(runs: Sequence[ChannelRun], interval_s: float, seed: int, first: int, count: int) -> pd.DataFrame:
    """Slot table (SLOT_COLUMNS without the ratios) of replications first..first+count−1."""
    parts = []
    for r, ss in zip(range(first, first + count), replication_seeds(seed, first, count), strict=True):
        for run, child in zip(runs, ss.spawn(len(runs)), strict=True):
            counts = simulate_channel(np.random.default_rng(child), run, interval_s)
            parts.append(pd.DataFrame({"replication": r, "interval_start": run.interval_start, "channel": run.name,
                                       **counts}))
    return pd.concat(parts, ignore_index=True)


def with_ratios(df: pd.DataFrame) -> pd.DataFrame:
    """df (summed COUNTS) with service_level (NaN without arrivals) and mean_wait_s (NaN when nobody left the line)."""
    left = df["answered"] + df["abandoned"]
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(df["offered"] > 0, df["answered_within_target"] / df["offered"], np.nan)
        wait = np.where(left > 0, df["wait_total_s"] / left, np.nan)
    return df.assign(service_level=sl, mean_wait_s=wait)


def simulate_runs(runs: Sequence[ChannelRun], interval_s: float, replications: int = 100, seed: int = 0,
                  first: int = 0, executor: Executor | None = None, chunks: int = 1) -> pd.DataFrame:
    """Slot table (SLOT_COLUMNS) of replications first..first+replications−1, in `chunks` tasks on `executor`."""
    bounds = np.linspace(first, first + replications, max(min(chunks, replications), 1) + 1).round().astype(int)
    tasks = [(int(a), int(b - a)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
    args = [(runs, interval_s, seed, a, n) for a, n in tasks]
    mapper = map if executor is None else executor.map
    parts = list(mapper(_replications_star, args))
    return with_ratios(pd.concat(parts, ignore_index=True))[SLOT_COLUMNS]


def _replications_star(args: tuple) -> pd.DataFrame:
    return _replications(*args)


def channel_runs(agents: pd.DataFrame, load: pd.DataFrame, channels: Sequence[Channel], interval_s: float,
                 open_mask: Mapping[str, np.ndarray] | None = None, clear_s: float = 0.0,
                 handle_samples_s: Mapping[str, np.ndarray] | None = None, deferred_order: str = "due",
                 deferred_occupancy: bool = False) -> list[ChannelRun]:
    """ChannelRun per channel of `load` (interval_start, channel, offered, aht_s) with `agents` (interval_start,
    channel, agents: productive agents; a slot without a row has none).

    open_mask[name] (bool per load row of the channel, in time order) is when a deferred channel is open, for its due
    slots; default: the slots with agents. clear_s is the planner's backlog_clear_s. deferred_occupancy=True: a deferred
    agent gives only max_occupancy of its time to the backlog, as deferred.serve counts capacity (each contact holds
    its agent aht_s / max_occupancy); default: agents work the backlog whenever it is not empty.
    """
    if deferred_order not in ("due", "fcfs"):
        raise ValueError("deferred_order must be 'due' (as the planner replays) or 'fcfs'")
    missing = {"interval_start", "channel", "agents"} - set(agents.columns)
    if missing:
        raise DataError(f"the agents table needs interval_start, channel and agents; it lacks {sorted(missing)}")
    given = agents.assign(interval_start=pd.to_datetime(agents["interval_start"]))
    given = given.groupby(["interval_start", "channel"], as_index=False)["agents"].sum()
    by_name = {c.name: c for c in channels}
    unknown = sorted(set(load["channel"].astype(str)) - set(by_name))
    if unknown:
        raise DataError(f"the load table has channel(s) {unknown} that are not among the channels given {sorted(by_name)}")
    runs = []
    for ch in channels:
        rows = load[load["channel"] == ch.name].assign(interval_start=lambda d: pd.to_datetime(d["interval_start"]))
        if rows.empty:
            continue
        rows = rows.sort_values("interval_start", kind="stable").reset_index(drop=True)
        steps = np.diff(rows["interval_start"].to_numpy()).astype("timedelta64[s]").astype(float)
        if (steps != interval_s).any():
            raise DataError(f"the load rows of {ch.name} are not one per {interval_s:g} s slot; add rows with offered 0 "
                            "for the missing slots")
        n = rows.merge(given[given["channel"] == ch.name], on=["interval_start", "channel"], how="left")["agents"]
        n = np.floor(n.fillna(0).to_numpy(float) + 1e-9).astype(np.int64)
        aht = rows["aht_s"].astype(float).where(rows["aht_s"] > 0, ch.aht_s).to_numpy() if "aht_s" in rows \
            else np.full(len(rows), ch.aht_s)
        t = channel_models.answer_within_s(ch)
        priority = None
        if ch.kind == "deferred" and deferred_order == "due":
            mask = n > 0 if open_mask is None or ch.name not in open_mask else np.asarray(open_mask[ch.name], bool)
            priority = deferred.due_slots(mask, t, interval_s, clear_s).astype(float)
        sample = None if handle_samples_s is None or ch.name not in handle_samples_s \
            else np.asarray(handle_samples_s[ch.name], dtype=float)
        runs.append(ChannelRun(ch.name, rows["interval_start"].to_numpy(), rows["offered"].to_numpy(float), aht,
                               n * ch.concurrency, float(t), ch.patience_s if ch.kind == "immediate" else None,
                               priority, sample,
                               ch.max_occupancy if ch.kind == "deferred" and deferred_occupancy else 1.0))
    return runs


def simulate(agents: pd.DataFrame, load: pd.DataFrame, config: Config, replications: int = 100, seed: int = 0, *,
             first: int = 0, handle_samples_s: Mapping[str, np.ndarray] | None = None, deferred_order: str = "due",
             deferred_occupancy: bool = False, executor: Executor | None = None, chunks: int = 1) -> pd.DataFrame:
    """Slot table per replication (SLOT_COLUMNS) of `load` (interval_start, channel, offered, aht_s) served by `agents`
    (interval_start, channel, agents: productive agents), with the config's channels, slot length, opening hours
    (deferred due order) and backlog clearing time. Deferred channels need load rows for closed hours too."""
    interval_s = float(config.site.interval_s)
    masks = {}
    for ch in config.channels:
        rows = load[load["channel"] == ch.name]
        if ch.kind == "deferred" and len(rows):
            masks[ch.name] = open_slots(config, ch.name, pd.to_datetime(rows["interval_start"]).sort_values())
    runs = channel_runs(agents, load, config.channels, interval_s, masks, backlog_clear_s(config), handle_samples_s,
                        deferred_order, deferred_occupancy)
    return simulate_runs(runs, interval_s, replications, seed, first, executor, chunks)


def daily(slots: pd.DataFrame) -> pd.DataFrame:
    """Per replication, day and channel: the summed counts and their service_level and mean_wait_s."""
    df = slots.assign(date=pd.to_datetime(slots["interval_start"]).dt.date)
    out = df.groupby(["replication", "date", "channel"], as_index=False, sort=False)[COUNTS].sum()
    return with_ratios(out)


def summary(per_replication: pd.DataFrame, by: Sequence[str] = ("date", "channel")) -> pd.DataFrame:
    """Mean over replications and its standard error, of service_level and mean_wait_s, per `by` group."""
    g = per_replication.groupby(list(by), sort=False)
    out = g.agg(replications=("replication", "nunique"), offered=("offered", "mean"),
                service_level=("service_level", "mean"), service_level_se=("service_level", "sem"),
                mean_wait_s=("mean_wait_s", "mean"), mean_wait_s_se=("mean_wait_s", "sem"),
                abandoned=("abandoned", "mean"))
    return out.reset_index()
