"""`planner demo`: write the sample site and run every stage on it into one folder."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import typer

from planner.cli.commands.run import show_plan, solve_week, write_report
from planner.cli.common import out, progress, styled
from planner.config import Config, load_config
from planner.forecasting import backtest_stage
from planner.io.files import write_table, write_text
from planner.pipeline import history_end, next_monday
from planner.run_files import SiteInputs, read_site_inputs, write_week_plan
from planner.sample import demo_config_path, generate_site, write_site

DEMO_INPUTS_PREFIX = "../runs/demo/data/"


def register(app: typer.Typer) -> None:
    """Add the demo command to app."""
    app.command(
        help="Write the sample site and run every stage on it: backtest, leave plan and decisions, forecast, staffing, "
        "roster, coverage and the KPI report, into one folder (site.yaml there re-runs it with planner run).\n\n"
        "Example: planner demo --out runs/demo"
    )(demo)


def demo(
    out_dir: Path = typer.Option(Path("runs/demo"), "--out", "-o", help="Folder for the sample data and every output."),
    seed: int = typer.Option(7, "--seed", help="Seed of the sample site."),
    time_limit: float | None = typer.Option(None, "--time-limit", "-t", min=1,
                                            help="Solver wall time in seconds (default: the demo config's 90 s)."),
) -> None:
    """Generate the sample site and run the whole chain on it."""
    started = time.perf_counter()
    config_path = write_demo_config(out_dir)
    cfg = load_config(config_path)
    with progress("Writing the sample site") as advance:
        write_site(generate_site(cfg, seed=seed), out_dir / "data")
        advance()
    out(f"Sample site written to {out_dir / 'data'}; config {config_path}")
    with progress("Reading the site inputs"):
        inputs = read_site_inputs(cfg)
    with progress("Backtesting forecast models", total=None) as advance:
        scores = backtest_stage(cfg, inputs.history, on_progress=lambda done, total: advance(0, f"Backtest {done}/{total}"))
    paths = {"backtest": write_table(scores, out_dir / "backtest.csv")}
    from planner.cli.commands.forecast import backtest_table

    out(backtest_table(scores))
    leave_paths, capacity_plan, decisions = decide_leave(cfg, inputs, out_dir, config_path)
    paths.update(leave_paths)
    week_start = next_monday(history_end(inputs.history))
    plan = solve_week(cfg, inputs, week_start, time_limit_s=time_limit)
    with progress("Writing the roster files"):
        paths.update(write_week_plan(plan, cfg, inputs, out_dir))
    from planner.cli.commands.whatif import demo_whatif

    whatif_paths, whatif_summary = demo_whatif(cfg, inputs, plan, out_dir)
    paths.update(whatif_paths)
    paths.update(write_report(cfg, inputs, plan, out_dir, capacity_plan=capacity_plan, leave_decisions=decisions,
                              whatif_summary=whatif_summary, whatif_href="whatif/whatif.html"))
    show_plan(plan, cfg)
    names = ", ".join(str(p.relative_to(out_dir)) if p.is_relative_to(out_dir) else str(p) for p in paths.values())
    out(styled(("Demo finished", "green"), f" in {time.perf_counter() - started:.0f} s: {len(paths)} files in {out_dir} "
               f"({names}). Open {out_dir / 'report.html'} in a browser."))


def decide_leave(cfg: Config, inputs: SiteInputs, out_dir: Path, config_path: Path
                 ) -> tuple[dict[str, Path], pd.DataFrame, pd.DataFrame]:
    """The year's capacity plan and the decisions on the sample's leave requests (paths written, the capacity plan
    after the decisions, the decisions); the roster then takes the decided leave table (out_dir/leave.csv), and
    site.yaml points at it so `planner run` rosters the same leave."""
    from planner.cli.commands.leave import decide_and_write, plan_leave, write_plan
    from planner.leave.horizon import DEFAULT_PLAN_WEEKS

    result = plan_leave(cfg, inputs.history, inputs.agents, inputs.leave, DEFAULT_PLAN_WEEKS, None, None)
    paths = write_plan(cfg, result, out_dir)
    outcome, _, decided = decide_and_write(cfg, result, inputs.leave, out_dir)
    inputs.leave = outcome.leave
    text = config_path.read_text(encoding="utf-8")
    write_text(text.replace("leave: data/leave.csv", "leave: leave.csv"), config_path)
    after = result.tables()[0]  # the report shows the year with the granted leave taken off
    return {p.stem: p for p in paths + decided}, after, outcome.decisions


def write_demo_config(out_dir: Path) -> Path:
    """Copy the packaged demo config to out_dir/site.yaml with its inputs pointing at out_dir/data."""
    text = demo_config_path().read_text(encoding="utf-8")
    if DEMO_INPUTS_PREFIX not in text:
        raise RuntimeError(f"the packaged demo config no longer names its inputs under {DEMO_INPUTS_PREFIX}")
    return write_text(text.replace(DEMO_INPUTS_PREFIX, "data/"), out_dir / "site.yaml")
