"""`planner sample`: write the deterministic sample site (history, contacts, agents, leave) as CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, config_from, out, progress
from planner.config import load_config
from planner.sample import SampleSite, demo_config_path, generate_site, write_site


def register(app: typer.Typer) -> None:
    """Add the sample command to app."""
    app.command(
        help="Write a realistic, deterministic sample site: two years of 15-minute history, the last four weeks "
        "as one row per contact, ~150 agents, their leave and next year's leave bids (history.csv, contacts.csv, "
        "agents.csv, leave.csv, bids.csv).\n\n"
        "Example: planner sample --out runs/demo/data --seed 7"
    )(sample)


def sample(
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder to write the five CSV files into (created if needed)."),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed gives byte-identical files."),
    weeks: int = typer.Option(104, "--weeks", min=1, help="Weeks of history, ending on Sunday 2026-11-22."),
    config: Path | None = typer.Option(None, "--config", "-c", help="Site config (YAML); default: the packaged demo config."),
) -> None:
    """Generate the sample site and write it."""
    cfg = config_from(config) if config is not None else load_config(demo_config_path())
    with progress(f"Generating {weeks} weeks of sample history") as advance:
        site = generate_site(cfg, seed=seed, weeks=weeks)
        advance()
    paths = write_site(site, out_dir)
    table = Table(title=Text(f"Sample site (seed {seed}) in {out_dir}"), title_justify="left")
    for col, justify in (("file", "left"), ("rows", "right"), ("covers", "left"), ("contents", "left")):
        table.add_column(col, justify=justify)
    for path, (rows, covers, contents) in zip(paths, summaries(site), strict=True):
        add_row(table, path.name, f"{rows:,}", covers, contents)
    out(table)


def _span(first, last) -> str:
    return f"{first:%Y-%m-%d} → {last:%Y-%m-%d}"


def summaries(site: SampleSite) -> list[tuple[int, str, str]]:
    """(rows, period covered, contents) of each written file: history, contacts, agents, leave, bids."""
    h, c, a, lv = site.history, site.contacts, site.agents, site.leave
    offered = h.groupby("channel", sort=False)["offered"].sum()
    planning = site.end + pd.Timedelta(days=1)
    in_week = lv[(lv["start_date"] <= planning + pd.Timedelta(days=6)) & (lv["end_date"] >= planning)]
    contracts = a["contract"].value_counts()
    offered = offered.sort_values(ascending=False)
    return [
        (len(h), _span(h["interval_start"].min(), h["interval_start"].max()),
         "offered " + ", ".join(f"{name} {n:,}" for name, n in offered.items())),
        (len(c), _span(c["arrived_at"].min(), c["arrived_at"].max()),
         f"{c['abandoned'].mean():.1%} abandoned, {c['customer_id'].nunique():,} customers"),
        (len(a), "", ", ".join(f"{n} {name}" for name, n in contracts.items())
         + f"; {(a['skills'].str.count(';') > 0).sum()} multi-skilled, {a['available_from'].notna().sum()} with a window"),
        (len(lv), _span(lv["start_date"].min(), lv["end_date"].max()),
         f"{(lv['status'] == 'approved').sum()} approved, {(lv['status'] == 'requested').sum()} requested; "
         f"{len(in_week)} in the week of {planning:%Y-%m-%d}"),
        (len(site.bids), _span(site.bids["start_date"].min(), site.bids["end_date"].max()),
         f"{site.bids['agent_id'].nunique()} agents' ranked leave bids, up to rank {site.bids['rank'].max()}"),
    ]
