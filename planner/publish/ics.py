"""One agent's shifts as an iCalendar file (RFC 5545): an event per shift in the site's time zone, breaks in the text.

Times are the roster's site wall clock; each DTSTART/DTEND carries the site's IANA zone as TZID and the calendar holds
that zone's VTIMEZONE, so a calendar shows the shift at its local time on both sides of a daylight-saving change. The
output depends only on its inputs: UIDs are agent + date (a re-published shift replaces the event of that day) and
DTSTAMP is midnight UTC of the agent's first shift date, so the same roster gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event, Timezone

from planner.publish.shifts import shift_rows, span_text
from planner.scheduling.roster import Roster

PRODID = "-//staffing-planner//planner publish//EN"


@lru_cache(maxsize=32)
def vtimezone(timezone: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of `timezone` from 1 January of first_year to 1 January after last_year (cached: it is slow to build;
    callers only serialise it)."""
    return Timezone.from_tzid(timezone, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1))


def calendar_file_name(agent_id: str) -> str:
    """'<agent_id>.ics', with path separators and control characters as '_' (and a leading '.' as '_.'), so an id never
    names a file outside the folder."""
    stem = re.sub(r"[/\\\x00-\x1f\x7f]", "_", str(agent_id))
    return ("_" + stem if stem.startswith(".") or not stem else stem) + ".ics"


def uid_domain(site_name: str) -> str:
    """The right-hand part of event UIDs: the site name in lower case, runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", site_name.lower()).strip("-") or "site"


def shift_description(row: pd.Series, timezone: str) -> str:
    """The event text: shift, each break and lunch in time order (local times), channels and paid hours."""
    lines = [f"Shift {span_text(row['shift_start'], row['shift_end'])} ({timezone})"]
    lines += [f"{'Lunch' if kind == 'lunch' else 'Break'} {span_text(a, b)}" for a, b, kind in row["breaks"]]
    if row["channels"]:
        lines.append("Channels: " + ", ".join(row["channels"]))
    lines.append(f"Paid hours: {row['paid_hours']:g}")
    return "\n".join(lines)


def agent_calendar(roster: Roster | pd.DataFrame, agent_id: str, timezone: str, *, site_name: str = "",
                   agent_name: str | None = None) -> bytes:
    """The .ics bytes of one agent's shifts (naive site wall-clock times in `timezone`, an IANA name); `roster` is the
    typed Roster or its `shift_rows` (computed once when publishing many agents)."""
    zone = ZoneInfo(timezone)
    every = roster if isinstance(roster, pd.DataFrame) else shift_rows(roster)
    rows = every[every["agent_id"] == str(agent_id)]
    who = agent_name or str(agent_id)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{site_name}: shifts of {who}" if site_name else f"Shifts of {who}")
    cal.add("x-wr-timezone", timezone)
    # the zone over the roster's years (every agent's file has the same one); with no shift it alone keeps the
    # calendar valid (RFC 5545 wants one component), and replaces a subscribed calendar's events by none
    years = (1970, 1970) if every.empty else (int(every["shift_start"].min().year), int(every["shift_end"].max().year))
    cal.add_component(vtimezone(timezone, *years))
    if rows.empty:
        return cal.to_ical()
    stamp = dt.datetime.combine(min(rows["date"]), dt.time(0), tzinfo=dt.UTC)
    domain = uid_domain(site_name)
    for _, row in rows.iterrows():
        event = Event()
        event.add("uid", f"shift-{agent_id}-{row['date'].isoformat()}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", row["shift_start"].to_pydatetime().replace(tzinfo=zone))
        event.add("dtend", row["shift_end"].to_pydatetime().replace(tzinfo=zone))
        channel = row["main_channel"]
        event.add("summary", f"{channel} shift" if channel else "Shift")
        event.add("description", shift_description(row, timezone))
        if site_name:
            event.add("location", site_name)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
