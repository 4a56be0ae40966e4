"""`planner forecast` and `planner backtest`: contacts per slot and channel from a history, and how well each model did."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, input_or_config, out, progress, wrote
from planner.errors import RequestError
from planner.forecasting import backtest_stage, forecast_stage, winners
from planner.io.files import write_table
from planner.io.tables import read_history

HISTORY_HELP = "Interval history (CSV or Parquet); default: the config's inputs.history."
MODEL_HELP = "auto | seasonal | mean4 | naive | mstl (default: the config's forecast.model, else seasonal)."


def register(app: typer.Typer) -> None:
    """Add the forecast and backtest commands to app."""
    app.command(
        name="forecast",
        help="Forecast contacts and handle time per slot and channel, with an 80% interval, from an interval history. "
        "Without --config the slot length, channels and open hours are inferred from the history.\n\n"
        "Example: planner forecast --history history.csv --start 2026-11-23 --weeks 2 --out forecast.csv",
    )(forecast)
    app.command(
        name="backtest",
        help="Score forecast models on the last weeks of a history (rolling origin): WAPE, MASE and bias per channel "
        "over open slots; the best model per channel is highlighted.\n\n"
        "Example: planner backtest --history history.csv --weeks 8 --models seasonal,mean4,naive --out backtest.csv",
    )(backtest)


def forecast(
    history: Path = typer.Option(None, "--history", "-H", help=HISTORY_HELP),
    config: Path = typer.Option(None, "--config", "-c", help="Site config (YAML); optional."),
    start: str = typer.Option(..., "--start", help="First day to forecast, YYYY-MM-DD (after the history)."),
    weeks: int = typer.Option(1, "--weeks", "-w", help="Weeks to forecast."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Forecast table to write (.csv or .parquet)."),
    model: str = typer.Option(None, "--model", "-m", help=MODEL_HELP),
) -> None:
    """Forecast offered contacts and AHT and write the forecast table."""
    cfg = config_from(config, required=False)
    day = _parse_date(start)
    hist = _history(history, cfg)
    with progress("Forecasting"):
        frame = forecast_stage(cfg, hist, day, weeks, model)
    write_table(frame, out_path)
    chosen = frame.attrs.get("models", {})
    table = Table(title=Text(f"Forecast {day} + {weeks} week(s)"))
    for col in ("channel", "model", "contacts", "80% range", "peak slot", "mean AHT s"):
        table.add_column(col, justify="left" if col in ("channel", "model") else "right")
    for ch, g in frame.groupby("channel", sort=False):
        peak = g.loc[g["offered"].idxmax()]
        weight = g["offered"].sum()
        aht = (g["aht_s"] * g["offered"]).sum() / weight if weight > 0 else g["aht_s"].mean()
        add_row(table, ch, chosen.get(ch, ""), f"{g['offered'].sum():,.0f}",
                      f"{g['offered_lo'].sum():,.0f}–{g['offered_hi'].sum():,.0f}",
                      f"{peak['interval_start']:%a %H:%M} ({peak['offered']:.1f})", f"{aht:,.0f}")
    out(table)
    wrote(out_path, f"({len(frame)} rows)")


def backtest(
    history: Path = typer.Option(None, "--history", "-H", help=HISTORY_HELP),
    config: Path = typer.Option(None, "--config", "-c", help="Site config (YAML); optional."),
    weeks: int = typer.Option(None, "--weeks", "-w", help="Forecast origins, one per week back (default: config, else 8)."),
    horizon_weeks: int = typer.Option(None, "--horizon-weeks", help="Weeks forecast from each origin (default: config, else 1)."),
    models: str = typer.Option("seasonal,mean4,naive", "--models", help="Comma-separated models: seasonal, mean4, naive, mstl."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Backtest table to write (.csv or .parquet)."),
) -> None:
    """Backtest models and write model, channel, wape, mase, bias, origins."""
    cfg = config_from(config, required=False)
    names = [m.strip() for m in models.split(",") if m.strip()]
    frame = _history(history, cfg)
    origins = weeks if weeks is not None else (cfg.forecast.backtest_weeks if cfg is not None else 8)
    with progress(f"Backtesting {len(names)} model(s) over {origins} origin(s)", total=origins * len(names)) as advance:
        def on_progress(done: int, total: int) -> None:
            advance(1)

        scores = backtest_stage(cfg, frame, weeks, horizon_weeks, names, on_progress)
    write_table(scores, out_path)
    out(backtest_table(scores))
    wrote(out_path, f"({len(scores)} rows)")


def backtest_table(scores) -> Table:
    """A rich table of backtest scores with each channel's best model (lowest WAPE) marked."""
    best = winners(scores)
    table = Table(title=Text(f"Backtest: {int(scores['origins'].iloc[0])} origin(s), open slots only (lower is better)"))
    for col in ("channel", "model", "WAPE", "MASE", "bias"):
        table.add_column(col, justify="left" if col in ("channel", "model") else "right")
    for row in scores.itertuples(index=False):
        style = "bold green" if best.get(row.channel) == row.model else None
        mark = " ★" if style else ""
        add_row(table, row.channel, f"{row.model}{mark}", f"{row.wape:.1%}", f"{row.mase:.3f}", f"{row.bias:+.1%}", style=style)
    return table


def _history(path: Path | None, cfg):
    path = input_or_config(path, cfg, "history")
    if path is None:
        raise RequestError("give the interval history with --history H (or a config whose inputs.history names it)")
    return read_history(path, cfg)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RequestError(f"--start {text!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-23") from None
