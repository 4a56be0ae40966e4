"""`planner diff`: what changed between two roster files, per agent and date."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, out, wrote
from planner.io.files import table_format, write_table
from planner.publish import diff_summary, roster_diff
from planner.scheduling.roster import read_roster

HELP = (
    "Compare two rosters (roster.csv) and list per agent and date what changed: shifts added or removed, start or end "
    "moved (minutes, later positive), breaks, channels or paid hours changed; then the agents affected, the shifts "
    "changed and the paid hours difference. Exit code 0 whether or not anything changed.\n\n"
    "Example: planner diff runs/week1/roster.csv runs/week1b/roster.csv --out changes.csv"
)


def register(app: typer.Typer) -> None:
    """Add the diff command to app."""
    app.command(help=HELP)(diff)


def diff(
    old: Path = typer.Argument(..., metavar="A", help="The roster before (roster.csv)."),
    new: Path = typer.Argument(..., metavar="B", help="The roster after (roster.csv)."),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="Write the changes as a table (.csv or .parquet)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Site config: its lunch rule tells lunch from short "
                                       "breaks and its time zone checks the times (optional)."),
) -> None:
    """Read both rosters, print the changes and the summary, and write them when --out is given."""
    if out_path is not None:
        table_format(out_path)  # an unsupported --out fails before any work or output
    cfg = config_from(config, required=False)
    before, after = read_roster(old, cfg, slots=False), read_roster(new, cfg, slots=False)
    changes = roster_diff(before, after)
    summary = diff_summary(before, after, changes)
    if not changes.empty:
        view = Table(title=Text(f"{old} → {new}"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for col, justify in (("agent", "left"), ("date", "left"), ("change", "left"), ("old", "left"), ("new", "left"),
                             ("min", "right")):
            view.add_column(col, justify=justify, overflow="fold")
        for r in changes.itertuples(index=False):
            add_row(view, r.agent_id, r.date, r.change, r.old, r.new, "" if pd.isna(r.minutes) else f"{int(r.minutes):+d}")
        out(view)
    delta = summary.paid_hours_delta
    out(f"{summary.agents_affected:,} agent(s) affected, {summary.shifts_changed:,} shift(s) changed "
        f"({summary.shifts_added:,} added, {summary.shifts_removed:,} removed), paid hours {delta:+,.2f} h "
        f"({summary.paid_hours_old:,.2f} → {summary.paid_hours_new:,.2f})" if not changes.empty
        else f"No changes: the rosters have the same shifts, breaks and channels ({summary.paid_hours_old:,.2f} paid hours).")
    if out_path is not None:
        write_table(changes, out_path)
        wrote(out_path, f"({len(changes):,} changes)")
