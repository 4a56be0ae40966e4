"""Lazy table validation: column specs, typed parsing, and a collector of every problem with its editor line.

Line numbers are what a text editor shows: the header is line 1, so the i-th data row (0-based,
blank lines counted) is line i + 2. For Parquet files, and for DataFrames validated in memory,
row i (0-based) is reported as line i + 2 as if the table were a CSV file with a header.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.errors import DataError, Problem
from planner.io.timestamps import dst_masks, parse_timestamps

MAX_PROBLEMS_KEPT = 10_000  # beyond this a file is simply wrong; keep memory bounded
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_HHMM = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Col:
    """One column of a file contract: name, kind, whether it must be present, may be empty, and a lower bound."""

    name: str
    kind: str  # timestamp | date | int | float | str | bool | hhmm | list
    required: bool = True
    nullable: bool = False
    min: float | None = None


class Checker:
    """Collects every problem of one table (with its source name and editor line numbers) and raises them at once."""

    def __init__(self, df: pd.DataFrame, source: object, lines: Sequence[int] | None = None) -> None:
        self.df = df.reset_index(drop=True)
        self.source = str(source)
        self.lines = np.asarray(lines, dtype=np.int64) if lines is not None else np.arange(len(df), dtype=np.int64) + 2
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, mask: np.ndarray, column: str | None, values: Iterable, expected: str | Iterable[str]) -> None:
        """Record a problem for every row where mask is true (values/expected aligned with the table or scalar)."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) == 0:
            return
        self.total += len(positions)
        values = list(values) if not isinstance(values, pd.Series) else values.tolist()
        per_row = not isinstance(expected, str)
        expected = expected if isinstance(expected, str) else list(expected)
        for pos in positions[: max(0, MAX_PROBLEMS_KEPT - len(self.problems))]:
            value = _plain(values[pos])
            why = expected[pos] if per_row else expected
            self.problems.append(Problem(self.source, int(self.lines[pos]), column, value, why))

    def add_table(self, column: str | None, value: object, expected: str) -> None:
        """Record a problem about the whole table (no line)."""
        self.total += 1
        self.problems.append(Problem(self.source, None, column, value, expected))

    def raise_if_any(self, what: str) -> None:
        """Raise one DataError carrying every problem so far, first lines first."""
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda p: (p.line is not None, p.line or 0))
        raise DataError(f"{self.source}: {self.total} problem(s) in the {what} table", ordered)

    # --- parsing -----------------------------------------------------------------------------

    def require_columns(self, spec: Sequence[Col], what: str) -> None:
        """Every required column present (checked first: nothing else can be checked without them)."""
        present = list(self.df.columns)
        for col in spec:
            if col.required and col.name not in present:
                guess = difflib.get_close_matches(col.name, [str(c) for c in present], n=1, cutoff=0.6)
                hint = f" (is '{guess[0]}' a misspelling?)" if guess else ""
                columns = ", ".join(map(str, present))
                self.add_table(col.name, None, f"a column named '{col.name}'{hint}; the file has columns: {columns}")
        self.raise_if_any(what)

    def parse(self, spec: Sequence[Col], timezone: str | None = None) -> pd.DataFrame:
        """Typed copy of the table: each present spec column parsed, bad cells recorded; other columns kept as they are."""
        out = self.df.copy()
        for col in spec:
            if col.name in out.columns:
                out[col.name] = self._parse_column(col, self.df[col.name], timezone)
        order = [c.name for c in spec if c.name in out.columns]
        return out[order + [c for c in out.columns if c not in order]]

    def _parse_column(self, col: Col, raw: pd.Series, timezone: str | None) -> pd.Series:
        raw = raw.reset_index(drop=True)
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
            raw = stripped(raw)
        empty = raw.isna().to_numpy(dtype=bool)
        if not col.nullable:
            self.add(empty, col.name, raw, "a value (the cell is empty)")
        kind = col.kind
        if kind == "timestamp":
            parsed, bad = parse_timestamps(raw, timezone)
            self.add(bad, col.name, raw, "an ISO 8601 timestamp such as 2026-11-23T08:15:00")
            if timezone is not None:
                nonexistent, _ = dst_masks(parsed, timezone)
                self.add(nonexistent, col.name, raw,
                         f"a local time that exists in {timezone} (this one falls in the hour skipped when clocks go forward)")
            return parsed
        if kind == "date":
            parsed, bad = parse_timestamps(raw)
            not_midnight = parsed.notna().to_numpy() & (parsed != parsed.dt.normalize()).to_numpy()
            self.add(bad | not_midnight, col.name, raw, "a date YYYY-MM-DD")
            return pd.Series([None if pd.isna(t) else t.date() for t in parsed], dtype=object)
        if kind in ("int", "float"):
            numbers = pd.to_numeric(raw, errors="coerce")
            numbers = numbers.astype("float64")
            bad = numbers.isna().to_numpy() & ~empty
            what = "an integer" if kind == "int" else "a number"
            bound = "" if col.min is None else f" ≥ {col.min:g}"
            self.add(bad, col.name, raw, f"{what}{bound}")
            if kind == "int":
                fractional = numbers.notna().to_numpy() & (numbers != np.round(numbers)).to_numpy()
                self.add(fractional, col.name, raw, f"a whole number{bound}")
            if col.min is not None:
                self.add((numbers < col.min).to_numpy(), col.name, raw, f"{what}{bound}")
            if kind == "int" and not empty.any():
                return numbers.fillna(0).round().astype("int64")
            if kind == "int":
                return numbers.round().astype("Int64")
            return numbers
        if kind == "bool":
            if pd.api.types.is_bool_dtype(raw.dtype):
                value = raw.astype("boolean").reset_index(drop=True)
            else:
                text = raw.astype("string").str.lower()
                value = pd.Series(pd.NA, index=text.index, dtype="boolean")
                value[text.isin(_TRUE).fillna(False).to_numpy(dtype=bool)] = True
                value[text.isin(_FALSE).fillna(False).to_numpy(dtype=bool)] = False
                self.add(value.isna().to_numpy() & ~empty, col.name, raw, "true or false (or 1/0, yes/no)")
            return value.astype(bool) if not value.isna().any() else value
        if kind == "hhmm":
            text = raw.astype("string")
            match = text.str.extract(_HHMM)
            bad = match[0].isna().to_numpy() & ~empty
            minutes = pd.to_numeric(match[0], errors="coerce") * 60 + pd.to_numeric(match[1], errors="coerce")
            bad |= (minutes > 24 * 60).fillna(False).to_numpy(dtype=bool)
            self.add(bad, col.name, raw, "a time of day HH:MM")
            text = [None if pd.isna(m) or b else f"{int(m) // 60:02d}:{int(m) % 60:02d}"
                    for m, b in zip(minutes, bad, strict=True)]
            return pd.Series(text, dtype=object)
        if kind == "list":
            return pd.Series([_as_list(v) for v in raw], dtype=object)
        # str
        return pd.Series([None if e else str(v).strip() for v, e in zip(raw, empty, strict=True)], dtype=object)

    # --- checks shared by several contracts --------------------------------------------------

    def check_channels(self, values: pd.Series, column: str, channels: Sequence[str]) -> None:
        """Every value names a channel of the config."""
        unknown = values.notna().to_numpy() & ~values.isin(list(channels)).to_numpy()
        expected = [_one_of(v, channels, "channel") for v in values] if unknown.any() else ""
        self.add(unknown, column, values, expected)

    def check_aligned(self, ts: pd.Series, column: str, slot_minutes: int) -> None:
        """Every timestamp starts a slot of slot_minutes (minute divisible, zero seconds)."""
        off = ts.notna().to_numpy() & (ts != ts.dt.floor(f"{slot_minutes}min")).to_numpy()
        self.add(off, column, ts.dt.strftime("%Y-%m-%dT%H:%M:%S") if off.any() else ts,
                 f"a slot start on the {slot_minutes}-minute grid (minutes divisible by {slot_minutes}, no seconds)")

    def check_unique(self, table: pd.DataFrame, keys: list[str], timezone: str | None, ts_column: str | None) -> None:
        """Each key appears once, except twice in the repeated hour of a DST fall-back (see planner.io.timestamps)."""
        valid = table[keys].notna().all(axis=1).to_numpy()
        if not valid.any():
            return
        sub = table.loc[valid, keys].copy()
        sub["_line"] = self.lines[valid]
        seen = sub.groupby(keys, sort=False).cumcount().to_numpy()
        first_line = sub.groupby(keys, sort=False)["_line"].transform("first").to_numpy()
        allowed = np.zeros(len(sub), dtype=int)
        if timezone is not None and ts_column is not None:
            _, ambiguous = dst_masks(sub[ts_column], timezone)
            allowed = ambiguous.astype(int)
        dup_local = np.zeros(len(table), dtype=bool)
        dup_local[np.flatnonzero(valid)] = seen > allowed
        firsts = np.zeros(len(table), dtype=np.int64)
        firsts[np.flatnonzero(valid)] = first_line
        amb = np.zeros(len(table), dtype=bool)
        amb[np.flatnonzero(valid)] = allowed.astype(bool)
        key_text = ", ".join(keys)
        expected = [
            f"at most two rows per ({key_text}) in the hour repeated when clocks go back (summer time, then standard time); "
            f"first seen on line {f}" if a else f"one row per ({key_text}); the same key is already on line {f}"
            for f, a in zip(firsts, amb, strict=True)
        ]
        values = [" / ".join(_plain(v) if not isinstance(v, pd.Timestamp) else v.isoformat() for v in row)
                  for row in table[keys].itertuples(index=False)] if dup_local.any() else [None] * len(table)
        self.add(dup_local, key_text, values, expected)


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return ""
    return value


def stripped(raw: pd.Series) -> pd.Series:
    """Text cells with surrounding blanks removed; empty or blank cells become None (non-text values kept)."""
    return pd.Series([_strip_one(v) for v in raw.to_numpy(dtype=object)], dtype=object)


def _strip_one(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _one_of(value: object, allowed: Sequence[str], what: str) -> str:
    guess = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"a {what} of the config: {', '.join(allowed)}{hint}"
