"""The forecast turned into agents per slot per channel (DESIGN.md requirements table)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import Channel, Config
from planner.errors import DataError
from planner.staffing import channel_models, deferred, deferred_queue
from planner.staffing.erlang_c import traffic
from planner.staffing.open_hours import open_slots, openings
from planner.staffing.shrinkage import scheduled_agents

COLUMNS = [
    "interval_start", "channel", "offered", "aht_s", "workload_erlangs", "agents_productive", "agents_required",
    "service_level", "asa_s", "occupancy", "abandon_rate", "backlog",
]


def channel_rows(forecast_df: pd.DataFrame, config: Config) -> dict[str, pd.DataFrame]:
    """Forecast rows per configured channel, sorted by interval_start, aht_s filled from the config; DataError on strangers."""
    unknown = sorted(set(forecast_df["channel"].astype(str)) - set(config.channel_names))
    if unknown:
        raise DataError(f"the forecast has channel(s) {unknown} that the config does not define; "
                        f"configured channels are {config.channel_names}")
    out = {}
    for ch in config.channels:
        rows = forecast_df[forecast_df["channel"] == ch.name].sort_values("interval_start", kind="stable")
        if rows.empty:
            continue
        rows = rows.reset_index(drop=True)
        aht = rows["aht_s"].astype(float) if "aht_s" in rows else pd.Series(np.nan, index=rows.index)
        rows = rows.assign(interval_start=pd.to_datetime(rows["interval_start"]),
                           offered=rows["offered"].astype(float).clip(lower=0),
                           aht_s=aht.where(aht > 0, ch.aht_s))
        out[ch.name] = rows
    return out


def backlog_clear_s(config: Config) -> float:
    """Open time (s) over which a deferred channel clears the backlog a closure made late: the shortest contract shift."""
    lengths = [h for contract in config.contracts for h in contract.shift_lengths_h]
    return min(lengths) * 3600.0 if lengths else 0.0


def _shown(rows: pd.DataFrame, measures: bool, measures_between: tuple[pd.Timestamp, pd.Timestamp] | None) -> np.ndarray:
    """Per row: whether its service figures are wanted (see requirements)."""
    if measures and measures_between is not None:
        lo, hi = measures_between
        return ((rows["interval_start"] >= lo) & (rows["interval_start"] < hi)).to_numpy()
    return np.full(len(rows), measures)


def _channel_requirements(ch: Channel, rows: pd.DataFrame, config: Config, measures: bool = True,
                          measures_between: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """One channel's REQUIREMENTS rows (see requirements for `measures` and `measures_between`)."""
    interval_s = config.site.interval_s
    offered = rows["offered"].to_numpy(float)
    aht = rows["aht_s"].to_numpy(float)
    is_open = open_slots(config, ch.name, rows["interval_start"])
    abandon = np.full(offered.size, np.nan)
    backlog = np.full(offered.size, np.nan)
    if ch.kind == "deferred":
        t = channel_models.answer_within_s(ch)
        clear_s = backlog_clear_s(config)
        agents = deferred.plan(offered, aht, interval_s, is_open, t, ch.max_occupancy, ch.min_agents, clear_s)
        result = deferred.serve(agents, offered, aht, interval_s, t, ch.max_occupancy, is_open, clear_s)
        shown = _shown(rows, measures, measures_between) & (offered > 0)
        within = deferred_queue.within_expected(agents, offered, aht, interval_s, t, is_open, clear_s, wanted=shown)
        with np.errstate(divide="ignore", invalid="ignore"):
            sl = np.where(shown, within / offered, np.nan)
        asa, occ, backlog = result.response_s, result.occupancy, result.backlog
    else:
        agents = np.zeros(offered.size, dtype=np.int64)
        agents[is_open] = channel_models.immediate_agents(ch, offered[is_open], aht[is_open], interval_s)
        agents[is_open] = np.maximum(agents[is_open], ch.min_agents)
        shown = _shown(rows, measures, measures_between)
        if shown.any():
            m = channel_models.day_measures(ch, agents, offered, aht, interval_s, rows["interval_start"], is_open,
                                            openings(config, ch.name, rows["interval_start"]), wanted=shown)
            sl = np.where(is_open & shown, m["service_level"], np.nan)
            asa = np.where(is_open & shown, m["asa_s"], np.nan)
            occ = np.where(shown, np.where(is_open, m["occupancy"], 0.0), np.nan)
            if "abandon_rate" in m:
                abandon = np.where(is_open & shown, m["abandon_rate"], np.nan)
        else:
            sl, asa, occ = np.full(offered.size, np.nan), np.full(offered.size, np.nan), np.full(offered.size, np.nan)
    return pd.DataFrame({
        "interval_start": rows["interval_start"].to_numpy(),
        "channel": ch.name,
        "offered": offered,
        "aht_s": aht,
        "workload_erlangs": traffic(offered, aht, interval_s),
        "agents_productive": agents.astype(np.int64),
        "agents_required": scheduled_agents(agents, config.roster_shrinkage(ch.name)).astype(np.int64),
        "service_level": sl,
        "asa_s": asa,
        "occupancy": occ,
        "abandon_rate": abandon,
        "backlog": backlog,
    })


