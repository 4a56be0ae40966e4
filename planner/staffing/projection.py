"""The reverse direction: agents per slot → projected service level, ASA, occupancy, abandon rate, backlog, late contacts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import Config
from planner.errors import DataError
from planner.staffing import channel_models, deferred, deferred_queue
from planner.staffing.open_hours import open_slots, openings
from planner.staffing.requirements import backlog_clear_s, channel_rows
from planner.staffing.shrinkage import productive_agents

AGENT_COLUMNS = ("agents_productive", "agents", "scheduled")
COLUMNS = [
    "interval_start", "channel", "offered", "aht_s", "agents_productive", "service_level", "asa_s", "occupancy",
    "abandon_rate", "backlog", "late_contacts",
]


def _agents_for(agents, forecast_df: pd.DataFrame) -> pd.DataFrame:
    """Forecast rows with an `agents` column (0 where the agents table has no row)."""
    if isinstance(agents, pd.DataFrame):
        column = next((c for c in AGENT_COLUMNS if c in agents.columns), None)
        if column is None or not {"interval_start", "channel"} <= set(agents.columns):
            raise DataError(f"the agents table needs interval_start, channel and one of {list(AGENT_COLUMNS)}; "
                            f"it has {list(agents.columns)}")
        given = agents[["interval_start", "channel", column]].rename(columns={column: "agents"})
        given = given.assign(interval_start=pd.to_datetime(given["interval_start"]))
        base = forecast_df.assign(interval_start=pd.to_datetime(forecast_df["interval_start"]))
        merged = base.merge(given.groupby(["interval_start", "channel"], as_index=False)["agents"].sum(),
                            on=["interval_start", "channel"], how="left")
        return merged.assign(agents=merged["agents"].fillna(0))
    arr = np.asarray(agents)
    if arr.shape != (len(forecast_df),):
        raise DataError(f"agents array has shape {arr.shape}; expected one count per forecast row ({len(forecast_df)},)")
    return forecast_df.assign(agents=arr)


def project(agents, forecast_df: pd.DataFrame, config: Config, agents_are: str = "productive") -> pd.DataFrame:
    """Expected service per slot per channel with the given agents (DataFrame with interval_start, channel and
    agents_productive|agents|scheduled, or an array aligned with forecast_df rows).

    agents_are='scheduled' takes shrinkage off first (productive = floor(scheduled × (1 − shrinkage))). Columns:
    service_level (deferred: expected share of the slot's arrivals answered within target, deferred_queue: every
    forecast row is an arrival, agents missing from the table are 0, nothing waits at the start), asa_s (deferred: mean
    response of the fluid replay, deferred.serve, s), occupancy, abandon_rate (Erlang A), backlog (deferred, contacts
    waiting at slot end in the fluid replay), late_contacts (answered after target or abandoned; deferred: the slot's
    arrivals not expected within target, those whose target ends after the table included).
    """
    if agents_are not in ("productive", "scheduled"):
        raise ValueError("agents_are must be 'productive' or 'scheduled'")
    with_agents = _agents_for(agents, forecast_df)
    interval_s = config.site.interval_s
    parts = []
    for name, rows in channel_rows(with_agents, config).items():
        ch = config.channel(name)
        n = rows["agents"].to_numpy(float)
        n = np.floor(n + 1e-9).astype(np.int64)
        if agents_are == "scheduled":
            n = productive_agents(n, config.roster_shrinkage(ch.name))
        offered = rows["offered"].to_numpy(float)
        aht = rows["aht_s"].to_numpy(float)
        nan = np.full(offered.size, np.nan)
        if ch.kind == "deferred":
            args = (n, offered, aht, interval_s, channel_models.answer_within_s(ch))
            is_open, clear_s = open_slots(config, name, rows["interval_start"]), backlog_clear_s(config)
            res = deferred.serve(*args, ch.max_occupancy, is_open, clear_s)
            within = deferred_queue.within_expected(*args, is_open, clear_s)
            with np.errstate(divide="ignore", invalid="ignore"):
                sl = np.where(offered > 0, within / offered, np.nan)
            cols = {"service_level": sl, "asa_s": res.response_s, "occupancy": res.occupancy, "abandon_rate": nan,
                    "backlog": res.backlog, "late_contacts": offered - within}
        else:
            starts = rows["interval_start"]
            m = channel_models.day_measures(ch, n, offered, aht, interval_s, starts, open_slots(config, name, starts),
                                            openings(config, name, starts))
            cols = {"service_level": m["service_level"], "asa_s": m["asa_s"], "occupancy": m["occupancy"],
                    "abandon_rate": m.get("abandon_rate", nan), "backlog": nan,
                    "late_contacts": offered * (1.0 - m["service_level"])}
        parts.append(pd.DataFrame({"interval_start": rows["interval_start"].to_numpy(), "channel": name,
                                   "offered": offered, "aht_s": aht, "agents_productive": n, **cols}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in COLUMNS})
    order = {name: i for i, name in enumerate(config.channel_names)}
    df = pd.concat(parts, ignore_index=True)
    df = df.sort_values(["interval_start", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s, kind="stable")
    return df.reset_index(drop=True)[COLUMNS]


def summary(projection_df: pd.DataFrame) -> pd.DataFrame:
    """Per channel: contacts, volume-weighted service level, ASA (s), abandon rate, occupancy and late contacts."""
    rows = []
    for name, g in projection_df.groupby("channel", sort=False):
        w = g["offered"].to_numpy(float)
        total = w.sum()

        def wavg(col, weights=w, total=total, g=g):
            v = g[col].to_numpy(float)
            ok = np.isfinite(v) & (weights > 0)
            return float((v[ok] * weights[ok]).sum() / weights[ok].sum()) if ok.any() and total > 0 else float("nan")

        rows.append({"channel": name, "offered": total, "service_level": wavg("service_level"), "asa_s": wavg("asa_s"),
                     "abandon_rate": wavg("abandon_rate"), "late_contacts": float(g["late_contacts"].sum())})
    return pd.DataFrame(rows)


def projected_coverage(coverage: pd.DataFrame, requirements_df: pd.DataFrame, config: Config,
                       agents_are: str = "scheduled", context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage (interval_start, channel, required, scheduled, gap) with service_level_projected at its scheduled agents
    and offered (the slot's arrivals in requirements_df, 0 without a row).

    Immediate channels: the queueing model per coverage slot. Deferred channels follow every arrival of
    requirements_df, closed hours included, served in the plan's order by the scheduled agents (deferred_queue: Poisson
    arrivals, random handle times), and report per slot the expected share of the slot's arrivals answered within
    target; a coverage row (required = scheduled =
    0) is added for each slot with arrivals that the roster does not cover, so per-day figures weighted by arrivals
    count every contact. Outside the roster's span the plan's agents_productive serve: over `context` when given (the
    plan's requirements over a longer horizon, e.g. with a warm-up before and a cool-down after the roster week), else
    over requirements_df alone, whose first row's backlog is carried in ahead of its own arrivals.
    """
    if agents_are not in ("productive", "scheduled"):
        raise ValueError("agents_are must be 'productive' or 'scheduled'")
    cov = coverage.drop(columns="offered", errors="ignore").assign(interval_start=pd.to_datetime(coverage["interval_start"]))
    req = requirements_df.assign(interval_start=pd.to_datetime(requirements_df["interval_start"]))
    deferred_names = [c.name for c in config.channels if c.kind == "deferred"]
    keys = ["interval_start", "channel"]
    missing = req[req["channel"].isin(deferred_names) & (req["offered"] > 0)][keys]
    missing = missing.merge(cov[keys], on=keys, how="left", indicator=True)
    extra = missing[missing["_merge"] == "left_only"][keys].assign(required=0, scheduled=0, gap=0)
    if len(extra):
        cov = pd.concat([cov.drop(columns="service_level_projected", errors="ignore"), extra], ignore_index=True)
    order = {name: i for i, name in enumerate(config.channel_names)}
    cov = cov.sort_values(keys, key=lambda s: s.map(order) if s.name == "channel" else s, kind="stable")
    cov = cov.reset_index(drop=True).assign(service_level_projected=np.nan)
    load = cov.merge(req[keys + ["offered", "aht_s"]], on=keys, how="left")
    cov["offered"] = load["offered"].fillna(0.0).to_numpy()  # the arrivals the slot's service level is a share of
    immediate = load["offered"].notna().to_numpy() & ~load["channel"].isin(deferred_names).to_numpy()
    if immediate.any():
        rows = load.loc[immediate]
        projected = project(rows[keys + ["scheduled"]].reset_index(drop=True), rows[keys + ["offered", "aht_s"]],
                            config, agents_are=agents_are)
        sl = cov[keys].merge(projected[keys + ["service_level"]], on=keys, how="left")["service_level"]
        cov.loc[immediate, "service_level_projected"] = sl.to_numpy()[immediate]
    specs = {name: _deferred_run(name, cov, req, context, config, agents_are) for name in deferred_names}
    specs = {name: spec for name, spec in specs.items() if spec is not None}
    within = deferred_queue.within_expected_many([spec for _, spec in specs.values()], config.site.interval_s)
    for (name, (starts, spec)), got in zip(specs.items(), within, strict=True):
        in_span, offered = spec["wanted"], spec["offered"]
        with np.errstate(divide="ignore", invalid="ignore"):
            sl = np.where(offered > 0, got / offered, np.nan)
        sl = pd.DataFrame({"interval_start": starts[in_span], "sl": sl[in_span]})
        at = cov["channel"] == name
        here = cov.loc[at, ["interval_start"]].merge(sl, on="interval_start", how="left")
        cov.loc[at, "service_level_projected"] = here["sl"].to_numpy()
    return cov


