"""Publishing a roster to agents: calendars (.ics) per agent, a printable HTML roster per team, and the diff of two rosters.

Entry points, on the typed roster (`planner.scheduling.roster.Roster`, as `read_roster` returns it), no files touched:
`ics.agent_calendar(roster, agent_id, timezone)` → .ics bytes; `team_html.team_html(roster, agent_ids, ...)` → HTML
text; `diff.roster_diff(old, new)` → one row per change, `diff.diff_summary(old, new, changes)` → the totals.
Modules: shifts (each shift with its breaks and main channel), ics, team_html, diff.
"""

from planner.publish.diff import DiffSummary, diff_summary, roster_diff
from planner.publish.ics import agent_calendar
from planner.publish.shifts import shift_rows
from planner.publish.team_html import agent_teams, team_file_stems, team_html

__all__ = ["DiffSummary", "agent_calendar", "agent_teams", "diff_summary", "roster_diff", "shift_rows", "team_file_stems",
           "team_html"]
