"""Assemble every KPI table the inputs allow, and record which sections were skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.config.schema import AsaTarget, Config, ServiceLevelTarget
from planner.reports import breakdowns, fcr, kpis, occupancy, planning

SECTIONS = {
    "volumes": "Volumes, handled and abandon rates",
    "service": "Service level, ASA and handle time",
    "fcr": "First-contact resolution and repeat contacts",
    "contact_types": "Contact-type mix",
    "agents": "Per-agent handle time (coaching)",
    "occupancy": "Occupancy",
    "forecast_accuracy": "Forecast accuracy",
    "forecast": "Forecast",
    "coverage": "Required vs scheduled agents",
    "coverage_weekly": "Coverage per roster week",
    "projected_sl": "Projected service level per day",
    "cost": "Cost per contact",
}


# Abbreviations a column name spells in lower case that a header writes in capitals (lp_floor_slots: LP floor slots).
ACRONYMS = {"lp": "LP", "sl": "SL", "asa": "ASA", "aht": "AHT", "fcr": "FCR", "wape": "WAPE", "mase": "MASE",
            "kpi": "KPI", "fte": "FTE"}


def column_words(name: object) -> str:
    """A snake_case column name as words, abbreviations in capitals: 'lp_floor_slots' → 'LP floor slots'."""
    return " ".join(ACRONYMS.get(word, word) for word in str(name).split("_"))


@dataclass
class Report:
    """Every KPI table of a report (name → DataFrame), the sections skipped with their reason, and the inputs used."""

    config: Config
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    date_range: tuple[pd.Timestamp, pd.Timestamp] | None = None
    links: dict[str, str] = field(default_factory=dict)  # section → relative href of a companion page (whatif)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table called name, or None when its section was skipped."""
        return self.tables.get(name)


def build_report(
    config: Config,
    contacts: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    roster_slots: pd.DataFrame | None = None,
    sources: dict[str, str] | None = None,
    agents: pd.DataFrame | None = None,
    forecast_daily: pd.DataFrame | None = None,
    capacity_plan: pd.DataFrame | None = None,
    leave_decisions: pd.DataFrame | None = None,
    week_floors: dict | None = None,
) -> Report:
    """Compute every KPI table the given inputs allow (contacts and/or interval history, forecast, coverage, roster,
    and the leave section from a capacity plan and leave decisions: reports.leave).

    A coverage over several roster weeks also gives the per-week table (shortfall, each week's LP floor from
    `week_floors` {Monday: agent-slots} when known, projected SL per channel).

    Staffed time for occupancy comes from the history's staffed_agents (the past weeks), then from roster_slots
    (activity = channel) or else coverage `scheduled` (a planned week).
    Cost uses each agent's contract rate (agents table → contract → contracts[].cost_per_paid_hour), else the flat
    reports.cost_per_paid_hour.
    """
    report = Report(config=config, sources=dict(sources or {}))
    contacts = contacts if contacts is not None and len(contacts) else None
    history = history if history is not None and len(history) else None
    forecast = forecast if forecast is not None and len(forecast) else None
    coverage = coverage if coverage is not None and len(coverage) else None
    roster = roster if roster is not None and len(roster) else None
    roster_slots = roster_slots if roster_slots is not None and len(roster_slots) else None
    agents = agents if agents is not None and len(agents) else None
    t = report.tables

    outcomes = kpis.contact_outcomes(contacts, config) if contacts is not None else None
    contact_sums = kpis.contact_sums(contacts, config, outcomes) if contacts is not None else None
    hist_sums = kpis.history_sums(history, config) if history is not None else None
    sums = contact_sums if contact_sums is not None else hist_sums

    if sums is None or sums.empty:
        for key in ("volumes", "service", "fcr", "contact_types", "agents", "occupancy", "forecast_accuracy"):
            report.skipped[key] = "no contacts or history given"
    else:
        report.date_range = (sums["interval_start"].min(), sums["interval_start"].max())
        _volume_tables(report, sums, hist_sums if hist_sums is not None else sums)
    if contacts is not None:
        _contact_tables(report, contacts, outcomes)
    elif sums is not None:
        for key, what in (("fcr", "customer_id"), ("contact_types", "contact_type"), ("agents", "agent_id")):
            report.skipped[key] = f"needs contacts with {what} (only an interval history was given)"

    if forecast is not None:
        t["forecast_daily"] = planning.forecast_daily(forecast, forecast_daily)
        actual = next((s for s in (contact_sums, hist_sums) if s is not None and _overlaps(s, forecast)), None)
        if actual is None:
            report.skipped["forecast_accuracy"] = "the forecast does not overlap the actual contacts/history"
        else:
            t["forecast_accuracy"], t["forecast_vs_actual_daily"] = planning.forecast_accuracy(actual, forecast)
    else:
        report.skipped.setdefault("forecast_accuracy", "no forecast given")
        report.skipped["forecast"] = "no forecast given"

    if coverage is not None:
        t["coverage_slots"] = coverage.assign(interval_start=pd.to_datetime(coverage["interval_start"]))
        t["coverage_daily"] = planning.coverage_daily(coverage, forecast)
        weekly = planning.coverage_weekly(coverage, forecast, week_floors)
        if weekly["week"].nunique() > 1:
            t["coverage_weekly"] = weekly
        if t["coverage_daily"]["service_level_projected"].isna().all():
            has_sl = pd.to_numeric(coverage.get("service_level_projected", pd.Series(dtype=float)), errors="coerce")
            report.skipped["projected_sl"] = (
                "the coverage has no offered column and the forecast no arrivals for its slots (day figures weight "
                "slots by arrivals); give --forecast or a coverage.csv written by planner schedule"
                if has_sl.notna().any() else "the coverage has no service_level_projected values")
    else:
        report.skipped["coverage"] = "no coverage given"
        report.skipped["projected_sl"] = "no coverage given"
    _occupancy(report, outcomes, history, coverage, roster_slots)

    _cost(report, roster, roster_slots, agents, contact_sums if contact_sums is not None else hist_sums, forecast)

    from planner.reports.leave import leave_tables

    t.update(leave_tables(capacity_plan, leave_decisions))
    t["summary"] = summary_table(report)
    t["definitions"] = pd.DataFrame({"kpi": list(kpis.DEFINITIONS), "definition": list(kpis.DEFINITIONS.values())})
    t["skipped"] = pd.DataFrame({"section": [SECTIONS[k] for k in report.skipped], "reason": list(report.skipped.values())})
    return report


