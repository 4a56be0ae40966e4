"""`planner staff`: forecast → agents per slot per channel (the requirements table), with a summary per channel and day."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, out, styled, wrote
from planner.config import Config
from planner.errors import RequestError
from planner.io.files import table_format, write_table
from planner.io.tables import read_forecast
from planner.staffing import model_name, requirements
from planner.staffing.requirements import daily_summary, deferred_shares


def register(app: typer.Typer) -> None:
    """Add the staff command to app."""
    app.command(
        help="Turn a forecast into agents per slot per channel (Erlang C, Erlang A with patience, chat concurrency, "
        "deferred backlog) after shrinkage, and write the requirements table.\n\n"
        "Example: planner staff --config configs/demo.yaml --forecast runs/demo/forecast.csv --out runs/demo/requirements.csv"
    )(staff)


def staff(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
    forecast: Path = typer.Option(..., "--forecast", "-f", help="Forecast table (CSV or Parquet) from `planner forecast`."),
    out_path: Path = typer.Option(..., "--out", "-o", help="Requirements table to write (.csv or .parquet)."),
    fte_hours: float = typer.Option(37.5, "--fte-hours", min=1.0, help="Weekly hours of one FTE, for the summary."),
) -> None:
    """Compute and write the requirements table, then print peak agents, agent-hours and FTE per channel and day."""
    table_format(out_path)  # an unsupported --out fails before the work
    cfg = config_from(config)
    forecast_df = read_forecast(forecast, cfg)
    notes = aht_notes(forecast_df, cfg, forecast)
    table = requirements(forecast_df, cfg)
    write_table(table, out_path)
    days = daily_summary(table, cfg.site.interval_s, fte_hours)
    view = Table(title=Text(f"{cfg.site.name}: agents required after shrinkage (FTE = {fte_hours:g} h/week, "
                            "5 days)"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    view.add_column("channel", overflow="fold")
    view.add_column("day", no_wrap=True)
    for col in ("contacts", "peak prod.", "peak sched.", "agent-hours", "FTE"):
        view.add_column(col, justify="right", no_wrap=col in ("contacts", "agent-hours"))
    for name in cfg.channel_names:
        rows = days[days["channel"] == name]
        if rows.empty:
            continue
        ch = cfg.channel(name)
        model = model_name(ch) + (f" ×{ch.concurrency} seats" if ch.concurrency > 1 else "")
        labels = [Text(name), Text(model, style="dim")]
        for i, r in enumerate(rows.itertuples(index=False)):
            add_row(view, labels[i] if i < len(labels) else "", f"{r.date:%a %d %b}", f"{r.offered:,.0f}",
                    str(r.peak_productive), str(r.peak_required), f"{r.agent_hours:,.1f}", f"{r.fte:,.1f}")
        week_fte = f"{rows['agent_hours'].sum() / fte_hours:,.1f}/wk" if len(rows) == 7 else ""
        add_row(view, "", "week total", f"{rows['offered'].sum():,.0f}", "", str(rows["peak_required"].max()),
                f"{rows['agent_hours'].sum():,.1f}", week_fte, style="bold", end_section=True)
    out(view)
    if cfg.leave.leave_in_shrinkage > 0:
        out(f"Shrinkage net of planned leave ({cfg.leave.leave_in_shrinkage:.0%} of each channel's shrinkage is "
            "leave.leave_in_shrinkage): the roster blocks approved leave by name, so it is not counted twice.")
    for r in deferred_shares(table, cfg).itertuples(index=False):
        hours = f"{r.answer_within_s / 3600:g} h"
        if r.within_target_share + 1e-9 >= r.target:
            out(f"{r.channel}: {r.within_target_share:.1%} answered within {hours} (target {r.target:.0%})")
        else:
            reason = ("contacts arriving while the channel is closed cannot all be answered in time; the plan "
                      "answers them in the first hours after opening (lengthen the channel's opening_hours to do better)"
                      if r.within_target_share_fluid + 1e-9 < r.target else
                      "the plan answers every contact in time only if arrivals and handle times keep to their averages; "
                      "their randomness leaves some late (raise min_agents or lower max_occupancy to add slack)")
            out(styled((f"{r.channel}: {r.within_target_share:.1%} answered within {hours} expected "
                        f"({r.within_target_share_fluid:.1%} as planned), below the {r.target:.0%} target: {reason}",
                        "yellow")))
    for note in notes:
        out(Text(note, style="yellow"))
    wrote(out_path, f"({len(table):,} rows)")


def aht_notes(forecast_df: pd.DataFrame, cfg: Config, source: Path) -> list[str]:
    """One note per channel whose forecast lacks aht_s where contacts are expected (the config's aht_s is used).

    RequestError when such a channel has no aht_s in the config either, saying where to put one.
    """
    notes = []
    for ch in cfg.channels:
        rows = forecast_df[forecast_df["channel"] == ch.name]
        aht = rows["aht_s"].astype(float) if "aht_s" in rows else pd.Series(np.nan, index=rows.index)
        lacking = int(((rows["offered"] > 0) & ~(aht > 0)).sum())
        if not lacking:
            continue
        fallback = getattr(ch, "aht_s", None)
        where = (f"put handle times in the aht_s column of {source} (planner forecast fills it when the history has "
                 f"an aht_s column), or set channels[].aht_s for {ch.name!r} in the config")
        if fallback is None:
            raise RequestError(f"channel {ch.name!r}: {lacking:,} forecast slot(s) with contacts have no aht_s, and "
                               f"staffing needs a handle time: {where}")
        notes.append(f"{ch.name}: no aht_s in the forecast for {lacking:,} slot(s); used the config's channels[].aht_s "
                     f"= {fallback:g} s (forecast from a history with an aht_s column for a handle-time profile)")
    return notes
