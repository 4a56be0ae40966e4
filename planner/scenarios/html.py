"""The what-if comparison as one offline HTML page: the baseline and each scenario side by side, per mode."""

from __future__ import annotations

import html
from importlib import resources
from pathlib import Path
from string import Template

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from planner.config import Config
from planner.io.files import write_text
from planner.reports.charts import FONT
from planner.reports.html import PLOTLY_CONFIG, table_html

PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d"]


def _label(scenario: str, mode: str) -> str:
    return f"{scenario} ({mode})"


def service_level_chart(config: Config, days: pd.DataFrame) -> go.Figure:
    """Projected service level per day, one panel per channel, one line per scenario × mode, the target dotted."""
    channels = [c for c in config.channel_names if c in set(days["channel"])]
    fig = make_subplots(rows=len(channels), cols=1, shared_xaxes=True, subplot_titles=channels,
                        vertical_spacing=0.08 if len(channels) > 1 else 0.0)
    keys = list(dict.fromkeys(zip(days["scenario"], days["mode"], strict=True)))
    for row, channel in enumerate(channels, start=1):
        part = days[days["channel"] == channel]
        for k, (scenario, mode) in enumerate(keys):
            line = part[(part["scenario"] == scenario) & (part["mode"] == mode)]
            fig.add_trace(go.Scatter(x=pd.to_datetime(line["date"]), y=line["service_level"], mode="lines+markers",
                                     name=_label(scenario, mode), legendgroup=_label(scenario, mode),
                                     showlegend=row == 1, line={"color": PALETTE[k % len(PALETTE)],
                                                                "dash": "dash" if mode == "reroster" else "solid"}),
                          row=row, col=1)
            if "expected_service_level" in line:  # the mean over forecast-error draws, below the point projection
                fig.add_trace(go.Scatter(x=pd.to_datetime(line["date"]), y=line["expected_service_level"], mode="markers",
                                         name=_label(scenario, mode) + " expected", legendgroup=_label(scenario, mode),
                                         showlegend=False, marker={"color": PALETTE[k % len(PALETTE)], "symbol": "x",
                                                                   "size": 9}),
                              row=row, col=1)
        target = part["target"].dropna()
        if len(target):
            fig.add_hline(y=float(target.iloc[0]), line={"dash": "dot", "color": "#888"}, row=row, col=1)
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05], row=row, col=1)
    fig.update_layout(template="plotly_white", height=230 * len(channels) + 80, font={"family": FONT, "size": 12},
                      title="Projected service level per day (dotted: target; dashed: re-rostered; "
                            "×: expected under forecast error)",
                      margin={"l": 50, "r": 20, "t": 70, "b": 40}, legend={"orientation": "h", "y": -0.06})
    return fig


def hours_chart(summary: pd.DataFrame) -> go.Figure:
    """Required vs scheduled agent-hours and shortfall hours per scenario × mode over the week."""
    labels = [_label(s, m) for s, m in zip(summary["scenario"], summary["mode"], strict=True)]
    fig = go.Figure()
    for col, name, color in (("required_h", "required", "#bab0ac"), ("scheduled_h", "scheduled", "#4c78a8"),
                             ("short_h", "short", "#e45756")):
        fig.add_trace(go.Bar(x=labels, y=summary[col], name=name, marker_color=color))
    fig.update_layout(template="plotly_white", barmode="group", height=380, font={"family": FONT, "size": 12},
                      title="Agent-hours over the week", yaxis_title="agent-hours",
                      margin={"l": 50, "r": 20, "t": 60, "b": 80})
    return fig


def render_comparison(config: Config, days: pd.DataFrame, summary: pd.DataFrame, subtitle: str) -> str:
    """The comparison page: summary table, service level per day per channel, hours per scenario (plotly inlined)."""
    divs = []
    for name, fig in (("service-level", service_level_chart(config, days)), ("hours", hours_chart(summary))):
        divs.append(f'<div class="chart wide" data-chart="{name}">' + pio.to_html(
            fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id=f"chart-{name}",
            default_width="100%", default_height=f"{fig.layout.height}px") + "</div>")
    shown = summary.drop(columns=["note"]).assign(cost=summary["cost"].round(0))
    notes = [f"<li>{html.escape(f'{s} ({m}): {n}')}</li>" for s, m, n in
             zip(summary["scenario"], summary["mode"], summary["note"], strict=True) if n]
    body = "\n".join([
        "<h2>Scenarios against the baseline (week totals)</h2>",
        table_html(shown, {"service_level": "pct", "expected_service_level": "pct", "offered": "int", "required_h": "int",
                           "scheduled_h": "int",
                           "short_h": "int", "late_contacts": "int", "paid_h": "int", "cost": "int"}),
        f"<ul>{''.join(notes)}</ul>" if notes else "",
        "<h2>Charts</h2>",
        f'<div class="grid">{"".join(divs)}</div>',
    ])
    template = Template(resources.files("planner.reports").joinpath("templates/report.html").read_text(encoding="utf-8"))
    return template.substitute(title=html.escape(f"{config.site.name}: what-if comparison"),
                               subtitle=html.escape(subtitle), plotlyjs=get_plotlyjs(), body=body)


