"""Timestamps in input tables: ISO 8601 parsing to naive site wall-clock time, and the DST checks.

The rule (the same for every table with an `interval_start` or a contact time):

- A timestamp without a UTC offset is naive site wall-clock time (the config's `site.timezone`).
  A timestamp with an offset (`Z`, `+02`, `+0200`, `+02:00`, `+02:00:00`) is converted to site
  wall-clock time, then made naive; an offset with non-zero seconds or beyond ±23:59 is a bad cell.
- A naive time in the hour skipped when clocks go forward (e.g. 01:30 on the last Sunday of March
  in Europe/London) does not exist: it is a validation error naming the line. Nothing is shifted.
- A naive time in the hour repeated when clocks go back (e.g. 01:00–01:59 on the last Sunday of
  October in Europe/London) happens twice. In interval tables each (interval_start, channel) of that
  hour may therefore appear twice: both rows are kept, the first being the summer-time
  (daylight-saving) occurrence and the second the standard-time one. Naive rows keep file order;
  an explicit offset always wins (a `+00:00` row before its `+01:00` twin is moved after it, and
  two rows with the same offset are a duplicate). Nothing is merged or dropped; `fold_of` tells the
  two apart and `to_utc` turns them into distinct instants. A third row, or a repeat outside that
  hour, is a duplicate error.
- Without a config (no time zone known) a repeat is taken as a clock change when every repeated
  key of that day lies in one clock hour starting between 00:00 and 03:00 on a Sunday of March,
  April, September, October or November (the fall-back hour of every zone that has one); the two
  rows are kept in file order. Any other repeat is a duplicate error.
- Contact times (arrived_at, …) in the repeated hour are kept as given; `contacts_to_intervals`
  counts them in one row per slot and says so in its notes.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

# A UTC offset after a time of day: Z, ±HH, ±HHMM, ±HH:MM, ±HH:MM:SS (ISO 8601 and Python's isoformat).
_AWARE = re.compile(r"[T ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d+)?)?)?)$")
_OFFSET_PARTS = re.compile(r"^([+-])(\d{2}):?(\d{2})?(?::?(\d{2})(?:\.(\d+))?)?$")
_NS_MIN, _NS_MAX = pd.Timestamp.min, pd.Timestamp.max


def parse_timestamps(raw: pd.Series, timezone: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO 8601 values to naive site wall-clock datetime64[ns]; returns (parsed, bad mask); empty cells are NaT, not bad."""
    parsed, bad, _ = parse_with_instants(raw, timezone)
    return parsed, bad


def parse_with_instants(raw: pd.Series, timezone: str | None = None) -> tuple[pd.Series, np.ndarray, pd.Series]:
    """(naive site wall clock, bad mask, UTC instant as naive datetime64[ns] where the value carried an offset, else NaT)."""
    raw = raw.reset_index(drop=True)
    n = len(raw)
    instants = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return _from_datetimes(raw, timezone, instants)
    values = raw.to_numpy(dtype=object)
    text = np.array([_text(v) for v in values], dtype=object)
    offsets = [_offset_of(t) for t in text]
    empty = np.array([t == "" for t in text], dtype=bool)
    parsed = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    aware = np.array([o is not None for o in offsets], dtype=bool)
    naive = ~aware & ~empty
    if naive.any():
        parsed[naive] = _to_datetime(text[naive], utc=False)
    if aware.any():
        normalised = [_normalised(t, o) for t, o in zip(text[aware], [o for o in offsets if o is not None], strict=True)]
        utc = pd.Series(_to_datetime(np.array(normalised, dtype=object), utc=True), dtype="datetime64[ns]")
        instants[aware] = utc.to_numpy()
        local = utc.dt.tz_localize("UTC").dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
        parsed[aware] = local.to_numpy()
    bad = parsed.isna().to_numpy() & ~empty
    return parsed, bad, instants


