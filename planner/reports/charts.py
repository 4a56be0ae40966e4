"""Plotly figures of a Report: each function returns a titled figure with labelled axes and units, or None without data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from planner.config.schema import ServiceLevelTarget
from planner.reports.build import Report
from planner.reports.leave import allowance_heatmap, capacity_by_week, decisions_by_reason

PALETTE = ["#1f5f99", "#e07b22", "#2a9d6f", "#b8405e", "#7a5ab8", "#8c7a4b", "#3b9fc0", "#c2a02b"]
PIE_TEXT = {"textinfo": "label+percent", "textposition": "inside", "insidetextorientation": "horizontal"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"


def channel_colors(report: Report) -> dict[str, str]:
    """A stable colour per channel (config order), 'all' in dark grey."""
    names = list(report.config.channel_names)
    for table in ("kpi_channel", "volume_week"):
        if table in report.tables:
            names += [c for c in report.tables[table]["channel"].unique() if c not in names and c != "all"]
    colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    colors["all"] = "#333333"
    return colors


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 16}},
        template="plotly_white", height=height, font={"family": FONT, "size": 12},
        margin={"l": 64, "r": 24, "t": 84, "b": 52},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0.0},
        hovermode="x unified",
    )
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    return fig


def by_channel(table: pd.DataFrame, report: Report):
    """(channel, rows) pairs in config channel order, then any other channels alphabetically."""
    order = {name: i for i, name in enumerate(report.config.channel_names)}
    names = sorted(table["channel"].unique(), key=lambda c: (order.get(c, len(order)), c))
    return [(name, table[table["channel"] == name]) for name in names]


def _weekly_axis(fig: go.Figure) -> None:
    fig.update_xaxes(tickformat="%d %b %Y", dtick=7 * 86400000.0, tick0="2000-01-03")


def _immediate(report: Report) -> list[str]:
    return [c.name for c in report.config.channels if c.kind == "immediate"]


def heatmap(report: Report) -> go.Figure | None:
    """Mean contacts received per hour, weekday × hour of day: all channels, and each channel through a selector."""
    from planner.reports.breakdowns import weekday_hour_volume

    table = report.table("heatmap")
    if table is None or report.date_range is None:
        return None
    hours = [h for h in table.columns if table[h].fillna(0).sum() > 0]
    if not hours:
        return None
    hours = list(range(min(hours), max(hours) + 1))
    views = [("All channels", table)]
    slots = report.table("kpi_slot")
    if slots is not None and slots["channel"].nunique() > 1:
        sums = slots.rename(columns={"period_start": "interval_start"})
        for name, part in by_channel(sums, report):
            views.append((name, weekday_hour_volume(part, report.date_range)))
    fig = go.Figure()
    for i, (name, view) in enumerate(views):
        z = view.reindex(columns=hours).round(1)
        fig.add_trace(go.Heatmap(
            z=z.to_numpy(), x=[f"{h:02d}:00" for h in hours], y=list(z.index), colorscale="Blues", visible=i == 0,
            name=name, colorbar={"title": {"text": "contacts<br>per hour"}},
            hovertemplate="%{y} %{x}: %{z:.1f} contacts per hour<extra>" + name + "</extra>",
            text=z.to_numpy(), texttemplate="%{text:.0f}", textfont={"size": 10}))
    if len(views) > 1:
        buttons = [{"label": name, "method": "update",
                    "args": [{"visible": [j == i for j in range(len(views))]}]} for i, (name, _) in enumerate(views)]
        fig.update_layout(updatemenus=[{"buttons": buttons, "direction": "right", "type": "buttons", "showactive": True,
                                        "x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                                        "pad": {"r": 4, "t": 0}, "font": {"size": 11}}])
    fig.update_yaxes(autorange="reversed")
    fig = _layout(fig, "Contacts received: mean per hour, by weekday and hour", "Hour of day (site time)", "Weekday", 400)
    fig.update_layout(hovermode="closest")
    return fig


def weekly_volume(report: Report) -> go.Figure | None:
    """Contacts offered per week, stacked by channel."""
    table = report.table("volume_week")
    if table is None or table.empty:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(table, report):
        fig.add_bar(x=part["period_start"], y=part["offered"], name=name, marker_color=colors.get(name),
                    hovertemplate="%{y:,.0f}")
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    if table["period_start"].nunique() <= 20:
        _weekly_axis(fig)
    title = "Contacts offered per week"
    if report.date_range is not None and table["period_start"].min() < report.date_range[0] - pd.Timedelta(days=7):
        title += f" (interval history, {table['period_start'].nunique()} weeks)"
    return _layout(fig, title, "Week starting (Monday)", "Contacts per week")


MIN_CONTACTS = 10  # hours of day with fewer contacts over the whole range are left out of the ratio charts
DENOMINATOR = {"service_level": "sl_counted", "asa_s": "wait_n", "aht_s": "talk_n"}


def _by_hour_lines(report: Report, column: str, channels: list[str], scale: float = 1.0) -> go.Figure:
    table = report.tables["kpi_hour_of_day"]
    colors = channel_colors(report)
    fig = go.Figure()
    for name in channels:
        part = table[table["channel"] == name].sort_values("hour")
        part = part[part[DENOMINATOR[column]].fillna(0) >= MIN_CONTACTS]
        if part[column].notna().any():
            fig.add_scatter(x=part["hour"], y=part[column] * scale, mode="lines+markers", name=name,
                            line={"color": colors.get(name), "width": 2})
    fig.update_xaxes(tickmode="linear", dtick=1, tickformat="02d", range=[-0.5, 23.5])
    return fig


def service_level_by_hour(report: Report) -> go.Figure | None:
    """Service level per hour of day and channel against each channel's target (dashed)."""
    if report.table("kpi_hour_of_day") is None:
        return None
    channels = [c.name for c in report.config.channels if isinstance(c.target, ServiceLevelTarget)]
    fig = _by_hour_lines(report, "service_level", channels, 100)
    if not fig.data:
        return None
    colors = channel_colors(report)
    for ch in report.config.channels:
        if isinstance(ch.target, ServiceLevelTarget) and ch.name in {t.name for t in fig.data}:
            fig.add_hline(y=ch.target.service_level * 100, line_dash="dash", line_color=colors.get(ch.name), opacity=0.6)
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    return _layout(fig, "Service level by hour of day (dashed: target)", "Hour of day", "Answered within target (%)")


