"""KPIs that compare actuals with the plan: forecast accuracy, required vs scheduled agents, projected SL, cost."""

from __future__ import annotations

import numpy as np
import pandas as pd


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
    """Per day and channel: required and scheduled agent-hours, short agent-hours and projected SL (offered-weighted)."""
    c = coverage.copy()
    c["interval_start"] = pd.to_datetime(c["interval_start"])
    c["channel"] = c["channel"].astype(str)
    if forecast is not None and len(forecast):
        w = forecast[["interval_start", "channel", "offered"]].copy()
        w["interval_start"] = pd.to_datetime(w["interval_start"])
        w["channel"] = w["channel"].astype(str)
        c = c.merge(w.rename(columns={"offered": "weight"}), on=["interval_start", "channel"], how="left")
    else:
        c["weight"] = np.nan
    c["weight"] = c["weight"].fillna(c["required"].astype(float))
    c["date"] = c["interval_start"].dt.normalize()
    slot_h = _slot_hours(c["interval_start"])
    c["required_h"] = c["required"].astype(float) * slot_h
    c["scheduled_h"] = c["scheduled"].astype(float) * slot_h
    c["short_h"] = (c["required"].astype(float) - c["scheduled"].astype(float)).clip(lower=0) * slot_h
    has_sl = "service_level_projected" in c.columns
    if has_sl:
        sl = pd.to_numeric(c["service_level_projected"], errors="coerce")
        c["sl_w"] = (sl * c["weight"]).where(sl.notna(), 0.0)
        c["w_known"] = c["weight"].where(sl.notna(), 0.0)
    else:
        c["sl_w"] = c["w_known"] = 0.0
    day = c.groupby(["date", "channel"], as_index=False)[["required_h", "scheduled_h", "short_h", "sl_w", "w_known"]].sum()
    day["service_level_projected"] = day["sl_w"] / day["w_known"].where(day["w_known"] > 0) if has_sl else np.nan
    return day.drop(columns=["sl_w", "w_known"])


def _slot_hours(times: pd.Series) -> float:
    steps = times.drop_duplicates().sort_values().diff().dropna()
    return steps.min().total_seconds() / 3600 if len(steps) else 0.25


def paid_hours_by_date(roster: pd.DataFrame) -> pd.Series:
    """Rostered paid hours per date."""
    dates = pd.to_datetime(roster["date"]).dt.normalize()
    return pd.to_numeric(roster["paid_hours"]).astype(float).groupby(dates).sum()


def cost_per_contact(roster: pd.DataFrame, cost_per_paid_hour: float, handled_by_date: pd.Series | None,
                     forecast: pd.DataFrame | None) -> pd.DataFrame:
    """Cost per handled contact on dates with both roster and contacts, and projected per forecast contact on roster dates."""
    paid = paid_hours_by_date(roster)
    bases = []
    if handled_by_date is not None and len(handled_by_date):
        bases.append(("actual (handled contacts)", handled_by_date.astype(float)))
    if forecast is not None and len(forecast):
        fdates = pd.to_datetime(forecast["interval_start"]).dt.normalize()
        bases.append(("projected (forecast contacts)", pd.to_numeric(forecast["offered"]).astype(float).groupby(fdates).sum()))
    rows = []
    for basis, contacts_by_date in bases:
        common = paid.index.intersection(contacts_by_date.index)
        if len(common):
            hours = paid.loc[common].sum()
            contacts = float(contacts_by_date.loc[common].sum())
            cost = hours * cost_per_paid_hour
            rows.append({"basis": basis, "dates": len(common), "paid_hours": hours, "cost": cost, "contacts": contacts,
                         "cost_per_contact": cost / contacts if contacts else np.nan})
    return pd.DataFrame(rows, columns=["basis", "dates", "paid_hours", "cost", "contacts", "cost_per_contact"])


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


