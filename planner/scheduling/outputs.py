"""The roster's output tables and files: coverage with projected service level, agent summary, run summary."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd

from planner.config import Config
from planner.io.files import write_json, write_table
from planner.scheduling.bound import BoundResult
from planner.scheduling.result import RosterResult
from planner.scheduling.roster import typed_shifts, write_roster

AGENT_SUMMARY_COLUMNS = ["agent_id", "week_start", "contract", "paid_hours", "min_hours", "max_hours", "days_worked", "max_days",
                         "shortest_rest_h"]
COVERAGE_COLUMNS = ["interval_start", "channel", "required", "scheduled", "gap", "service_level_projected", "offered"]
# Quality target of issue 5: shortfall within the LP bound plus this share of all required agent-slots.
QUALITY_SLACK = 0.01


def agent_summary(result: RosterResult, config: Config, agents_df: pd.DataFrame,
                  previous_roster: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per agent and roster week (the contract's limits are weekly): paid hours and days worked against the
    contract, and the shortest rest before or between the week's shifts (hours, across the previous roster)."""
    roster = result.roster.rename(columns={"shift_start": "_start", "shift_end": "_end"})
    if previous_roster is not None and not previous_roster.empty:
        prev = typed_shifts(previous_roster, config)[0].rename(columns={"shift_start": "_start", "shift_end": "_end"})
        rest_source = pd.concat([prev[["agent_id", "_start", "_end"]], roster[["agent_id", "_start", "_end"]]])
    else:
        rest_source = roster[["agent_id", "_start", "_end"]]
    weeks = _roster_weeks(result)
    day = pd.to_datetime(roster["date"]).dt.date
    rows = []
    for _, agent in agents_df.sort_values("agent_id").iterrows():
        agent_id = str(agent["agent_id"])
        contract = config.contract(str(agent["contract"]))
        mine = roster["agent_id"].astype(str) == agent_id
        shifts = rest_source[rest_source["agent_id"].astype(str) == agent_id].sort_values("_start")
        rests = (shifts["_start"].iloc[1:].to_numpy() - shifts["_end"].iloc[:-1].to_numpy()) / np.timedelta64(1, "h")
        rest_at = shifts["_start"].iloc[1:].to_numpy()  # each rest belongs to the week of the shift it ends before
        for first in weeks:
            in_week = mine & (day >= first) & (day < first + dt.timedelta(days=7))
            own = roster[in_week]
            lo, hi = np.datetime64(first), np.datetime64(first + dt.timedelta(days=7))
            week_rests = rests[(rest_at >= lo) & (rest_at < hi)] if len(rests) else rests
            rows.append({
                "agent_id": agent_id,
                "week_start": first.isoformat(),
                "contract": contract.name,
                "paid_hours": round(float(pd.to_numeric(own["paid_hours"]).sum()), 2),
                "min_hours": contract.weekly_hours_min,
                "max_hours": contract.weekly_hours_max,
                "days_worked": int(own["date"].astype(str).nunique()),
                "max_days": contract.days_per_week_max,
                "shortest_rest_h": round(float(week_rests.min()), 2) if len(week_rests) else math.nan,
            })
    return pd.DataFrame(rows, columns=AGENT_SUMMARY_COLUMNS)


