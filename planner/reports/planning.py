"""KPIs that compare actuals with the plan: forecast accuracy, required vs scheduled agents, projected SL, cost."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import Config


def forecast_accuracy(actual_sums: pd.DataFrame, forecast: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-channel WAPE and bias over overlapping slots, per-day actual vs forecast); both empty when they do not overlap."""
    f = pd.DataFrame({
        "interval_start": pd.to_datetime(forecast["interval_start"]),
        "channel": forecast["channel"].astype(str),
        "forecast": pd.to_numeric(forecast["offered"]).astype(float),
    }).groupby(["interval_start", "channel"], as_index=False)["forecast"].sum()
    lo, hi = actual_sums["interval_start"].min(), actual_sums["interval_start"].max()
    f = f[(f["interval_start"] >= lo) & (f["interval_start"] <= hi) & f["channel"].isin(actual_sums["channel"].unique())]
    if f.empty:
        return pd.DataFrame(columns=["channel", "slots", "actual", "forecast", "wape", "bias"]), pd.DataFrame(
            columns=["date", "channel", "actual", "forecast"])
    a = actual_sums[["interval_start", "channel", "offered"]].rename(columns={"offered": "actual"})
    m = f.merge(a, on=["interval_start", "channel"], how="left").fillna({"actual": 0.0})
    m["abs_error"] = (m["forecast"] - m["actual"]).abs()
    acc = m.groupby("channel", as_index=False).agg(slots=("actual", "size"), actual=("actual", "sum"),
                                                   forecast=("forecast", "sum"), abs_error=("abs_error", "sum"))
    total = acc[["slots", "actual", "forecast", "abs_error"]].sum().to_frame().T.assign(channel="all")
    acc = pd.concat([acc, total], ignore_index=True)
    denom = acc["actual"].where(acc["actual"] > 0)
    acc["wape"] = acc["abs_error"] / denom
    acc["bias"] = (acc["forecast"] - acc["actual"]) / denom
    daily = m.assign(date=m["interval_start"].dt.normalize()).groupby(["date", "channel"], as_index=False)[
        ["actual", "forecast"]].sum()
    return acc.drop(columns="abs_error")[["channel", "slots", "actual", "forecast", "wape", "bias"]], daily


def coverage_daily(coverage: pd.DataFrame, forecast: pd.DataFrame | None) -> pd.DataFrame:
    """Per day and channel: required and scheduled agent-hours, short agent-hours and projected SL weighted by arrivals.

    Arrivals come from the coverage's own `offered` column, else from the forecast; a day with a projected slot whose
    arrivals neither gives has no projected SL (weighting by required agents would drop closed-hour arrivals).
    """
    c = _weighted(coverage, forecast)
    c["date"] = c["interval_start"].dt.normalize()
    slot_h = _slot_hours(c["interval_start"])
    c["required_h"] = c["required"].astype(float) * slot_h
    c["scheduled_h"] = c["scheduled"].astype(float) * slot_h
    c["short_h"] = (c["required"].astype(float) - c["scheduled"].astype(float)).clip(lower=0) * slot_h
    columns = ["required_h", "scheduled_h", "short_h", "sl_w", "w_known", "w_missing"]
    day = c.groupby(["date", "channel"], as_index=False)[columns].sum()
    return _projected_sl(day, "service_level_projected" in c.columns)


def coverage_weekly(coverage: pd.DataFrame, forecast: pd.DataFrame | None,
                    week_floors: dict | None = None) -> pd.DataFrame:
    """Per roster week (Monday) and channel, and for all channels: required and short agent-slots, the week's LP floor
    on its shortfall (the 'all' rows, when known) and the projected SL weighted by arrivals (as coverage_daily).
    Weeks with nothing required (the spill-over day after the horizon) are left out."""
    c = _weighted(coverage, forecast)
    c["week"] = (c["interval_start"] - pd.to_timedelta(c["interval_start"].dt.weekday, unit="D")).dt.normalize()
    c["required_slots"] = c["required"].astype(float)
    c["shortfall_slots"] = (c["required"].astype(float) - c["scheduled"].astype(float)).clip(lower=0)
    columns = ["required_slots", "shortfall_slots", "sl_w", "w_known", "w_missing"]
    per_channel = c.groupby(["week", "channel"], as_index=False)[columns].sum()
    total = c.groupby("week", as_index=False)[columns].sum().assign(channel="all")
    weeks = _projected_sl(pd.concat([per_channel, total], ignore_index=True), "service_level_projected" in c.columns)
    floors = {pd.Timestamp(k): float(v) for k, v in (week_floors or {}).items()}
    weeks["lp_floor_slots"] = [floors.get(w, np.nan) if ch == "all" else np.nan
                               for w, ch in zip(weeks["week"], weeks["channel"], strict=True)]
    required = weeks[weeks["channel"] == "all"].set_index("week")["required_slots"]
    weeks = weeks[weeks["week"].map(required) > 0].sort_values(["week", "channel"], key=lambda s: s.eq("all")
                                                               if s.name == "channel" else s, kind="stable")
    return weeks[["week", "channel", "required_slots", "shortfall_slots", "lp_floor_slots",
                  "service_level_projected"]].reset_index(drop=True)


