"""The self-contained HTML report: KPI summary against targets, charts (plotly.js embedded once) and tables."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from string import Template

import numpy as np
import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from planner.io.files import write_text
from planner.reports import charts
from planner.reports.build import SECTIONS, Report, column_words
from planner.reports.kpis import DEFINITIONS, abandon_scope_text, format_duration

WIDE_CHARTS = {"heatmap", "weekly_volume", "required_vs_scheduled", "channel_mix", "forecast_vs_actual", "leave_capacity",
               "leave_allowance"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": "hover",
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _pct(value: float, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value * 100:.{digits}f}%"


def _num(value: float, digits: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"


def _dur(value: float) -> str:
    return "–" if value is None or pd.isna(value) else format_duration(float(value))


def money(value: float, report: Report, digits: int = 2) -> str:
    """An amount with the report's currency code, e.g. 'EUR 4.20'."""
    return "–" if value is None or pd.isna(value) else f"{report.config.reports.currency} {value:,.{digits}f}"


def _cell(text: str, status: str = "", sub: str = "", cls: str = "") -> str:
    classes = " ".join(c for c in (status, cls) if c)
    sub_html = f'<span class="sub">{html.escape(sub)}</span>' if sub else ""
    return f'<td class="{classes}">{html.escape(text)}{sub_html}</td>'


def summary_html(report: Report) -> str:
    """The per-channel KPI table with targets, red/green status cells."""
    s = report.table("summary")
    if s is None or s.empty:
        return ""
    head = ["Channel", "Target", "Offered", "Handled", "Abandoned", "Service level", "ASA", "AHT", "Occupancy", "FCR",
            "Contacts per resolution", "Share"]
    rows = []
    for _, r in s.iterrows():
        total = r["channel"] == "all"
        cells = [
            _cell("All channels" if total else str(r["channel"]), cls="text"),
            _cell(str(r["target"]), cls="text"),
            _cell(_num(r["offered"])),
            _cell(_pct(r["handled_rate"]), sub=_num(r["handled"])),
            _cell(_pct(r["abandon_rate"]), r["abandon_status"], sub=" · ".join(t for t in (
                f"of {abandon_scope_text(s)}" if total else "",
                "cannot abandon" if not total and not r["abandon_scope"] else "",
                f"max {_pct(r['abandon_rate_max'], 0)}" if pd.notna(r["abandon_rate_max"]) and r["abandon_scope"] else "")
                if t)),
            _cell(_pct(r["service_level"]), r["service_level_status"],
                  sub=f"target {_pct(r['service_level_target'], 0)}" if pd.notna(r["service_level_target"])
                  else ("within each channel's target" if total else "")),
            _cell("–" if total else _dur(r["asa_s"]), r["asa_status"],
                  sub=f"target {_dur(r['asa_target_s'])}" if pd.notna(r["asa_target_s"]) else ""),
            _cell(_dur(r["aht_s"]), sub=" · ".join(t for t in (
                f"plan {_dur(r['aht_plan_s'])}" if pd.notna(r["aht_plan_s"]) else "",
                f"ACW {_dur(r['acw_s'])}" if pd.notna(r["acw_s"]) else "") if t)),
            _cell(_pct(r["occupancy"]), r["occupancy_status"],
                  sub=f"max {_pct(r['occupancy_max'], 0)}" if pd.notna(r["occupancy_max"]) and pd.notna(r["occupancy"]) else ""),
            _cell(_pct(r["fcr_rate"])),
            _cell(_num(r["contacts_per_resolution"], 2)),
            _cell(_pct(r["channel_share"])),
        ]
        rows.append(f'<tr class="{"total" if total else ""}">{"".join(cells)}</tr>')
    header = "".join(f'<th class="{"text" if i < 2 else ""}">{h}</th>' for i, h in enumerate(head))
    return f'<div class="panel"><table><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def cards_html(report: Report) -> str:
    """Headline numbers for all channels together."""
    s = report.table("summary")
    if s is None or s.empty:
        return ""
    a = s[s["channel"] == "all"].iloc[0]
    met = int((s[["service_level_status", "asa_status"]] == "met").to_numpy().sum())
    judged = int(s[["service_level_status", "asa_status"]].isin(["met", "missed"]).to_numpy().sum())
    cards = [
        ("Contacts offered", _num(a["offered"]), _range_text(report)),
        ("Handled", _pct(a["handled_rate"]), f"{_num(a['handled'])} contacts"),
        ("Abandoned", _pct(a["abandon_rate"]), f"{_num(a['abandoned'])} contacts of {abandon_scope_text(s)}"),
        ("Answered within target", _pct(a["service_level"]), f"{met} of {judged} channel targets met"),
        ("Average handle time", _dur(a["aht_s"]), "talk + after-contact work"),
    ]
    if pd.notna(a["fcr_rate"]):
        cards.append(("First-contact resolution", _pct(a["fcr_rate"]),
                      f"{report.config.reports.fcr_window_days}-day window; "
                      f"{_num(a['contacts_per_resolution'], 2)} contacts per resolution"))
    cost = report.table("cost")
    if cost is not None:
        first = cost[cost["channel"] == "all"].iloc[0]
        cards.append(("Cost per contact", money(first["cost_per_contact"], report),
                      f"{first['basis']}; paid hours × contract rate"))
    body = "".join(f'<div class="card"><div class="label">{html.escape(label)}</div><div class="value">{html.escape(value)}'
                   f'</div><div class="note">{html.escape(note)}</div></div>' for label, value, note in cards)
    return f'<div class="cards">{body}</div>'


