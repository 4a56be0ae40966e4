"""Lazy table validation: column specs, typed parsing, and a collector of every problem with its editor line.

Line numbers are what a text editor shows: the header is line 1, so the i-th data row (0-based,
blank lines counted) is line i + 2. For Parquet files, and for DataFrames validated in memory,
row i (0-based) is reported as line i + 2 as if the table were a CSV file with a header.

Parsing is vectorised over distinct values: each text column is factorised once (`Cells`), every
distinct stripped value is parsed once, and the results are spread back to the rows with numpy.
An ACD export of millions of rows has only thousands of distinct timestamps and a few dozen counts.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.errors import DataError, DataWarning, Problem
from planner.io.timestamps import dst_masks, parse_with_instants, summer_instants

MAX_PROBLEMS_KEPT = 10_000  # beyond this a file is simply wrong; keep memory bounded
MAX_UNUSED_NAMED = 10  # the unused-columns warning names this many, then counts the rest
MISSPELT_CUTOFF = 0.8  # difflib ratio from which an unknown column is taken for a misspelt contract column
MAX_EXACT_INT = 2**53  # integers beyond float64's exact range are rejected, not silently rounded or wrapped
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_HHMM = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")
_AUTUMN_MONTHS = {3, 4, 9, 10, 11}  # clocks go back in Mar/Apr (south) or Sep–Nov (north)
_CHANGE_HOURS = range(0, 4)  # every zone's fall-back repeat starts between 00:00 and 03:00 local time


@dataclass(frozen=True)
class Col:
    """One column of a file contract: name, kind, whether it must be present, may be empty, and its bounds."""

    name: str
    kind: str  # timestamp | date | int | float | str | bool | hhmm | list
    required: bool = True
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    max_words: str = ""  # the upper bound in words, for the message ("at most one day")


# What a column of each kind holds, for a column that holds something else entirely (nested values).
KIND_WORDS = {"timestamp": "ISO 8601 timestamps (text or a Parquet timestamp column)", "date": "dates YYYY-MM-DD",
              "int": "integers", "float": "numbers", "str": "text", "bool": "true or false values",
              "hhmm": "times of day HH:MM"}


class NestedValues(TypeError):
    """A column whose cells are lists, structs or maps (a nested Parquet column); the argument names which."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def nested_expected(kind: str, expected_kind: str) -> str:
    """What a column holding nested values (kind: 'lists', 'structs', 'maps') should hold instead (a Col.kind)."""
    return (f"a column of {KIND_WORDS[expected_kind]}, one value per cell; this one holds {kind} "
            "(a nested Parquet column): write it as a plain column")


class Cells:
    """A column as codes into its distinct stripped values (code -1 = empty cell), so each distinct value is parsed once."""

    def __init__(self, raw: pd.Series) -> None:
        values = _as_objects(raw)
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # unhashable cells: a Parquet list, struct or map column
            raise NestedValues(_nested_kind(values)) from None
        clean = np.array([_strip_one(v) for v in uniques] + [None], dtype=object)[:-1]
        keep = np.array([v is not None for v in clean], dtype=bool)
        merged_codes, merged = pd.factorize(pd.Series(clean[keep], dtype=object), use_na_sentinel=True) \
            if keep.any() else (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=object))
        remap = np.full(len(clean) + 1, -1, dtype=np.int32 if len(clean) < 2**31 - 1 else np.int64)
        remap[np.flatnonzero(keep)] = merged_codes
        codes[codes < 0] = len(clean)
        self.codes = remap[codes]
        self.uniques = np.asarray(merged, dtype=object)
        self.empty = self.codes < 0

    def __len__(self) -> int:
        return len(self.codes)

    def spread(self, per_unique: np.ndarray | Sequence, fill: object) -> np.ndarray:
        """Per-row array from one value per distinct value; empty cells get fill."""
        per_unique = np.asarray(per_unique)
        dtype = object if fill is None or per_unique.dtype == object else np.result_type(per_unique.dtype, np.asarray(fill))
        extended = np.empty(len(per_unique) + 1, dtype=dtype)
        extended[:-1] = per_unique
        extended[-1] = fill
        return extended[self.codes]

    def values_at(self, positions: np.ndarray) -> list:
        """The stripped cell values at row positions (None for empty)."""
        codes = self.codes[positions]
        return [None if c < 0 else self.uniques[c] for c in codes]

    def series(self) -> pd.Series:
        """The stripped values as an object Series (None for empty)."""
        return pd.Series(self.spread(self.uniques, None), dtype=object)


