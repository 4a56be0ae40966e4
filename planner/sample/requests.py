"""The sample site's leave year: employment dates and seniority of agents, and a year of leave requests.

The leave calendar for the coming year opened on `calendar_opens` (weeks before the end of the history); agents
grabbed the summer holidays and Christmas within days of it, other requests trickle in until the history ends. So the
year has two crunches (late July–August and the Christmas week, which crosses the leave-year boundary), and first
come first served matters. Every request row carries a request_id and a requested_at time; no agent's leave overlaps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

REQUEST_COLUMNS = ["agent_id", "start_date", "end_date", "kind", "status", "request_id", "requested_at"]


@dataclass(frozen=True)
class YearParams:
    """Shape of the sample leave year."""

    calendar_opens_weeks_before: int = 8  # the calendar opened this many weeks before the history ends
    christmas_share: float = 0.45  # agents asking for days around Christmas
    summer_share: float = 0.85  # agents asking for a summer block
    other_blocks: tuple[int, int] = (1, 3)  # other short blocks per agent (inclusive range)
    grab_days: float = 3.0  # mean days after the calendar opens that crunch requests arrive
    joiner_share: float = 0.08  # agents who joined this year (employed_from)
    leaver_share: float = 0.04  # agents who leave next year (employed_to)


def with_employment(rng: np.random.Generator, agents: pd.DataFrame, leave: pd.DataFrame, history_end: dt.date,
                    params: YearParams = YearParams()) -> pd.DataFrame:
    """agents with employed_from (recent joiners: agents without approved leave, so no joiner starts overdrawn),
    employed_to (next year's leavers) and seniority (years)."""
    n = len(agents)
    on_leave = agents["agent_id"].isin(leave.loc[leave["status"] == "approved", "agent_id"]).to_numpy()
    joined = (rng.random(n) < params.joiner_share) & ~on_leave
    leaving = (rng.random(n) < params.leaver_share) & ~joined
    start = [history_end - dt.timedelta(days=int(d)) for d in rng.integers(40, 300, n)]
    stop = [history_end + dt.timedelta(days=int(d)) for d in rng.integers(70, 300, n)]
    years = np.round(rng.gamma(2.0, 2.5, n), 1)
    seniority = np.where(joined, [round((history_end - s).days / 365.25, 1) for s in start], years)
    return agents.assign(employed_from=[s if j else None for s, j in zip(start, joined, strict=True)],
                         employed_to=[s if e else None for s, e in zip(stop, leaving, strict=True)],
                         seniority=seniority)


def _stamp(opens: dt.datetime, last: dt.datetime, rng: np.random.Generator, grab_days: float | None) -> pd.Timestamp:
    span_s = (last - opens).total_seconds()
    offset = min(rng.exponential(grab_days * 86400), span_s) if grab_days else rng.uniform(0, span_s)
    return pd.Timestamp(opens + dt.timedelta(seconds=int(offset)))


def leave_year_requests(rng: np.random.Generator, agents: pd.DataFrame, leave: pd.DataFrame, history_end: dt.date,
                        params: YearParams = YearParams()) -> pd.DataFrame:
    """The leave table with request ids and times on its requested rows, plus a year of annual-leave requests."""
    opens = dt.datetime.combine(history_end - dt.timedelta(weeks=params.calendar_opens_weeks_before), dt.time(9))
    last = dt.datetime.combine(history_end, dt.time(21))
    first_day = history_end + dt.timedelta(weeks=4)  # after the weeks make_leave fills
    busy = {a: [(s, e) for s, e in zip(g["start_date"], g["end_date"], strict=True)] for a, g in leave.groupby("agent_id")}
    out = leave.copy()
    near = out["status"] == "requested"
    out["request_id"] = None
    out["requested_at"] = None
    for i in np.flatnonzero(near.to_numpy()):
        ahead = int(rng.integers(7, 60))
        asked = dt.datetime.combine(out["start_date"].iloc[i] - dt.timedelta(days=ahead), dt.time(int(rng.integers(8, 20))))
        out.iloc[i, out.columns.get_loc("requested_at")] = pd.Timestamp(min(max(asked, opens), last))
    rows = []
    year = history_end.year + 1
    for row in agents.itertuples(index=False):
        employed_to = getattr(row, "employed_to", None)
        wanted = []
        if rng.random() < params.christmas_share:
            start = dt.date(year - 1, 12, int(rng.choice([21, 22, 23, 28, 29])))
            wanted.append((start, int(rng.integers(3, 9)), True))
        if rng.random() < params.summer_share:
            start = dt.date(year, 7, 15) + dt.timedelta(days=int(rng.triangular(0, 28, 48)))
            wanted.append((start, int(rng.choice([5, 7, 10, 14])), True))
        for _ in range(int(rng.integers(params.other_blocks[0], params.other_blocks[1] + 1))):
            start = first_day + dt.timedelta(days=int(rng.integers(0, 330)))
            wanted.append((start, int(rng.choice([1, 2, 3, 5])), False))
        for start, days, crunch in wanted:
            end = start + dt.timedelta(days=days - 1)
            if employed_to is not None and not pd.isna(employed_to) and end > employed_to:
                continue
            mine = busy.setdefault(row.agent_id, [])
            if any(s <= end and start <= e for s, e in mine):
                continue
            mine.append((start, end))
            rows.append((row.agent_id, start, end, "annual", "requested", None,
                         _stamp(opens, last, rng, params.grab_days if crunch else None)))
    year_rows = pd.DataFrame(rows, columns=REQUEST_COLUMNS)
    out = pd.concat([out, year_rows], ignore_index=True) if len(year_rows) else out
    out = out.sort_values(["start_date", "agent_id"], kind="stable").reset_index(drop=True)
    requested = np.flatnonzero((out["status"] == "requested").to_numpy())
    ids = np.array([None] * len(out), dtype=object)
    ids[requested] = [f"Q{k + 1:04d}" for k in range(len(requested))]
    return out.assign(request_id=ids, requested_at=pd.to_datetime(out["requested_at"]))[REQUEST_COLUMNS]