def _range_text(report: Report) -> str:
    if report.date_range is None:
        return ""
    lo, hi = report.date_range
    return f"{lo:%d %b %Y} – {hi:%d %b %Y}"


def table_html(df: pd.DataFrame, formats: dict[str, str] | None = None) -> str:
    """A DataFrame as a plain HTML table; formats map column → 'pct' | 'int' | 'dec' | 'dur' | 'date'."""
    formats = formats or {}
    fmt = {"pct": _pct, "int": _num, "dec": lambda v: _num(v, 2), "dur": _dur,
           "date": lambda v: "–" if pd.isna(v) else f"{pd.Timestamp(v):%a %d %b %Y}"}
    header = "".join(f'<th class="{"text" if i == 0 else ""}">{html.escape(column_words(c))}</th>'
                     for i, c in enumerate(df.columns))
    rows = []
    for _, r in df.iterrows():
        cells = []
        for i, col in enumerate(df.columns):
            value = r[col]
            kind = formats.get(col)
            if kind:
                text = fmt[kind](value)
            elif isinstance(value, float | np.floating):
                text = _num(value, 2)
            else:
                text = "–" if pd.isna(value) else str(value)
            cells.append(_cell(text, cls="text" if i == 0 or kind is None and not isinstance(value, int | float) else ""))
        rows.append(f'<tr class="{"total" if str(r.iloc[0]) == "all" else ""}">{"".join(cells)}</tr>')
    return f'<div class="panel"><table><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _tables_html(report: Report) -> str:
    parts = []
    for period, label in (("week", "week (Monday start)"), ("month", "month")):
        table = report.table(f"kpi_{period}")
        if table is not None and table["period_start"].nunique() > 1:
            view = table[["period_start", "channel", "offered", "handled_rate", "abandon_rate", "service_level", "asa_s",
                          "aht_s"]]
            parts.append(f"<h2>KPIs per channel and {label}</h2>")
            parts.append(f"<details><summary>{len(view)} rows (every period is in the Excel workbook)</summary>"
                         + table_html(view, {"period_start": "date", "offered": "int", "handled_rate": "pct",
                                             "abandon_rate": "pct", "service_level": "pct", "asa_s": "dur", "aht_s": "dur"})
                         + "</details>")
            break
    fcr = report.table("fcr")
    if fcr is not None:
        days = report.config.reports.fcr_window_days
        parts.append(f"<h2>First-contact resolution and repeat contacts ({days}-day window)</h2>")
        parts.append(table_html(fcr, {"fcr_rate": "pct", "repeat_rate": "pct", "contacts_per_resolution": "dec",
                                      "identified": "int", "fcr_eligible": "int", "fcr_resolved": "int",
                                      "repeat_contacts": "int", "chains_complete": "int", "contacts_in_chains": "int"}))
    acc = report.table("forecast_accuracy")
    if acc is not None:
        parts.append("<h2>Forecast accuracy</h2>")
        parts.append(table_html(acc, {"wape": "pct", "bias": "pct", "actual": "int", "forecast": "int", "slots": "int"}))
    weekly = report.table("coverage_weekly")
    if weekly is not None:
        parts.append("<h2>Coverage per roster week (agent-slots)</h2>")
        parts.append(table_html(weekly, {"week": "date", "required_slots": "int", "shortfall_slots": "int",
                                         "lp_floor_slots": "int", "service_level_projected": "pct"}))
    cov = report.table("coverage_daily")
    if cov is not None:
        parts.append("<h2>Required vs scheduled agent-hours per day</h2>")
        parts.append(f"<details><summary>{len(cov)} day × channel rows</summary>" + table_html(
            cov[["date", "channel", "required_h", "scheduled_h", "short_h", "service_level_projected"]],
            {"date": "date", "required_h": "dec", "scheduled_h": "dec", "short_h": "dec", "service_level_projected": "pct"})
            + "</details>")
    reasons = report.table("leave_reasons")
    if reasons is not None:
        parts.append("<h2>Leave decisions by reason</h2>")
        parts.append(table_html(reasons, {"requests": "int", "hours_h": "dec"}))
    whatif = report.table("whatif_summary")
    if whatif is not None:
        href = report.links.get("whatif")
        parts.append("<h2>What-if: scenarios against this week's roster</h2>")
        if href:
            parts.append(f'<p><a href="{html.escape(href, quote=True)}">Open the what-if comparison</a> (service level '
                         "per day and channel for each scenario).</p>")
        parts.append(table_html(whatif[["scenario", "mode", "offered", "service_level", "late_contacts", "short_h",
                                        "paid_h"]],
                                {"offered": "int", "service_level": "pct", "late_contacts": "int", "short_h": "int",
                                 "paid_h": "int"}))
    cost = report.table("cost")
    if cost is not None:
        parts.append(f"<h2>Cost per contact ({html.escape(report.config.reports.currency)})</h2>")
        parts.append(cost_html(cost, report))
    agents = report.table("agents")
    if agents is not None:
        parts.append("<h2>Per agent: contacts handled and handle time</h2>")
        parts.append('<p class="note-box">For coaching conversations, not for ranking: handle time depends on the contacts '
                     "an agent happens to receive, and a handle-time target invites rushed or transferred contacts. "
                     "Sorted by agent id.</p>")
        parts.append(f"<details><summary>{len(agents)} agent × channel rows</summary>"
                     + table_html(agents, {"handled": "int", "talk_s": "dur", "acw_s": "dur", "aht_s": "dur"}) + "</details>")
    return "\n".join(parts)


