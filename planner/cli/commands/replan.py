"""`planner replan`: repair a published roster after absences, new leave or changed requirements, moving little."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from planner.cli.common import config_from, input_or_config, out, styled, wrote
from planner.errors import ConfigError, RequestError

HELP = (
    "Re-plan a published roster after changes, keeping every shift the repair does not need to move.\n\n"
    "--changes is a CSV with agent_id, date, kind (absent | leave | requirement), optional from, to (HH:MM window), "
    "channel, factor and note. Each changed agent-day costs solver.weights.changed_shift (or --change-cost). "
    "Writes the run folder of planner schedule plus changes.csv (what moved and why) and replan_summary.json into --out.\n\n"
    "Example: planner replan --config configs/demo.yaml --roster runs/demo/roster.csv --changes changes.csv "
    "--out runs/replan"
)


def register(app: typer.Typer) -> None:
    """Add the replan command to app."""
    app.command(help=HELP)(replan)


def replan(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
    roster: Path = typer.Option(..., "--roster", "-R", help="Published roster.csv (roster_slots.csv beside it)."),
    changes: Path = typer.Option(..., "--changes", "-x", help="Changes file (CSV): absences, leave, requirement factors."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Run folder to write the new roster and changes.csv into."),
    requirements: Path | None = typer.Option(None, "--requirements", "-r",
                                             help="Requirements table (default: requirements.csv beside the roster)."),
    agents: Path | None = typer.Option(None, "--agents", "-a", help="Agents table (default: the config's inputs.agents)."),
    leave: Path | None = typer.Option(None, "--leave", "-l", help="Leave table (default: the config's inputs.leave)."),
    change_cost: float | None = typer.Option(None, "--change-cost", min=0, help="Cost per changed agent-day "
                                             "(default: the config's solver.weights.changed_shift)."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1, help="Solver wall time in seconds "
                                            "(default: the config's solver.time_limit_s)."),
    verify: bool = typer.Option(False, "--verify", help="Re-check every hard rule on the new roster independently; "
                                "exit 2 listing any violation (nothing is written then)."),
) -> None:
    """Re-plan the roster, write the run folder and changes.csv, and print what moved."""
    from planner.cli.commands.schedule import verify_roster, week_rows
    from planner.cli.schedule_view import live_progress
    from planner.io.files import write_json, write_table
    from planner.io.tables import read_agents, read_changes, read_leave, read_requirements, read_roster_slots, read_roster_table
    from planner.scheduling.outputs import coverage_with_service_level, write_outputs
    from planner.scheduling.replan import changes_from, replan_roster, with_change_cost

    cfg = with_change_cost(config_from(config), change_cost)
    agents_path = input_or_config(agents, cfg, "agents")
    if agents_path is None:
        raise ConfigError("no agents table: give --agents A or set inputs.agents in the config")
    leave_path = input_or_config(leave, cfg, "leave")
    folder = roster.parent
    slots_path = folder / "roster_slots.csv"
    req_path = requirements if requirements is not None else folder / "requirements.csv"
    if not roster.is_file():
        raise RequestError(f"{roster} not found: give --roster the roster.csv of a published run folder "
                           "(planner schedule --out or planner run)")
    if requirements is not None and not requirements.is_file():
        raise RequestError(f"{requirements} not found: give --requirements an existing requirements table")
    for path, what in ((slots_path, "roster_slots.csv"), (req_path, "requirements.csv")):
        if not path.exists():
            raise RequestError(f"{path} not found: planner replan reads the run folder of the published roster {roster}; "
                               f"its {what} must be beside it" +
                               (", or give --requirements" if what == "requirements.csv" else ""))
    published = read_roster_table(roster, cfg)
    if published.empty:
        raise RequestError(f"{roster} has no shifts; nothing to re-plan")
    first = min(pd.Timestamp(d).date() for d in published["date"])
    week_start = first - dt.timedelta(days=first.weekday())
    agents_df = read_agents(agents_path, cfg)
    leave_df = read_leave(leave_path, agents_df) if leave_path is not None else None
    slots = read_roster_slots(slots_path, cfg)
    req_df = week_rows(read_requirements(req_path, cfg), week_start)
    last = week_start + dt.timedelta(days=6)
    change_rows = changes_from(read_changes(changes, cfg, agents_df, dates=(week_start, last)))

    limit = float(time_limit if time_limit is not None else cfg.solver.time_limit_s)
    with live_progress(limit, "Re-planning roster") as on_progress:
        done = replan_roster(cfg, published, slots, req_df, agents_df, leave_df, change_rows, week_start,
                             time_limit_s=limit, on_progress=on_progress)
    result, new_req = done.result, done.requirements
    if verify:
        verify_roster(result, cfg, agents_df, done.leave, new_req, None, week_start)
    coverage = coverage_with_service_level(result, cfg, new_req)
    paths = write_outputs(result, cfg, agents_df, new_req, out_dir, week_start=week_start, coverage=coverage)
    paths["changes"] = write_table(done.changes, Path(out_dir) / "changes.csv")
    paths["replan_summary"] = write_json(done.summary, Path(out_dir) / "replan_summary.json")
    out(summary_table(done.summary, result.objective_terms))
    if verify:
        out(styled(("Verified", "green"), ": no hard-rule violation found by the independent check."))
    wrote(", ".join(p.name for p in paths.values()), f"to {out_dir}")


def summary_table(summary: dict, terms: dict[str, float]) -> Table:
    """What the re-plan moved and what it cost in coverage, as one rich table."""
    table = Table(title="Re-plan", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    share = summary["other_agents_shifts_changed_share"]
    rows = [
        ("agents whose shifts changed", f"{summary['agents_affected']}"),
        ("agents with only channel changes", f"{summary['agents_channel_only']}"),
        ("agents named in the changes", f"{summary['agents_named_in_changes']}"),
        ("other agents' shifts changed (hours, lunch or breaks)",
         f"{summary['other_agents_shifts_changed']} of {summary['other_agents_shifts']} ({share:.1%})"),
        ("other agents' channel-only changes", f"{summary['other_agents_channel_only_changes']}"),
        ("shortfall before the changes (agent-slots)", f"{summary['shortfall_before_changes']}"),
        ("shortfall after, without repair", f"{summary['shortfall_without_repair']}"),
        ("shortfall after repair", f"{summary['shortfall_after_repair']}"),
        ("coverage loss (after repair − before)", f"{summary['coverage_loss']}"),
        ("changed-shift cost in the objective", f"{terms.get('changed_shifts', 0.0):g}"),
        ("solve s", f"{summary['solve_s']:.1f}"),
    ]
    for what, value in rows:
        table.add_row(what, value)
    return table