def _from_datetimes(raw: pd.Series, timezone: str | None, instants: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
    # Parquet keeps µs/ms/s units: a value outside datetime64[ns]'s range (1677–2262) is a bad cell, not a crash.
    tz = getattr(raw.dt, "tz", None)
    plain = raw.dt.tz_convert("UTC").dt.tz_localize(None) if tz is not None else raw
    bad = ((plain < _NS_MIN) | (plain > _NS_MAX)).to_numpy(dtype=bool)
    if bad.any():
        plain = plain.mask(bad)
        raw = raw.mask(bad)
    if tz is not None:
        instants = plain.astype("datetime64[ns]")
        local = raw.dt.tz_convert(timezone).dt.tz_localize(None) if timezone else plain
    else:
        local = raw
    return local.astype("datetime64[ns]").reset_index(drop=True), bad, instants.reset_index(drop=True)


def _text(value: object) -> str:
    """The stripped text of a cell ('' when empty)."""
    if type(value) is str:
        return value.strip()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _offset_of(text: str) -> str | None:
    if not text or not (text[-1:] in "Zz" or "+" in text or text.rfind("-") > 9):  # cheap gate: most values are naive
        return None
    match = _AWARE.search(text)
    return match.group(1) if match else None


def _normalised(text: str, offset: str) -> str:
    """text with its offset written as ±HH:MM (or 'bad' when the offset has seconds or is out of range)."""
    stem = text[: len(text) - len(offset)].rstrip()
    if offset in ("Z", "z"):
        return stem + "+00:00"
    match = _OFFSET_PARTS.match(offset)
    if match is None:
        return "bad"
    sign, hours, minutes, seconds, fraction = match.groups()
    if int(hours) > 23 or int(minutes or 0) > 59 or int(seconds or 0) != 0 or (fraction and int(fraction) != 0):
        return "bad"
    return f"{stem}{sign}{hours}:{minutes or '00'}"


def _to_datetime(text: np.ndarray, utc: bool) -> np.ndarray:
    """ISO 8601 strings to datetime64[ns] (UTC-naive when utc), NaT where a value does not parse; never warns or raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = pd.to_datetime(pd.Series(text, dtype=object), format="ISO8601", errors="coerce", utc=utc)
            if utc:
                out = out.dt.tz_localize(None)
            if getattr(out.dtype, "tz", None) is None and pd.api.types.is_datetime64_any_dtype(out.dtype):
                return out.astype("datetime64[ns]").to_numpy()
        except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
            pass
        return np.array([_one(t, utc) for t in text], dtype="datetime64[ns]")


def _one(text: str, utc: bool) -> np.datetime64:
    try:
        value = pd.Timestamp(pd.to_datetime(text, format="ISO8601", utc=utc))
    except (ValueError, TypeError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return np.datetime64("NaT", "ns")
    if value is pd.NaT:
        return np.datetime64("NaT", "ns")
    if value.tzinfo is not None:
        if not utc:
            return np.datetime64("NaT", "ns")  # an offset the detector missed: not a naive time
        value = value.tz_convert("UTC").tz_localize(None)
    return np.datetime64(value.as_unit("ns").to_datetime64(), "ns")


def dst_masks(naive: pd.Series, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """(nonexistent, ambiguous) boolean masks of naive wall-clock times in timezone; NaT is neither."""
    codes, uniques = pd.factorize(naive.reset_index(drop=True), use_na_sentinel=True)
    if len(uniques) == 0:
        none = np.zeros(len(naive), dtype=bool)
        return none, none.copy()
    local = pd.Series(pd.DatetimeIndex(uniques).astype("datetime64[ns]"))
    both = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT").isna().to_numpy()
    nonexistent = np.zeros(len(local), dtype=bool)
    if both.any():
        nonexistent = local.dt.tz_localize(timezone, ambiguous=np.ones(len(local), dtype=bool), nonexistent="NaT").isna()
        nonexistent = nonexistent.to_numpy()
    valid = codes >= 0
    take = np.where(valid, codes, 0)
    return nonexistent[take] & valid, (both & ~nonexistent)[take] & valid


def summer_instants(naive: pd.Series, timezone: str) -> pd.Series:
    """The UTC instant (naive datetime64[ns]) of each wall-clock time read as its summer-time (first) occurrence."""
    local = naive.reset_index(drop=True).dt.tz_localize(timezone, ambiguous=np.ones(len(naive), dtype=bool),
                                                        nonexistent="NaT")
    return local.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")


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
