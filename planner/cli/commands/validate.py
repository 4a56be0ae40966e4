"""`planner validate`: check a config and any input files, and summarise them."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, out, styled
from planner.errors import DataError


def register(app: typer.Typer) -> None:
    """Add the validate command to app."""
    app.command(
        help="Check a config and its input files and print a summary.\n\n"
        "Inputs are history, contacts, agents and leave; each defaults to the config's inputs.<name> when "
        "that file exists. Every problem is listed with file, line and column, and the exit code is 2.\n\n"
        "Example: planner validate --config configs/demo.yaml --history runs/demo/data/history.csv"
    )(validate)


def validate(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
    history: Path | None = typer.Option(None, "--history", help="Interval history (default: inputs.history)."),
    contacts: Path | None = typer.Option(None, "--contacts", help="Contacts file or ACD export (default: inputs.contacts)."),
    agents: Path | None = typer.Option(None, "--agents", help="Agents file (default: inputs.agents)."),
    leave: Path | None = typer.Option(None, "--leave", help="Leave file (default: inputs.leave)."),
) -> None:
    """Validate the config and every input given or configured; summarise channels and inputs."""
    from planner.io.contacts_import import load_contacts
    from planner.io.tables import read_agents, read_history, read_leave

    cfg = config_from(config)
    out(_channels_table(cfg))

    paths = {name: _input(given, cfg, name) for name, given in
             (("history", history), ("contacts", contacts), ("agents", agents), ("leave", leave))}
    summary = Table(title=Text("inputs"))
    for col in ("input", "rows", "from", "to", "file"):
        summary.add_column(col, no_wrap=col != "file", overflow="fold")
    errors: list[DataError] = []
    frames: dict[str, pd.DataFrame] = {}
    readers = {
        "history": lambda p: read_history(p, cfg),
        "contacts": lambda p: load_contacts(p, cfg),
        "agents": lambda p: read_agents(p, cfg),
        "leave": lambda p: read_leave(p, agents=frames.get("agents")),
    }
    for name, read in readers.items():
        path = paths[name]
        if path is None:
            configured = cfg.input_path(name)
            shown = f"{os.path.normpath(configured)} (configured; not there yet)" if configured is not None else ""
            add_row(summary, name, Text("none", style="dim"), "", "", shown)
            continue
        try:
            frames[name] = df = read(path)
        except DataError as exc:
            errors.append(exc)
            add_row(summary, name, Text("invalid", style="red"), "", "", os.path.normpath(path))
            continue
        add_row(summary, name, f"{len(df):,}", *_span(df, name), os.path.normpath(path))
    out(summary)
    if frames:
        out(_per_channel_table(cfg, frames))
    if "leave" in frames and "agents" not in frames:
        out(styled(("Note", "yellow"), ": leave agent ids were not checked against an agents file (give --agents A)."))
    if errors:
        if len(errors) == 1:
            raise errors[0]
        raise DataError(f"{len(errors)} input files failed validation:\n" + "\n".join(str(e) for e in errors))
    out(styled(("OK", "green"), f": {config}"))


def _input(given: Path | None, cfg, name: str) -> Path | None:
    """The file given on the command line (must exist), else the config's input when its file exists."""
    if given is not None:
        return given
    configured = cfg.input_path(name)
    return configured if configured is not None and configured.exists() else None


def _channels_table(cfg) -> Table:
    table = Table(title=Text(f"{cfg.site.name}: channels ({cfg.site.timezone}, {cfg.site.slot_minutes}-minute slots)"))
    for col in ("channel", "kind", "target", "aht_s", "shrinkage", "max occ."):
        table.add_column(col, no_wrap=True)
    for ch in cfg.channels:
        target = ch.target
        if hasattr(target, "asa_s"):
            text = f"ASA ≤ {target.asa_s:g} s"
        else:
            text = f"{target.service_level:.0%} within {_duration(target.answer_within_s)}"
        add_row(table, ch.name, ch.kind, text, f"{ch.aht_s:g}", f"{ch.shrinkage:.0%}", f"{ch.max_occupancy:.0%}")
    return table


def _duration(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds:g} s"


def _span(df: pd.DataFrame, name: str) -> tuple[str, str]:
    """First and last time (history, contacts) or date (leave) of a table, as text."""
    if df.empty or name == "agents":
        return "", ""
    if name == "leave":
        return str(min(df["start_date"])), str(max(df["end_date"]))
    column = "interval_start" if name == "history" else "arrived_at"
    return f"{df[column].min():%Y-%m-%d %H:%M}", f"{df[column].max():%Y-%m-%d %H:%M}"


def _per_channel_table(cfg, frames: dict[str, pd.DataFrame]) -> Table:
    """Offered contacts in the history, contacts, and agents skilled, per channel."""
    table = Table(title=Text("per channel"))
    table.add_column("channel")
    columns = []
    if "history" in frames:
        columns.append(("history offered", frames["history"].groupby("channel")["offered"].sum()))
    if "contacts" in frames:
        columns.append(("contacts", frames["contacts"].groupby("channel").size()))
    if "agents" in frames:
        columns.append(("agents skilled", frames["agents"]["skills"].explode().value_counts()))
    for title, _ in columns:
        table.add_column(title, justify="right")
    for channel in cfg.channel_names:
        add_row(table, channel, *(f"{int(counts.get(channel, 0)):,}" for _, counts in columns))
    return table