def asa_by_hour(report: Report) -> go.Figure | None:
    """Average speed of answer per hour of day for the immediate channels (seconds)."""
    if report.table("kpi_hour_of_day") is None:
        return None
    fig = _by_hour_lines(report, "asa_s", _immediate(report))
    if not fig.data:
        return None
    fig.update_yaxes(rangemode="tozero")
    return _layout(fig, "Average speed of answer by hour of day", "Hour of day", "ASA (seconds)")


def aht_by_hour(report: Report) -> go.Figure | None:
    """Average handle time (talk + after-contact work) per hour of day and channel (seconds)."""
    if report.table("kpi_hour_of_day") is None:
        return None
    fig = _by_hour_lines(report, "aht_s", [name for name, _ in by_channel(report.tables["kpi_hour_of_day"], report)])
    if not fig.data:
        return None
    fig.update_yaxes(rangemode="tozero")
    return _layout(fig, "Average handle time by hour of day", "Hour of day", "AHT (seconds)")


def abandon_rate_by_day(report: Report) -> go.Figure | None:
    """Abandon rate per day for channels with abandons, with the configured maximum (dashed)."""
    table = report.table("kpi_day")
    if table is None:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(table, report):
        part = part[part["offered"].fillna(0) >= MIN_CONTACTS]
        if part["abandoned"].fillna(0).sum() > 0:
            fig.add_scatter(x=part["period_start"], y=part["abandon_rate"] * 100, mode="lines+markers", name=name,
                            line={"color": colors.get(name), "width": 2})
    if not fig.data:
        return None
    limit = report.config.reports.abandon_rate_max
    if limit is not None:
        fig.add_hline(y=limit * 100, line_dash="dash", line_color="#b8405e", annotation_text=f"max {limit:.0%}")
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return _layout(fig, f"Abandon rate per day (days with ≥ {MIN_CONTACTS} contacts)", "Date", "Abandoned / offered (%)")


