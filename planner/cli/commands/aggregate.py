"""`planner aggregate`: one-row-per-contact records (or an ACD export) → the interval history file."""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, input_or_config, out, wrote
from planner.errors import ConfigError


def register(app: typer.Typer) -> None:
    """Add the aggregate command to app."""
    app.command(
        help="Aggregate one-row-per-contact records (or an ACD export) into the interval history.\n\n"
        "Writes offered, handled, abandoned, aht_s, asa_s and answered_within_target per slot per channel, "
        "each contact in the slot of its arrival. An ACD export is read through the config's contacts_import "
        "section (column names, queues → channels, records to drop, what counts as abandoned).\n\n"
        "Example: planner aggregate --config configs/anonymous_bank.yaml "
        "--contacts configs/data/anonymous_bank_1999_02_calls.tsv.gz --out runs/anonymous_bank/history.csv"
    )(aggregate)


def aggregate(
    config: Path = typer.Option(..., "--config", "-c", help="Site config (YAML)."),
    contacts: Path | None = typer.Option(None, "--contacts", help="Contacts file or ACD export (default: inputs.contacts)."),
    out_path: Path | None = typer.Option(None, "--out", "-o", help="History file to write, .csv or .parquet "
                                         "(default: inputs.history)."),
) -> None:
    """Aggregate contacts to the interval history and write it atomically."""
    from planner.io.aggregate import contacts_to_intervals
    from planner.io.contacts_import import import_contacts
    from planner.io.files import table_format, write_table
    from planner.io.tables import read_contacts

    cfg = config_from(config)
    source = input_or_config(contacts, cfg, "contacts")
    if source is None:
        raise ConfigError("no contacts file: give --contacts X or set inputs.contacts in the config")
    target = out_path if out_path is not None else cfg.input_path("history")
    if target is None:
        raise ConfigError("no output file: give --out history.csv or set inputs.history in the config")
    table_format(target)  # an unsupported output format fails before the work

    notes: list[str] = []
    if cfg.contacts_import is not None:
        result = import_contacts(source, cfg)
        contacts_df, notes = result.contacts, result.notes()
    else:
        contacts_df = read_contacts(source, cfg)
        notes.append(f"{len(contacts_df)} contacts read")
    history = contacts_to_intervals(contacts_df, cfg)
    notes += history.attrs.get("notes", [])
    write_table(history, target)

    out(_totals_table(history, cfg.channel_names, f"{cfg.site.name}: {history['interval_start'].min():%Y-%m-%d} to "
                               f"{history['interval_start'].max():%Y-%m-%d}, {cfg.site.slot_minutes}-minute slots"))
    for note in notes:
        out(f"  · {note}", highlight=False)
    wrote(target, f"({len(history)} rows)")


def _totals_table(history, channels: list[str], title: str) -> Table:
    """Per-channel totals; 'in target' is answered within the target as a share of offered (abandons count as misses)."""
    # simple box, short headers: the eight columns fit an 80-column terminal without cutting a number
    table = Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("channel", overflow="fold")
    for col in ("offered", "handled", "abandoned", "aband.", "in target", "ASA s", "AHT s"):
        table.add_column(col, justify="right", no_wrap=True)
    for channel in channels:
        rows = history[history["channel"] == channel]
        offered, handled, abandoned = int(rows["offered"].sum()), int(rows["handled"].sum()), int(rows["abandoned"].sum())
        within = int(rows["answered_within_target"].sum())
        asa = (rows["asa_s"] * rows["handled"]).sum() / handled if handled else float("nan")
        weights = rows["handled"].where(rows["aht_s"].notna(), 0)
        aht = (rows["aht_s"].fillna(0) * weights).sum() / weights.sum() if weights.sum() else float("nan")
        add_row(table, channel, f"{offered:,}", f"{handled:,}", f"{abandoned:,}", _pct(abandoned, offered),
                      _pct(within, offered), _seconds(asa), _seconds(aht))
    return table


def _seconds(value_s: float) -> str:
    """Whole seconds, or '–' when nothing was handled to average over."""
    return "–" if value_s != value_s else f"{value_s:.0f}"


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"
