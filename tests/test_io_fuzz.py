"""Property tests of every reader (issue 11): a generated bad file gives a valid table or a DataError naming the file and,
for a cell, its editor line and column; never any other exception.

Each reader (the ten contract tables, and the contacts import with the bank's mapping, configs/anonymous_bank.yaml) is
fuzzed as text (cells replaced by hostile text, rows duplicated or cut, raw bytes inserted, header names changed) and as
Parquet (cells replaced by hostile strings or numbers; columns made categorical, dictionary-encoded, nested (list,
struct, map), renamed or dropped; timestamps far out of range). The default run tries 80 examples per reader and
format (1,760 in all); the `slow` variant 300 (6,600) and checks that it drew every mutation kind. Set
PLANNER_FUZZ_COUNTS=path to get the counts (cases, accepted, clean errors, anything else; in all and per reader) as JSON.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.config import load_config
from planner.errors import DataError
from planner.forecasting import DAILY_CONTRACT, read_forecast_daily
from planner.io import tables
from planner.io.contacts_import import import_contacts
from tests.conftest import REPO
from tests.test_io_tables import _sample_frames

READERS = ["history", "contacts", "agents", "leave", "forecast", "requirements", "roster", "roster_slots", "coverage",
           "forecast_daily", "bank_import"]
CONFIG = load_config(REPO / "configs" / "demo.yaml")
BANK = load_config(REPO / "configs" / "anonymous_bank.yaml")
DEFAULT_EXAMPLES, SLOW_EXAMPLES = 80, 300
CSV_MUTATIONS = ["cell", "cell", "cell", "header", "dup_row", "drop_row", "short_row", "blank"]
PARQUET_MUTATIONS = ["text", "text", "number", "category", "drop", "timestamp", "dictionary", "nested"]
KINDS: Counter = Counter()  # (format, mutation kind) drawn in the current run
COUNTS: Counter = Counter()
PER_READER: dict[str, Counter] = {}
NASTY = ["", " ", "  \t ", "inf", "-inf", "Infinity", "nan", "NaN", "1e400", "-1", "-0", "0.5", "1e19",
         "9223372036854775808", "18446744073709551616", "1_000", "0x10", "１２", "true", "yes", "None", "null",
         "2026-11-23T08:00:00+01", "2026-11-23T08:00:00+01:00:00", "2026-11-23T08:00:00+0100", "2026-11-23T08:00:00Z",
         "2026-11-23T08:00:00+25:00", "2026-11-23T08:00:00+01:00:30", "2026-11-23T08:00:00+1", "2026-11-23T08:00:00-",
         "2026-10-25T01:30:00+00:00", "2026-10-25T01:30:00+01:00", "2026-03-29T01:30:00", "3000-01-01T00:00:00",
         "1600-01-01", "2026-02-30", "2026-11-23", "08:00", "24:00", "25:61", "voice", "chat", "email", "A1", "A1;A2",
         "voice;;", ";", "[/]", "[bold]x", "\"", "\"\"", "a,b", "line\nbreak", "voice\x00junk", "\x00", "\ufeff", "é",
         "\u202e", "\r", "\t", "a" * 300, "approved", "REQUESTED", "12:00-12:30", "12:00-25:00", "full_time"]
CELL = st.one_of(st.sampled_from(NASTY), st.text(max_size=12),
                 st.text(alphabet=st.sampled_from(list("0123456789+-.:eTZ ,\"\n\x00")), max_size=25))


def _bank_rows() -> list[list[str]]:
    """The header and first records of the shipped bank log: served, hung up in the queue, and VRU-only calls."""
    import gzip

    text = gzip.decompress((REPO / "configs" / "data" / "anonymous_bank_1999_02_calls.tsv.gz").read_bytes()).decode()
    return [line.split("\t") for line in text.splitlines()[:9]]


def _frames() -> dict[str, pd.DataFrame]:
    """One small valid table per reader (the bank export as text columns, as an export would hold them)."""
    frames = _sample_frames()
    frames["forecast_daily"] = pd.DataFrame({"date": [pd.Timestamp("2026-11-23").date(), pd.Timestamp("2026-11-24").date()],
                                             "channel": ["voice", "voice"], "offered": [120.0, 95.5],
                                             "offered_lo": [100.0, 80.0], "offered_hi": [140.0, 111.0]})
    header, *records = _bank_rows()
    frames["bank_import"] = pd.DataFrame(records, columns=header)
    return frames


FRAMES = _frames()
SPECS = {name: getattr(tables, name.upper()) for name in READERS if hasattr(tables, name.upper())}
SPECS |= {"forecast_daily": DAILY_CONTRACT, "bank_import": tables.CONTACTS}
TIME_COLUMNS = ("interval_start", "arrived_at", "shift_start", "q_start", "ser_start", "vru_entry")


def _read(name: str, path: Path) -> pd.DataFrame:
    if name == "bank_import":
        return import_contacts(path, BANK).contacts
    if name == "forecast_daily":
        return read_forecast_daily(path)
    reader = tables.read_roster_table if name == "roster" else getattr(tables, f"read_{name}")
    return reader(path) if name == "leave" else reader(path, CONFIG)


def _delimiter(name: str) -> str:
    return "\t" if name == "bank_import" else ","


@functools.cache  # made once per reader, not per case (the bank's rows decompress the whole log); callers copy them
def _base_rows(name: str) -> tuple[tuple[str, ...], ...]:
    if name == "bank_import":
        return tuple(map(tuple, _bank_rows()))
    buffer = io.StringIO()
    tables.lists_joined(FRAMES[name]).to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    return tuple(map(tuple, csv.reader(io.StringIO(buffer.getvalue()))))


@st.composite
def csv_files(draw, name: str) -> bytes:
    rows = [list(r) for r in _base_rows(name)]
    delimiter = _delimiter(name)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(CSV_MUTATIONS))
        KINDS["csv", kind] += 1
        i = draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 0
        if kind == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(CELL)
        elif kind == "header" and rows[0]:  # a short_row may have emptied the header line
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(st.one_of(st.sampled_from(rows[0]), CELL))
        elif kind == "dup_row":
            rows.insert(i, list(rows[i]))
        elif kind == "drop_row" and len(rows) > 1:
            rows.pop(i)
        elif kind == "short_row":
            rows[i] = rows[i][: draw(st.integers(0, len(rows[i])))]
        elif kind == "blank":
            rows.insert(i, [draw(st.sampled_from(["", "   ", "\t"]))])
    out = io.StringIO()
    if draw(st.booleans()):
        csv.writer(out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    else:  # written by hand, as a careless export would: no quoting at all
        out.write("\n".join(delimiter.join(r) for r in rows) + draw(st.sampled_from(["\n", ""])))
    data = out.getvalue().encode("utf-8", errors="surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        inserted = draw(st.sampled_from([b"\x00", b"\xff", b"\xe9", b'"', b"\n", delimiter.encode(), b"\r", b""]))
        data = data[:at] + inserted + data[at:]
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


def _nested(draw, values: list) -> pa.Array:
    """The column's values wrapped in a list, struct or map per cell (a nested Parquet column), some cells null."""
    text = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
    kind = draw(st.sampled_from(["list", "list", "struct", "map"]))
    if kind == "list":
        return pa.array([None if t is None else [t] * draw(st.integers(0, 2)) for t in text], pa.list_(pa.string()))
    if kind == "struct":
        return pa.array([None if t is None else {"value": t} for t in text], pa.struct([("value", pa.string())]))
    return pa.array([None if t is None else [("value", t)] for t in text], pa.map_(pa.string(), pa.string()))


