"""`planner leave`: the capacity plan and allowance per skill group (plan) and decisions on leave requests (decide).

Each sub-command is one function registered on the `leave` sub-app; the yearly bid round (bids) registers itself
from leave_bids.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.commands.forecast import printed_warnings
from planner.cli.common import add_row, breakable, config_from, out, progress, styled, warn, wrote
from planner.config import Config
from planner.errors import ConfigError, DataError, RequestError
from planner.io.files import write_table
from planner.io.tables import read_agents, read_history, read_leave, read_requirements, read_roster_slots
from planner.leave.decide import Outcome, decide
from planner.leave.horizon import DEFAULT_PLAN_WEEKS, MAX_PLAN_WEEKS
from planner.leave.plan import LeavePlan, leave_plan, weeks_to_cover
from planner.leave.roster_check import RosterCheck

leave_app = typer.Typer(name="leave", no_args_is_help=True, rich_markup_mode=None, add_completion=False,
                        help="Leave planning from the forecast: capacity and allowance per skill group, and decisions "
                        "on requests with a reason for every answer.\n\n"
                        "Example: planner leave plan --config configs/demo.yaml --out runs/leave")


def register(app: typer.Typer) -> None:
    """Add the leave sub-app (plan, decide) to app."""
    leave_app.command(
        name="plan",
        help="Forecast and staff up to 53 weeks and write, per skill group, the capacity plan per week "
        "(capacity_plan.csv) and the leave allowance per day (leave_allowance.csv), in hours and heads.\n\n"
        "Example: planner leave plan --config configs/demo.yaml --weeks 52 --out runs/leave")(plan)
    leave_app.command(
        name="decide",
        help="Decide every `requested` row of a leave table in order (first come first served or seniority): "
        "balance, policy, group allowance, and with --roster the staffing of the published roster. Writes "
        "leave_decisions.csv (a reason code and the failing dates for every request), balances.csv, leave.csv (the "
        "table for schedule/run: approved rows, denied ones removed) and leave_allowance.csv after the decisions.\n\n"
        "Example: planner leave decide --config configs/demo.yaml --requests runs/demo/data/leave.csv --out runs/leave")(
        decide_command)
    app.add_typer(leave_app, name="leave")


def leave_inputs(cfg: Config, leave_path: Path | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """History, agents and the leave table (the given path, else the config's inputs.leave), read and validated."""
    paths = {name: cfg.input_path(name) for name in ("history", "agents", "leave")}
    for name in ("history", "agents"):
        if paths[name] is None:
            raise ConfigError(f"the config has no inputs.{name}: add its path (relative to the config file)")
    with progress("Reading the site inputs"):
        agents = read_agents(paths["agents"], cfg)
        leave_file = leave_path or paths["leave"]
        leave = read_leave(leave_file, agents, cfg) if leave_file is not None else None
        history = read_history(paths["history"], cfg)
    return history, agents, leave


def plan_leave(cfg: Config, history: pd.DataFrame, agents: pd.DataFrame, leave: pd.DataFrame | None, weeks: int,
               start: dt.date | None, model: str | None) -> LeavePlan:
    """leave_plan with progress, forecast warnings and a warning for each week with requirement no group can serve."""
    with progress(f"Forecasting and staffing {weeks} week(s), capacity per skill group"), printed_warnings():
        result = leave_plan(cfg, history, agents, leave, weeks, start, model)
    for week, unserved in result.capacity.unserved_h.items():
        warn(f"week of {week}: no agent has the skills for " + ", ".join(f"{c} ({h:.1f} h)" for c, h in unserved.items()))
    return result


def plan(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history, agents, leave."),
    weeks: int = typer.Option(DEFAULT_PLAN_WEEKS, "--weeks", "-n", min=1, max=MAX_PLAN_WEEKS,
                              help=f"Weeks to plan (1–{MAX_PLAN_WEEKS})."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for capacity_plan.csv and leave_allowance.csv."),
    start: str | None = typer.Option(None, "--start", help="Monday the plan starts (default: the first Monday after the "
                                     "history)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write the plan as an Excel workbook (leave_week, "
                                     "leave_allowance, capacity_plan sheets)."),
) -> None:
    """Write the capacity plan and the leave allowance per skill group."""
    cfg = config_from(config)
    history, agents, leave = leave_inputs(cfg, None)
    result = plan_leave(cfg, history, agents, leave, weeks, _date(start, "--start"), model)
    paths = write_plan(cfg, result, out_dir)
    if xlsx is not None:
        paths.append(write_workbook(cfg, xlsx, result.tables()[0], None, {"capacity_plan": result.tables()[0]}))
    for path in paths:
        wrote(path)


def write_workbook(cfg: Config, path: Path, capacity_plan: pd.DataFrame | None, decisions: pd.DataFrame | None,
                   extra: dict[str, pd.DataFrame]) -> Path:
    """An Excel workbook of the leave tables (the report's leave sheets, then extra sheets), with readable headers."""
    from planner.reports.build import Report
    from planner.reports.excel import write_excel
    from planner.reports.leave import leave_tables

    return write_excel(Report(cfg, tables={**leave_tables(capacity_plan, decisions), **extra}), path)


def write_plan(cfg: Config, result: LeavePlan, out_dir: Path) -> list[Path]:
    """Write capacity_plan.csv and leave_allowance.csv and show the plan's basis and per-group summary."""
    weekly, daily = result.tables()
    paths = [write_table(weekly, out_dir / "capacity_plan.csv"), write_table(daily, out_dir / "leave_allowance.csv")]
    out(styled(("Plan basis: ", "bold"), result.horizon.basis))
    out(_group_table(weekly, f"{cfg.site.name}: capacity per skill group, {result.horizon.weeks} week(s) from "
                     f"{result.horizon.start} (mean hours per week)"))
    return paths


def decide_command(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history and agents."),
    requests: Path | None = typer.Option(None, "--requests", "-r", help="Leave table whose `requested` rows are decided; "
                                         "its approved rows are leave already granted (default: the config's inputs.leave)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for leave_decisions.csv, balances.csv, leave.csv and "
                                 "leave_allowance.csv."),
    roster: Path | None = typer.Option(None, "--roster", help="A published roster.csv; roster_slots.csv and "
                                       "requirements.csv beside it give the staffing check of its days."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date the balances are taken on, and the request date of rows "
                                     "without requested_at (default: the latest requested_at, else today)."),
    weeks: int | None = typer.Option(None, "--weeks", "-n", min=1, max=MAX_PLAN_WEEKS,
                                     help="Weeks of capacity plan (default: up to the last requested day, at most "
                                     f"{MAX_PLAN_WEEKS})."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write an Excel workbook (decisions by reason, decisions, "
                                     "balances)."),
) -> None:
    """Decide the leave requests and write the decisions, balances and the leave table after them."""
    cfg = config_from(config)
    history, agents, leave = leave_inputs(cfg, requests)
    if leave is None:
        raise ConfigError("no leave table: give --requests R or set inputs.leave in the config")
    last = pd.to_datetime(history["interval_start"]).max().date()
    check = _roster_check(cfg, roster) if roster is not None else None
    result = plan_leave(cfg, history, agents, leave, weeks or weeks_to_cover(last, leave), None, model)
    outcome, balances, paths = decide_and_write(cfg, result, leave, out_dir, _date(as_of, "--as-of"), check)
    paths.append(write_table(result.tables()[1], out_dir / "leave_allowance.csv"))  # what is left after the decisions
    if xlsx is not None:
        paths.append(write_workbook(cfg, xlsx, None, outcome.decisions, {"leave_decisions": outcome.decisions,
                                                                        "balances": balances}))
    for path in paths:
        wrote(path)


def decide_and_write(cfg: Config, result: LeavePlan, leave: pd.DataFrame, out_dir: Path, as_of: dt.date | None = None,
                     check: RosterCheck | None = None) -> tuple[Outcome, pd.DataFrame, list[Path]]:
    """Decide the requested rows on the plan (its capacity takes the granted hours) and write leave_decisions.csv,
    balances.csv and leave.csv (the table for schedule/run); show the decisions by reason. Returns the outcome, the
    balances and the paths."""
    day = as_of or _latest_request(leave) or dt.date.today()
    pending = int((leave["status"] == "requested").sum())
    with progress(f"Deciding {pending} request(s)", total=pending) as advance:
        outcome = decide(cfg, result.agents, result.capacity, leave, day, check,
                         on_progress=lambda done, total: advance())
    balances = outcome.state.ledger.table(day)
    paths = [write_table(outcome.decisions, out_dir / "leave_decisions.csv"),
             write_table(balances, out_dir / "balances.csv"),
             write_table(outcome.leave, out_dir / "leave.csv")]
    out(_decisions_table(outcome, f"{pending} leave request(s) decided ({cfg.leave.order}, balances on {day})"))
    return outcome, balances, paths


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"{option} {text!r} is not a date YYYY-MM-DD") from None


def _latest_request(leave: pd.DataFrame) -> dt.date | None:
    if "requested_at" not in leave:
        return None
    stamps = pd.to_datetime(leave.loc[leave["status"] == "requested", "requested_at"]).dropna()
    return stamps.max().date() if len(stamps) else None


def _roster_check(cfg: Config, roster: Path) -> RosterCheck:
    """The staffing check of a published roster: its roster_slots.csv and requirements.csv, read beside it."""
    folder = roster.parent
    slots = folder / f"roster_slots{roster.suffix}"
    needed = folder / f"requirements{roster.suffix}"
    for path in (roster, slots, needed):
        if not path.exists():
            raise DataError(f"{path}: file not found; --roster needs roster.csv with roster_slots.csv and requirements.csv "
                            "beside it (the folder `planner schedule` or `planner run` writes)")
    with progress("Reading the published roster"):
        return RosterCheck(cfg, read_roster_slots(slots, cfg), read_requirements(needed, cfg))


def _group_table(weekly: pd.DataFrame, title: str) -> Table:
    view = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("group", overflow="fold")  # the one column that wraps (between skills: breakable)
    for col in ("agents", "required", "available", "allowance", "tightest week"):
        view.add_column(col, justify="right", no_wrap=True)
    for group, rows in weekly.groupby("group", sort=True):
        tight = rows.loc[rows["allowance_h"].idxmin()]
        add_row(view, breakable(group), str(int(rows["agents"].iloc[0])), f"{rows['required_h'].mean():,.0f}",
                f"{rows['available_h'].mean():,.0f}", f"{rows['allowance_h'].mean():,.0f}",
                f"{tight['week']} ({tight['allowance_h']:,.0f} h)")
    return view


def _decisions_table(outcome: Outcome, title: str) -> Table:
    view = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("decision")
    view.add_column("reason", overflow="fold")
    view.add_column("requests", justify="right")
    view.add_column("hours", justify="right")
    d = outcome.decisions
    for (decision, code), rows in d.groupby(["decision", "reason_code"], sort=True):
        add_row(view, decision, code, str(len(rows)), f"{rows['hours'].sum():,.1f}")
    return view