def write_comparison(config: Config, days: pd.DataFrame, summary: pd.DataFrame, subtitle: str, path: str | Path) -> Path:
    """Write the comparison page atomically."""
    return write_text(render_comparison(config, days, summary, subtitle), path)


def sweep_heatmap(table: pd.DataFrame, labels: list[str]) -> go.Figure:
    """Service level over the first two axes (one axis: a single row), one panel per channel and the all-channel
    level; other axes are averaged over."""
    x_axis = labels[0]
    y_axis = labels[1] if len(labels) > 1 else None
    channels = list(dict.fromkeys(table["channel"]))
    fig = make_subplots(rows=len(channels), cols=1, subplot_titles=channels, vertical_spacing=0.06)
    for row, channel in enumerate(channels, start=1):
        keys = [x_axis] + ([y_axis] if y_axis else [])
        part = table[table["channel"] == channel]
        grid = part.groupby(keys, sort=False)["service_level"].mean().reset_index()
        xs = list(dict.fromkeys(part[x_axis]))
        ys = list(dict.fromkeys(part[y_axis])) if y_axis else [""]
        z = [[grid.loc[(grid[x_axis] == x) & ((grid[y_axis] == y) if y_axis else True), "service_level"].mean()
              for x in xs] for y in ys]
        fig.add_trace(go.Heatmap(x=[str(x) for x in xs], y=[str(y) for y in ys], z=z, zmin=0, zmax=1,
                                 colorscale="RdYlGn", showscale=row == 1, texttemplate="%{z:.0%}",
                                 hovertemplate=f"{x_axis}=%{{x}}<br>{y_axis or ''}=%{{y}}<br>SL %{{z:.1%}}<extra>"
                                               f"{channel}</extra>"), row=row, col=1)
        fig.update_xaxes(title_text=x_axis, type="category", row=row, col=1)
        fig.update_yaxes(title_text=y_axis or "", type="category", row=row, col=1)
    fig.update_layout(template="plotly_white", height=260 * len(channels) + 80, font={"family": FONT, "size": 12},
                      title="Projected service level over the week", margin={"l": 70, "r": 20, "t": 70, "b": 40})
    return fig


def render_sweep(config: Config, table: pd.DataFrame, labels: list[str], subtitle: str) -> str:
    """The sweep page: the heat maps, then the all-channel rows (plotly inlined)."""
    fig = sweep_heatmap(table, labels)
    chart = '<div class="chart wide" data-chart="sweep">' + pio.to_html(
        fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG, div_id="chart-sweep",
        default_width="100%", default_height=f"{fig.layout.height}px") + "</div>"
    shown = table[table["channel"] == "all"].drop(columns=["channel", "note"], errors="ignore")
    body = "\n".join([
        "<h2>Service level over the grid</h2>", f'<div class="grid">{chart}</div>',
        "<h2>Points (all channels, week totals)</h2>",
        table_html(shown, {"service_level": "pct", "offered": "int", "required_h": "int", "scheduled_h": "int",
                           "short_h": "int", "late_contacts": "int", "paid_h": "int", "cost": "int"}),
    ])
    template = Template(resources.files("planner.reports").joinpath("templates/report.html").read_text(encoding="utf-8"))
    return template.substitute(title=html.escape(f"{config.site.name}: sweep"), subtitle=html.escape(subtitle),
                               plotlyjs=get_plotlyjs(), body=body)


def write_sweep(config: Config, table: pd.DataFrame, labels: list[str], subtitle: str, path: str | Path) -> Path:
    """Write the sweep page atomically."""
    return write_text(render_sweep(config, table, labels, subtitle), path)
