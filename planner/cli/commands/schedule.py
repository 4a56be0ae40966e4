"""`planner schedule`: roster named agents for a week against a requirements table, and write the run folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer

from planner.cli.common import config_from, input_or_config, out, styled, warn, wrote
from planner.errors import ConfigError, PlannerError, RequestError

HELP = (
    "Roster named agents for a week (CP-SAT): shifts, breaks, skills, contracts, labour rules and leave.\n\n"
    "Writes roster.csv, breaks.csv, roster_slots.csv, coverage.csv, agent_summary.csv, schedule_summary.json and roster.xlsx "
    "into --out, and prints coverage per channel and day with the LP lower bound on the shortfall.\n\n"
    "Example: planner schedule --config configs/demo.yaml --requirements runs/demo/requirements.csv "
    "--week 2026-11-23 --out runs/demo"
)


class RosterCheckError(PlannerError):
    """The independent check found hard-rule violations in the roster (--verify)."""


def register(app: typer.Typer) -> None:
    """Add the schedule command to app."""
    app.command(help=HELP)(schedule)


def parse_week(text: str) -> dt.date:
    """The Monday a week starts on, from YYYY-MM-DD."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"--week {text!r} is not a date; give YYYY-MM-DD, for example 2026-11-23") from None
    if day.weekday() != 0:
        monday = day - dt.timedelta(days=day.weekday())
        raise RequestError(f"--week {day} is a {day:%A}; a roster week starts on a Monday (for example {monday})")
    return day


def check_week_covered(requirements_df: pd.DataFrame, week_start: dt.date, path: Path) -> None:
    """Refuse a week the requirements do not reach at all; warn naming the days of the week they leave out."""
    days = pd.to_datetime(requirements_df["interval_start"]).dt.date
    week = [week_start + dt.timedelta(days=d) for d in range(7)]
    if days.empty:
        raise RequestError(f"{path} has no requirement rows; write it with planner staff for the week of {week_start}")
    span = f"{days.min()} to {days.max()}"
    covered = set(days)
    missing = [day for day in week if day not in covered]
    if len(missing) == len(week):
        raise RequestError(f"{path} covers {span}, not the week of {week_start}; give --week a Monday in that range "
                           "or write requirements for the week with planner staff")
    if missing:
        warn(f"{path} covers {span}; {', '.join(f'{d:%a %d %b}' for d in missing)} of the week of {week_start} "
             "have no requirement rows and are rostered as if no agent were needed")


def week_rows(requirements_df: pd.DataFrame, week_start: dt.date) -> pd.DataFrame:
    """The requirement rows of the 7 days from week_start."""
    times = pd.to_datetime(requirements_df["interval_start"])
    start = pd.Timestamp(week_start)
    return requirements_df[(times >= start) & (times < start + pd.Timedelta(days=7))].reset_index(drop=True)


def schedule(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
    requirements: Path = typer.Option(..., "--requirements", "-r", help="Requirements table (planner staff output)."),
    week: str = typer.Option(..., "--week", "-w", help="Monday the roster week starts on (YYYY-MM-DD)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Run folder to write the roster files into."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents table (default: the config's inputs.agents)."),
    leave: Path | None = typer.Option(None, "--leave", "-l", help="Leave table (default: the config's inputs.leave)."),
    previous_roster: Path | None = typer.Option(None, "--previous-roster", "-p",
                                                help="Last week's roster.csv (rest and consecutive days across the boundary)."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1, help="Solver wall time in seconds "
                                            "(default: the config's solver.time_limit_s)."),
    verify: bool = typer.Option(False, "--verify", help="Re-check every hard rule on the roster independently; "
                                "exit 2 listing any violation (nothing is written then)."),
    no_bound: bool = typer.Option(False, "--no-bound", help="Skip the LP lower bound on the shortfall (faster)."),
) -> None:
    """Solve the roster, write the run folder and print the summary."""
    from planner.io.tables import read_agents, read_leave, read_requirements, read_roster_table
    from planner.run_files import check_previous_roster
    from planner.scheduling.bound import shortfall_lower_bound
    from planner.scheduling.outputs import coverage_with_service_level, daily_summary, violation_counts, write_outputs
    from planner.scheduling.solve import solve_roster

    week_start = parse_week(week)
    cfg = config_from(config)
    agents_path = input_or_config(agents, cfg, "agents")
    if agents_path is None:
        raise ConfigError("no agents table: give --agents A or set inputs.agents in the config")
    leave_path = input_or_config(leave, cfg, "leave")
    previous_path = input_or_config(previous_roster, cfg, "previous_roster")
    req_file = read_requirements(requirements, cfg)
    check_week_covered(req_file, week_start, requirements)
    req_df = week_rows(req_file, week_start)
    agents_df = read_agents(agents_path, cfg)
    leave_df = read_leave(leave_path, agents_df) if leave_path is not None else None
    previous_df = read_roster_table(previous_path, cfg) if previous_path is not None else None
    previous_df, trimmed = check_previous_roster(previous_df, previous_path, week_start)
    if trimmed:
        out(trimmed)

    from planner.cli.schedule_view import live_progress, summary_renderable

    limit = float(time_limit if time_limit is not None else cfg.solver.time_limit_s)
    with live_progress(limit) as on_progress:
        result = solve_roster(cfg, req_df, agents_df, leave_df, week_start, previous_roster=previous_df,
                              on_progress=on_progress, time_limit_s=limit)
    if verify:
        verify_roster(result, cfg, agents_df, leave_df, req_df, previous_df, week_start)
    lp = shortfall_lower_bound(cfg, req_df, agents_df, leave_df, week_start) if not no_bound else None
    # the rest of the file is the deferred channels' warm-up and cool-down, as in planner run
    coverage = coverage_with_service_level(result, cfg, req_df, context=req_file)
    paths = write_outputs(result, cfg, agents_df, req_df, out_dir, bound=lp, week_start=week_start,
                          previous_roster=previous_df, coverage=coverage)
    out(summary_renderable(result, lp, daily_summary(coverage, cfg, req_df), violation_counts(result)))
    if verify:
        out(styled(("Verified", "green"), ": no hard-rule violation found by the independent check."))
    wrote(", ".join(p.name for p in paths.values()), f"to {out_dir}")


def verify_roster(result, cfg, agents_df, leave_df, req_df, previous_df, week_start: dt.date | None = None) -> None:
    """Run the independent checker; raise RosterCheckError listing every violation."""
    from planner.scheduling import check

    problems = check.check_roster(result, cfg, agents_df, leave_df, req_df, previous_roster=previous_df, week_start=week_start)
    if problems:
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise RosterCheckError(f"the roster breaks {len(problems)} hard rule(s); nothing was written:\n{shown}{more}")
