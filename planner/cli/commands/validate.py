"""`planner validate`: check a config and any input files, and summarise them."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from planner.cli.common import config_from, out


def register(app: typer.Typer) -> None:
    """Add the validate command to app."""
    app.command(
        help="Check a config and its input files and print a summary.\n\n"
        "Example: planner validate --config configs/demo.yaml"
    )(validate)


def validate(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
) -> None:
    """Validate the config and summarise its channels and targets."""
    cfg = config_from(config)
    table = Table(title=f"{cfg.site.name}: channels")
    for col in ("channel", "kind", "target", "aht_s", "shrinkage", "max occupancy"):
        table.add_column(col)
    for ch in cfg.channels:
        target = ch.target
        if hasattr(target, "asa_s"):
            text = f"ASA ≤ {target.asa_s:g} s"
        else:
            text = f"{target.service_level:.0%} within {target.answer_within_s:g} s"
        table.add_row(ch.name, ch.kind, text, f"{ch.aht_s:g}", f"{ch.shrinkage:.0%}", f"{ch.max_occupancy:.0%}")
    out(table)
    out(f"[green]OK[/]: {config}")
