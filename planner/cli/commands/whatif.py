"""`planner whatif`: scenario files against the baseline week, fixed roster and/or re-rostered, side by side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.commands.forecast import printed_warnings
from planner.cli.commands.schedule import parse_week
from planner.cli.common import add_row, config_from, out, progress, warn, wrote
from planner.errors import DataError, RequestError
from planner.io.files import write_table
from planner.io.tables import read_roster_slots, read_roster_table
from planner.pipeline import history_end, next_monday
from planner.run_files import read_site_inputs
from planner.scenarios.apply import untouched_changes
from planner.scenarios.evaluate import (
    SUMMARY_COLUMNS,
    baseline_week,
    day_table,
    evaluate,
    summary_row,
    with_simulation,
    with_uncertainty,
)
from planner.scenarios.html import write_comparison
from planner.scenarios.overlay import load_scenario

MODES = {"fixed": ("fixed",), "reroster": ("reroster",), "both": ("fixed", "reroster")}


def register(app: typer.Typer) -> None:
    """Add the whatif command to app."""
    app.command(
        help="Evaluate scenario files (campaign, volume, aht, target, shrinkage, headcount, channel_shift, "
        "opening_hours; applied in order) against the baseline week: the fixed roster meeting the scenario's demand, "
        "and/or a new roster of the scenario's agents. Writes scenarios.csv (per scenario, mode, channel and day), "
        "scenario_summary.csv, whatif.html and whatif.xlsx.\n\n"
        "Example: planner whatif --config configs/demo.yaml --scenario configs/scenarios/campaign.yaml "
        "--out runs/whatif"
    )(whatif)


def whatif(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history and agents."),
    scenario: list[Path] = typer.Option(..., "--scenario", "-s", help="Scenario file (YAML); repeat for several."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for scenarios.csv, scenario_summary.csv, "
                                 "whatif.html and whatif.xlsx."),
    roster: Path | None = typer.Option(None, "--roster", "-r", help="The roster the fixed mode keeps: a run folder's "
                                       "roster.csv (roster_slots.csv beside it); default: the baseline rostered first."),
    week: str | None = typer.Option(None, "--week", "-w", help="Monday of the week (default: the roster's week, else "
                                    "the first Monday after the history)."),
    mode: str = typer.Option("both", "--mode", help="fixed, reroster or both."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1, help="Solver wall time per roster in "
                                            "seconds (default: the config's solver.time_limit_s)."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    replications: int = typer.Option(200, "--replications", "-n", min=0, max=100_000, help="Monte Carlo draws of each "
                                     "day's volume from the forecast's measured dispersion: expected service level and "
                                     "P(SL ≥ target) per day (0: off)."),
    simulate: int = typer.Option(0, "--simulate", min=0, max=10_000, help="Discrete-event replications of each roster "
                                 "against Poisson arrivals: simulated service level per day (0: off)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the Monte Carlo and the simulation."),
) -> None:
    """Evaluate the scenarios and write the comparison."""
    if mode not in MODES:
        raise RequestError(f"--mode {mode!r}: expected fixed, reroster or both")
    cfg = config_from(config)
    scenarios = [load_scenario(p, cfg.channel_names, [c.name for c in cfg.contracts], cfg) for p in scenario]
    names = [s.name for s in scenarios]
    if len(set(names)) < len(names) or "baseline" in names:
        raise RequestError(f"scenario names must be unique and not 'baseline': {', '.join(names)}")
    with progress("Reading the site inputs"):
        inputs = read_site_inputs(cfg, with_contacts=False)
    slots, shifts, roster_week = _roster(cfg, roster) if roster is not None else (None, None, None)
    week_start = parse_week(week) if week else roster_week or next_monday(history_end(inputs.history))
    if roster_week is not None and week_start != roster_week:
        raise RequestError(f"--week {week_start} but the roster {roster} starts on {roster_week}")
    check_scenario_dates(scenarios, scenario, week_start)
    steps = (1 if roster is None and "fixed" in MODES[mode] else 0) + (len(scenarios) + 1) * len(MODES[mode])
    started: list[str] = []

    def step(text: str) -> None:  # the bar counts finished steps: a step's start finishes the one before
        advance(1 if started else 0, description=f"Evaluating: {text}")
        started.append(text)

    with (progress(f"Evaluating {len(scenarios)} scenario(s) and the baseline, week of {week_start}",
                   total=steps) as advance, printed_warnings()):
        base = baseline_week(cfg, inputs.history, inputs.agents, inputs.leave, week_start, model)
        outcomes = evaluate(base, scenarios, MODES[mode], slots, shifts, time_limit, on_step=step)
        advance(1, description=f"Evaluated {len(scenarios)} scenario(s) and the baseline")
    with progress("Service level under forecast uncertainty" + (" and simulated" if simulate else ""),
                  total=len(outcomes)) as advance:
        days, summary = _tables(outcomes, base, replications, simulate, seed, advance)
    paths = _write(cfg, out_dir, days, summary, f"week of {week_start}; fixed roster: {roster or 'the baseline rostered first'}")
    out(_summary_table(summary, f"{cfg.site.name}: what-if, week of {week_start}"))
    for path in paths:
        wrote(path)


def check_scenario_dates(scenarios, paths: list[Path], week_start: dt.date) -> None:
    """A warning per scenario change that touches no day of the week; RequestError when none of a scenario's does."""
    first, last = week_start, week_start + dt.timedelta(days=6)
    void = []
    for scenario, path in zip(scenarios, paths, strict=True):
        untouched = untouched_changes(scenario, first, last)
        if scenario.changes and len(untouched) == len(scenario.changes):
            void.append(f"{path} ({scenario.name!r}): {'; '.join(untouched)}")
            continue
        for change in untouched:
            warn(f"{path} ({scenario.name!r}): {change} touches no day of the week {first} to {last}; it is not applied")
    if void:
        raise RequestError(f"no change of these scenarios touches a day of the week {first} to {last}, so they would "
                           f"equal the baseline: {' | '.join(void)}; give their week with --week, or fix their dates")