def _weighted(coverage: pd.DataFrame, forecast: pd.DataFrame | None) -> pd.DataFrame:
    """Coverage rows with their arrivals as `weight` and the SL-weighting helper columns sl_w, w_known, w_missing."""
    c = coverage.copy()
    c["interval_start"] = pd.to_datetime(c["interval_start"])
    c["channel"] = c["channel"].astype(str)
    if "offered" in c.columns:
        c["weight"] = pd.to_numeric(c["offered"], errors="coerce").astype(float)
    elif forecast is not None and len(forecast):
        w = forecast[["interval_start", "channel", "offered"]].copy()
        w["interval_start"] = pd.to_datetime(w["interval_start"])
        w["channel"] = w["channel"].astype(str)
        w = w.groupby(["interval_start", "channel"], as_index=False)["offered"].sum()
        c = c.merge(w.rename(columns={"offered": "weight"}), on=["interval_start", "channel"], how="left")
    else:
        c["weight"] = np.nan
    if "service_level_projected" in c.columns:
        sl = pd.to_numeric(c["service_level_projected"], errors="coerce")
        c["sl_w"] = (sl * c["weight"]).where(sl.notna(), 0.0)
        c["w_known"] = c["weight"].where(sl.notna(), 0.0)
        c["w_missing"] = (sl.notna() & c["weight"].isna()).astype(int)
    else:
        c["sl_w"] = c["w_known"] = c["w_missing"] = 0.0
    return c


def _projected_sl(groups: pd.DataFrame, has_sl: bool) -> pd.DataFrame:
    """Summed groups with their arrival-weighted projected SL (NaN where some projected slot lacks arrivals)."""
    known = groups["w_known"].where((groups["w_known"] > 0) & (groups["w_missing"] == 0))
    groups["service_level_projected"] = groups["sl_w"] / known if has_sl else np.nan
    return groups.drop(columns=["sl_w", "w_known", "w_missing"])


def _slot_hours(times: pd.Series) -> float:
    steps = times.drop_duplicates().sort_values().diff().dropna()
    return steps.min().total_seconds() / 3600 if len(steps) else 0.25


COST_COLUMNS = ["basis", "channel", "dates", "paid_hours", "cost", "contacts", "cost_per_contact", "cost_per_contact_target",
                "target_status"]