def _deferred_run(name: str, cov: pd.DataFrame, req: pd.DataFrame, context: pd.DataFrame | None,
                  config: Config, agents_are: str) -> tuple[np.ndarray, dict] | None:
    """(interval starts, deferred_queue.within_expected arguments) of a deferred channel over its horizon, `wanted`
    the roster's span (the share of each slot's arrivals answered within target is read there)."""
    week = channel_rows(req[req["channel"] == name], config).get(name)
    if week is None:
        return None
    horizon = week
    if context is not None and (context["channel"] == name).any():
        ctx = context[context["channel"] == name]
        horizon = channel_rows(ctx.assign(interval_start=pd.to_datetime(ctx["interval_start"])), config)[name]
    ch = config.channel(name)
    interval_s = config.site.interval_s
    first, last = week["interval_start"].iloc[0], week["interval_start"].iloc[-1]
    in_span = ((horizon["interval_start"] >= first) & (horizon["interval_start"] <= last)).to_numpy()
    scheduled = horizon[["interval_start"]].merge(cov.loc[cov["channel"] == name, ["interval_start", "scheduled"]],
                                                  on="interval_start", how="left")["scheduled"].fillna(0).to_numpy(float)
    scheduled = np.floor(scheduled + 1e-9).astype(np.int64)
    roster = productive_agents(scheduled, config.roster_shrinkage(ch.name)) if agents_are == "scheduled" else scheduled
    agents = np.where(in_span, roster, horizon["agents_productive"].to_numpy(float)).astype(float)
    offered = horizon["offered"].to_numpy(float)
    aht = horizon["aht_s"].to_numpy(float)
    is_open = open_slots(config, name, horizon["interval_start"])
    carry = _carried_in(horizon, interval_s, ch.max_occupancy)
    # what waits at the start goes first (its age is not in the table)
    return horizon["interval_start"].to_numpy(), dict(
        agents=agents, offered=offered, aht_s=aht, answer_within_s=channel_models.answer_within_s(ch), open_mask=is_open,
        backlog_clear_s=backlog_clear_s(config), wanted=in_span, waiting=carry)


def _carried_in(rows: pd.DataFrame, interval_s: float, max_occupancy: float) -> float:
    """Contacts waiting before the first row, from its planned backlog at slot end (0 without a backlog column)."""
    if "backlog" not in rows.columns or len(rows) == 0 or not np.isfinite(rows["backlog"].iloc[0]):
        return 0.0
    waiting = float(rows["backlog"].iloc[0])
    if waiting <= 1e-9:
        return 0.0  # the first slot cleared everything: whatever was carried in did not hold anyone up
    capacity = float(rows["agents_productive"].iloc[0]) * interval_s * max_occupancy / float(rows["aht_s"].iloc[0])
    return max(waiting + capacity - float(rows["offered"].iloc[0]), 0.0)
