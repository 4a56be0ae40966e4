"""Rich terminal tables of a Report: the per-channel KPIs with targets and status, and the skipped sections."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from planner.reports.build import SECTIONS, Report
from planner.reports.kpis import format_duration


def _pct(v: float) -> str:
    return "–" if pd.isna(v) else f"{v:.1%}"


def _status(text: str, status: str) -> str:
    if status == "met":
        return f"[green]{text} ✓[/]"
    if status == "missed":
        return f"[red]{text} ✗[/]"
    return text


def kpi_table(report: Report) -> Table | None:
    """A rich table: one row per channel with offered, rates, SL/ASA against target (green met, red missed), AHT, FCR."""
    s = report.table("summary")
    if s is None or s.empty:
        return None
    table = Table(title=f"{report.config.site.name}: KPIs per channel", title_justify="left")
    for col in ("channel", "target", "offered", "handled", "abandoned", "service level", "ASA", "AHT", "occupancy", "FCR"):
        table.add_column(col, justify="left" if col in ("channel", "target") else "right")
    for _, r in s.iterrows():
        sl = _pct(r["service_level"])
        if pd.notna(r["service_level_target"]):
            sl = _status(f"{sl} / {r['service_level_target']:.0%}", r["service_level_status"])
        asa = "–" if r["channel"] == "all" or pd.isna(r["asa_s"]) else format_duration(r["asa_s"])
        if pd.notna(r["asa_target_s"]):
            asa = _status(f"{asa} / {format_duration(r['asa_target_s'])}", r["asa_status"])
        table.add_row(
            str(r["channel"]), str(r["target"]), f"{r['offered']:,.0f}", _pct(r["handled_rate"]),
            _status(_pct(r["abandon_rate"]), r["abandon_status"]), sl, asa,
            "–" if pd.isna(r["aht_s"]) else format_duration(r["aht_s"]),
            _status(_pct(r["occupancy"]), r["occupancy_status"]), _pct(r["fcr_rate"]),
            end_section=r["channel"] == "all",
        )
    return table


def skipped_lines(report: Report) -> list[str]:
    """One line per section skipped for lack of data, with the reason."""
    return [f"[yellow]skipped[/] {SECTIONS[k]}: {v}" for k, v in report.skipped.items()]
