"""The report's KPI tables as an Excel workbook, one sheet per table, written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from planner.io.files import atomic_path
from planner.reports.build import Report

# sheet order: what a reader wants first; any other table follows
SHEET_ORDER = ["summary", "kpi_channel", "kpi_month", "kpi_week", "kpi_day", "kpi_hour", "kpi_slot", "kpi_hour_of_day",
               "heatmap", "volume_week", "channel_mix", "contact_type_mix", "fcr", "agents", "occupancy_daily",
               "forecast_accuracy", "forecast_vs_actual_daily", "forecast_daily", "coverage_daily", "cost",
               "definitions", "skipped"]
SKIP = {"coverage_slots"}  # an input echoed back, not a KPI table


def sheet_tables(report: Report) -> dict[str, pd.DataFrame]:
    """Sheet name → table, in reading order (the heatmap with its weekday column)."""
    names = [n for n in SHEET_ORDER if n in report.tables] + sorted(set(report.tables) - set(SHEET_ORDER) - SKIP)
    sheets = {}
    for name in names:
        table = report.tables[name]
        if name == "heatmap":
            table = table.rename_axis("weekday").reset_index()
            table.columns = ["weekday", *[f"{int(h):02d}:00" for h in table.columns[1:]]]
        sheets[name[:31]] = table
    return sheets


def write_excel(report: Report, path: str | Path) -> Path:
    """Write every KPI table to its own sheet of an .xlsx file (header frozen, columns sized)."""
    path = Path(path)
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, table in sheet_tables(report).items():
            table.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for i, col in enumerate(table.columns, start=1):
                width = max(len(str(col)), *(len(str(v)) for v in table[col].head(200))) if len(table) else len(str(col))
                sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    return path
