"""A team's roster as one printable, self-contained HTML page: agents × days, shift times, breaks, channel colours."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from string import Template

import pandas as pd

from planner.publish.shifts import shift_rows, span_text
from planner.scheduling.roster import Roster

NO_TEAM_STEM = "no-team"
LEAVE_COLOUR = "D9D9D9"

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 16px 24px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
         color: #1d2733; font-size: 13px; line-height: 1.35; }
  h1 { font-size: 20px; margin: 0 0 2px; }
  p.sub { margin: 0 0 12px; color: #5b6775; }
  table.roster { border-collapse: collapse; width: 100%; table-layout: fixed; font-variant-numeric: tabular-nums; }
  table.roster th, table.roster td { border: 1px solid #b8c2cc; padding: 4px 5px; vertical-align: top; }
  table.roster thead th { background: #eef2f6; font-size: 12px; text-align: left; }
  table.roster th.agent { width: 150px; text-align: left; font-weight: 600; }
  table.roster th.hours, table.roster td.hours { width: 56px; text-align: right; }
  th.agent .id { display: block; color: #5b6775; font-weight: 400; font-size: 11px; }
  td.shift .time { font-weight: 700; display: block; }
  td.shift .line { display: block; font-size: 11px; }
  td.shift .channel { display: block; font-size: 11px; font-style: italic; }
  td.off { color: #8a96a3; }
  td.leave { font-style: italic; }
  tfoot td, tfoot th { background: #f6f8fa; font-weight: 600; }
  .legend { margin: 10px 0 0; font-size: 12px; }
  .legend span.key { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #b8c2cc; }
  @page { size: A4 landscape; margin: 10mm; }
  @media print {
    body { margin: 0; font-size: 9pt; }
    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
  }
</style>
</head>
<body>
<h1>$heading</h1>
<p class="sub">$subtitle</p>
<table class="roster">
<thead><tr><th class="agent">Agent</th>$day_heads<th class="hours">Paid h</th></tr></thead>
<tbody>
$body
</tbody>
<tfoot><tr><th class="agent">Agents working</th>$counts<td class="hours">$total_hours</td></tr></tfoot>
</table>
<p class="legend">$legend</p>
</body>
</html>
""")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def agent_teams(roster: Roster, agents: pd.DataFrame | None = None) -> dict[str, str | None]:
    """Team of every agent of the agents table and of the roster: the agents table's `team`; for a roster agent not in
    it (or without an agents table) the roster's `team` column; None for no team."""
    teams: dict[str, str | None] = {}
    shifts = roster.shifts
    if "team" in shifts.columns:
        for aid, team in zip(shifts["agent_id"].astype(str), shifts["team"], strict=True):
            if teams.get(aid) is None:
                teams[aid] = None if _blank(team) else str(team).strip()
    else:
        teams.update({aid: None for aid in shifts["agent_id"].astype(str)})
    if agents is not None:
        column = agents["team"] if "team" in agents.columns else [None] * len(agents)
        for aid, team in zip(agents["agent_id"].astype(str), column, strict=True):
            teams[aid] = None if _blank(team) else str(team).strip()
    return dict(sorted(teams.items()))


def team_file_stems(teams: Iterable[str | None]) -> dict[str | None, str]:
    """A file name stem per team (letters, digits, '.', '_' and '-' kept, other runs as '-'; no team is 'no-team'),
    made unique by a numeric suffix in sorted team order."""
    stems: dict[str | None, str] = {}
    taken: set[str] = set()
    for team in sorted(set(teams), key=lambda t: (t is not None, t or "")):
        base = NO_TEAM_STEM if team is None else (re.sub(r"[^A-Za-z0-9._-]+", "-", team).strip("-.") or "team")
        stem, n = base, 2
        while stem.lower() in taken:
            stem, n = f"{base}-{n}", n + 1
        taken.add(stem.lower())
        stems[team] = stem
    return stems


