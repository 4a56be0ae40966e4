"""`planner diff`: what changed between two roster files, per agent and date."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import typer
from rich import box
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperCommand

from planner.cli.common import add_row, breakable, config_from, out, wrote
from planner.io.files import table_format, write_table
from planner.publish import diff_summary, roster_diff
from planner.scheduling.roster import read_roster

# The change codes of the --out table, as the terminal shows them (short: the old and new texts need the width).
CHANGE_LABELS = {"start_moved": "start moved", "end_moved": "end moved", "breaks_changed": "breaks",
                 "channels_changed": "channels", "paid_hours_changed": "paid hours"}
HELP = (
    "Compare two rosters (roster.csv) and list per agent and date what changed: shifts added or removed, start or end "
    "moved (minutes, later positive), breaks, channels or paid hours changed; then the agents affected, the shifts "
    "changed and the paid hours difference. Exit code 0 whether or not anything changed.\n\n"
    "Example: planner diff runs/week1/roster.csv runs/week1b/roster.csv --out changes.csv"
)


class PlainUsage(TyperCommand):
    """A command whose usage line names its arguments as written ('planner diff [OPTIONS] A B'); typer's own puts a
    required argument in braces ('{A} {B}'), which reads like a template or a set."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or param.name.upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces


def register(app: typer.Typer) -> None:
    """Add the diff command to app."""
    app.command(help=HELP, cls=PlainUsage)(diff)


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
        view.add_column("agent", overflow="fold")
        view.add_column("date", no_wrap=True)
        view.add_column("change", no_wrap=True)
        for col in ("old", "new"):  # the rest of the width, shared: a shift text ('22:00-06:00 10.5 h') fits at 80
            view.add_column(col, overflow="fold", ratio=1)
        view.add_column("min", justify="right", no_wrap=True)
        for r in changes.itertuples(index=False):
            add_row(view, r.agent_id, r.date, CHANGE_LABELS.get(r.change, r.change), _cell(r.old), _cell(r.new),
                    "" if pd.isna(r.minutes) else f"{int(r.minutes):+d}")
        out(view)
    delta = summary.paid_hours_delta
    out(f"{summary.agents_affected:,} agent(s) affected, {summary.shifts_changed:,} shift(s) changed "
        f"({summary.shifts_added:,} added, {summary.shifts_removed:,} removed), paid hours {delta:+,.2f} h "
        f"({summary.paid_hours_old:,.2f} → {summary.paid_hours_new:,.2f})" if not changes.empty
        else f"No changes: the rosters have the same shifts, breaks and channels ({summary.paid_hours_old:,.2f} paid hours).")
    if out_path is not None:
        write_table(changes, out_path)
        wrote(out_path, f"({len(changes):,} changes)")


def _cell(text: str) -> Text:
    """An old/new text as shown: a shift's channels on a line of their own ('13:30-22:00 8 h' / 'voice; chat'), so a
    narrow column wraps between channels or words, never between a number and its unit."""
    return breakable(re.sub(r"(\d h) (?=\S)", "\\1\n", text))