def requirements(forecast_df: pd.DataFrame, config: Config, *, measures: bool = True,
                 measures_between: tuple[pd.Timestamp, pd.Timestamp] | None = None) -> pd.DataFrame:
    """Agents per slot per channel (productive and after shrinkage) and the service expected with them.

    Closed slots of immediate channels get 0 agents (service_level and asa_s NaN). Deferred channels carry a backlog
    across slots and closed hours (backlog = contacts waiting at the end of the slot, asa_s their mean response time in
    seconds, occupancy: both from the fluid replay, deferred.serve); their service_level is the expected share of the
    slot's arrivals answered within the target under Poisson arrivals and random handle times (deferred_queue), a few
    points below the fluid replay's where a backlog is cleared with little to spare. abandon_rate is set for Erlang A
    channels only.

    The service levels, and the immediate channels' asa_s, occupancy and abandon_rate, follow the queue slot by slot
    and cost far more than the agents. measures=False leaves them NaN on every row (agents only: a caller that reads
    nothing else); measures_between=(start, end) computes them only for slots starting in [start, end), NaN elsewhere,
    with the same values there as over the whole table (the queue is followed from where it starts). Agents, workload
    and the deferred channels' backlog, asa_s and occupancy are always computed.
    """
    per_channel = channel_rows(forecast_df, config)
    parts = [_channel_requirements(config.channel(name), rows, config, measures, measures_between)
             for name, rows in per_channel.items()]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    order = {name: i for i, name in enumerate(config.channel_names)}
    df = pd.concat(parts, ignore_index=True)
    df = df.sort_values(["interval_start", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s, kind="stable")
    return df.reset_index(drop=True)[COLUMNS]


def daily_summary(requirements_df: pd.DataFrame, interval_s: float, weekly_hours: float = 37.5) -> pd.DataFrame:
    """Per channel and day: contacts, peak productive and scheduled agents, scheduled agent-hours and FTE.

    FTE is the day's scheduled agent-hours over a full-timer's day (weekly_hours / 5).
    """
    df = requirements_df.assign(date=pd.to_datetime(requirements_df["interval_start"]).dt.date)
    slot_h = interval_s / 3600
    g = df.groupby(["channel", "date"], sort=False)
    out = g.agg(offered=("offered", "sum"), peak_productive=("agents_productive", "max"),
                peak_required=("agents_required", "max"), agent_hours=("agents_required", "sum")).reset_index()
    out["agent_hours"] = out["agent_hours"] * slot_h
    out["fte"] = out["agent_hours"] / (weekly_hours / 5)
    return out


def deferred_shares(requirements_df: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Per deferred channel: the expected share of judged contacts answered within the target (the table's agents,
    deferred_queue), and the fluid replay's share (within_target_share_fluid: served exactly as planned, what the
    opening hours allow).

    Contacts whose target time ends after the table are not judged.
    """
    rows = []
    for ch in config.channels:
        g = requirements_df[requirements_df["channel"] == ch.name].sort_values("interval_start", kind="stable")
        if ch.kind != "deferred" or g.empty:
            continue
        interval_s, t = config.site.interval_s, ch.target.answer_within_s
        args = (g["agents_productive"], g["offered"], g["aht_s"], interval_s, t)
        is_open, clear_s = open_slots(config, ch.name, g["interval_start"]), backlog_clear_s(config)
        served = deferred.serve(*args, ch.max_occupancy, is_open, clear_s)
        offered = g["offered"].to_numpy(float)
        judged = (np.arange(offered.size) + deferred._slots_within(t, interval_s) <= offered.size) & (offered > 0)
        within = deferred_queue.within_expected(*args, is_open, clear_s, wanted=judged)
        share = float(within[judged].sum() / offered[judged].sum()) if judged.any() else 1.0
        rows.append({"channel": ch.name, "within_target_share": share,
                     "within_target_share_fluid": served.within_target_share,
                     "target": ch.target.service_level, "answer_within_s": t})
    return pd.DataFrame(rows, columns=["channel", "within_target_share", "within_target_share_fluid", "target",
                                       "answer_within_s"])


def late_contacts_curves(forecast_df: pd.DataFrame, config: Config, max_agents: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per channel: (interval_start array, late-contacts curve [slots, max_agents + 1]) with the config's targets,
    the forecast's aht_s (config aht_s where missing) and, for deferred channels, the channel's open slots."""
    out = {}
    for name, rows in channel_rows(forecast_df, config).items():
        ch = config.channel(name)
        mask = open_slots(config, name, rows["interval_start"]) if ch.kind == "deferred" else None
        curve = channel_models.late_contacts_curve(rows["offered"].to_numpy(float), rows["aht_s"].to_numpy(float),
                                                   config.site.interval_s, ch, max_agents, open_mask=mask,
                                                   backlog_clear_s=backlog_clear_s(config))
        out[name] = (rows["interval_start"].to_numpy(), curve)
    return out
