"""`planner report`: KPIs from contacts/history (and forecast, coverage, roster) as HTML, Excel and a terminal table."""

from __future__ import annotations

from pathlib import Path

import typer

from planner.cli.common import config_from, input_or_config, out, progress, styled, warn, wrote
from planner.errors import RequestError


def register(app: typer.Typer) -> None:
    """Add the report command to app."""
    app.command(
        help="Compute the contact-centre KPIs (volumes, handled and abandon rates, service level, ASA, AHT, occupancy, "
        "first-contact resolution, channel mix, forecast accuracy, cost per contact) from whatever inputs are given, "
        "and write a self-contained HTML report (charts work offline) and optionally an Excel workbook. "
        "--contacts and --history default to the config's inputs when those files exist; sections that lack data "
        "are listed as skipped.\n\n"
        "Example: planner report --config configs/demo.yaml --out runs/demo/report.html --xlsx runs/demo/kpis.xlsx"
    )(report)


def report(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML): channels, targets, reports settings."),
    contacts: Path | None = typer.Option(None, "--contacts", help="Contacts, one row per contact (default: inputs.contacts)."),
    history: Path | None = typer.Option(None, "--history", help="Interval history (default: inputs.history)."),
    forecast: Path | None = typer.Option(None, "--forecast", help="Forecast table (accuracy, forecast chart, projected "
                                         "cost); the daily forecast beside it (F_daily) gives the daily ranges."),
    coverage: Path | None = typer.Option(None, "--coverage", help="Coverage (required vs scheduled, projected SL, occupancy)."),
    roster: Path | None = typer.Option(None, "--roster", help="Roster table with paid_hours (cost per contact)."),
    roster_slots: Path | None = typer.Option(None, "--roster-slots", help="Per-slot roster activity (staffed time)."),
    agents: Path | None = typer.Option(None, "--agents", help="Agents with their contract, for each contract's cost per paid "
                                       "hour (default: inputs.agents, when a roster is given)."),
    capacity_plan: Path | None = typer.Option(None, "--capacity-plan", help="capacity_plan.csv of planner leave plan "
                                              "(the leave section: required vs available per week, allowance heat map)."),
    leave_decisions: Path | None = typer.Option(None, "--leave-decisions", help="leave_decisions.csv of planner leave "
                                                "decide (the leave decisions by reason)."),
    out_path: Path = typer.Option(..., "--out", "-o", help="HTML report to write."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write the KPI tables to this Excel workbook."),
    xlsx_slots: bool = typer.Option(False, "--xlsx-slots", help="Include the per-slot KPI sheet (large) in the workbook."),
) -> None:
    """Compute the KPIs the inputs allow and write the reports."""
    from planner.forecasting import daily_path, read_forecast_daily
    from planner.io import tables
    from planner.leave.files import read_capacity_plan, read_leave_decisions
    from planner.reports import generate_report
    from planner.reports.terminal import kpi_table, skipped_lines

    cfg = config_from(config)
    paths = {
        "contacts": _default_input(contacts, cfg, "contacts"),
        "history": _default_input(history, cfg, "history"),
        "forecast": forecast, "coverage": coverage, "roster": roster, "roster_slots": roster_slots,
        "agents": _default_input(agents, cfg, "agents") if roster is not None else agents,
        "capacity_plan": capacity_plan, "leave_decisions": leave_decisions,
    }
    readers = {
        "contacts": lambda p: _read_contacts(p, cfg),
        "history": lambda p: tables.read_history(p, cfg),
        "forecast": lambda p: tables.read_forecast(p, cfg),
        "coverage": lambda p: tables.read_coverage(p, cfg),
        "roster": lambda p: tables.read_roster_table(p, cfg),
        "roster_slots": lambda p: tables.read_roster_slots(p, cfg),
        "agents": lambda p: tables.read_agents(p, cfg),
        "capacity_plan": read_capacity_plan,
        "leave_decisions": read_leave_decisions,
    }
    given = {name: path for name, path in paths.items() if path is not None}
    if not set(given) - {"agents"}:
        raise RequestError("nothing to report on: give --contacts X and/or --history H (the config's inputs.contacts and "
                           "inputs.history do not exist), or planning tables with --forecast, --coverage, --roster")
    if not {"contacts", "history"} & set(given):
        warn("no contacts or history: only planning sections (forecast, coverage, cost) can be reported")
    frames = {}
    with progress("Reading inputs", total=len(given)) as advance:
        for name, path in given.items():
            advance(0, description=f"Reading {name}")
            frames[name] = readers[name](path)
            advance()
        if "forecast" in given and daily_path(given["forecast"]).exists():  # planner forecast writes it beside
            given["forecast_daily"] = daily_path(given["forecast"])
            frames["forecast_daily"] = read_forecast_daily(given["forecast_daily"])
    with progress("Computing KPIs and drawing charts", total=None):
        result = generate_report(cfg, out_path, out_xlsx=xlsx, xlsx_slots=xlsx_slots,
                                 sources={k: str(v) for k, v in given.items()}, **frames)
    table = kpi_table(result)
    if table is not None:
        out(table)
    for line in skipped_lines(result):
        out(line)
    wrote(out_path, f"and {xlsx}" if xlsx else "")


def _default_input(given: Path | None, cfg, name: str) -> Path | None:
    """The given path, else the config's input when that file exists (a demo config may point at files not made yet)."""
    path = input_or_config(given, cfg, name)
    if given is None and path is not None and not path.exists():
        out(styled((f"inputs.{name} ({path}) does not exist; continuing without it", "dim")))
        return None
    return path


def _read_contacts(path: Path, cfg):
    """Contacts in the DESIGN.md contract; an ACD export goes through the config's contacts_import mapping."""
    if cfg.contacts_import is not None:
        from planner.io.contacts_import import load_contacts

        return load_contacts(path, cfg)
    from planner.io.tables import read_contacts

    return read_contacts(path, cfg)
