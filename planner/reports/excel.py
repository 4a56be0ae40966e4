"""The report's KPI tables as an Excel workbook, one sheet per table, written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.io.files import atomic_path
from planner.reports.build import Report

# sheet order: what a reader wants first; any other table follows
SHEET_ORDER = ["summary", "kpi_channel", "kpi_month", "kpi_week", "kpi_day", "kpi_hour", "kpi_slot", "kpi_hour_of_day",
               "heatmap", "volume_week", "channel_mix", "contact_type_mix", "fcr", "agents", "occupancy_daily",
               "forecast_accuracy", "forecast_vs_actual_daily", "forecast_daily", "coverage_daily", "cost",
               "definitions", "skipped"]
SKIP = {"coverage_slots"}  # an input echoed back, not a KPI table


def sheet_tables(report: Report, slot_sheet: bool = False) -> dict[str, pd.DataFrame]:
    """Sheet name → table, in reading order (the heatmap with its weekday column); per-slot KPIs only when asked."""
    skip = SKIP | (set() if slot_sheet else {"kpi_slot"})
    names = [n for n in SHEET_ORDER if n in report.tables and n not in skip]
    names += sorted(set(report.tables) - set(SHEET_ORDER) - skip)
    sheets = {}
    for name in names:
        table = report.tables[name]
        if name == "heatmap":
            table = table.rename_axis("weekday").reset_index()
            table.columns = ["weekday", *[f"{int(h):02d}:00" for h in table.columns[1:]]]
        elif name.startswith("kpi_"):
            table = table.drop(columns=[c for c in table.columns if c.endswith(("_sum_s", "_n"))])
        sheets[name[:31]] = table
    return sheets


def _python_rows(table: pd.DataFrame) -> list[list]:
    """Rows of plain Python values (None for missing, datetime for timestamps), converted column by column."""
    columns = []
    for col in table.columns:
        series = table[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            values = [None if v is pd.NaT else v.to_pydatetime() for v in series.astype(object)]
        elif pd.api.types.is_bool_dtype(series.dtype) and series.notna().all():
            values = series.astype(bool).tolist()
        elif pd.api.types.is_numeric_dtype(series.dtype):
            values = series.astype(float).round(6).tolist()
            values = [None if v != v else (int(v) if v.is_integer() and abs(v) < 2**53 else v) for v in values]
        else:
            values = [None if (v is None or (pd.api.types.is_scalar(v) and pd.isna(v))) else str(v) for v in series]
        columns.append(values)
    return [list(row) for row in zip(*columns, strict=True)]


def write_excel(report: Report, path: str | Path, slot_sheet: bool = False) -> Path:
    """Write every KPI table to its own sheet of an .xlsx file (header frozen, columns sized), streaming rows.

    The per-slot KPI table (tens of thousands of rows for a month) is left out unless slot_sheet is True.
    """
    path = Path(path)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, table in sheet_tables(report, slot_sheet).items():
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        for i, col in enumerate(table.columns, start=1):
            kind = table[col].dtype
            width = 20 if pd.api.types.is_datetime64_any_dtype(kind) else max(len(str(col)) + 2, 10)
            if pd.api.types.is_object_dtype(kind) and len(table):
                width = max(width, min(60, int(table[col].astype(str).str.len().max()) + 2))
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for col in table.columns:
            cell = WriteOnlyCell(sheet, value=str(col))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in _python_rows(table):
            sheet.append(row)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path