def roster_days(roster: Roster | pd.DataFrame) -> list[dt.date]:
    """Every date from the roster's first shift date to its last (a roster's week), in order."""
    rows = roster if isinstance(roster, pd.DataFrame) else shift_rows(roster)
    if rows.empty:
        return []
    first, last = min(rows["date"]), max(rows["date"])
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def leave_days(roster: Roster) -> set[tuple[str, dt.date]]:
    """(agent_id, date) of every day with a leave slot in the roster's activity table."""
    leave = roster.activity[roster.activity["activity"] == "leave"]
    return {(str(a), pd.Timestamp(t).date()) for a, t in zip(leave["agent_id"], leave["interval_start"], strict=True)}


def _shift_cell(row: pd.Series, colours: Mapping[str, str]) -> str:
    lunch = [span_text(a, b) for a, b, kind in row["breaks"] if kind == "lunch"]
    short = [span_text(a, b) for a, b, kind in row["breaks"] if kind != "lunch"]
    parts = [f'<span class="time">{span_text(row["shift_start"], row["shift_end"])}</span>']
    if lunch:
        parts.append(f'<span class="line">Lunch {", ".join(lunch)}</span>')
    if short:
        parts.append(f'<span class="line">Breaks {", ".join(short)}</span>')
    channel = row["main_channel"]
    if channel:
        parts.append(f'<span class="channel">{html.escape(channel)}</span>')
    colour = colours.get(channel) if channel else None
    style = f' style="background:#{colour}"' if colour else ""
    data = html.escape(str(channel or ""), quote=True)
    return f'<td class="shift" data-channel="{data}"{style}>{"".join(parts)}</td>'


def team_html(roster: Roster | pd.DataFrame, agent_ids: Iterable[str], days: list[dt.date], *, team: str | None,
              site_name: str = "", colours: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
              leave: set[tuple[str, dt.date]] | None = None) -> str:
    """The HTML page of one team: a row per agent (every one of agent_ids, shifts or not), a column per day of `days`;
    `colours` maps a channel to its RRGGBB fill, `leave` the (agent_id, date) days on leave."""
    rows = roster if isinstance(roster, pd.DataFrame) else shift_rows(roster)
    colours, names, leave = colours or {}, names or {}, leave or set()
    by_key = {(r["agent_id"], r["date"]): r for _, r in rows.iterrows()}
    ids = sorted({str(a) for a in agent_ids})
    body, working, total_h = [], [0] * len(days), 0.0
    for aid in ids:
        cells, hours = [], 0.0
        for i, day in enumerate(days):
            row = by_key.get((aid, day))
            if row is not None:
                cells.append(_shift_cell(row, colours))
                hours += float(row["paid_hours"])
                working[i] += 1
            elif (aid, day) in leave:
                cells.append(f'<td class="leave" style="background:#{LEAVE_COLOUR}">leave</td>')
            else:
                cells.append('<td class="off">off</td>')
        total_h += hours
        name = names.get(aid) or aid
        label = html.escape(name) + (f'<span class="id">{html.escape(aid)}</span>' if name != aid else "")
        body.append(f'<tr data-agent="{html.escape(aid, quote=True)}"><th class="agent">{label}</th>{"".join(cells)}'
                    f'<td class="hours">{hours:.2f}</td></tr>')
    used = sorted({c for c in rows["main_channel"] if isinstance(c, str)} & set(colours)) if not rows.empty else []
    legend = " ".join(f'<span class="key" style="background:#{colours[c]}">{html.escape(c)}</span>' for c in used)
    legend += f' <span class="key" style="background:#{LEAVE_COLOUR}">leave</span>'
    team_label = team if team is not None else "No team"
    period = f"{days[0]:%a %d %b %Y} to {days[-1]:%a %d %b %Y}" if days else "no shifts"
    title = " · ".join(t for t in (site_name, f"Team {team_label}" if team is not None else team_label) if t)
    return PAGE.substitute(
        title=html.escape(f"{title} roster"),
        heading=html.escape(title),
        subtitle=html.escape(f"Roster {period}; times are the site's local time; {len(ids)} agents"),
        day_heads="".join(f"<th>{day:%a %d %b}</th>" for day in days),
        body="\n".join(body),
        counts="".join(f"<td>{n}</td>" for n in working),
        total_hours=f"{total_h:.2f}",
        legend="Main channel of the shift: " + legend,
    )