def _cost(report: Report, roster: pd.DataFrame | None, roster_slots: pd.DataFrame | None, agents: pd.DataFrame | None,
          actual_sums: pd.DataFrame | None, forecast: pd.DataFrame | None) -> None:
    config = report.config
    if roster is None:
        report.skipped["cost"] = "no roster given"
        return
    costs = planning.roster_costs(roster, config, agents)
    if costs["rate"].isna().any():
        missing = sorted({c.name for c in config.contracts if c.cost_per_paid_hour is None})
        why = ("no agents table (the contract of each agent)" if agents is None and any(
            c.cost_per_paid_hour is not None for c in config.contracts) else
            f"no rate for contract(s) {', '.join(missing) or 'of some agents'}")
        report.skipped["cost"] = (f"{why}: set contracts[].cost_per_paid_hour (with --agents) or the flat "
                                  "reports.cost_per_paid_hour in the config")
        return
    bases = []
    if actual_sums is not None and actual_sums["handled"].notna().any():
        bases.append(("actual (handled contacts)", planning.contacts_by_date(actual_sums, "interval_start", "handled")))
    if forecast is not None:
        bases.append(("projected (forecast contacts)", planning.contacts_by_date(forecast, "interval_start", "offered")))
    shares = planning.channel_shares(roster, roster_slots, config)
    cost = planning.cost_per_contact(costs, shares, bases, config)
    if cost.empty:
        report.skipped["cost"] = "the roster dates overlap neither the contacts nor the forecast"
    else:
        report.tables["cost"] = cost


def _occupancy(report: Report, outcomes: pd.DataFrame | None, history: pd.DataFrame | None, coverage: pd.DataFrame | None,
               roster_slots: pd.DataFrame | None) -> None:
    """Occupancy per day and channel: handled workload over staffed time (actual history staffing first, then the plan)."""
    config = report.config
    staffed = []
    if history is not None and "staffed_agents" in history.columns and history["staffed_agents"].notna().any():
        staffed.append(occupancy.staffed_from_history(history, config))
    if roster_slots is not None:
        staffed.append(occupancy.staffed_from_roster_slots(roster_slots, config))
    elif coverage is not None:
        staffed.append(occupancy.staffed_by_slot(coverage, config))
    if not staffed:
        report.skipped.setdefault("occupancy", "no staffed time: the history has no staffed_agents column, and no roster "
                                  "slots or coverage were given")
        return
    # a slot staffed in the history is what happened; a plan only fills slots the history does not have
    staffed_s = pd.concat(staffed, ignore_index=True).drop_duplicates(["interval_start", "channel"], keep="first")
    if outcomes is not None:
        workload = occupancy.workload_by_slot(outcomes, config)
        # only slots within the contacts' arrival window: work on contacts arriving later is not in the data
        bounds = (outcomes["interval_start"].min(), outcomes["interval_start"].max())
    elif history is not None and "aht_s" in history.columns:
        workload = occupancy.workload_from_history(history, config)
        bounds = (workload["interval_start"].min(), workload["interval_start"].max()) if len(workload) else None
    else:
        report.skipped.setdefault("occupancy", "needs contacts or a history with aht_s (handled workload) as well as "
                                  "staffed agents")
        return
    table = occupancy.occupancy_table(workload, staffed_s, "day", config, bounds)
    if table.empty:
        report.skipped["occupancy"] = "the staffed agents (history, roster slots or coverage) do not overlap the contacts"
    else:
        report.tables["occupancy_daily"] = table


