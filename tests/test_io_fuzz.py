"""Property tests of every reader (issue 11): a generated bad file gives a valid table or a DataError naming the file and,
for a cell, its editor line and column; never any other exception.

Each reader is fuzzed as CSV (cells replaced by hostile text, rows duplicated or cut, raw bytes inserted, header
names changed) and as Parquet (cells replaced by hostile strings or numbers, columns made categorical or dropped,
timestamps far out of range). The default run tries 100 examples per reader and format (1,200 in all); the `slow`
variant 900 (10,800). Set PLANNER_FUZZ_COUNTS=path to get the counts (cases, accepted, clean errors, other) as JSON.
"""

from __future__ import annotations

import csv
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
from planner.io import tables
from tests.conftest import REPO
from tests.test_io_tables import _sample_frames

READERS = ["history", "contacts", "agents", "leave", "forecast", "requirements"]
CONFIG = load_config(REPO / "configs" / "demo.yaml")
COUNTS: Counter = Counter()
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


def _base_rows(name: str) -> list[list[str]]:
    buffer = io.StringIO()
    tables.lists_joined(_sample_frames()[name]).to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    return list(csv.reader(io.StringIO(buffer.getvalue())))


@st.composite
def csv_files(draw, name: str) -> bytes:
    rows = [list(r) for r in _base_rows(name)]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "dup_row", "drop_row", "short_row", "blank"]))
        i = draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 0
        if kind == "cell" and rows[i]:
            rows[i][draw(st.integers(0, len(rows[i]) - 1))] = draw(CELL)
        elif kind == "header":
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
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    else:  # written by hand, as a careless export would: no quoting at all
        out.write("\n".join(",".join(r) for r in rows) + draw(st.sampled_from(["\n", ""])))
    data = out.getvalue().encode("utf-8", errors="surrogatepass")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xe9", b'"', b"\n", b",", b"\r", b""])) + data[at:]
    if draw(st.integers(0, 9)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def parquet_tables(draw, name: str) -> pa.Table:
    frame = _sample_frames()[name].copy()
    for _ in range(draw(st.integers(1, 3))):
        column = draw(st.sampled_from(list(frame.columns)))
        kind = draw(st.sampled_from(["text", "text", "number", "category", "drop", "timestamp"]))
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
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if draw(st.booleans()):  # a timestamp column in µs reaching years pandas' nanoseconds cannot hold
        years = draw(st.lists(st.integers(1, 9999), min_size=table.num_rows, max_size=table.num_rows))
        stamps = pa.array([np.datetime64(f"{y:04d}-01-01", "us") for y in years], pa.timestamp("us"))
        target = next((c for c in table.column_names if c.startswith(("interval_start", "arrived_at", "shift_start"))), None)
        if target is not None:
            table = table.set_column(table.column_names.index(target), target, stamps)
    return table


def _check(name: str, path: Path, lines_in_file: int) -> None:
    reader = getattr(tables, f"read_{name}")
    COUNTS["cases"] += 1
    try:
        result = reader(path, CONFIG) if name != "leave" else reader(path)
    except DataError as exc:
        assert str(path) in str(exc)
        for problem in exc.problems:
            assert problem.file == str(path)
            assert problem.line is None or 1 <= problem.line <= lines_in_file + 1, problem
            # file-level problems (may lie past the header, or be the header itself) name no column
            structural = any(w in problem.expected for w in ("quote", "fields", "NUL", "text in", "header line"))
            assert problem.line is None or problem.column is not None or structural, problem
        COUNTS["clean errors"] += 1
        return
    except Exception:
        COUNTS["anything else"] += 1
        raise
    COUNTS["accepted"] += 1
    _assert_valid(name, result)


def _assert_valid(name: str, frame: pd.DataFrame) -> None:
    spec = getattr(tables, name.upper())
    for col in spec:
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
            if not col.nullable:
                assert not np.isnan(numbers).any()


@pytest.fixture(scope="module", autouse=True)
def _report_counts():
    yield
    target = os.environ.get("PLANNER_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps(dict(COUNTS), indent=2) + "\n")


def _fuzz(name: str, fmt: str, examples: int):
    strategy = csv_files(name) if fmt == "csv" else parquet_tables(name)

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def run(payload) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.{fmt}"
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
    _fuzz(name, fmt, 100)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("name", READERS)
def test_reader_fuzz_many(name, fmt):
    _fuzz(name, fmt, 900)