def cost_html(cost: pd.DataFrame, report: Report) -> str:
    """The cost table: paid hours and cost per basis and channel, cost per contact against the channel's target."""
    head = ["Basis", "Channel", "Days", "Paid hours", "Cost", "Contacts", "Cost per contact", "Target per contact"]
    rows = []
    for _, r in cost.iterrows():
        total = r["channel"] == "all"
        cells = [_cell(str(r["basis"]), cls="text"), _cell("All channels" if total else str(r["channel"]), cls="text"),
                 _cell(_num(r["dates"])), _cell(_num(r["paid_hours"], 1)), _cell(money(r["cost"], report, 0)),
                 _cell(_num(r["contacts"])), _cell(money(r["cost_per_contact"], report), r["target_status"]),
                 _cell(money(r["cost_per_contact_target"], report) if pd.notna(r["cost_per_contact_target"]) else "–")]
        rows.append(f'<tr class="{"total" if total else ""}">{"".join(cells)}</tr>')
    header = "".join(f'<th class="{"text" if i < 2 else ""}">{h}</th>' for i, h in enumerate(head))
    return f'<div class="panel"><table><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _skipped_html(report: Report) -> str:
    if not report.skipped:
        return ""
    items = "".join(f"<li><b>{html.escape(SECTIONS[k])}</b>: {html.escape(v)}</li>" for k, v in report.skipped.items())
    return f'<div class="skipped"><b>Sections skipped for lack of data</b><ul>{items}</ul></div>'


def _definitions_html() -> str:
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in DEFINITIONS.items())
    return f'<details><summary>How each KPI is computed</summary><div class="panel"><dl class="defs">{items}</dl></div></details>'


def render_html(report: Report) -> str:
    """The whole report as one HTML string with plotly.js inlined (no network needed to view it)."""
    figures = charts.all_charts(report)
    chart_divs = []
    for name, fig in figures:
        div = pio.to_html(fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=f"chart-{name}",
                          default_width="100%", default_height=f"{fig.layout.height or 360}px")
        wide = " wide" if name in WIDE_CHARTS else ""
        chart_divs.append(f'<div class="chart{wide}" data-chart="{name}">{div}</div>')
    sources = ", ".join(f"{k}: {Path(v).name}" for k, v in report.sources.items())
    body = "\n".join(part for part in [
        cards_html(report),
        _skipped_html(report),
        "<h2>KPIs per channel against targets</h2>" if report.table("summary") is not None else "",
        summary_html(report),
        _definitions_html(),
        "<h2>Charts</h2>" if chart_divs else "",
        f'<div class="grid">{"".join(chart_divs)}</div>',
        _tables_html(report),
    ] if part)
    template = Template(resources.files("planner.reports").joinpath("templates/report.html").read_text(encoding="utf-8"))
    subtitle = " · ".join(p for p in [_range_text(report), f"inputs: {sources}" if sources else ""] if p)
    return template.substitute(title=html.escape(f"{report.config.site.name}: contact-centre KPI report"),
                               subtitle=html.escape(subtitle), plotlyjs=get_plotlyjs(), body=body)


def write_html(report: Report, path: str | Path) -> Path:
    """Write the report as one self-contained HTML file, atomically."""
    return write_text(render_html(report), path)
