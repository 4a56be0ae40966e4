"""`planner run`: forecast → staff → schedule → outputs (and the KPI report) for one to four weeks of a configured site,
rolling on from the previous week's run folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer

from planner.cli.commands.schedule import parse_week
from planner.cli.common import config_from, out, progress, styled, wrote
from planner.config import Config
from planner.errors import RequestError
from planner.pipeline import WeekPlan, check_week, history_end, holdout_forecast, next_monday, plan_week
from planner.run_files import (
    RUNS_ROOT,
    SiteInputs,
    check_previous_roster,
    find_previous_roster,
    read_site_inputs,
    run_folder,
    write_week_plan,
)
from planner.scheduling.instance import MAX_WEEKS


def register(app: typer.Typer) -> None:
    """Add the run command to app."""
    app.command(
        help="Plan a week end to end from the config's inputs: forecast, staffing requirements, CP-SAT roster, "
        "coverage and KPI report, all written into one run folder.\n\n"
        "Rolling weeks: the roster of the run folder of an earlier week (runs/week-YYYY-MM-DD beside --out, one to four "
        "weeks back) carries minimum rest and maximum consecutive days across the boundary; --previous-roster names "
        "one, --no-previous starts afresh. --weeks 2 to 4 rosters consecutive weeks in one solve.\n\n"
        "Example: planner run --config configs/demo.yaml --week 2026-11-30 --out runs/week-2026-11-30"
    )(run)


def run(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history, agents, leave."),
    week: str | None = typer.Option(None, "--week", "-w", help="Monday of the roster week (default: the first Monday "
                                    "after the history ends)."),
    out_dir: Path | None = typer.Option(None, "--out", "-o", help="Run folder (default: runs/week-YYYY-MM-DD)."),
    weeks: int = typer.Option(1, "--weeks", min=1, max=MAX_WEEKS, help="Consecutive weeks to roster in one solve "
                              f"(1 to {MAX_WEEKS}); the run folder holds them all."),
    previous_roster: Path | None = typer.Option(None, "--previous-roster", "-p", help="The roster.csv the weeks follow "
                                                "(default: the config's inputs.previous_roster, else the run folder of "
                                                "an earlier week beside --out)."),
    no_previous: bool = typer.Option(False, "--no-previous", help="Use no previous roster: the first week starts with "
                                     "no rest or consecutive-day history."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents table (default: the config's inputs.agents)."),
    leave: Path | None = typer.Option(None, "--leave", "-l", help="Leave table (default: the config's inputs.leave)."),
    history: Path | None = typer.Option(None, "--history", help="Interval history (default: the config's inputs.history)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1,
                                            help="Solver wall time in seconds (default: the config's solver.time_limit_s)."),
    no_report: bool = typer.Option(False, "--no-report", help="Skip report.html and kpis.xlsx."),
    verify: bool = typer.Option(False, "--verify", help="Re-check every hard rule of the roster independently; "
                                "exit 2 listing any violation."),
) -> None:
    """Run the whole weekly chain for a configured site."""
    if previous_roster is not None and no_previous:
        raise RequestError("--previous-roster and --no-previous contradict each other; give one of them")
    cfg = config_from(config)
    chosen_week = parse_week(week) if week else None
    out(f"Reading the inputs of {cfg.site.name} …")
    report = not no_report
    overrides: dict[str, Path | None] = {k: v for k, v in (("history", history), ("agents", agents), ("leave", leave))
                                         if v is not None}
    if previous_roster is not None or no_previous:
        overrides["previous_roster"] = previous_roster
    with progress("Reading the site inputs"):
        inputs = read_site_inputs(cfg, with_contacts=report, overrides=overrides)
    week_start = chosen_week or next_monday(history_end(inputs.history))
    check_week(inputs.history, week_start)  # before anything is said about the week's previous roster
    root = out_dir.parent if out_dir is not None else RUNS_ROOT
    folder = out_dir or run_folder(root, week_start)
    if inputs.previous_path is None and not no_previous:
        looked = find_previous_roster(root, week_start)
        if looked is not None:
            from planner.io.tables import read_roster_table

            inputs.previous_roster, inputs.previous_path = read_roster_table(looked, cfg), looked
    inputs.previous_roster, trimmed = check_previous_roster(inputs.previous_roster,
                                                            inputs.previous_path or "the previous roster", week_start)
    say_previous(inputs, week_start, root, no_previous)
    if trimmed:
        out(trimmed)
    plan = solve_week(cfg, inputs, week_start, model=model, time_limit_s=time_limit, verify=verify, weeks=weeks)
    with progress("Writing the roster files"):
        paths = write_week_plan(plan, cfg, inputs, folder)
    if report:
        paths.update(write_report(cfg, inputs, plan, folder))
    show_plan(plan, cfg)
    wrote(folder, f"({len(paths)} files: {', '.join(p.name for p in paths.values())})")


def say_previous(inputs: SiteInputs, week_start: dt.date, root: Path, no_previous: bool) -> None:
    """Print which previous roster carries rest and consecutive days into the first week (or that none does)."""
    if inputs.previous_roster is not None and inputs.previous_path is not None:
        days = pd.to_datetime(inputs.previous_roster["date"])  # all before the week (check_previous_roster)
        last = f"its last day {days.max().date()}" if len(days) else "no shifts"
        out(f"Previous roster: {inputs.previous_path} ({last}); rest and consecutive days are carried into the week "
            f"of {week_start}.")
    elif no_previous:
        out(f"No previous roster (--no-previous): the week of {week_start} starts with no rest or consecutive-day history.")
    else:
        nearest = run_folder(root, week_start - dt.timedelta(days=7)) / "roster.csv"
        out(f"No previous roster found (looked for {nearest} and up to three weeks before it): the week of {week_start} "
            "starts with no rest or consecutive-day history.")


def solve_week(cfg: Config, inputs: SiteInputs, week_start: dt.date, *, model: str | None = None,
               time_limit_s: float | None = None, verify: bool = False, weeks: int = 1) -> WeekPlan:
    """plan_week with a live solver display on the terminal, and the optional independent check (which re-checks rest
    and consecutive days across the boundary with the previous roster)."""
    from planner.cli.schedule_view import live_progress

    limit = float(time_limit_s if time_limit_s is not None else cfg.solver.time_limit_s)
    what = f"the week of {week_start}" if weeks == 1 else f"the {weeks} weeks from {week_start}"
    out(f"Forecasting, staffing and rostering {what} (solver limit {limit:g} s) …")
    with live_progress(limit, description=f"Forecasting, staffing and rostering {what}") as on_progress:
        plan = plan_week(cfg, inputs.history, inputs.agents, inputs.leave, week_start, previous_roster=inputs.previous_roster,
                         model=model, time_limit_s=limit, on_progress=on_progress, weeks=weeks)
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
                        leave_decisions=leave_decisions, week_floors=plan.week_floors,
                        whatif_summary=whatif_summary, whatif_href=whatif_href)
    return {"report": html, "kpis": xlsx}


def show_plan(plan: WeekPlan, cfg: Config) -> None:
    """The schedule summary tables (coverage per channel and day, solver result, soft-rule violations)."""
    from planner.cli.schedule_view import summary_renderable
    from planner.scheduling.outputs import daily_summary, violation_counts

    out(summary_renderable(plan.roster, plan.bound, daily_summary(plan.coverage, cfg, plan.requirements),
                           violation_counts(plan.roster)))