class Checker:
    """Collects every problem of one table (with its source name and editor line numbers) and raises them at once."""

    def __init__(self, df: pd.DataFrame, source: object, lines: Sequence[int] | None = None) -> None:
        self.df = df.reset_index(drop=True)
        self.source = str(source)
        self.from_file = lines is not None  # a table read from a file (not built in memory): unused columns are worth a word
        self.lines = np.asarray(lines, dtype=np.int64) if lines is not None else np.arange(len(df), dtype=np.int64) + 2
        self.problems: list[Problem] = []
        self.total = 0
        self.instants: dict[str, pd.Series] = {}  # per timestamp column: the UTC instant where the file gave an offset
        self.codes: dict[str, np.ndarray] = {}  # per text column: the code of each row's distinct value (-1 empty)

    def add(self, mask, column: str | None, values, expected: str | Iterable[str]) -> None:
        """Record a problem for every row where mask is true (values/expected aligned with the table or scalar)."""
        positions = np.flatnonzero(_as_bool(mask))
        if len(positions) == 0:
            return
        self.total += len(positions)
        positions = positions[: max(0, MAX_PROBLEMS_KEPT - len(self.problems))]
        picked = _pick(values, positions)
        whys = [expected] * len(positions) if isinstance(expected, str) else _pick(expected, positions)
        for pos, value, why in zip(positions, picked, whys, strict=True):
            self.problems.append(Problem(self.source, int(self.lines[pos]), column, _plain(value), why))

    def add_table(self, column: str | None, value: object, expected: str) -> None:
        """Record a problem about the whole table (no line)."""
        self.total += 1
        self.problems.append(Problem(self.source, None, column, value, expected))

    def raise_if_any(self, what: str) -> None:
        """Raise one DataError carrying every problem so far, first lines first; what names the table ('' for any)."""
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda p: (p.line is not None, p.line or 0))
        raise DataError(f"{self.source}: {self.total} problem(s) in the {what + ' ' if what else ''}table", ordered)

    # --- parsing -----------------------------------------------------------------------------

    def require_columns(self, spec: Sequence[Col], what: str, warn_unused: bool = True) -> None:
        """Every required column present, no column twice, and no column that looks like a misspelt contract column
        (checked first: nothing else can be checked without them).

        Other columns outside the contract are kept; for a table read from a file (line numbers given) one
        DataWarning lists them, unless warn_unused is False (a table the planner wrote itself, with extra columns).
        """
        present = [str(c).strip() for c in self.df.columns]
        seen: dict[str, int] = {}
        for i, name in enumerate(present, start=1):
            if name in seen:
                self.add_table(name, None, f"one column named '{name}'; columns {seen[name]} and {i} of the header "
                               "both have that name: rename or remove one")
            seen.setdefault(name, i)
        self.raise_if_any(what)
        self.df.columns = present
        for col in spec:
            if col.required and col.name not in present:
                guess = difflib.get_close_matches(col.name, present, n=1, cutoff=0.6)
                hint = f" (is '{guess[0]}' a misspelling?)" if guess else ""
                columns = ", ".join(present)
                self.add_table(col.name, None, f"a column named '{col.name}'{hint}; the file has columns: {columns}")
        self.raise_if_any(what)
        unknown = [name for name in present if name not in {col.name for col in spec}]
        misspelt = _misspelt_columns(unknown, [col.name for col in spec if col.name not in present])
        for name, known in misspelt.items():
            self.total += 1
            self.problems.append(Problem(self.source, 1, name, None, f"a column of the {what} table: did you mean "
                                         f"{known}? (rename the column; as written it would be ignored)"))
        self.raise_if_any(what)
        if unknown and warn_unused and self.from_file:
            names = [repr(name) for name in unknown]  # quoted: a name with a line break stays on the one line
            more = len(names) - MAX_UNUSED_NAMED
            shown = ", ".join(names[:MAX_UNUSED_NAMED]) + (f" and {more} more" if more > 0 else "")
            warnings.warn(DataWarning(f"{self.source}: {len(unknown)} column(s) outside the {what} table's contract, "
                                      f"not used: {shown}"), stacklevel=2)

    def parse(self, spec: Sequence[Col], timezone: str | None = None) -> pd.DataFrame:
        """Typed copy of the table: each present spec column parsed, bad cells recorded; other columns kept as they are."""
        parsed = {col.name: self._parse_column(col, self.df[col.name], timezone) for col in spec if col.name in self.df.columns}
        others = {c: self.df[c] for c in self.df.columns if c not in parsed}
        return pd.DataFrame({**parsed, **others}, copy=False)

    def _parse_column(self, col: Col, raw: pd.Series, timezone: str | None) -> pd.Series:
        if col.kind == "list":
            values = raw.to_numpy(dtype=object)
            self._check_empty(col, pd.isna(values) if values.dtype != object else
                              np.array([_strip_one(v) is None if not isinstance(v, list | tuple | np.ndarray) else False
                                        for v in values], dtype=bool), raw)
            return pd.Series([_as_list(v) for v in values], dtype=object)
        if col.kind in ("int", "float") and _is_number_dtype(raw.dtype):
            self._check_empty(col, raw.isna().to_numpy(), raw)
            return self._numbers(col, raw.to_numpy(dtype="float64"), raw.isna().to_numpy(), raw)
        if col.kind == "timestamp" and pd.api.types.is_datetime64_any_dtype(raw.dtype):
            parsed, bad, instants = parse_with_instants(raw, timezone)
            self._check_empty(col, raw.isna().to_numpy() & ~bad, raw)
            self.add(bad, col.name, raw, "a timestamp between 1677 and 2262 (the file's value is out of range)")
            return self._timestamps_done(col, parsed, instants, raw, timezone)
        try:
            cells = Cells(raw)
        except NestedValues as exc:
            self.add_table(col.name, None, nested_expected(exc.kind, col.kind))
            return _nothing(col.kind, len(raw))
        self._check_empty(col, cells.empty, cells)
        if col.kind == "str":
            self.codes[col.name] = cells.codes
            nul = np.array(["\x00" in str(v) for v in cells.uniques], dtype=bool)
            self.add(cells.spread(nul, False), col.name, cells, "text without NUL (\\0) bytes")
            return pd.Series(cells.spread(np.array([str(v) for v in cells.uniques] + [None], dtype=object)[:-1], None),
                             dtype=object)
        if col.kind == "timestamp":
            parsed_u, bad_u, instants_u = parse_with_instants(pd.Series(cells.uniques, dtype=object), timezone)
            self.add(cells.spread(bad_u, False), col.name, cells, "an ISO 8601 timestamp such as 2026-11-23T08:15:00")
            parsed = pd.Series(cells.spread(parsed_u.to_numpy(), np.datetime64("NaT", "ns")), dtype="datetime64[ns]")
            value_codes, _ = pd.factorize(parsed_u)  # "08:00" and "08:00:00" are one instant: codes of parsed values
            self.codes[col.name] = cells.spread(value_codes.astype(np.int32), np.int32(-1))
            instants = None if instants_u.isna().all() else \
                pd.Series(cells.spread(instants_u.to_numpy(), np.datetime64("NaT", "ns")), dtype="datetime64[ns]")
            return self._timestamps_done(col, parsed, instants, cells, timezone)
        if col.kind == "date":
            parsed_u, bad_u = parse_with_instants(pd.Series(cells.uniques, dtype=object))[:2]
            not_midnight = parsed_u.notna().to_numpy() & (parsed_u != parsed_u.dt.normalize()).to_numpy()
            self.add(cells.spread(bad_u | not_midnight, False), col.name, cells, "a date YYYY-MM-DD")
            dates = np.array([None if pd.isna(t) else t.date() for t in parsed_u] + [None], dtype=object)[:-1]
            return pd.Series(cells.spread(dates, None), dtype=object)
        if col.kind in ("int", "float"):
            numbers_u = _to_numbers(cells.uniques)
            return self._numbers(col, cells.spread(numbers_u, np.nan).astype("float64"), cells.empty, cells)
        if col.kind == "bool":
            if pd.api.types.is_bool_dtype(raw.dtype) and not raw.isna().any():
                return raw.astype(bool)
            text = [str(v).lower() for v in cells.uniques]
            state = np.array([1 if t in _TRUE else 0 if t in _FALSE else -1 for t in text] + [-1], dtype=np.int8)[:-1]
            if pd.api.types.is_bool_dtype(raw.dtype):
                state = np.array([1 if v is True or v is np.True_ else 0 for v in cells.uniques] + [0], dtype=np.int8)[:-1]
            rows = cells.spread(state, np.int8(-1)).astype(np.int8)
            self.add((rows < 0) & ~cells.empty, col.name, cells, "true or false (or 1/0, yes/no)")
            if (rows >= 0).all():
                return pd.Series(rows == 1)
            return pd.Series(pd.arrays.BooleanArray(rows == 1, rows < 0))
        if col.kind == "hhmm":
            minutes = []
            for v in cells.uniques:
                match = _HHMM.match(str(v))
                minutes.append(int(match[1]) * 60 + int(match[2]) if match else -1)
            minutes_u = np.array(minutes + [0], dtype=np.int64)[:-1]
            bad_u = (minutes_u < 0) | (minutes_u > 24 * 60)
            self.add(cells.spread(bad_u, False), col.name, cells, "a time of day HH:MM")
            text_u = np.array([None if b else f"{m // 60:02d}:{m % 60:02d}" for m, b in zip(minutes_u, bad_u, strict=True)]
                              + [None], dtype=object)[:-1]
            return pd.Series(cells.spread(text_u, None), dtype=object)
        raise ValueError(f"unknown column kind {col.kind!r}")

    def _check_empty(self, col: Col, empty: np.ndarray, values) -> None:
        if not col.nullable:
            self.add(empty, col.name, values, "a value (the cell is empty)")

    def _timestamps_done(self, col: Col, parsed: pd.Series, instants: pd.Series | None, values,
                         timezone: str | None) -> pd.Series:
        if instants is not None and instants.notna().any():
            self.instants[col.name] = instants
        if timezone is not None:
            nonexistent, _ = dst_masks(parsed, timezone)
            self.add(nonexistent, col.name, values,
                     f"a local time that exists in {timezone} (this one falls in the hour skipped when clocks go forward)")
        return parsed

    def _numbers(self, col: Col, numbers: np.ndarray, empty: np.ndarray, values) -> pd.Series:
        what = "an integer" if col.kind == "int" else "a number"
        bound = "" if col.min is None else f" ≥ {col.min:g}"
        with np.errstate(invalid="ignore"):
            finite = np.isfinite(numbers)
            unparsed = np.isnan(numbers) & ~empty
            infinite = ~finite & ~np.isnan(numbers)
            self.add(unparsed, col.name, values, f"{what}{bound}")
            self.add(infinite, col.name, values, f"{what}{bound}" if col.kind == "int" else f"a finite number{bound}")
            if col.kind == "int":
                fractional = finite & (numbers != np.round(numbers))
                self.add(fractional, col.name, values, f"a whole number{bound}")
                huge = finite & (np.abs(numbers) >= MAX_EXACT_INT)
                self.add(huge, col.name, values, f"a whole number{bound} below {MAX_EXACT_INT:,}")
                finite &= ~huge
            if col.min is not None:
                self.add(finite & (numbers < col.min), col.name, values, f"{what}{bound}")
            if col.max is not None:
                top = f"{col.max:,.0f}" if float(col.max).is_integer() else f"{col.max:,g}"
                span = f"from {col.min:g} to {top}" if col.min is not None else f"at most {top}"
                self.add(finite & (numbers > col.max), col.name, values,
                         f"{what} {span}" + (f" ({col.max_words})" if col.max_words else ""))
        numbers = np.where(finite, numbers, np.nan)
        if col.kind == "float":
            return pd.Series(numbers, dtype="float64")
        if not np.isnan(numbers).any():
            return pd.Series(np.round(numbers).astype(np.int64))
        return pd.Series(np.round(numbers)).astype("Int64")

    # --- checks shared by several contracts --------------------------------------------------

    def check_channels(self, values: pd.Series, column: str, channels: Sequence[str]) -> None:
        """Every value names a channel of the config."""
        unknown = values.notna().to_numpy() & ~values.isin(list(channels)).to_numpy()
        self.add(unknown, column, values, _Lazy(lambda pos: [_one_of(values.iloc[p], channels, "channel") for p in pos]))

    def check_aligned(self, ts: pd.Series, column: str, slot_minutes: int) -> None:
        """Every timestamp starts a slot of slot_minutes (minute divisible, zero seconds)."""
        off = ts.notna().to_numpy() & (ts != ts.dt.floor(f"{slot_minutes}min")).to_numpy()
        self.add(off, column, _Lazy(lambda pos: ts.iloc[pos].dt.strftime("%Y-%m-%dT%H:%M:%S").tolist()),
                 f"a slot start on the {slot_minutes}-minute grid (minutes divisible by {slot_minutes}, no seconds)")

    def check_unique(self, table: pd.DataFrame, keys: list[str], timezone: str | None, ts_column: str | None) -> None:
        """Each key appears once, except twice in the repeated hour of a DST fall-back (see planner.io.timestamps)."""
        valid = np.logical_and.reduce([table[k].notna().to_numpy() for k in keys])
        if not valid.any():
            return
        rows = np.flatnonzero(valid)
        group = self._group_ids(table, keys, rows)
        if group.max(initial=0) < 2**26:  # small key space: counting is cheaper than hashing
            repeated = np.bincount(group)[group] > 1
        else:
            repeated = pd.Series(group).duplicated(keep=False).to_numpy()
        if not repeated.any():
            return
        rows, group = rows[repeated], group[repeated]  # only keys seen more than once need a closer look
        seen = pd.Series(group).groupby(group, sort=False).cumcount().to_numpy()
        allowed = np.zeros(len(rows), dtype=np.int64)
        if ts_column is not None:
            ts = table[ts_column].iloc[rows].reset_index(drop=True)
            if timezone is not None:
                allowed = dst_masks(ts, timezone)[1].astype(np.int64)
            else:
                allowed = inferred_repeat_hour(ts, seen).astype(np.int64)
        dup = seen > allowed
        if not dup.any():
            return
        first_row = pd.Series(rows).groupby(group, sort=False).transform("first").to_numpy()
        key_text = ", ".join(keys)
        positions = rows[dup]
        firsts = self.lines[first_row[dup]]
        amb = allowed[dup].astype(bool)
        expected = [
            f"at most two rows per ({key_text}) in the hour repeated when clocks go back (summer time, then standard time); "
            f"first seen on line {f}" if a else f"one row per ({key_text}); the same key is already on line {f}"
            for f, a in zip(firsts, amb, strict=True)
        ]
        values = [" / ".join(str(_plain(v)) if not isinstance(v, pd.Timestamp) else v.isoformat() for v in row)
                  for row in table[keys].iloc[positions].itertuples(index=False)]
        mask = np.zeros(len(table), dtype=bool)
        mask[positions] = True
        self.add(mask, key_text, _Placed(positions, values), _Placed(positions, expected))

    def _group_ids(self, table: pd.DataFrame, keys: list[str], rows: np.ndarray) -> np.ndarray:
        """One non-negative integer per distinct key tuple among table rows `rows` (parsed columns reuse their codes)."""
        combined = np.zeros(len(rows), dtype=np.int64)
        for key in keys:
            column = table[key].iloc[rows] if len(rows) != len(table) else table[key]
            if key in self.codes and len(self.codes[key]) == len(table):
                codes = self.codes[key][rows]
                size = int(codes.max(initial=-1)) + 2
            else:
                values = column.to_numpy()
                if values.dtype.kind == "M":
                    values = values.view(np.int64)  # hashing integers is several times faster than datetimes
                codes, uniques = pd.factorize(values)
                size = len(uniques) + 1
            if combined.max(initial=0) * size > 2**62:  # keep the mixed-radix key within int64
                combined = pd.factorize(combined)[0].astype(np.int64)
            combined = combined * size + (codes + 1)
        return combined

    def summer_first(self, table: pd.DataFrame, keys: list[str], ts_column: str, timezone: str | None) -> np.ndarray | None:
        """Row order putting each repeated-hour pair's summer-time row first when the file's offsets say so (None: keep)."""
        instants = self.instants.get(ts_column)
        if timezone is None or instants is None:
            return None
        ts = table[ts_column].reset_index(drop=True)
        _, ambiguous = dst_masks(ts, timezone)
        rows = np.flatnonzero(ambiguous)
        if len(rows) == 0:
            return None
        known = instants.iloc[rows].reset_index(drop=True)
        summer = summer_instants(ts.iloc[rows], timezone)
        fold = np.where(known.isna().to_numpy(), -1, (known != summer).to_numpy().astype(np.int64))
        group = self._group_ids(table, keys, rows)
        order = np.arange(len(table))
        swapped = False
        for members in pd.Series(np.arange(len(rows))).groupby(group, sort=False).indices.values():
            if len(members) != 2:
                continue
            a, b = members
            fa, fb = fold[a], fold[b]
            if fa == fb and fa >= 0:
                value = _plain(table[ts_column].iloc[rows[b]])
                self.add(_mask_at(len(table), rows[b]), ts_column, _Placed(np.array([rows[b]]), [value]),
                         f"a different instant from line {self.lines[rows[a]]} (both rows have the same UTC offset)")
                continue
            if fa == 1 or fb == 0:
                order[rows[a]], order[rows[b]] = rows[b], rows[a]
                swapped = True
        return order if swapped else None


