"""`planner sweep`: a grid of scenarios (the cartesian product of its axes) evaluated in parallel, one task per point."""

from __future__ import annotations

from pathlib import Path

import typer

from planner.cli.commands.forecast import printed_warnings
from planner.cli.commands.schedule import parse_week
from planner.cli.commands.whatif import _roster
from planner.cli.common import config_from, progress, wrote
from planner.errors import RequestError
from planner.io.files import write_table
from planner.pipeline import history_end, next_monday
from planner.run_files import read_site_inputs
from planner.scenarios.evaluate import baseline_week, reroster, scenario_inputs
from planner.scenarios.grid import load_grid
from planner.scenarios.html import write_sweep
from planner.scenarios.sweep import SweepExecutor, run_sweep


def register(app: typer.Typer) -> None:
    """Add the sweep command to app."""
    app.command(
        help="Evaluate every point of a sweep grid (a base scenario and axes of values; the cartesian product) against "
        "the baseline week, one task per point on a local process pool or Dask: the fixed roster meeting each point's "
        "demand, or a new roster per point (CP-SAT on one worker, one seed per point). Writes sweep.csv (per point and "
        "channel) and sweep.html (service-level heat maps over the first two axes).\n\n"
        "Example: planner sweep --config configs/demo.yaml --grid configs/scenarios/sweep_campaign.yaml --out runs/sweep"
    )(sweep)


def sweep(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history and agents."),
    grid_path: Path = typer.Option(..., "--grid", "-g", help="Sweep grid file (YAML)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for sweep.csv and sweep.html."),
    mode: str = typer.Option("fixed", "--mode", help="fixed or reroster."),
    roster: Path | None = typer.Option(None, "--roster", "-r", help="The roster the fixed mode keeps: a run folder's "
                                       "roster.csv (roster_slots.csv beside it); default: the baseline rostered first."),
    week: str | None = typer.Option(None, "--week", "-w", help="Monday of the week (default: the roster's week, else "
                                    "the first Monday after the history)."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1, help="Solver wall time per roster in "
                                            "seconds (default: the config's solver.time_limit_s)."),
    cluster: str | None = typer.Option(None, "--cluster", help="Run on Dask: 'local' starts a LocalCluster, "
                                       "tcp://host:port connects to one (default: a local process pool)."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Processes (pool or LocalCluster; default: the "
                                       "CPU count)."),
) -> None:
    """Evaluate the grid's points and write the sweep table and heat maps."""
    if mode not in ("fixed", "reroster"):
        raise RequestError(f"--mode {mode!r}: expected fixed or reroster")
    if cluster is not None and cluster != "local" and "://" not in cluster:
        raise RequestError(f"--cluster {cluster!r}: expected local or a scheduler address like tcp://host:8786")
    cfg = config_from(config)
    grid = load_grid(grid_path, cfg.channel_names, [c.name for c in cfg.contracts], cfg)
    with progress("Reading the site inputs"):
        inputs = read_site_inputs(cfg, with_contacts=False)
    slots, shifts, roster_week = _roster(cfg, roster) if roster is not None else (None, None, None)
    week_start = parse_week(week) if week else roster_week or next_monday(history_end(inputs.history))
    if roster_week is not None and week_start != roster_week:
        raise RequestError(f"--week {week_start} but the roster {roster} starts on {roster_week}")
    n = len(grid.points())
    with printed_warnings():
        base = baseline_week(cfg, inputs.history, inputs.agents, inputs.leave, week_start)
        if mode == "fixed" and slots is None:
            with progress("Rostering the baseline the fixed mode keeps"):
                first = reroster(base, "baseline", scenario_inputs(base, None), time_limit)
            slots, shifts = first.roster.roster_slots, first.shifts
        with (SweepExecutor(cluster, workers) as executor,
              progress(f"Sweeping {n} point(s), {mode}, week of {week_start}", total=n) as advance):
            table = run_sweep(base, grid, mode, slots, shifts, time_limit, executor, on_point=lambda _: advance(1))
    subtitle = f"{grid.name}; {mode}; week of {week_start}; {n} points"
    paths = [write_table(table.round(4), out_dir / "sweep.csv"),
             write_sweep(cfg, table, grid.labels, subtitle, out_dir / "sweep.html")]
    for path in paths:
        wrote(path)