def _roster_weeks(result: RosterResult) -> list[dt.date]:
    """The first day of each roster week: from the coverage's first slot (the roster's horizon), else its shifts."""
    stamps = result.coverage["interval_start"] if not result.coverage.empty else result.roster["date"]
    times = pd.to_datetime(stamps)
    if times.empty:
        return []
    first, last = times.min().date(), times.max().date()
    return [first + dt.timedelta(days=7 * k) for k in range((last - first).days // 7 + 1)]


def coverage_with_service_level(result: RosterResult, config: Config, requirements_df: pd.DataFrame,
                                required_column: str = "agents_required", context: pd.DataFrame | None = None) -> pd.DataFrame:
    """Coverage per slot and channel with the service level projected at the scheduled agents (staffing.projected_coverage;
    `context`: the plan's requirements beyond the roster week, whose backlog the deferred channels carry across it)."""
    from planner.staffing import projected_coverage  # the staffing area's reverse function

    # The roster counts agents on a channel; when the requirement includes shrinkage, the queueing model
    # sees only the productive share of them (the projection takes the shrinkage off).
    agents_are = "scheduled" if required_column == "agents_required" else "productive"
    coverage = projected_coverage(result.coverage, requirements_df, config, agents_are=agents_are, context=context)
    return coverage[COVERAGE_COLUMNS]


def daily_summary(coverage: pd.DataFrame, config: Config, requirements_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per channel and day: required and scheduled agent-hours, shortfall agent-hours, offered-weighted projected SL."""
    slot_h = config.site.slot_minutes / 60
    frame = coverage.copy()
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["date"] = frame["interval_start"].dt.date
    frame["short"] = (frame["required"] - frame["scheduled"]).clip(lower=0)
    weights = pd.Series(1.0, index=frame.index)
    if "offered" in frame.columns:
        weights = frame["offered"].astype(float).fillna(0)
    elif requirements_df is not None and "offered" in requirements_df.columns:
        offered = requirements_df.assign(interval_start=pd.to_datetime(requirements_df["interval_start"]))
        weights = frame.merge(offered[["interval_start", "channel", "offered"]], on=["interval_start", "channel"],
                              how="left")["offered"].fillna(0).set_axis(frame.index)
    sl = frame.get("service_level_projected", pd.Series(np.nan, index=frame.index))
    frame["_w"] = weights.where(sl.notna(), 0)
    frame["_wsl"] = (sl.fillna(0) * frame["_w"])
    grouped = frame.groupby(["channel", "date"], sort=False)
    out = pd.DataFrame({
        "required_h": grouped["required"].sum() * slot_h,
        "scheduled_h": grouped["scheduled"].sum() * slot_h,
        "shortfall_h": grouped["short"].sum() * slot_h,
        "service_level_projected": grouped["_wsl"].sum() / grouped["_w"].sum().replace(0, np.nan),
    }).reset_index()
    order = {c: i for i, c in enumerate(config.channel_names)}
    return out.sort_values(["channel", "date"], key=lambda s: s.map(order) if s.name == "channel" else s).reset_index(drop=True)


def violation_counts(result: RosterResult) -> dict[str, int]:
    """Number of soft-rule violations per rule name."""
    if result.violations is None or result.violations.empty:
        return {}
    counts = result.violations.groupby("rule").size()
    return {str(rule): int(n) for rule, n in counts.items()}


def schedule_summary(result: RosterResult, bound: BoundResult | None = None, week_start: dt.date | None = None) -> dict:
    """The run summary of schedule_summary.json: status, objective and bounds, shortfall per channel, rules."""
    shortfall = {c: int(v) for c, v in result.shortfall_agent_slots.items()}
    overstaff = {c: int(v) for c, v in result.overstaff_agent_slots.items()}
    summary = {
        "week_start": None if week_start is None else week_start.isoformat(),
        "status": result.status,
        "objective": result.objective,
        "lower_bound": result.best_bound,
        "gap": round(result.gap, 6),
        "shortfall_agent_slots": {"total": sum(shortfall.values()), **shortfall},
        "overstaff_agent_slots": {"total": sum(overstaff.values()), **overstaff},
        "late_contacts": round(float(result.late_contacts), 3),
        "solve_s": round(float(result.solve_s), 3),
        "rules_applied": list(result.rules_applied),
        "soft_rule_violations": violation_counts(result),
        "objective_terms": dict(result.objective_terms),
        "solver": {"plan": None if result.solve_plan is None else result.solve_plan.as_dict(),
                   "phases": [p.as_dict() for p in result.phases],
                   "wall_cut": [p.name for p in result.phases if p.stopped_by == "wall_cap"]},
    }
    if "required" in result.coverage.columns:
        required = result.coverage.groupby("channel")["required"].sum()
        summary["required_agent_slots"] = {"total": float(required.sum()), **{str(c): float(v) for c, v in required.items()}}
    if bound is not None:
        total_short = summary["shortfall_agent_slots"]["total"]
        limit = bound.total + QUALITY_SLACK * bound.required_total
        summary["lp_bound"] = bound.as_dict()
        summary["shortfall_above_lp_bound_agent_slots"] = total_short - bound.total
        summary["within_lp_bound_plus_1pct"] = bool(total_short <= limit + 1e-9)
    return summary


def write_outputs(result: RosterResult, config: Config, agents_df: pd.DataFrame, requirements_df: pd.DataFrame,
                  out_dir: str | Path, *, bound: BoundResult | None = None, week_start: dt.date | None = None,
                  previous_roster: pd.DataFrame | None = None, required_column: str = "agents_required",
                  coverage: pd.DataFrame | None = None, summary_extra: dict | None = None) -> dict[str, Path]:
    """Write roster.csv, breaks.csv, roster_slots.csv, coverage.csv, agent_summary.csv, schedule_summary.json (with
    summary_extra's keys added), roster.xlsx."""
    from planner.scheduling.xlsx import write_roster_xlsx

    out = Path(out_dir)
    if coverage is None:
        coverage = coverage_with_service_level(result, config, requirements_df, required_column)
    summary_df = agent_summary(result, config, agents_df, previous_roster)
    paths = {
        **write_roster(result.tables(), out),
        "coverage": write_table(coverage, out / "coverage.csv"),
        "agent_summary": write_table(summary_df, out / "agent_summary.csv"),
        "schedule_summary": write_json({**schedule_summary(result, bound, week_start), **(summary_extra or {})},
                                       out / "schedule_summary.json"),
    }
    paths["roster_xlsx"] = write_roster_xlsx(result, config, agents_df, coverage, out / "roster.xlsx", week_start=week_start)
    return paths
