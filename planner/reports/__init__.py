"""KPI reports: the KPI engine on contacts/history/forecast/coverage/roster tables, and its HTML, Excel and terminal views."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.config.schema import Config
from planner.reports.build import Report, build_report

__all__ = ["Report", "build_report", "generate_report"]


def generate_report(
    config: Config,
    out_html: str | Path,
    *,
    contacts: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    roster_slots: pd.DataFrame | None = None,
    out_xlsx: str | Path | None = None,
    sources: dict[str, str] | None = None,
    xlsx_slots: bool = False,
    agents: pd.DataFrame | None = None,
    forecast_daily: pd.DataFrame | None = None,
    capacity_plan: pd.DataFrame | None = None,
    leave_decisions: pd.DataFrame | None = None,
    week_floors: dict | None = None,
    whatif_summary: pd.DataFrame | None = None,
    whatif_href: str | None = None,
) -> Report:
    """Compute the KPIs the tables allow and write the self-contained HTML report (and the Excel workbook if asked);
    whatif_summary (scenario_summary.csv rows) adds a what-if section linking to whatif_href."""
    from planner.reports.excel import write_excel
    from planner.reports.html import write_html

    report = build_report(config, contacts=contacts, history=history, forecast=forecast, coverage=coverage, roster=roster,
                          roster_slots=roster_slots, sources=sources, agents=agents, forecast_daily=forecast_daily,
                          capacity_plan=capacity_plan, leave_decisions=leave_decisions,
                          week_floors=week_floors)
    if whatif_summary is not None:  # the what-if run beside the report: its week totals, linked to its own page
        report.tables["whatif_summary"] = whatif_summary
        if whatif_href is not None:
            report.links["whatif"] = whatif_href
    write_html(report, out_html)
    if out_xlsx is not None:
        write_excel(report, out_xlsx, slot_sheet=xlsx_slots)
    return report