def channel_mix(report: Report) -> go.Figure | None:
    """Share of contacts per channel (donut) and per contact type when known (stacked bars)."""
    table = report.table("kpi_channel")
    if table is None:
        return None
    per = table[table["channel"] != "all"]
    colors = channel_colors(report)
    types = report.table("contact_type_mix")
    if types is None:
        fig = go.Figure(go.Pie(labels=per["channel"], values=per["offered"], hole=0.5, sort=False,
                               marker={"colors": [colors.get(c) for c in per["channel"]]}, **PIE_TEXT))
        fig = _layout(fig, "Channel mix (share of contacts offered)", "", "")
        fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
        fig.update_layout(hovermode="closest")
        return fig
    fig = make_subplots(rows=1, cols=2, specs=[[{"type": "domain"}, {"type": "xy"}]], column_widths=[0.38, 0.62],
                        subplot_titles=("By channel", "By contact type within each channel"))
    fig.add_trace(go.Pie(labels=per["channel"], values=per["offered"], hole=0.5, sort=False, showlegend=False,
                         marker={"colors": [colors.get(c) for c in per["channel"]]}, **PIE_TEXT), 1, 1)
    type_names = sorted(types["contact_type"].unique())
    for i, kind in enumerate(type_names):
        part = types[types["contact_type"] == kind]
        fig.add_bar(x=part["channel"], y=part["share"] * 100, name=kind, marker_color=PALETTE[(i + 4) % len(PALETTE)],
                    row=1, col=2, hovertemplate="%{x}: %{y:.1f}%")
    fig.update_layout(barmode="stack")
    fig = _layout(fig, "Channel mix and contact-type mix", "", "")
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"})
    fig.update_layout(legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 0.5, "yanchor": "middle",
                              "title": {"text": "Contact type"}}, margin={"r": 130})
    fig.update_xaxes(title_text="Channel", categoryorder="array", categoryarray=list(per["channel"]), row=1, col=2)
    fig.update_yaxes(title_text="Share of channel's contacts (%)", ticksuffix="%", row=1, col=2)
    fig.update_layout(hovermode="closest")
    return fig


def aht_by_week(report: Report) -> go.Figure | None:
    """Average handle time per week and channel (seconds), talk and after-contact work together."""
    table = report.table("kpi_week")
    if table is None or table["aht_s"].notna().sum() == 0:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(table, report):
        fig.add_scatter(x=part["period_start"], y=part["aht_s"], mode="lines+markers", name=name,
                        line={"color": colors.get(name), "width": 2})
    fig.update_yaxes(rangemode="tozero")
    if table["period_start"].nunique() <= 20:
        _weekly_axis(fig)
    return _layout(fig, "Average handle time per week", "Week starting (Monday)", "AHT (seconds)")


def agents_scatter(report: Report) -> go.Figure | None:
    """Per agent: contacts handled vs AHT, one point per agent and channel (coaching view, not a ranking)."""
    table = report.table("agents")
    if table is None:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(table, report):
        fig.add_scatter(x=part["handled"], y=part["aht_s"], mode="markers", name=name, text=part["agent_id"],
                        marker={"color": colors.get(name), "size": 8, "opacity": 0.75},
                        hovertemplate="%{text}: %{x} handled, AHT %{y:.0f} s<extra></extra>")
    fig = _layout(fig, "Handle time per agent (for coaching, not ranking)",
                  "Contacts handled", "AHT (seconds)")
    fig.update_layout(hovermode="closest")
    return fig