class _Lazy:
    """Values computed only for the rows that have a problem (fn(positions) -> list)."""

    def __init__(self, fn) -> None:
        self.fn = fn


class _Placed:
    """Values known only at some row positions."""

    def __init__(self, positions: np.ndarray, values: list) -> None:
        self.at = dict(zip(positions.tolist(), values, strict=True))


def _pick(values, positions: np.ndarray) -> list:
    if isinstance(values, Cells):
        return values.values_at(positions)
    if isinstance(values, _Lazy):
        return list(values.fn(positions))
    if isinstance(values, _Placed):
        return [values.at[int(p)] for p in positions]
    if isinstance(values, pd.Series):
        return values.iloc[positions].tolist()
    if isinstance(values, np.ndarray):
        return values[positions].tolist()
    return [values[int(p)] for p in positions]


def _mask_at(n: int, position: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[position] = True
    return mask


def _as_bool(mask) -> np.ndarray:
    """A boolean numpy mask; missing values (pd.NA from a nullable comparison) count as no problem."""
    if isinstance(mask, pd.Series | pd.Index):
        mask = mask.array
    if isinstance(mask, pd.api.extensions.ExtensionArray):
        return np.asarray(mask.fillna(False) if mask.isna().any() else mask, dtype=bool)
    return np.asarray(mask, dtype=bool)


def inferred_repeat_hour(ts: pd.Series, seen: np.ndarray) -> np.ndarray:
    """Rows in an hour that looks like a clock-change repeat without a known time zone (see planner.io.timestamps)."""
    repeats = ts[seen > 0]
    if repeats.empty:
        return np.zeros(len(ts), dtype=bool)
    hours = repeats.dt.floor("h")
    per_day = hours.groupby(hours.dt.normalize()).agg(["min", "max"])
    ok = per_day[(per_day["min"] == per_day["max"]) & (per_day.index.dayofweek == 6)
                 & per_day.index.month.isin(list(_AUTUMN_MONTHS)) & per_day["min"].dt.hour.isin(list(_CHANGE_HOURS))]
    return ts.dt.floor("h").isin(ok["min"]).to_numpy()


def _nested_kind(values: np.ndarray) -> str:
    """'lists', 'structs' or 'maps': what the first nested cell of a column is (pyarrow's conversion of each)."""
    first = next((v for v in values if isinstance(v, list | tuple | np.ndarray | dict)), None)
    if isinstance(first, dict):
        return "structs"
    if isinstance(first, list) and first and all(isinstance(v, tuple) for v in first):
        return "maps"
    return "lists"


def _nothing(kind: str, n: int) -> pd.Series:
    """An all-empty column of a kind's parsed type (for a column that could not be parsed at all)."""
    if kind == "timestamp":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if kind in ("int", "float"):
        return pd.Series(np.nan, index=range(n), dtype="float64")
    if kind == "bool":
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
    return pd.Series([None] * n, dtype=object)


def _is_number_dtype(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _as_objects(raw: pd.Series) -> np.ndarray:
    if isinstance(raw.dtype, pd.CategoricalDtype):
        raw = raw.astype(object)  # a categorical's "" must be empty exactly like a plain column's
    return raw.to_numpy(dtype=object, na_value=None) if pd.api.types.is_extension_array_dtype(raw.dtype) \
        else raw.to_numpy(dtype=object)


def _to_numbers(uniques: np.ndarray) -> np.ndarray:
    """float64 of each distinct value (NaN where it is not a number); booleans are not numbers."""
    texts = all(isinstance(v, str) for v in uniques)
    if texts and not any("_" in v for v in uniques):  # fast path: numpy converts every text at C speed
        try:
            return uniques.astype("float64") if len(uniques) else np.zeros(0)
        except (TypeError, ValueError, OverflowError):
            pass
    out = np.full(len(uniques), np.nan)
    for i, v in enumerate(uniques):
        if isinstance(v, bool | np.bool_):
            continue
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            out[i] = float(v) if not isinstance(v, str) else _float_text(v)
    return out


def _float_text(text: str) -> float:
    if "_" in text:  # Python's float() accepts 1_000; a table's number does not
        return np.nan
    return float(text)


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
    return Cells(raw.reset_index(drop=True)).series()


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


def _misspelt_columns(unknown: Sequence[str], absent: Sequence[str]) -> dict[str, str]:
    """{unknown column: the absent contract column it is a close spelling of} (case ignored, difflib ratio ≥ 0.8).

    Only absent contract columns are candidates: 'requestd_at' beside 'requested_at' is an extra column, not a typo.
    """
    lowered = {name.lower(): name for name in absent}
    found = {}
    for name in unknown:
        guess = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=MISSPELT_CUTOFF)
        if guess:
            found[name] = lowered[guess[0]]
    return found


def _one_of(value: object, allowed: Sequence[str], what: str) -> str:
    guess = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"a {what} of the config: {', '.join(allowed)}{hint}"
