"""The report's leave section: tables from a capacity plan and leave decisions, and their three charts.

Tables (also sheets of the Excel workbook): leave_week (required, available and allowance hours per week, all
groups), leave_allowance (allowance hours per skill group and week, the heat map's numbers), leave_reasons (requests and
hours per decision and reason code).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from planner.reports.build import Report

WEEK_COLUMNS = ["week", "required_h", "available_h", "planned_leave_h", "margin_h", "allowance_h"]


def leave_tables(capacity_plan: pd.DataFrame | None, decisions: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Report tables from a capacity_plan table (per group and week) and a leave_decisions table; either may be None."""
    tables = {}
    if capacity_plan is not None and len(capacity_plan):
        plan = capacity_plan.assign(week=pd.to_datetime(capacity_plan["week"]))
        tables["leave_week"] = plan.groupby("week", as_index=False)[WEEK_COLUMNS[1:]].sum()[WEEK_COLUMNS]
        heat = plan.pivot_table(index="group", columns="week", values="allowance_h", aggfunc="sum")
        heat.columns = [f"{w:%Y-%m-%d}" for w in heat.columns]
        tables["leave_allowance"] = heat.reset_index()
    if decisions is not None and len(decisions):
        tables["leave_reasons"] = (decisions.groupby(["decision", "reason_code"], as_index=False)
                                   .agg(requests=("request_id", "size"), hours_h=("hours", "sum"))
                                   .sort_values(["decision", "requests"], ascending=[True, False], ignore_index=True))
    return tables


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    from planner.reports.charts import _layout as layout  # one look for every chart of the report

    return layout(fig, title, x_title, y_title, height)


def capacity_by_week(report: Report) -> go.Figure | None:
    """Required and available agent-hours per week over the plan, with the leave allowance as a band above the need."""
    table = report.table("leave_week")
    if table is None:
        return None
    need = table["required_h"] + table["margin_h"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=table["week"], y=need, name="required + margin", line={"color": "#b8405e"}))
    fig.add_trace(go.Scatter(x=table["week"], y=need + table["allowance_h"], name="allowance (leave still grantable)",
                             fill="tonexty", line={"color": "#2a9d6f", "width": 0.5}, fillcolor="rgba(42,157,111,0.25)"))
    fig.add_trace(go.Scatter(x=table["week"], y=table["available_h"], name="available (after planned leave)",
                             line={"color": "#1f5f99", "dash": "dot"}))
    fig.add_trace(go.Scatter(x=table["week"], y=table["required_h"], name="required", line={"color": "#333333"}))
    return _layout(fig, "Leave plan: required vs available agent-hours per week, with the allowance band",
                   "week (Monday)", "agent-hours")


def allowance_heatmap(report: Report) -> go.Figure | None:
    """Leave allowance in hours per skill group (rows) and week (columns)."""
    table = report.table("leave_allowance")
    if table is None:
        return None
    weeks = [c for c in table.columns if c != "group"]
    fig = go.Figure(go.Heatmap(z=table[weeks].to_numpy(), x=weeks, y=table["group"], colorscale="Greens",
                               colorbar={"title": "hours"}, hovertemplate="%{y}, week of %{x}: %{z:.0f} h<extra></extra>"))
    return _layout(fig, "Leave allowance per skill group and week (hours still grantable)", "week (Monday)",
                   "skill group", height=max(300, 60 + 28 * len(table)))


def decisions_by_reason(report: Report) -> go.Figure | None:
    """Leave requests per reason code, coloured by decision."""
    table = report.table("leave_reasons")
    if table is None:
        return None
    colors = {"approved": "#2a9d6f", "review": "#e07b22", "waitlisted": "#c2a02b", "denied": "#b8405e"}
    fig = go.Figure()
    for decision, rows in table.groupby("decision", sort=False):
        fig.add_trace(go.Bar(x=rows["requests"], y=rows["reason_code"], name=decision, orientation="h",
                             marker_color=colors.get(decision, "#7a5ab8")))
    fig.update_layout(barmode="stack")
    return _layout(fig, "Leave decisions by reason", "requests", "reason code", height=max(300, 80 + 30 * len(table)))