def forecast_vs_actual(report: Report) -> go.Figure | None:
    """Daily contacts: actual (recent weeks) and forecast with its interval band, all channels together."""
    fc = report.table("forecast_daily")
    if fc is None:
        return None
    fig = go.Figure()
    day = report.table("kpi_day")
    if day is not None:
        actual = day.groupby("period_start", as_index=False)["offered"].sum()
        actual = actual[actual["period_start"] >= actual["period_start"].max() - pd.Timedelta(days=56)]
        fig.add_scatter(x=actual["period_start"], y=actual["offered"], mode="lines+markers", name="actual",
                        line={"color": "#333333", "width": 2})
    total = fc.groupby("date", as_index=False)["offered"].sum()
    if {"offered_lo", "offered_hi"} <= set(fc.columns):
        # channels' daily intervals combined as independent (half-widths in quadrature), not summed
        widths = fc.assign(lo=(fc["offered"] - fc["offered_lo"]) ** 2, hi=(fc["offered_hi"] - fc["offered"]) ** 2)
        band = widths.groupby("date", as_index=False).agg(lo=("lo", "sum"), hi=("hi", "sum"), n=("offered_lo", "count"))
        total = total.merge(band, on="date")
        total = total.assign(offered_lo=(total["offered"] - total["lo"] ** 0.5).where(total["n"] > 0),
                             offered_hi=(total["offered"] + total["hi"] ** 0.5).where(total["n"] > 0))
        fig.add_scatter(x=total["date"], y=total["offered_hi"], mode="lines", line={"width": 0}, showlegend=False,
                        hoverinfo="skip")
        fig.add_scatter(x=total["date"], y=total["offered_lo"], mode="lines", line={"width": 0}, fill="tonexty",
                        fillcolor="rgba(31,95,153,0.18)", name="forecast interval")
    fig.add_scatter(x=total["date"], y=total["offered"], mode="lines+markers", name="forecast",
                    line={"color": PALETTE[0], "width": 2, "dash": "dot"})
    return _layout(fig, "Forecast vs actual contacts per day (all channels)", "Date", "Contacts per day")


def open_runs(times: pd.Series, values: dict[str, pd.Series], is_open, slot: pd.Timedelta) -> tuple[list, dict[str, list]]:
    """Step-line points per open run of consecutive slots: each run ends at its closing time, then a None breaks the line."""
    xs: list = []
    ys: dict[str, list] = {name: [] for name in values}
    t = pd.to_datetime(times).reset_index(drop=True)
    keep = pd.Series(is_open, dtype=bool).reset_index(drop=True)
    vals = {name: v.reset_index(drop=True).astype(float) for name, v in values.items()}
    prev_end = None
    for i in range(len(t)):
        if not keep[i]:
            continue
        if prev_end is not None and t[i] != prev_end:  # a closed or missing slot since the last point
            last = i - 1
            while not keep[last]:
                last -= 1
            xs += [prev_end, None]
            for name in ys:
                ys[name] += [vals[name][last], None]
        xs.append(t[i])
        for name in ys:
            ys[name].append(vals[name][i])
        prev_end = t[i] + slot
    if prev_end is not None:
        last = int(keep[keep].index[-1])
        xs.append(prev_end)
        for name in ys:
            ys[name].append(vals[name][last])
    return xs, ys


