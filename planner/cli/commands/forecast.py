"""`planner forecast` and `planner backtest`: contacts per slot and channel from a history, and how well each model did."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

import forecasts
from planner.cli.common import add_row, config_from, err_console, input_or_config, out, progress, wrote
from planner.errors import RequestError
from planner.forecasting import backtest_stage, daily_path, forecast_tables_stage, winners
from planner.io.files import table_format, write_table
from planner.io.tables import read_history

HISTORY_HELP = "Interval history (CSV or Parquet); default: the config's inputs.history."
MODEL_HELP = "auto | seasonal | mean4 | naive | mstl (default: the config's forecast.model, else seasonal)."


def register(app: typer.Typer) -> None:
    """Add the forecast and backtest commands to app."""
    app.command(
        name="forecast",
        help="Forecast contacts and handle time per slot and channel, with an 80% interval, from an interval history; "
        "also writes the daily forecast (with its own 80% interval) beside it as <out>_daily. "
        "Without --config the slot length, channels and open hours are inferred from the history, and aht_s is "
        "left empty when the history has no handle times.\n\n"
        "Example: planner forecast --history history.csv --start 2026-11-23 --weeks 2 --out forecast.csv",
    )(forecast)
    app.command(
        name="backtest",
        help="Score forecast models on the last weeks of a history (rolling origin): WAPE, MASE and bias per channel "
        "over open slots, and how often the actual fell inside the slot and daily 80% intervals; the best model per "
        "channel is highlighted. Models the history is too short for are skipped (and said so).\n\n"
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
    """Forecast offered contacts and AHT and write the forecast table and the daily forecast beside it."""
    table_format(out_path)  # an unsupported --out fails before the work
    cfg = config_from(config, required=False)
    day = _parse_date(start)
    hist = _history(history, cfg)
    with progress("Forecasting"), printed_warnings():
        result = forecast_tables_stage(cfg, hist, day, weeks, model)
    frame, daily = result.slots, result.daily
    write_table(frame, out_path)
    written_daily = write_table(daily, daily_path(out_path))
    level = cfg.forecast.interval_level if cfg is not None else 0.8
    table = Table(title=Text(f"Forecast {day} + {weeks} week(s)"))
    for col in ("channel", "model", "contacts", f"top day ({level:.0%})", "peak slot", "mean AHT s"):
        table.add_column(col, justify="left" if col in ("channel", "model") else "right", overflow="fold")
    for ch, g in frame.groupby("channel", sort=False):
        peak = g.loc[g["offered"].idxmax()]
        busiest = daily[daily["channel"] == ch].sort_values("offered", kind="stable").iloc[-1]
        add_row(table, ch, result.models.get(ch, ""), f"{g['offered'].sum():,.0f}",
                f"{busiest['date']:%a} {busiest['offered']:,.0f} "
                f"({busiest['offered_lo']:,.0f}–{busiest['offered_hi']:,.0f})",
                f"{peak['interval_start']:%a %H:%M} ({peak['offered']:.1f})", _mean_aht(g))
    out(table)
    wrote(out_path, f"({len(frame)} rows) and {written_daily} ({len(daily)} rows)")


def backtest(
    history: Path = typer.Option(None, "--history", "-H", help=HISTORY_HELP),
    config: Path = typer.Option(None, "--config", "-c", help="Site config (YAML); optional."),
    weeks: int = typer.Option(None, "--weeks", "-w", help="Forecast origins, one per week back (default: config, else 8)."),
    horizon_weeks: int = typer.Option(None, "--horizon-weeks", help="Weeks forecast from each origin (default: config, else 1)."),
    models: str = typer.Option("seasonal,mean4,naive", "--models", help="Comma-separated models: seasonal, mean4, naive, mstl."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Backtest table to write (.csv or .parquet)."),
) -> None:
    """Backtest models and write model, channel, wape, mase, bias, origins and the interval coverages."""
    table_format(out_path)  # an unsupported --out fails before the work
    cfg = config_from(config, required=False)
    names = [m.strip() for m in models.split(",") if m.strip()]
    frame = _history(history, cfg)
    origins = weeks if weeks is not None else (cfg.forecast.backtest_weeks if cfg is not None else 8)
    with progress(f"Backtesting {len(names)} model(s) over up to {origins} origin(s)", total=origins * len(names)) as advance:
        def on_progress(done: int, total: int) -> None:
            advance(1, total=total)  # what runs: models the history is too short for are skipped

        with printed_warnings():
            scores = backtest_stage(cfg, frame, weeks, horizon_weeks, names, on_progress)
    write_table(scores, out_path)
    out(backtest_table(scores, cfg.forecast.interval_level if cfg is not None else 0.8))
    wrote(out_path, f"({len(scores)} rows)")


def backtest_table(scores, level: float = 0.8) -> Table:
    """A rich table of backtest scores with each channel's best model (lowest WAPE) marked."""
    best = winners(scores)
    table = Table(title=Text(f"Backtest: {int(scores['origins'].iloc[0])} origin(s), open slots only (lower is better; "
                             f"coverage: share of actuals inside the {level:.0%} interval)"))
    cover = "slot_coverage" in scores.columns
    for col in ("channel", "model", "WAPE", "MASE", "bias", *(("in slot range", "in day range") if cover else ())):
        table.add_column(col, justify="left" if col in ("channel", "model") else "right", overflow="fold")
    for row in scores.itertuples(index=False):
        style = "bold green" if best.get(row.channel) == row.model else None
        mark = " ★" if style else ""
        cells = [row.channel, f"{row.model}{mark}", f"{row.wape:.1%}", f"{row.mase:.3f}", f"{row.bias:+.1%}"]
        if cover:
            cells += [_share(row.slot_coverage), f"{_share(row.daily_coverage)} of {row.days}"]
        add_row(table, *cells, style=style)
    return table


@contextmanager
def printed_warnings() -> Iterator[None]:
    """Print the forecast warnings raised inside the block to stderr (literally, in yellow); pass others on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", forecasts.ForecastWarning)
        yield
    for w in caught:
        if isinstance(w.message, forecasts.ForecastWarning):
            err_console.print(Text("Warning: ", style="yellow bold") + Text(str(w.message), style="yellow"))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _share(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.0%}"


def _mean_aht(rows) -> str:
    """Contact-weighted mean AHT in seconds, or a dash when the forecast has none."""
    known = rows[rows["aht_s"].notna()]
    if known.empty:
        return "—"
    weight = known["offered"].sum()
    aht = (known["aht_s"] * known["offered"]).sum() / weight if weight > 0 else known["aht_s"].mean()
    return f"{aht:,.0f}"


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