@st.composite
def parquet_tables(draw, name: str) -> pa.Table:
    frame = FRAMES[name].copy()
    arrow_changes = []
    for _ in range(draw(st.integers(1, 3))):
        column = draw(st.sampled_from(list(frame.columns)))
        kind = draw(st.sampled_from(PARQUET_MUTATIONS))
        KINDS["parquet", kind] += 1
        row = draw(st.integers(0, len(frame) - 1))
        if kind == "text":
            values = frame[column].astype(str).tolist()
            values[row] = draw(CELL)
            frame[column] = pd.Series(values, dtype=object)
        elif kind == "number":
            values = pd.to_numeric(frame[column], errors="coerce").astype("float64").tolist()
            values[row] = draw(st.one_of(st.sampled_from([np.inf, -np.inf, np.nan, 2.0**63, 2.0**64, -1.0, 0.5, 1e300]),
                                         st.floats(allow_nan=True, allow_infinity=True)))
            frame[column] = values
        elif kind == "category":
            frame[column] = frame[column].astype(str).replace({"nan": "", "None": "", "NaT": ""}).astype("category")
        elif kind == "drop" and len(frame.columns) > 1:
            frame = frame.drop(columns=[column])
        elif kind in ("dictionary", "nested"):
            arrow_changes.append((kind, column))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for kind, column in arrow_changes:  # on the Arrow table: pandas cannot write either from a plain column
        if column not in table.column_names:
            continue
        at = table.column_names.index(column)
        kind_of = table.column(at).type
        if kind == "dictionary":  # a typed column (numbers, timestamps, dates) stored dictionary-encoded
            if not (pa.types.is_dictionary(kind_of) or pa.types.is_nested(kind_of) or pa.types.is_null(kind_of)):
                table = table.set_column(at, column, table.column(at).dictionary_encode())
        else:
            table = table.set_column(at, column, _nested(draw, table.column(at).to_pylist()))
    if draw(st.integers(0, 9)) == 0:  # a column renamed, often to a name the file already has (Arrow allows that)
        names = table.column_names
        names[draw(st.integers(0, len(names) - 1))] = draw(st.one_of(st.sampled_from(names), CELL))
        table = table.rename_columns(names)
    if draw(st.booleans()):  # a timestamp column in µs reaching years pandas' nanoseconds cannot hold
        years = draw(st.lists(st.integers(1, 9999), min_size=table.num_rows, max_size=table.num_rows))
        stamps = pa.array([np.datetime64(f"{y:04d}-01-01", "us") for y in years], pa.timestamp("us"))
        target = next((c for c in table.column_names if c.startswith(TIME_COLUMNS)), None)
        if target is not None:
            table = table.set_column(table.column_names.index(target), target, stamps)
    return table