def required_vs_scheduled(report: Report) -> go.Figure | None:
    """Required and scheduled agents per slot, one panel per channel; the lines break over closed hours."""
    from planner.staffing.open_hours import open_slots

    cov = report.table("coverage_slots")
    if cov is None:
        return None
    channels = [c for c in report.config.channel_names if c in set(cov["channel"])]
    channels += sorted(set(cov["channel"]) - set(channels))
    slot = pd.Timedelta(minutes=report.config.site.slot_minutes)
    fig = make_subplots(rows=len(channels), cols=1, shared_xaxes=True, vertical_spacing=0.04, subplot_titles=channels)
    for i, name in enumerate(channels, start=1):
        part = cov[cov["channel"] == name].sort_values("interval_start")
        is_open = (open_slots(report.config, name, part["interval_start"]) if name in report.config.channel_names
                   else pd.Series(True, index=part.index))
        x, y = open_runs(part["interval_start"], {"required": part["required"], "scheduled": part["scheduled"]},
                         is_open, slot)
        fig.add_scatter(x=x, y=y["required"], name="required", line={"color": "#b8405e", "width": 1.5},
                        line_shape="hv", connectgaps=False, showlegend=i == 1, legendgroup="required", row=i, col=1)
        # the shaded area drops to zero at each closing (a fill would otherwise bridge the gap); the line breaks
        area_x = [t if t is not None else x[k - 1] for k, t in enumerate(x)]
        area_y = [v if x[k] is not None else 0.0 for k, v in enumerate(y["scheduled"])]
        fig.add_scatter(x=area_x, y=area_y, line={"width": 0}, line_shape="hv", fill="tozeroy",
                        fillcolor="rgba(31,95,153,0.12)", hoverinfo="skip", showlegend=False, row=i, col=1)
        fig.add_scatter(x=x, y=y["scheduled"], name="scheduled", line={"color": PALETTE[0], "width": 1.5},
                        line_shape="hv", connectgaps=False, showlegend=i == 1, legendgroup="scheduled", row=i, col=1)
        fig.update_yaxes(title_text="agents", row=i, col=1)
    fig = _layout(fig, "Required vs scheduled agents per slot (gaps: closed)", "", "",
                  height=max(320, 170 * len(channels)))
    fig.update_xaxes(title_text="Slot start (site time)", row=len(channels), col=1)
    return fig


def projected_service_level(report: Report) -> go.Figure | None:
    """Projected service level per day and channel from the coverage, with targets."""
    day = report.table("coverage_daily")
    if day is None or day["service_level_projected"].notna().sum() == 0:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(day, report):
        fig.add_bar(x=part["date"], y=part["service_level_projected"] * 100, name=name, marker_color=colors.get(name),
                    hovertemplate="%{y:.1f}%")
    targets = [c.target.service_level for c in report.config.channels if isinstance(c.target, ServiceLevelTarget)]
    if targets:
        fig.add_hline(y=min(targets) * 100, line_dash="dash", line_color="#555",
                      annotation_text=f"lowest target {min(targets):.0%}")
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    return _layout(fig, "Projected service level per day (roster vs forecast)", "Date", "Projected service level (%)")


def occupancy_by_day(report: Report) -> go.Figure | None:
    """Occupancy per day and channel (handled workload / staffed time) with each channel's maximum."""
    occ = report.table("occupancy_daily")
    if occ is None:
        return None
    colors = channel_colors(report)
    fig = go.Figure()
    for name, part in by_channel(occ, report):
        fig.add_scatter(x=part["period_start"], y=part["occupancy"] * 100, mode="lines+markers", name=name,
                        line={"color": colors.get(name)})
    fig.update_yaxes(ticksuffix="%", rangemode="tozero")
    return _layout(fig, "Occupancy per day (handled workload / staffed agent time)", "Date", "Busy / staffed time (%)")


CHARTS = [
    ("heatmap", heatmap), ("weekly_volume", weekly_volume), ("service_level_by_hour", service_level_by_hour),
    ("asa_by_hour", asa_by_hour), ("abandon_rate", abandon_rate_by_day), ("aht_by_hour", aht_by_hour),
    ("aht_by_week", aht_by_week), ("agents", agents_scatter), ("channel_mix", channel_mix),
    ("forecast_vs_actual", forecast_vs_actual), ("required_vs_scheduled", required_vs_scheduled),
    ("projected_service_level", projected_service_level), ("occupancy", occupancy_by_day),
    ("leave_capacity", capacity_by_week), ("leave_allowance", allowance_heatmap), ("leave_reasons", decisions_by_reason),
]


def all_charts(report: Report) -> list[tuple[str, go.Figure]]:
    """Every chart the report's tables allow, in reading order."""
    figures = []
    for name, make in CHARTS:
        fig = make(report)
        if fig is not None:
            figures.append((name, fig))
    return figures