def roster_costs(roster: pd.DataFrame, config: Config, agents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per roster row: date, paid_hours, the hourly rate (the agent's contract rate, else reports.cost_per_paid_hour) and cost.

    The rate is NaN where neither is known (no agents table or contract rate, and no flat rate).
    """
    flat = config.reports.cost_per_paid_hour
    contract_rate = {c.name: c.cost_per_paid_hour for c in config.contracts if c.cost_per_paid_hour is not None}
    rate = pd.Series(np.nan if flat is None else float(flat), index=roster.index)
    if agents is not None and len(agents) and contract_rate:
        contract_of = agents.drop_duplicates("agent_id").set_index(agents.drop_duplicates("agent_id")["agent_id"]
                                                                   .astype(str))["contract"].astype(str)
        by_contract = roster["agent_id"].astype(str).map(contract_of).map(contract_rate)
        rate = by_contract.astype(float).fillna(rate)
    paid = pd.to_numeric(roster["paid_hours"]).astype(float)
    return pd.DataFrame({"agent_id": roster["agent_id"].astype(str), "date": pd.to_datetime(roster["date"]).dt.normalize(),
                         "paid_hours": paid, "rate": rate, "cost": paid * rate})


def channel_shares(roster: pd.DataFrame, roster_slots: pd.DataFrame | None, config: Config) -> pd.DataFrame | None:
    """Share of each roster row's time per channel (columns = channels, index = roster rows), or None without channel data.

    From roster_slots (the row's slots on each channel, matched to the shift by agent and start time) when given,
    else split equally over the row's `channels` list.
    """
    from planner.scheduling.roster import typed_shifts  # the one roster reader: clock times, night shifts, offsets

    channels = config.channel_names
    if roster_slots is not None and len(roster_slots) and "shift_start" in roster.columns:
        typed = typed_shifts(roster, config)[0]
        shifts = pd.DataFrame({"row": roster.index, "agent_id": roster["agent_id"].astype(str),
                               "start": typed["shift_start"].to_numpy(), "end": typed["shift_end"].to_numpy()})
        shifts = shifts.dropna().sort_values("start")
        slots = roster_slots[roster_slots["activity"].astype(str).isin(channels)]
        slots = pd.DataFrame({"agent_id": slots["agent_id"].astype(str), "t": pd.to_datetime(slots["interval_start"]),
                              "channel": slots["activity"].astype(str)}).sort_values("t")
        matched = pd.merge_asof(slots, shifts, left_on="t", right_on="start", by="agent_id", direction="backward")
        matched = matched[matched["t"] < matched["end"]]
        if len(matched):
            counts = matched.groupby(["row", "channel"]).size().unstack(fill_value=0).reindex(columns=channels, fill_value=0)
            return counts.div(counts.sum(axis=1), axis=0).reindex(roster.index)
    if "channels" in roster.columns and roster["channels"].notna().any():
        lists = roster["channels"].map(lambda v: [c for c in (v if isinstance(v, list | tuple) else str(v).split(";"))
                                                  if c in channels] if isinstance(v, list | tuple) or pd.notna(v) else [])
        shares = pd.DataFrame(0.0, index=roster.index, columns=channels)
        for idx, names in lists.items():
            for name in names:
                shares.loc[idx, name] = 1 / len(names)
        return shares.where(shares.sum(axis=1) > 0)
    return None


def cost_per_contact(costs: pd.DataFrame, shares: pd.DataFrame | None, bases: list[tuple[str, pd.DataFrame]],
                     config: Config) -> pd.DataFrame:
    """Cost per contact per basis (label, contacts per date × channel) over the dates with both roster and contacts:
    one row per channel (when the roster says which channel each agent served) and an 'all' row, with the channel's
    cost_per_contact_target and whether it was met."""
    targets = {c.name: c.cost_per_contact_target for c in config.channels}
    per_date = costs.groupby("date")[["paid_hours", "cost"]].sum()
    by_channel = None
    if shares is not None:
        weighted = shares.fillna(0.0)
        by_channel = pd.concat({col: pd.DataFrame({"paid_hours": costs["paid_hours"] * weighted[col],
                                                   "cost": costs["cost"] * weighted[col], "date": costs["date"]})
                                for col in weighted.columns}, names=["channel"]).reset_index(level=0)
        by_channel = by_channel.groupby(["date", "channel"])[["paid_hours", "cost"]].sum()
    rows = []
    for basis, contacts in bases:
        dates = per_date.index.intersection(contacts.index)
        if not len(dates):
            continue
        if by_channel is not None:
            names = [c for c in config.channel_names if c in contacts.columns]
            for name in names + sorted(set(contacts.columns) - set(names)):
                part = by_channel[by_channel.index.get_level_values("channel") == name]
                part = part[part.index.get_level_values("date").isin(dates)]
                rows.append(_cost_row(basis, name, len(dates), part["paid_hours"].sum(), part["cost"].sum(),
                                      float(contacts.loc[dates, name].sum()), targets.get(name)))
        rows.append(_cost_row(basis, "all", len(dates), per_date.loc[dates, "paid_hours"].sum(),
                              per_date.loc[dates, "cost"].sum(), float(contacts.loc[dates].to_numpy().sum()), None))
    return pd.DataFrame(rows, columns=COST_COLUMNS)


def _cost_row(basis: str, channel: str, dates: int, hours: float, cost: float, contacts: float,
              target: float | None) -> dict:
    per = cost / contacts if contacts and np.isfinite(cost) else np.nan
    status = "" if target is None or not np.isfinite(per) else ("met" if per <= target else "missed")
    return {"basis": basis, "channel": channel, "dates": dates, "paid_hours": float(hours), "cost": float(cost),
            "contacts": contacts, "cost_per_contact": per,
            "cost_per_contact_target": np.nan if target is None else float(target), "target_status": status}


def contacts_by_date(frame: pd.DataFrame, time_column: str, value_column: str) -> pd.DataFrame:
    """Contacts per date (index) and channel (columns) from a per-slot table."""
    dates = pd.to_datetime(frame[time_column]).dt.normalize()
    values = pd.to_numeric(frame[value_column]).astype(float)
    return values.groupby([dates.rename("date"), frame["channel"].astype(str).rename("channel")]).sum().unstack(
        fill_value=0.0)


def forecast_daily(forecast: pd.DataFrame, daily: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecast offered per day and channel, with the daily interval of the daily forecast table where it has the day.

    Summed slot bounds are no interval of a day's total, so days the daily table lacks have no bounds.
    """
    f = forecast.copy()
    f["date"] = pd.to_datetime(f["interval_start"]).dt.normalize()
    out = f.groupby(["date", "channel"], as_index=False)[["offered"]].sum()
    if daily is None or daily.empty:
        return out
    d = daily.assign(date=pd.to_datetime(daily["date"]).dt.normalize())[["date", "channel", "offered_lo", "offered_hi"]]
    return out.merge(d, on=["date", "channel"], how="left")


