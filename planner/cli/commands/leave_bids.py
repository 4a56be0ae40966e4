"""`planner leave bids`: the yearly bid round (planner.leave.bid_round), registered on the `leave` sub-app."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.commands.forecast import printed_warnings
from planner.cli.commands.leave import leave_app, leave_inputs, write_workbook
from planner.cli.common import add_row, config_from, out, progress, styled, warn, wrote
from planner.errors import ConfigError, RequestError
from planner.io.files import write_table
from planner.io.tables import read_bids
from planner.leave.bid_round import BidRound, bid_round


def register(app: typer.Typer) -> None:
    """Add the bids command to the leave sub-app (app itself gets it through `planner leave`)."""
    leave_app.command(
        name="bids",
        help="Allocate a leave year's ranked bids at once with CP-SAT: each agent's preferences are granted whole or "
        "not at all within the group allowance from the forecast and the agent's balance; fair (max-min over agents) "
        "or by seniority. Writes bid_results.csv (every bid granted or not, with a reason and the dates), "
        "bid_agents.csv (per agent: ranks granted, hours, balance left), leave.csv (the leave table with the granted "
        "bids approved, for schedule/run/decide) and leave_allowance.csv after the round.\n\n"
        "Example: planner leave bids --config configs/demo.yaml --bids runs/demo/data/bids.csv --out runs/bids")(
        bids_command)


def bids_command(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML) whose inputs name history and agents."),
    bids_path: Path | None = typer.Option(None, "--bids", "-b", help="Bids table (agent_id, rank, start_date, end_date"
                                          "[, submitted_at, bid_id]; default: the config's inputs.bids)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder for bid_results.csv, bid_agents.csv, leave.csv and "
                                 "leave_allowance.csv."),
    mode: str | None = typer.Option(None, "--mode", help="fair (max-min: everyone's best grant first) or seniority "
                                    "(more senior agents strictly first); default: seniority when leave.order is "
                                    "seniority, else fair."),
    time_limit: float = typer.Option(60.0, "--time-limit", "-t", min=1, help="Solver wall time in seconds, all stages."),
    seed: int = typer.Option(0, "--seed", help="Solver seed; the same inputs and seed give the same allocation."),
    model: str | None = typer.Option(None, "--model", "-m", help="Forecast model (default: the config's forecast.model)."),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Also write an Excel workbook (bid_results, bid_agents)."),
) -> None:
    """Allocate the yearly leave bids and write the results, the leave table after them and the allowance left."""
    cfg = config_from(config)
    chosen = mode or ("seniority" if cfg.leave.order == "seniority" else "fair")
    if chosen not in ("fair", "seniority"):
        raise RequestError(f"--mode {chosen!r}: expected fair or seniority")
    history, agents, leave = leave_inputs(cfg, None)
    path = bids_path or cfg.input_path("bids")
    if path is None:
        raise ConfigError("no bids table: give --bids B or set inputs.bids in the config")
    with progress("Reading the bids"):
        bids = read_bids(path, agents, cfg)
    with progress(f"Forecasting, then allocating {len(bids)} bid(s) of {bids['agent_id'].nunique()} agent(s) "
                  f"({chosen}, up to {time_limit:g} s)"), printed_warnings():
        result = bid_round(cfg, history, agents, leave, bids, mode=chosen, time_limit_s=time_limit,
                           seed=seed, model=model)
    alloc = result.allocation
    paths = [write_table(alloc.preferences, out_dir / "bid_results.csv"),
             write_table(alloc.agents, out_dir / "bid_agents.csv"),
             write_table(result.leave, out_dir / "leave.csv"),
             write_table(result.plan.tables()[1], out_dir / "leave_allowance.csv")]
    if xlsx is not None:
        paths.append(write_workbook(cfg, xlsx, None, None, {"bid_results": alloc.preferences,
                                                            "bid_agents": alloc.agents}))
    if alloc.cut_by_wall_clock:
        warn(f"the solver's {time_limit:g} s wall clock cut a stage short (status {alloc.status}, gap {alloc.gap:.1%}): "
             "the allocation is good but not proven best, and another run may differ; give a longer --time-limit")
    out(_bids_table(result, f"{cfg.site.name}: leave bids {result.year[0]} to {result.year[1]}, {chosen}"))
    out(styled(("Solver: ", "bold"), f"{alloc.status}, gap {alloc.gap:.1%}, {alloc.solve_s:.1f} s"))
    for p in paths:
        wrote(p)


def _bids_table(result: BidRound, title: str) -> Table:
    prefs = result.allocation.preferences
    view = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("rank", justify="right")
    for col in ("bids", "granted", "share", "hours granted"):
        view.add_column(col, justify="right")
    view.add_column("refused: main reasons", overflow="fold")
    for rank, rows in prefs.groupby("rank", sort=True):
        got = rows[rows["granted"]]
        reasons = rows.loc[~rows["granted"], "reason"].value_counts()
        add_row(view, str(rank), str(len(rows)), str(len(got)), f"{len(got) / len(rows):.0%}",
                f"{got['hours_h'].sum():,.0f}", ", ".join(f"{code} {n}" for code, n in reasons.head(3).items()))
    agents = result.allocation.agents
    if len(agents):
        none = int((agents["granted"] == 0).sum())
        add_row(view, "all", str(len(prefs)), str(int(prefs["granted"].sum())), f"{prefs['granted'].mean():.0%}",
                f"{prefs.loc[prefs['granted'], 'hours_h'].sum():,.0f}",
                f"{none} of {len(agents)} agents granted nothing", style="bold")
    return view