def demo_whatif(cfg, inputs, plan, out_dir: Path) -> tuple[dict[str, Path], pd.DataFrame]:
    """The demo's what-if: the packaged campaign scenario against the week's roster kept fixed (whatif/ in out_dir);
    returns the paths written and the summary for the report."""
    from planner.sample import demo_config_path

    scenario = load_scenario(demo_config_path().with_name("campaign.yaml"), cfg.channel_names,
                             [c.name for c in cfg.contracts], cfg)
    with progress(f"What-if: {scenario.name} against the roster kept fixed"), printed_warnings():
        base = baseline_week(cfg, inputs.history, inputs.agents, inputs.leave, plan.week_start)
        shifts = plan.roster.roster[["agent_id", "date", "paid_hours"]]
        outcomes = evaluate(base, [scenario], ("fixed",), plan.roster.roster_slots, shifts)
    days, summary = _tables(outcomes, base, 200, 0, 0)
    folder = out_dir / "whatif"
    paths = _write(cfg, folder, days, summary, f"week of {plan.week_start}; fixed roster: this week's roster")
    return dict(zip(("scenarios", "scenario_summary", "whatif_html", "whatif_xlsx"), paths, strict=True)), summary


def _tables(outcomes, week, replications: int, simulate: int, seed: int, advance=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per day (with the Monte Carlo and simulation columns asked for) and per scenario × mode."""
    parts, rows = [], []
    for outcome in outcomes:
        days = day_table(outcome)
        rows.append(summary_row(outcome, days))
        if replications > 0:
            days = with_uncertainty(days, outcome, week, replications, seed)
        if simulate > 0:
            days = with_simulation(days, outcome, simulate, seed)
        parts.append(days)
        if advance is not None:
            advance()
    days = pd.concat(parts, ignore_index=True)
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    if replications > 0:
        w = days["offered"].where(days["expected_service_level"].notna(), 0.0)
        expected = (days["expected_service_level"].fillna(0) * w).groupby([days["scenario"], days["mode"]]).sum() / \
            w.groupby([days["scenario"], days["mode"]]).sum()
        summary.insert(summary.columns.get_loc("service_level") + 1, "expected_service_level",
                       [expected.get((s, m)) for s, m in zip(summary["scenario"], summary["mode"], strict=True)])
    return days, summary


def _write(cfg, out_dir: Path, days: pd.DataFrame, summary: pd.DataFrame, subtitle: str) -> list[Path]:
    return [write_table(days.round(4), out_dir / "scenarios.csv"),
            write_table(summary.round(4), out_dir / "scenario_summary.csv"),
            write_comparison(cfg, days, summary, subtitle, out_dir / "whatif.html"),
            _workbook(cfg, out_dir / "whatif.xlsx", days, summary)]


def _roster(cfg, roster: Path) -> tuple[pd.DataFrame, pd.DataFrame, dt.date]:
    """Slots and shifts of a published roster (roster_slots.csv beside roster.csv) and the Monday it starts on."""
    slots_path = roster.parent / f"roster_slots{roster.suffix}"
    for path in (roster, slots_path):
        if not path.exists():
            raise DataError(f"{path}: file not found; --roster needs roster.csv with roster_slots.csv beside it "
                            "(the folder `planner schedule` or `planner run` writes)")
    with progress("Reading the roster"):
        shifts = read_roster_table(roster, cfg)
        slots = read_roster_slots(slots_path, cfg)
    if shifts.empty:
        raise DataError(f"{roster}: the roster has no shifts")
    first = min(pd.to_datetime(shifts["date"]).dt.date)
    return slots, shifts[["agent_id", "date", "paid_hours"]], first - dt.timedelta(days=first.weekday())


def _workbook(cfg, path: Path, days: pd.DataFrame, summary: pd.DataFrame) -> Path:
    from planner.reports.build import Report
    from planner.reports.excel import write_excel

    return write_excel(Report(cfg, tables={"scenario_summary": summary, "scenarios": days}), path)


def _summary_table(summary: pd.DataFrame, title: str) -> Table:
    view = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("scenario", overflow="fold", max_width=22)
    expected = "expected_service_level" in summary.columns
    for col in ("mode", "SL", *(("exp. SL",) if expected else ()), "late", "short h", "paid h", "cost"):
        view.add_column(col, justify="right" if col != "mode" else "left", no_wrap=True)
    pct = lambda v: "–" if v is None or pd.isna(v) else f"{v:.1%}"  # noqa: E731
    for r in summary.to_dict("records"):
        add_row(view, r["scenario"], r["mode"], pct(r["service_level"]),
                *((pct(r["expected_service_level"]),) if expected else ()), f"{r['late_contacts']:,.0f}",
                f"{r['short_h']:,.0f}", f"{r['paid_h']:,.0f}", "–" if pd.isna(r["cost"]) else f"{r['cost']:,.0f}")
    notes = [f"{r['scenario']} ({r['mode']}): {r['note']}" for r in summary.to_dict("records")
             if isinstance(r["note"], str) and r["note"]]
    if notes:
        view.caption, view.caption_justify = Text("\n".join(notes)), "left"
    return view
