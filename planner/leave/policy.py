"""The policy rules a leave request must pass, one named function each; each returns the failing dates and why, or None.

- notice: the start is at least leave.min_notice_days and at most leave.max_notice_days after the request was made;
- blackout: no day of the request in a leave.blackouts period;
- consecutive: the request together with the agent's adjacent approved leave is at most leave.max_consecutive_days
  calendar days long;
- team concurrency: on no day would more than leave.max_team_concurrent agents of the agent's team be on leave of a
  balance kind.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from planner.config import Config

Failure = tuple[list[dt.date], str]


@dataclass(frozen=True)
class Request:
    """One leave request: who, which days, what kind, when it was made."""

    request_id: str
    agent_id: str
    start: dt.date
    end: dt.date
    kind: str
    requested_on: dt.date
    override: bool = False

    def days(self) -> list[dt.date]:
        """Every calendar day of the request."""
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def notice(config: Config, req: Request) -> tuple[str, Failure] | None:
    """('NOTICE_TOO_SHORT' | 'NOTICE_TOO_LONG', failure) when the request breaks the notice rules."""
    days = (req.start - req.requested_on).days
    rules = config.leave
    if days < rules.min_notice_days:
        return "NOTICE_TOO_SHORT", ([req.start], f"asked {days} day(s) ahead; leave.min_notice_days is {rules.min_notice_days}")
    if rules.max_notice_days is not None and days > rules.max_notice_days:
        return "NOTICE_TOO_LONG", ([req.start], f"asked {days} days ahead; leave.max_notice_days is {rules.max_notice_days}")
    return None


def blackout(config: Config, req: Request) -> Failure | None:
    """The request's days inside a blackout period, with the periods' names."""
    hit, names = [], []
    for period in config.leave.blackouts:
        days = [d for d in req.days() if period.start <= d <= period.end]
        if days:
            hit += days
            names.append(f"{period.name} ({period.start} to {period.end})")
    return (sorted(set(hit)), "blackout: " + ", ".join(names)) if hit else None


def consecutive(config: Config, req: Request, approved_days: set[dt.date]) -> Failure | None:
    """The run of leave days (request plus the agent's adjacent approved leave) when longer than the maximum."""
    limit = config.leave.max_consecutive_days
    if limit is None:
        return None
    first, last = req.start, req.end
    while first - dt.timedelta(days=1) in approved_days:
        first -= dt.timedelta(days=1)
    while last + dt.timedelta(days=1) in approved_days:
        last += dt.timedelta(days=1)
    length = (last - first).days + 1
    if length <= limit:
        return None
    joined = "" if (first, last) == (req.start, req.end) else f" with adjacent approved leave ({first} to {last})"
    return [req.start, req.end], f"{length} consecutive days{joined}; leave.max_consecutive_days is {limit}"


def team_concurrency(config: Config, req: Request, team: str | None, on_leave: Counter) -> Failure | None:
    """Days on which the agent's team already has leave.max_team_concurrent agents on leave (on_leave: (team, day) → n)."""
    cap = config.leave.max_team_concurrent
    if cap is None or team is None:
        return None
    full = [d for d in req.days() if on_leave[(team, d)] >= cap]
    return (full, f"team {team} already has {cap} agent(s) on leave; leave.max_team_concurrent is {cap}") if full else None
