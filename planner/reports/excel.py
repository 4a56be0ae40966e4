"""The report's KPI tables as an Excel workbook, one sheet per table (readable headers, number formats), written atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.io.files import atomic_path
from planner.reports.build import Report, column_words

# sheet order: what a reader wants first; any other table follows
SHEET_ORDER = ["summary", "kpi_channel", "kpi_month", "kpi_week", "kpi_day", "kpi_hour", "kpi_slot", "kpi_hour_of_day",
               "heatmap", "volume_week", "channel_mix", "contact_type_mix", "fcr", "agents", "occupancy_daily",
               "forecast_accuracy", "forecast_vs_actual_daily", "forecast_daily", "coverage_weekly", "coverage_daily", "cost",
               "leave_week", "leave_allowance", "leave_reasons", "definitions", "skipped"]
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


# readable headers; any other column: its name with spaces, first letter capitalised
LABELS = {
    "period_start": "Period start", "interval_start": "Slot start", "date": "Date", "channel": "Channel",
    "handled_rate": "Handled rate", "abandon_rate": "Abandon rate", "abandon_rate_max": "Abandon rate max",
    "short_abandoned": "Short abandons", "sl_met": "Answered within target", "sl_counted": "Counted for service level",
    "service_level": "Service level", "service_level_target": "Service level target",
    "service_level_projected": "Projected service level", "asa_s": "ASA", "asa_target_s": "ASA target",
    "talk_s": "Talk time", "acw_s": "After-contact work", "aht_s": "AHT",
    "workload_s": "Handled workload", "staffed_s": "Staffed time", "channel_share": "Channel share",
    "fcr_rate": "FCR rate", "fcr_eligible": "FCR eligible", "fcr_resolved": "FCR resolved", "wape": "WAPE",
    "required_h": "Required agent-hours", "scheduled_h": "Scheduled agent-hours", "short_h": "Short agent-hours",
    "paid_hours": "Paid hours", "dates": "Days", "kpi": "KPI", "agent_id": "Agent", "offered_lo": "Offered (low)",
    "offered_hi": "Offered (high)", "target_status": "Target status", "asa_status": "ASA status",
    "aht_plan_s": "Planned AHT", "abandon_scope": "Abandon rate covers", "abandon_status": "Abandon status",
    "week": "Week (Monday)", "available_h": "Available agent-hours", "planned_leave_h": "Planned leave hours",
    "margin_h": "Margin hours", "allowance_h": "Leave allowance hours", "reason_code": "Reason code",
    "hours_h": "Leave hours", "group": "Skill group",
}
PERCENT = {"handled_rate", "abandon_rate", "abandon_rate_max", "service_level", "service_level_target",
           "service_level_projected", "occupancy", "occupancy_max", "channel_share", "fcr_rate", "repeat_rate", "share",
           "wape", "bias"}
MONEY = {"cost", "cost_per_contact", "cost_per_contact_target"}
DURATION_FORMAT = "[h]:mm:ss"
DAY_S = 86400.0


def column_formats(table: pd.DataFrame, currency: str) -> dict[str, str]:
    """Excel number format per column: percentages, h:mm:ss durations (`_s` columns), money, counts, dates."""
    formats = {}
    for col in table.columns:
        name, kind = str(col), table[col].dtype
        if pd.api.types.is_datetime64_any_dtype(kind):
            times = table[col].dropna()
            formats[col] = "yyyy-mm-dd" if (times == times.dt.normalize()).all() else "yyyy-mm-dd hh:mm"
        elif not pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind):
            continue
        elif name in PERCENT:
            formats[col] = "0.0%"
        elif name in MONEY:
            formats[col] = f'#,##0.00 "{currency}"'
        elif name.endswith("_s"):
            formats[col] = DURATION_FORMAT
        elif name.endswith("_h") or name == "paid_hours":
            formats[col] = "#,##0.0"
        elif pd.api.types.is_integer_dtype(kind) or (table[col].dropna() % 1 == 0).all():
            formats[col] = "#,##0"
        else:
            formats[col] = "#,##0.00"
    return formats


def header_label(column: str, currency: str) -> str:
    """The readable header of a column, with its unit where the cell format does not show it."""
    name = str(column)
    if name in MONEY:
        return {"cost": "Cost", "cost_per_contact": "Cost per contact",
                "cost_per_contact_target": "Cost per contact target"}[name] + f" ({currency})"
    if name in LABELS:
        label = LABELS[name]
    else:
        label = column_words(name)
        label = label[:1].upper() + label[1:]
    return label + " (h:mm:ss)" if name.endswith("_s") else label


def _python_rows(table: pd.DataFrame) -> list[list]:
    """Rows of plain Python values (None for missing, datetime for timestamps, days for `_s` durations)."""
    columns = []
    for col in table.columns:
        series = table[col]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            values = [None if v is pd.NaT else v.to_pydatetime() for v in series.astype(object)]
        elif pd.api.types.is_bool_dtype(series.dtype) and series.notna().all():
            values = series.astype(bool).tolist()
        elif pd.api.types.is_numeric_dtype(series.dtype):
            floats = series.astype(float)
            # Excel durations are fractions of a day
            floats = floats.round(0) / DAY_S if str(col).endswith("_s") else floats.round(6)
            values = [None if v != v else (int(v) if v.is_integer() and abs(v) < 2**53 else v) for v in floats.tolist()]
        else:
            values = [None if (v is None or (pd.api.types.is_scalar(v) and pd.isna(v))) else str(v) for v in series]
        columns.append(values)
    return [list(row) for row in zip(*columns, strict=True)]


def write_excel(report: Report, path: str | Path, slot_sheet: bool = False) -> Path:
    """Write every KPI table to its own sheet of an .xlsx file (readable headers, percent, h:mm:ss and money formats).

    The per-slot KPI table (tens of thousands of rows for a month) is left out unless slot_sheet is True.
    """
    path = Path(path)
    currency = report.config.reports.currency
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, table in sheet_tables(report, slot_sheet).items():
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        formats = column_formats(table, currency)
        labels = [header_label(col, currency) for col in table.columns]
        for i, col in enumerate(table.columns, start=1):
            kind = table[col].dtype
            width = 18 if pd.api.types.is_datetime64_any_dtype(kind) else max(len(labels[i - 1]) + 2, 10)
            if pd.api.types.is_object_dtype(kind) and len(table):
                width = max(width, min(60, int(table[col].astype(str).str.len().max()) + 2))
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for label in labels:
            cell = WriteOnlyCell(sheet, value=label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        styled = [formats.get(col) for col in table.columns]
        for row in _python_rows(table):
            cells = []
            for value, fmt in zip(row, styled, strict=True):
                if fmt is None or value is None:
                    cells.append(value)
                else:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = fmt
                    cells.append(cell)
            sheet.append(cells)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path
