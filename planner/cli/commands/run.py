"""`planner run`: forecast → staff → schedule → outputs (and the KPI report) for one week of a configured site."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer

from planner.cli.commands.schedule import parse_week
from planner.cli.common import config_from, out, progress, styled, wrote
from planner.config import Config
from planner.errors import RequestError
from planner.pipeline import WeekPlan, history_end, holdout_forecast, next_monday, plan_week
from planner.run_files import SiteInputs, read_site_inputs, write_week_plan


def register(app: typer.Typer) -> None:
    """Add the run command to app."""
    app.command(
        help="Plan a week end to end from the config's inputs: forecast, staffing requirements, CP-SAT roster, "
        "coverage and KPI report, all written into one run folder.\n\n"
        "Example: planner run --config configs/demo.yaml --week 2026-11-23 --out runs/week-48"
    )(run)


def run(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history, agents, leave."),
    week: str | None = typer.Option(None, "--week", "-w", help="Monday of the roster week (default: the first Monday "
                                    "after the history ends)."),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="Run folder (default: runs/week-YYYY-MM-DD)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1,
                                            help="Solver wall time in seconds (default: the config's solver.time_limit_s)."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip report.html and kpis.xlsx."),
    verify: bool = typer.Option(False, "--verify", help="Re-check every hard rule of the roster independently; "
                                "exit 2 listing any violation."),
) -> None:
    """Run the whole weekly chain for a configured site."""
    cfg = config_from(config)
    chosen_week = parse_week(week) if week else None
    out(f"Reading the inputs of {cfg.site.name} …")
    report = not no_report
    with progress("Reading the site inputs"):
        inputs = read_site_inputs(cfg, with_contacts=report)
    week_start = chosen_week or next_monday(history_end(inputs.history))
    folder = out_dir or Path("runs") / f"week-{week_start}"
    plan = solve_week(cfg, inputs, week_start, model=model, time_limit_s=time_limit, verify=verify)
    with progress("Writing the roster files"):
        paths = write_week_plan(plan, cfg, inputs, folder)
    if report:
        paths.update(write_report(cfg, inputs, plan, folder))
    show_plan(plan, cfg)
    wrote(folder, f"({len(paths)} files: {', '.join(p.name for p in paths.values())})")


def solve_week(cfg: Config, inputs: SiteInputs, week_start: dt.date, *, model: str | None = None,
               time_limit_s: float | None = None, verify: bool = False) -> WeekPlan:
    """plan_week with a live solver display on the terminal, and the optional independent check."""
    from planner.cli.schedule_view import live_progress

    limit = float(time_limit_s if time_limit_s is not None else cfg.solver.time_limit_s)
    out(f"Forecasting, staffing and rostering the week of {week_start} (solver limit {limit:g} s) …")
    with live_progress(limit, description=f"Forecasting, staffing and rostering the week of {week_start}") as on_progress:
        plan = plan_week(cfg, inputs.history, inputs.agents, inputs.leave, week_start, previous_roster=inputs.previous_roster,
                         model=model, time_limit_s=limit, on_progress=on_progress)
    if verify:
        from planner.cli.commands.schedule import verify_roster

        verify_roster(plan.roster, cfg, inputs.agents, inputs.leave, plan.requirements, inputs.previous_roster,
                      week_start)
        out(styled(("Verified", "green"), ": no hard-rule violation found by the independent check."))
    return plan


def write_report(cfg: Config, inputs: SiteInputs, plan: WeekPlan, folder: Path, *,
                 capacity_plan: pd.DataFrame | None = None, leave_decisions: pd.DataFrame | None = None,
                 whatif_summary: pd.DataFrame | None = None, whatif_href: str | None = None) -> dict[str, Path]:
    """report.html and kpis.xlsx from the site's contacts/history and the week plan (and a leave section when given
    the capacity plan and the leave decisions)."""
    from planner.reports import generate_report

    html, xlsx = folder / "report.html", folder / "kpis.xlsx"
    try:  # forecast vs actual over the last four weeks, as the model would have forecast them
        forecast = pd.concat([holdout_forecast(cfg, inputs.history), plan.forecast], ignore_index=True)
    except RequestError:  # a history too short to hold four weeks out: the report says the section was skipped
        forecast = plan.forecast
    with progress("Building the KPI report"):
        generate_report(cfg, html, out_xlsx=xlsx, contacts=inputs.contacts, history=inputs.history, forecast=forecast,
                        coverage=plan.coverage, roster=plan.roster.roster, roster_slots=plan.roster.roster_slots,
                        agents=inputs.agents, forecast_daily=plan.forecast_daily, capacity_plan=capacity_plan,
                        leave_decisions=leave_decisions, whatif_summary=whatif_summary, whatif_href=whatif_href)
    return {"report": html, "kpis": xlsx}


def show_plan(plan: WeekPlan, cfg: Config) -> None:
    """The schedule summary tables (coverage per channel and day, solver result, soft-rule violations)."""
    from planner.cli.schedule_view import summary_renderable
    from planner.scheduling.outputs import daily_summary, violation_counts

    out(summary_renderable(plan.roster, plan.bound, daily_summary(plan.coverage, cfg, plan.requirements),
                           violation_counts(plan.roster)))