def _count(name: str, outcome: str) -> None:
    for counter in (COUNTS, PER_READER.setdefault(name, Counter())):
        counter[outcome] += 1


def _check(name: str, path: Path, lines_in_file: int) -> None:
    _count(name, "cases")
    try:
        result = _read(name, path)
    except DataError as exc:
        assert str(path) in str(exc)
        for problem in exc.problems:
            assert problem.file == str(path)
            assert problem.line is None or 1 <= problem.line <= lines_in_file + 1, problem
            # file-level problems (may lie past the header, or be the header itself) name no column
            structural = any(w in problem.expected for w in ("quote", "fields", "NUL", "text in", "header line"))
            assert problem.line is None or problem.column is not None or structural, problem
        _count(name, "clean errors")
        return
    except Exception:
        _count(name, "anything else")
        raise
    _count(name, "accepted")
    _assert_valid(name, result)


def _assert_valid(name: str, frame: pd.DataFrame) -> None:
    for col in SPECS[name]:
        if col.required:
            assert col.name in frame.columns
        if col.name not in frame.columns:
            continue
        values = frame[col.name]
        if col.kind == "timestamp":
            assert str(values.dtype) == "datetime64[ns]"
        if col.kind in ("int", "float"):
            numbers = values.astype("float64").to_numpy()
            assert not np.isinf(numbers).any()
            if col.min is not None:
                assert not (numbers < col.min).any()
            if col.max is not None:
                assert not (numbers > col.max).any()
            if not col.nullable:
                assert not np.isnan(numbers).any()
        if col.kind == "list":
            assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values)


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    target = os.environ.get("PLANNER_FUZZ_COUNTS")
    if target:
        counts = {**COUNTS, "per reader": {name: dict(c) for name, c in PER_READER.items()}}
        Path(target).write_text(json.dumps(counts, indent=2) + "\n")


def _fuzz(name: str, fmt: str, examples: int):
    strategy = csv_files(name) if fmt == "csv" else parquet_tables(name)
    suffix = ("tsv" if name == "bank_import" else "csv") if fmt == "csv" else "parquet"

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def run(payload) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.{suffix}"
            if fmt == "csv":
                path.write_bytes(payload)
                _check(name, path, len(re.split(rb"\r\n|\r|\n", payload)))  # lines as an editor shows them
            else:
                pq.write_table(payload, path)
                _check(name, path, payload.num_rows + 1)

    run()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("name", READERS)
def test_reader_fuzz(name, fmt):
    _fuzz(name, fmt, DEFAULT_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("name", READERS)
def test_reader_fuzz_many(name, fmt):
    # 300 examples (500 before): every mutation kind of the format is still drawn, most of them dozens of times
    KINDS.clear()
    _fuzz(name, fmt, SLOW_EXAMPLES)
    kinds = CSV_MUTATIONS if fmt == "csv" else PARQUET_MUTATIONS
    assert min(KINDS[fmt, kind] for kind in kinds) >= 5, KINDS
