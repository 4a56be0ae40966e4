"""Rich terminal tables of a Report: the per-channel KPIs with targets and status, and the skipped sections."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.table import Table
from rich.text import Text

from planner.reports.build import SECTIONS, Report
from planner.reports.kpis import abandon_scope_text, format_duration


def _pct(v: float) -> str:
    return "–" if pd.isna(v) else f"{v:.1%}"


def _status(text: str, status: str) -> Text:
    if status == "met":
        return Text(f"{text} ✓", style="green")
    if status == "missed":
        return Text(f"{text} ✗", style="red")
    return Text(text)


def _channel_cell(r: pd.Series, summary: pd.DataFrame) -> Text:
    """The channel name with its target and (on the all row) the abandon scope below, dim; all literal text."""
    cell = Text(str(r["channel"]))
    if r["target"]:
        cell.append(f"\n{r['target']}", style="dim")
    scope = abandon_scope_text(summary)
    if r["channel"] == "all" and scope != "every channel":
        cell.append(f"\naband.: {scope}", style="dim")
    return cell


def kpi_table(report: Report) -> Table | None:
    """A rich table: one row per channel with offered, rates, SL/ASA against target (green met, red missed), AHT, FCR."""
    s = report.table("summary")
    if s is None or s.empty:
        return None
    columns = {
        "channel": lambda r: _channel_cell(r, s),
        "offered": lambda r: Text(f"{r['offered']:,.0f}"),
        "handled": lambda r: Text(_pct(r["handled_rate"])),
        "aband.": lambda r: _status(_pct(r["abandon_rate"]), r["abandon_status"]),
        "SL": lambda r: _status(_pct(r["service_level"]), r["service_level_status"]),
        "ASA": lambda r: _status("–" if r["channel"] == "all" or pd.isna(r["asa_s"]) else format_duration(r["asa_s"]),
                                 r["asa_status"]),
        "AHT": lambda r: Text("–" if pd.isna(r["aht_s"]) else format_duration(r["aht_s"])),
        "occup.": lambda r: _status(_pct(r["occupancy"]), r["occupancy_status"]),
        "FCR": lambda r: Text(_pct(r["fcr_rate"])),
    }
    optional = {"occup.": "occupancy", "FCR": "fcr_rate", "SL": "service_level"}
    shown = [c for c in columns if c not in optional or s[optional[c]].notna().any()]
    table = Table(title=Text(f"{report.config.site.name}: KPIs per channel (✓ target met, ✗ missed)"), title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in shown:
        table.add_column(col, justify="left" if col == "channel" else "right", no_wrap=col != "channel",
                         min_width=9 if col == "channel" else None)
    for _, r in s.iterrows():
        table.add_row(*(columns[c](r) for c in shown), end_section=r["channel"] == "all")
    return table


def skipped_lines(report: Report) -> list[Text]:
    """One line per section skipped for lack of data, with the reason (literal text)."""
    return [Text.assemble(("skipped", "yellow"), f" {SECTIONS[k]}: {v}") for k, v in report.skipped.items()]