def _overlaps(sums: pd.DataFrame, forecast: pd.DataFrame) -> bool:
    times = pd.to_datetime(forecast["interval_start"])
    return bool(((times >= sums["interval_start"].min()) & (times <= sums["interval_start"].max())).any())


def _volume_tables(report: Report, sums: pd.DataFrame, long_sums: pd.DataFrame) -> None:
    config, t = report.config, report.tables
    t["kpi_channel"] = kpis.channel_totals(sums, config)
    for period in ("slot", "hour", "day", "week", "month"):
        t[f"kpi_{period}"] = kpis.kpi_table(sums, period, config)
    hod = sums.assign(hour=sums["interval_start"].dt.hour).groupby(["hour", "channel"], as_index=False)[
        kpis.SUM_COLUMNS].sum(min_count=1)
    t["kpi_hour_of_day"] = kpis.ratios(hod)
    t["heatmap"] = breakdowns.weekday_hour_volume(sums)
    t["volume_week"] = kpis.kpi_table(long_sums, "week", config)[["period_start", "channel", "offered", "handled",
                                                                   "abandoned"]]
    t["channel_mix"] = breakdowns.channel_mix(sums, "week")
    if not t["kpi_channel"]["sl_counted"].fillna(0).any() and not t["kpi_channel"]["wait_n"].fillna(0).any():
        report.skipped["service"] = "no answer times in the data (answered_at / asa_s)"


def _contact_tables(report: Report, contacts: pd.DataFrame, outcomes: pd.DataFrame) -> None:
    config, t = report.config, report.tables
    table = fcr.fcr_table(contacts, config.reports.fcr_window_days, config.channel_names)
    if table.empty or not table["identified"].sum():
        report.skipped["fcr"] = "no customer_id in the contacts"
    else:
        t["fcr"] = table
    mix = breakdowns.contact_type_mix(contacts)
    if mix.empty:
        report.skipped["contact_types"] = "no contact_type column in the contacts"
    else:
        t["contact_type_mix"] = mix
    agents = breakdowns.agent_table(outcomes, contacts)
    if agents.empty:
        report.skipped["agents"] = "no agent_id in the contacts"
    else:
        t["agents"] = agents


def summary_table(report: Report) -> pd.DataFrame:
    """One row per channel: KPIs next to their targets, with status 'met' / 'missed' where a target applies."""
    config, t = report.config, report.tables
    base = t.get("kpi_channel")
    if base is None:
        return pd.DataFrame()
    rows = []
    fcr_t = t.get("fcr")
    occ = t.get("occupancy_daily")
    abandon_max = config.reports.abandon_rate_max
    for _, r in base.iterrows():
        name = r["channel"]
        row = {
            "channel": name, "target": kpis.target_text(config, name) if name != "all" else "",
            "offered": r["offered"], "handled": r["handled"], "handled_rate": r["handled_rate"],
            "abandoned": r["abandoned"], "abandon_rate": r["abandon_rate"], "abandon_scope": r["abandon_scope"],
            "abandon_rate_max": abandon_max,
            "abandon_status": _status(r["abandon_rate"], abandon_max, higher_is_better=False),
            "service_level": r["service_level"], "service_level_target": np.nan, "service_level_status": "",
            "asa_s": r["asa_s"], "asa_target_s": np.nan, "asa_status": "",
            "aht_s": r["aht_s"], "talk_s": r["talk_s"], "acw_s": r["acw_s"], "aht_plan_s": np.nan,
            "occupancy": np.nan, "occupancy_max": np.nan, "occupancy_status": "",
            "fcr_rate": np.nan, "contacts_per_resolution": np.nan, "repeat_rate": np.nan,
            "channel_share": r["channel_share"],
        }
        if name != "all" and name in config.channel_names:
            ch = config.channel(name)
            row["aht_plan_s"] = ch.aht_s
            row["occupancy_max"] = ch.max_occupancy
            if isinstance(ch.target, ServiceLevelTarget):
                row["service_level_target"] = ch.target.service_level
                row["service_level_status"] = _status(r["service_level"], ch.target.service_level, True)
            elif isinstance(ch.target, AsaTarget):
                row["asa_target_s"] = ch.target.asa_s
                row["asa_status"] = _status(r["asa_s"], ch.target.asa_s, False)
        if occ is not None:
            part = occ if name == "all" else occ[occ["channel"] == name]
            if part["staffed_s"].sum() > 0:
                row["occupancy"] = part["workload_s"].sum() / part["staffed_s"].sum()
                row["occupancy_status"] = _status(row["occupancy"], row["occupancy_max"], False)
        if fcr_t is not None and (fcr_t["channel"] == name).any():
            f = fcr_t[fcr_t["channel"] == name].iloc[0]
            row.update(fcr_rate=f["fcr_rate"], contacts_per_resolution=f["contacts_per_resolution"],
                       repeat_rate=f["repeat_rate"])
        rows.append(row)
    return pd.DataFrame(rows)


def _status(value: float, target: float | None, higher_is_better: bool) -> str:
    if target is None or value is None or not np.isfinite(target) or not np.isfinite(value):
        return ""
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "missed"
