"""The reverse direction: agents per slot → projected service level, ASA, occupancy, abandon rate, backlog, late contacts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import Config
from planner.errors import DataError
from planner.staffing import channel_models, deferred
from planner.staffing.requirements import channel_rows
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
    service_level (deferred: share of the slot's arrivals answered within target), asa_s (deferred: mean response, s),
    occupancy, abandon_rate (Erlang A), backlog (deferred, contacts waiting at slot end), late_contacts (answered
    after target or abandoned; deferred: of the slot's arrivals).
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
            n = productive_agents(n, ch.shrinkage)
        offered = rows["offered"].to_numpy(float)
        aht = rows["aht_s"].to_numpy(float)
        nan = np.full(offered.size, np.nan)
        if ch.kind == "deferred":
            res = deferred.serve(n, offered, aht, interval_s, channel_models.answer_within_s(ch), ch.max_occupancy)
            with np.errstate(divide="ignore", invalid="ignore"):
                sl = np.where(offered > 0, res.within_target / offered, np.nan)
            cols = {"service_level": sl, "asa_s": res.response_s, "occupancy": res.occupancy, "abandon_rate": nan,
                    "backlog": res.backlog, "late_contacts": res.late}
        else:
            m = channel_models.immediate_measures(ch, n, offered, aht, interval_s)
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
