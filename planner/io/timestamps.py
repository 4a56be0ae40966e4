"""Timestamps in input tables: ISO 8601 parsing to naive site wall-clock time, and the DST checks.

The rule (the same for every table with an `interval_start` or a contact time):

- A timestamp without a UTC offset is naive site wall-clock time (the config's `site.timezone`).
  A timestamp with an offset (`Z`, `+02:00`) is converted to site wall-clock time, then made naive.
- A naive time in the hour skipped when clocks go forward (e.g. 01:30 on the last Sunday of March
  in Europe/London) does not exist: it is a validation error naming the line. Nothing is shifted.
- A naive time in the hour repeated when clocks go back (e.g. 01:00–01:59 on the last Sunday of
  October in Europe/London) happens twice. In interval tables each (interval_start, channel) of that
  hour may therefore appear twice: both rows are kept, in file order, the first being the summer-time
  (daylight-saving) occurrence and the second the standard-time one. Nothing is merged or dropped;
  `fold_of` tells the two apart and `to_utc` turns them into distinct instants. A third row, or a
  repeat outside that hour, is a duplicate error. Without a config (no time zone known) no DST check
  is made and every repeat is a duplicate error.
- Contact times (arrived_at, …) in the repeated hour are kept as given; `contacts_to_intervals`
  counts them in one row per slot and says so in its notes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_OFFSET = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"


def parse_timestamps(raw: pd.Series, timezone: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO 8601 values to naive site wall-clock datetime64[ns]; returns (parsed, bad mask); empty cells are NaT, not bad."""
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        parsed = raw
        if getattr(raw.dt, "tz", None) is not None:
            parsed = raw.dt.tz_convert(timezone).dt.tz_localize(None) if timezone else raw.dt.tz_localize(None)
        parsed = parsed.astype("datetime64[ns]")
        return parsed.reset_index(drop=True), np.zeros(len(raw), dtype=bool)
    text = raw.astype("string")
    empty = text.isna() | (text.str.len() == 0)
    parsed = pd.Series(pd.NaT, index=range(len(raw)), dtype="datetime64[ns]")
    text = text.reset_index(drop=True)
    empty = empty.reset_index(drop=True).to_numpy()
    aware = text.str.contains(_OFFSET, regex=True).fillna(False).to_numpy(dtype=bool) & ~empty
    naive = ~aware & ~empty
    if naive.any():
        parsed[naive] = pd.to_datetime(text[naive], format="ISO8601", errors="coerce").astype("datetime64[ns]")
    if aware.any():
        utc = pd.to_datetime(text[aware], format="ISO8601", errors="coerce", utc=True)
        parsed[aware] = utc.dt.tz_convert(timezone or "UTC").dt.tz_localize(None).astype("datetime64[ns]")
    bad = parsed.isna().to_numpy() & ~empty
    return parsed, bad


def dst_masks(naive: pd.Series, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """(nonexistent, ambiguous) boolean masks of naive wall-clock times in timezone; NaT is neither."""
    nat = naive.isna().to_numpy()
    both = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT").isna().to_numpy() & ~nat
    if not both.any():
        return both, both.copy()
    nonexistent = naive.dt.tz_localize(timezone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="NaT").isna()
    nonexistent = nonexistent.to_numpy() & ~nat
    return nonexistent, both & ~nonexistent


def fold_of(df: pd.DataFrame, keys: list[str] | None = None) -> pd.Series:
    """0 for the first row of each key in row order, 1 for the second (the standard-time repeat at a DST fall-back)."""
    keys = keys or ["interval_start", "channel"]
    return df.groupby(keys, sort=False, dropna=False).cumcount()


def to_utc(df: pd.DataFrame, timezone: str, column: str = "interval_start", keys: list[str] | None = None) -> pd.Series:
    """The column as tz-aware UTC instants, the repeated fall-back hour resolved by row order (first = summer time)."""
    keys = keys or [column, "channel"]
    first = (fold_of(df, [k for k in keys if k in df.columns]) == 0).to_numpy()
    local = df[column].dt.tz_localize(timezone, ambiguous=first, nonexistent="raise")
    return local.dt.tz_convert("UTC")
