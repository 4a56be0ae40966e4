"""The sample site's yearly leave bids: every agent employed through the summer ranks 3–5 ranges of the coming year.

The shape a bid round meets: most agents want two summer weeks (July–August) and many the Christmas week, so both
crunch; the other ranges are spread over the year. Bids were submitted in the two weeks before the history ends.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

BID_COLUMNS = ["bid_id", "agent_id", "rank", "start_date", "end_date", "submitted_at"]
SUBMIT_DAYS = 14


def make_bids(rng: np.random.Generator, agents: pd.DataFrame, history_end: dt.date) -> pd.DataFrame:
    """Ranked leave bids (BID_COLUMNS) for the leave year after history_end's year (January to December)."""
    year = history_end.year + 1
    summer_mondays = pd.date_range(f"{year}-07-01", f"{year}-08-24", freq="W-MON").date
    other_mondays = [d for d in pd.date_range(f"{year}-01-11", f"{year}-11-29", freq="W-MON").date
                     if d.month not in (7, 8)]
    christmas = dt.date(year, 12, 20)
    opens = dt.datetime.combine(history_end - dt.timedelta(days=SUBMIT_DAYS), dt.time(9))
    rows = []
    for row in agents.itertuples(index=False):
        employed_to = getattr(row, "employed_to", None)
        if employed_to is not None and not pd.isna(employed_to) and employed_to < dt.date(year, 9, 1):
            continue  # leaving before the summer: no bids
        wanted: list[tuple[dt.date, int]] = []
        wanted.append((summer_mondays[rng.integers(len(summer_mondays))], int(rng.choice([7, 14]))))
        if rng.random() < 0.6:
            wanted.append((christmas + dt.timedelta(days=int(rng.integers(0, 5))), int(rng.integers(3, 8))))
        for _ in range(int(rng.integers(1, 4))):
            monday = other_mondays[rng.integers(len(other_mondays))]
            wanted.append((monday + dt.timedelta(days=int(rng.integers(0, 3))), int(rng.choice([2, 3, 5, 7]))))
        if rng.random() < 0.3:  # some rank an ordinary week above the crunches
            wanted = wanted[1:] + wanted[:1]
        submitted = pd.Timestamp(opens + dt.timedelta(minutes=int(rng.integers(0, SUBMIT_DAYS * 24 * 60))))
        taken: list[tuple[dt.date, dt.date]] = []
        rank = 0
        for start, days in wanted:
            end = min(start + dt.timedelta(days=days - 1), dt.date(year, 12, 31))
            if any(s <= end and start <= e for s, e in taken):
                continue
            taken.append((start, end))
            rank += 1
            rows.append((row.agent_id, rank, start, end, submitted))
    out = pd.DataFrame(rows, columns=BID_COLUMNS[1:])
    out.insert(0, "bid_id", [f"B{k + 1:04d}" for k in range(len(out))])
    return out[BID_COLUMNS]
