"""Readers and validators of the DESIGN.md file contracts (CSV/TSV or Parquet by extension).

Every `read_*(path, ...)` reads the file and calls the matching `validate_*(df, source, config)`,
which works on any DataFrame (strings as read from CSV, or typed columns from Parquet/pandas) and
returns a typed copy: timestamps as naive site wall-clock datetime64, dates as datetime.date,
counts as int64, durations as float64, agent skills as lists. Columns outside the contract are
kept, after the contract's columns, and named in one DataWarning when the table was read from a file; an
unknown column that looks like a misspelt contract column ('requestd_at') is an error on line 1.

Validation is lazy: every problem in the table is collected and raised as one DataError whose
message lists the first 20 (file, line as a text editor counts it with the header on line 1,
column, value, what was expected). For Parquet files and in-memory DataFrames, row i (0-based)
is reported as line i + 2, as if the table were a CSV file with a header.

Time stamps follow the DST rule documented in `planner.io.timestamps`: naive = site wall clock;
a time skipped by a spring-forward change is an error; in the hour repeated at a fall-back change
a slot may appear twice per channel (summer time first, standard time second: file order unless
the rows carry UTC offsets). Without a config the repeated hour is recognised from the data.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from planner.errors import MAX_PROBLEMS_SHOWN, DataError, Problem
from planner.io.files import PARQUET_SUFFIXES, read_bytes, read_raw, table_format, text_format, write_table
from planner.io.validation import Checker, Col

# Upper bounds of durations in seconds: a handle time beyond a day (the config's aht_s cap) or a mean wait beyond
# 30 days (a deferred channel's backlog over a long closure) is a unit or export error, not data.
MAX_HANDLE_S = 86_400.0
MAX_WAIT_S = 30 * 86_400.0
HANDLE_WORDS = "seconds: at most one day"
WAIT_WORDS = "seconds: at most 30 days"

HISTORY = [
    Col("interval_start", "timestamp"),
    Col("channel", "str"),
    Col("offered", "int", min=0),
    Col("handled", "int", required=False, min=0),
    Col("abandoned", "int", required=False, min=0),
    Col("aht_s", "float", required=False, nullable=True, min=0, max=MAX_HANDLE_S, max_words=HANDLE_WORDS),
    Col("answered_within_target", "int", required=False, min=0),
    Col("asa_s", "float", required=False, nullable=True, min=0, max=MAX_WAIT_S, max_words=WAIT_WORDS),
    Col("staffed_agents", "float", required=False, nullable=True, min=0),  # mean agents staffed on the channel
]
CONTACTS = [
    Col("contact_id", "str"),
    Col("channel", "str"),
    Col("arrived_at", "timestamp"),
    Col("answered_at", "timestamp", required=False, nullable=True),
    Col("ended_at", "timestamp", required=False, nullable=True),
    Col("abandoned", "bool", required=False),
    Col("handle_s", "float", required=False, nullable=True, min=0, max=MAX_HANDLE_S, max_words=HANDLE_WORDS),
    Col("wrap_s", "float", required=False, nullable=True, min=0, max=MAX_HANDLE_S, max_words=HANDLE_WORDS),
    Col("agent_id", "str", required=False, nullable=True),
    Col("customer_id", "str", required=False, nullable=True),
    Col("resolved", "bool", required=False, nullable=True),
    Col("contact_type", "str", required=False, nullable=True),  # the reason of the contact (billing, technical, …)
]
AGENTS = [
    Col("agent_id", "str"),
    Col("name", "str"),
    Col("skills", "list"),
    Col("contract", "str"),
    Col("team", "str", required=False, nullable=True),
    Col("available_from", "hhmm", required=False, nullable=True),
    Col("available_to", "hhmm", required=False, nullable=True),
    Col("preferences", "str", required=False, nullable=True),
    Col("employed_from", "date", required=False, nullable=True),  # first day employed (leave planning)
    Col("employed_to", "date", required=False, nullable=True),  # last day employed
    Col("seniority", "float", required=False, nullable=True, min=0),  # larger = more senior (leave order)
    Col("priority", "int", required=False, nullable=True),  # larger = decided first in seniority order
]
LEAVE = [
    Col("agent_id", "str"),
    Col("start_date", "date"),
    Col("end_date", "date"),
    Col("kind", "str"),
    Col("status", "str"),
    Col("request_id", "str", required=False, nullable=True),
    Col("requested_at", "timestamp", required=False, nullable=True),
    Col("override", "bool", required=False, nullable=True),  # a planner's override: may take the balance below zero
]
LEAVE_STATUSES = ("approved", "requested")
MAX_BID_RANK = 10  # ranked preferences per agent the bid round allocates (planner.leave.bids: its weights fit int64)
BIDS = [
    Col("agent_id", "str"),
    Col("rank", "int", min=1, max=MAX_BID_RANK, max_words=f"at most {MAX_BID_RANK} ranked preferences per agent are "
        "allocated; drop or merge the lowest ranks"),
    Col("start_date", "date"),
    Col("end_date", "date"),
    Col("submitted_at", "timestamp", required=False, nullable=True),
    Col("bid_id", "str", required=False),
]
FORECAST = [
    Col("interval_start", "timestamp"),
    Col("channel", "str"),
    Col("offered", "float", min=0),
    Col("aht_s", "float", nullable=True, min=0, max=MAX_HANDLE_S, max_words=HANDLE_WORDS),
    Col("offered_lo", "float", required=False, nullable=True, min=0),
    Col("offered_hi", "float", required=False, nullable=True, min=0),
]
REQUIREMENTS = [
    Col("interval_start", "timestamp"),
    Col("channel", "str"),
    Col("offered", "float", min=0),
    Col("aht_s", "float", nullable=True, min=0, max=MAX_HANDLE_S, max_words=HANDLE_WORDS),
    Col("workload_erlangs", "float", required=False, nullable=True, min=0),
    Col("agents_productive", "int", min=0),
    Col("agents_required", "int", min=0),
    Col("service_level", "float", required=False, nullable=True, min=0),
    Col("asa_s", "float", required=False, nullable=True, min=0, max=MAX_WAIT_S, max_words=WAIT_WORDS),
    Col("occupancy", "float", required=False, nullable=True, min=0),
    Col("abandon_rate", "float", required=False, nullable=True, min=0),
    Col("backlog", "float", required=False, nullable=True, min=0),
]
ROSTER = [
    Col("agent_id", "str"),
    Col("date", "date"),
    Col("shift_start", "timestamp"),
    Col("shift_end", "timestamp"),
    Col("breaks", "str", nullable=True),
    Col("paid_hours", "float", min=0),
    Col("channels", "list", required=False),
    Col("team", "str", required=False, nullable=True),
]
ROSTER_SLOTS = [
    Col("agent_id", "str"),
    Col("interval_start", "timestamp"),
    Col("activity", "str"),
]
SLOT_ACTIVITIES = ("break", "lunch", "leave")
CHANGES = [  # planner replan: what changed since a roster was published
    Col("agent_id", "str", nullable=True),  # absent, leave: the agent; requirement: empty
    Col("date", "date"),
    Col("from", "hhmm", required=False, nullable=True),  # window inside the date (absent, requirement); empty = all day
    Col("to", "hhmm", required=False, nullable=True),
    Col("kind", "str"),  # absent | leave | requirement
    Col("channel", "str", required=False, nullable=True),  # requirement: the channel
    Col("factor", "float", required=False, nullable=True, min=0),  # requirement: agents_required × factor
    Col("note", "str", required=False, nullable=True),
]
CHANGE_KINDS = ("absent", "leave", "requirement")
COVERAGE = [
    Col("interval_start", "timestamp"),
    Col("channel", "str"),
    Col("required", "float", min=0),
    Col("scheduled", "float", min=0),
    Col("gap", "float"),
    Col("service_level_projected", "float", required=False, nullable=True, min=0),
    Col("offered", "float", required=False, nullable=True, min=0),
]


# --- raw reading ---------------------------------------------------------------------------------


def read_table(path: str | Path, sep: str | None = None, encoding: str = "utf-8-sig") -> tuple[pd.DataFrame, np.ndarray]:
    """A table as strings (CSV/TSV) or typed columns (Parquet) with the editor line number of each row; blank lines skipped."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.suffix.lower() in PARQUET_SUFFIXES:
        _unique_columns(path, _parquet_columns(path))  # Arrow would fail with a dump of the schema
        df = read_raw(path).reset_index(drop=True)
        return df, np.arange(len(df), dtype=np.int64) + 2
    fmt, _ = text_format(path)
    delimiter = sep if sep is not None else ("\t" if fmt == "tsv" else ",")
    data = read_bytes(path)
    if b"\r" in data:  # one line break for everyone: pandas and editors also break lines at a lone CR (old Mac files)
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    _check_bytes(path, data, delimiter, encoding)
    first_line = data.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if data.strip() and not first_line.strip():  # pandas would take the next line as the header and shift every line
        raise DataError(f"{path}: cannot read as {fmt.upper()}", [Problem(
            str(path), 1, None, None, "the header line (the column names) first; line 1 is blank")])
    try:
        df = pd.read_csv(io.BytesIO(data), sep=delimiter, dtype=str, keep_default_na=False, na_values=[""],
                         encoding=encoding, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        if data.strip():
            raise DataError(f"{path}: line 1 is blank; expected the header line (the column names) first") from None
        raise DataError(f"{path}: the file is empty; expected a header line and data rows") from None
    except pd.errors.ParserError as exc:
        raise _parser_error(path, data, delimiter, exc) from None
    except (UnicodeDecodeError, ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot read as {fmt.upper()} ({str(exc).strip()})") from None
    header = _header(data, delimiter, encoding)
    if len(header) == len(df.columns):
        df.columns = header
    _unique_columns(path, df.columns)  # a repeated column name is an error, never a silent 'offered.1'
    lines = _record_lines(data, len(df), delimiter)
    blank = _blank_rows(df)
    if blank.any():
        return df[~blank].reset_index(drop=True), lines[~blank]
    return df, lines


def _unique_columns(path: Path, names: Iterable[object]) -> None:
    """DataError naming both positions of each column name the header repeats (as written, stripped)."""
    Checker(pd.DataFrame(columns=list(names)), path).require_columns([], "")


def _parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file's schema ([] when unreadable: read_raw reports why)."""
    try:
        return pq.read_schema(path).names
    except (pa.ArrowException, OSError, ValueError, TypeError):
        return []


def _check_bytes(path: Path, data: bytes, delimiter: str, encoding: str) -> None:
    """NUL bytes (which the CSV parser would silently cut cells at) and undecodable bytes, with their line and column."""
    if b"\x00" in data:
        nuls = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)
        lines = np.searchsorted(np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n")), nuls) + 1
        _, first = np.unique(lines, return_index=True)  # the first NUL of each line
        problems = []
        for offset in nuls[first[:MAX_PROBLEMS_SHOWN]]:
            line, column = _where(data, int(offset), delimiter, encoding)
            problems.append(Problem(str(path), line, column, None,
                                    "text without NUL (\\0) bytes (is the file UTF-16? save it as UTF-8 text)"))
        raise DataError(f"{path}: the file contains NUL bytes on {len(first)} line(s)", problems)
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _where(data, exc.start, delimiter, encoding)
        byte = data[exc.start:exc.start + 1].hex()
        raise DataError(f"{path}: cannot read as {encoding} text", [
            Problem(str(path), line, column, f"byte 0x{byte}", f"text in {encoding} (save the file as UTF-8, or set "
                    "the encoding, e.g. contacts_import.encoding: cp1252)")]) from None
    except LookupError:
        raise DataError(f"{path}: unknown text encoding {encoding!r}") from None


def _where(data: bytes, offset: int, delimiter: str, encoding: str) -> tuple[int, str | None]:
    """(editor line, header column name) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode(encoding, errors="replace")
    try:
        index = max(0, len(next(csv.reader([before.replace("\r", " ")], delimiter=delimiter), [""])) - 1)
    except csv.Error:
        index = -1
    header = _header(data, delimiter, encoding)
    return line, (header[index] if 0 <= index < len(header) else None)


def _header(data: bytes, delimiter: str, encoding: str) -> list[str]:
    """The header's column names, stripped, as written (pandas would rename a repeated one to 'name.1')."""
    head = data[: 1 << 16].decode(encoding, errors="replace")
    return [name.strip() for name in next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])]


def _record_lines(data: bytes, rows: int, delimiter: str) -> np.ndarray:
    """Editor line of each data record (the header is line 1), counting newlines inside quoted fields."""
    if b'"' not in data:
        return np.arange(rows, dtype=np.int64) + 2
    buffer = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buffer == ord("\n"))
    quotes = np.flatnonzero(buffer == ord('"'))
    inside = np.searchsorted(quotes, newlines) % 2 == 1  # an odd number of quotes before it: within a quoted field
    ends = np.flatnonzero(~inside)  # indices (into newlines) of the newlines that end a record
    records = len(ends) + (0 if data.endswith(b"\n") else 1)
    if records == rows + 1:
        return (ends[:rows] + 2).astype(np.int64)
    starts = _record_starts_csv(data, delimiter)  # a quote inside an unquoted field is a plain character: let csv decide
    return np.asarray(starts[1: rows + 1], dtype=np.int64) if len(starts) >= rows + 1 else np.arange(rows) + 2


def _record_starts_csv(data: bytes, delimiter: str = ",") -> list[int]:
    """Editor line where each record starts (the header's is 1), by the csv module."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=""), delimiter=delimiter)
    starts, start = [], 1
    with contextlib.suppress(csv.Error):
        for _ in reader:
            starts.append(start)
            start = reader.line_num + 1
    return starts


def _parser_error(path: Path, data: bytes, delimiter: str, exc: Exception) -> DataError:
    """A pandas ParserError with pandas' record numbers turned into editor lines."""
    text = str(exc).strip()
    eof = re.search(r"EOF inside string starting at row (\d+)", text)
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if eof is None and fields is None:
        return DataError(f"{path}: cannot read as CSV ({text})")
    starts = _record_starts_csv(data, delimiter)
    if eof is not None:
        record = int(eof.group(1))  # 0-based, the header being record 0
        line = starts[record] if record < len(starts) else data.count(b"\n") + 1
        return DataError(f"{path}: cannot read as CSV", [Problem(
            str(path), line, None, None, 'a closing quote (") for the quoted field that starts on this line')])
    expected, record, saw = (int(g) for g in fields.groups())  # record is 1-based, the header being record 1
    line = starts[record - 1] if record - 1 < len(starts) else record
    return DataError(f"{path}: cannot read as CSV", [Problem(
        str(path), line, None, f"{saw} fields", f"{expected} fields like the header (does a value containing "
        f"'{delimiter}' lack its quotes?)")])


def _blank_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows of a blank line (empty, or only spaces and tabs)."""
    if df.shape[1] == 0:
        return np.zeros(len(df), dtype=bool)
    candidates = np.arange(len(df))
    for col in reversed(df.columns[1:]):
        candidates = candidates[df[col].iloc[candidates].isna().to_numpy()]
    first = df.iloc[candidates, 0]
    blank = np.zeros(len(df), dtype=bool)
    blank[candidates[(first.isna() | (first.str.strip() == "")).to_numpy(dtype=bool)]] = True
    return blank


def _tz(config) -> str | None:
    return config.site.timezone if config is not None else None


def _interval_checks(chk: Checker, out: pd.DataFrame, config, keys: list[str]) -> np.ndarray | None:
    """Channel, grid and uniqueness checks; returns the row order that puts summer time first where offsets say so."""
    if config is not None:
        if "channel" in keys:
            chk.check_channels(out["channel"], "channel", config.channel_names)
        chk.check_aligned(out["interval_start"], "interval_start", config.site.slot_minutes)
    chk.check_unique(out, keys, _tz(config), "interval_start")
    return chk.summer_first(out, keys, "interval_start", _tz(config))


def _ordered(out: pd.DataFrame, order: np.ndarray | None) -> pd.DataFrame:
    return out if order is None else out.iloc[order].reset_index(drop=True)


# --- history ---------------------------------------------------------------------------------------


def validate_history(df: pd.DataFrame, source: object = "<history>", config=None, lines=None) -> pd.DataFrame:
    """Typed interval history (one row per slot per channel); DataError listing every problem."""
    chk = Checker(df, source, lines)
    chk.require_columns(HISTORY, "history")
    out = chk.parse(HISTORY, _tz(config))
    order = _interval_checks(chk, out, config, ["interval_start", "channel"])
    if {"answered_within_target", "handled"} <= set(out.columns):
        chk.add(out["answered_within_target"] > out["handled"], "answered_within_target",
                df["answered_within_target"] if "answered_within_target" in df else out["answered_within_target"],
                "at most the row's handled count")
    chk.raise_if_any("history")
    return _ordered(out, order)


def read_history(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate an interval history file (CSV or Parquet)."""
    df, lines = read_table(path)
    return validate_history(df, path, config, lines)


# --- contacts --------------------------------------------------------------------------------------


def validate_contacts(df: pd.DataFrame, source: object = "<contacts>", config=None, lines=None) -> pd.DataFrame:
    """Typed one-row-per-contact table; DataError listing every problem."""
    chk = Checker(df, source, lines)
    chk.require_columns(CONTACTS, "contacts")
    out = chk.parse(CONTACTS, _tz(config))
    if config is not None:
        chk.check_channels(out["channel"], "channel", config.channel_names)
    chk.check_unique(out, ["contact_id"], None, None)
    for later in ("answered_at", "ended_at"):
        if later in out.columns:
            early = (out[later] < out["arrived_at"]).to_numpy(dtype=bool)
            chk.add(early, later, out[later], "a time not before arrived_at")
    if {"abandoned", "answered_at"} <= set(out.columns):
        both = out["abandoned"].fillna(False).to_numpy(dtype=bool) & out["answered_at"].notna().to_numpy()
        chk.add(both, "abandoned", out["abandoned"], "false for a contact with an answered_at time")
    chk.raise_if_any("contacts")
    return out


def read_contacts(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a contacts file (one row per contact, CSV or Parquet)."""
    df, lines = read_table(path)
    return validate_contacts(df, path, config, lines)


# --- agents ----------------------------------------------------------------------------------------


def validate_agents(df: pd.DataFrame, source: object = "<agents>", config=None, lines=None) -> pd.DataFrame:
    """Typed agents table with `skills` as a list of channel names; DataError listing every problem."""
    chk = Checker(df, source, lines)
    chk.require_columns(AGENTS, "agents")
    out = chk.parse(AGENTS)
    chk.check_unique(out, ["agent_id"], None, None)
    if {"employed_from", "employed_to"} <= set(out.columns):
        first, last = out["employed_from"], out["employed_to"]
        early = np.array([f is not None and t is not None and t < f for f, t in zip(first, last, strict=True)], dtype=bool)
        chk.add(early, "employed_to", [str(t) for t in last], [f"a date on or after employed_from {f}" for f in first])
    chk.add(np.array([len(s) == 0 for s in out["skills"]], dtype=bool), "skills", df["skills"],
            "at least one channel, ';'-separated (e.g. voice;chat)")
    if config is not None:
        channels = config.channel_names
        bad = [[s for s in skills if s not in channels] for skills in out["skills"]]
        chk.add(np.array([bool(b) for b in bad]), "skills", [";".join(b) for b in bad],
                f"channels of the config: {', '.join(channels)}")
        contracts = [c.name for c in config.contracts]
        unknown = out["contract"].notna().to_numpy() & ~out["contract"].isin(contracts).to_numpy()
        expected = f"a contract of the config: {', '.join(contracts)}" if contracts else "a contract named in the config"
        chk.add(unknown, "contract", out["contract"], expected)
    chk.raise_if_any("agents")
    return out


def read_agents(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate an agents file; skills become a list column."""
    df, lines = read_table(path)
    return validate_agents(df, path, config, lines)


def lists_joined(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every list-valued column (agents' skills, roster channels) joined by ';' for a CSV file."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object and any(isinstance(v, list | tuple | np.ndarray) for v in out[col]):
            out[col] = [";".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v for v in out[col]]
    return out


def write_contract(df: pd.DataFrame, path: str | Path) -> Path:
    """Write any contract table atomically: Parquet keeps list columns, CSV/TSV get them ';'-joined (what the readers parse)."""
    return write_table(df if table_format(Path(path)) == "parquet" else lists_joined(df), path)


# --- leave -----------------------------------------------------------------------------------------


def validate_leave(df: pd.DataFrame, source: object = "<leave>", config=None, lines=None, agents=None) -> pd.DataFrame:
    """Typed leave table (dates as datetime.date); agents (a DataFrame with agent_id, or ids) enables the unknown-agent check."""
    chk = Checker(df, source, lines)
    chk.require_columns(LEAVE, "leave")
    out = chk.parse(LEAVE, _tz(config))
    status = out["status"].str.lower()
    chk.add(status.notna().to_numpy() & ~status.isin(LEAVE_STATUSES).to_numpy(), "status", out["status"],
            " or ".join(LEAVE_STATUSES))
    out["status"] = status
    starts, ends = out["start_date"], out["end_date"]
    backwards = np.array([s is not None and e is not None and e < s for s, e in zip(starts, ends, strict=True)], dtype=bool)
    chk.add(backwards, "end_date", [str(e) for e in ends], [f"a date on or after start_date {s}" for s in starts])
    if "request_id" in out.columns:
        given = out["request_id"].notna().to_numpy()
        chk.add(given & out["request_id"].duplicated(keep="first").to_numpy(), "request_id", out["request_id"],
                "a request_id no other row has")
    if agents is not None:
        known = set(_agent_ids(agents))
        unknown = out["agent_id"].notna().to_numpy() & ~out["agent_id"].isin(known).to_numpy()
        chk.add(unknown, "agent_id", out["agent_id"], "an agent_id listed in the agents file")
    chk.raise_if_any("leave")
    return out


def read_leave(path: str | Path, agents=None, config=None) -> pd.DataFrame:
    """Read and validate a leave file; with agents (DataFrame or ids) every agent_id must be known."""
    df, lines = read_table(path)
    return validate_leave(df, path, config, lines, agents)


def validate_bids(df: pd.DataFrame, source: object = "<bids>", config=None, lines=None, agents=None) -> pd.DataFrame:
    """Typed yearly bids (one row per ranked preference, dates as datetime.date); agents enables the unknown-agent check."""
    chk = Checker(df, source, lines)
    chk.require_columns(BIDS, "bids")
    out = chk.parse(BIDS, _tz(config))
    starts, ends = out["start_date"], out["end_date"]
    backwards = np.array([s is not None and e is not None and e < s for s, e in zip(starts, ends, strict=True)], dtype=bool)
    chk.add(backwards, "end_date", [str(e) for e in ends], [f"a date on or after start_date {s}" for s in starts])
    chk.check_unique(out, ["agent_id", "rank"], None, None)
    if "bid_id" in out.columns:
        chk.check_unique(out, ["bid_id"], None, None)
    if agents is not None:
        known = set(_agent_ids(agents))
        unknown = out["agent_id"].notna().to_numpy() & ~out["agent_id"].isin(known).to_numpy()
        chk.add(unknown, "agent_id", out["agent_id"], "an agent_id listed in the agents file")
    chk.raise_if_any("bids")
    return out


def read_bids(path: str | Path, agents=None, config=None) -> pd.DataFrame:
    """Read and validate a bids file (agent_id, rank, start_date, end_date[, submitted_at, bid_id]); with agents
    (DataFrame or ids) every agent_id must be known."""
    df, lines = read_table(path)
    return validate_bids(df, path, config, lines, agents)


def _agent_ids(agents) -> Iterable[str]:
    if isinstance(agents, pd.DataFrame):
        return [str(a) for a in agents["agent_id"]]
    return [str(a) for a in agents]


# --- forecast and requirements --------------------------------------------------------------------


def validate_forecast(df: pd.DataFrame, source: object = "<forecast>", config=None, lines=None) -> pd.DataFrame:
    """Typed forecast table; DataError listing every problem."""
    chk = Checker(df, source, lines)
    chk.require_columns(FORECAST, "forecast")
    out = chk.parse(FORECAST, _tz(config))
    order = _interval_checks(chk, out, config, ["interval_start", "channel"])
    if {"offered_lo", "offered_hi"} <= set(out.columns):
        chk.add(out["offered_lo"] > out["offered_hi"], "offered_lo", out["offered_lo"],
                "offered_lo ≤ offered_hi")
    chk.raise_if_any("forecast")
    return _ordered(out, order)


def read_forecast(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a forecast file."""
    df, lines = read_table(path)
    return validate_forecast(df, path, config, lines)


def validate_requirements(df: pd.DataFrame, source: object = "<requirements>", config=None, lines=None) -> pd.DataFrame:
    """Typed requirements table; DataError listing every problem."""
    chk = Checker(df, source, lines)
    chk.require_columns(REQUIREMENTS, "requirements")
    out = chk.parse(REQUIREMENTS, _tz(config))
    order = _interval_checks(chk, out, config, ["interval_start", "channel"])
    chk.add(out["agents_required"] < out["agents_productive"], "agents_required",
            out["agents_required"], "at least agents_productive (shrinkage only adds agents)")
    chk.raise_if_any("requirements")
    return _ordered(out, order)


def read_requirements(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a requirements file."""
    df, lines = read_table(path)
    return validate_requirements(df, path, config, lines)


# --- roster, roster slots, coverage ---------------------------------------------------------------


def validate_roster(df: pd.DataFrame, source: object = "<roster>", config=None, lines=None) -> pd.DataFrame:
    """Typed roster (one row per agent per worked day); shift_start/end may be full timestamps or HH:MM on `date`."""
    from planner.scheduling.roster import parse_roster  # the one roster reader (typed shifts and breaks)

    return parse_roster(df, source, config, lines)[0]


def read_roster_table(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a roster file as one typed table, breaks text kept (a Roster: scheduling.roster.read_roster)."""
    df, lines = read_table(path)
    return validate_roster(df, path, config, lines)


def validate_roster_slots(df: pd.DataFrame, source: object = "<roster_slots>", config=None, lines=None) -> pd.DataFrame:
    """Typed per-slot roster activity (a channel, break, lunch or leave); one row per agent per slot."""
    chk = Checker(df, source, lines)
    chk.require_columns(ROSTER_SLOTS, "roster slots")
    out = chk.parse(ROSTER_SLOTS, _tz(config))
    if config is not None:
        allowed = list(config.channel_names) + list(SLOT_ACTIVITIES)
        chk.check_channels(out["activity"], "activity", allowed)
        chk.check_aligned(out["interval_start"], "interval_start", config.site.slot_minutes)
    chk.check_unique(out, ["agent_id", "interval_start"], _tz(config), "interval_start")
    order = chk.summer_first(out, ["agent_id", "interval_start"], "interval_start", _tz(config))
    chk.raise_if_any("roster slots")
    return _ordered(out, order)


def read_roster_slots(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a roster-slots file."""
    df, lines = read_table(path)
    return validate_roster_slots(df, path, config, lines)


def validate_coverage(df: pd.DataFrame, source: object = "<coverage>", config=None, lines=None) -> pd.DataFrame:
    """Typed coverage table (required, scheduled, gap per slot per channel)."""
    chk = Checker(df, source, lines)
    chk.require_columns(COVERAGE, "coverage")
    out = chk.parse(COVERAGE, _tz(config))
    order = _interval_checks(chk, out, config, ["interval_start", "channel"])
    chk.raise_if_any("coverage")
    return _ordered(out, order)


def read_coverage(path: str | Path, config=None) -> pd.DataFrame:
    """Read and validate a coverage file."""
    df, lines = read_table(path)
    return validate_coverage(df, path, config, lines)


# --- replan changes -------------------------------------------------------------------------------


def validate_changes(df: pd.DataFrame, source: object = "<changes>", config=None, lines=None, agents=None,
                     dates=None) -> pd.DataFrame:
    """Typed changes table of planner replan; agents (DataFrame or ids) enables the unknown-agent check and
    dates = (first, last) the check that every date lies in the roster's horizon."""
    chk = Checker(df, source, lines)
    chk.require_columns(CHANGES, "changes")
    out = chk.parse(CHANGES, _tz(config))
    for col in ("from", "to", "channel", "factor", "note"):
        if col not in out.columns:
            out[col] = None
    kind = out["kind"].str.strip().str.lower()
    out["kind"] = kind
    chk.add(kind.notna().to_numpy() & ~kind.isin(CHANGE_KINDS).to_numpy(), "kind", out["kind"], " or ".join(CHANGE_KINDS))
    named = out["agent_id"].notna().to_numpy()
    per_agent = kind.isin(("absent", "leave")).to_numpy()
    demand = (kind == "requirement").to_numpy()
    chk.add(per_agent & ~named, "agent_id", out["agent_id"], "the agent an absent or leave row is about")
    chk.add(demand & named, "agent_id", out["agent_id"], "empty on a requirement row (it is about a channel)")
    def given(col: str) -> np.ndarray:  # the cell is not empty: a value the parser rejected is reported once, as such
        if col not in chk.df.columns:
            return np.zeros(len(out), dtype=bool)
        raw = chk.df[col]
        return (raw.notna() & (raw.astype(str).str.strip() != "")).to_numpy(dtype=bool)

    has_from, has_to = given("from"), given("to")
    chk.add(has_from != has_to, "to", out["to"], "from and to both given (a window) or both empty (the whole day)")
    chk.add((kind == "leave").to_numpy() & (has_from | has_to), "from", out["from"],
            "empty on a leave row (leave is a whole day; use kind absent for part of a day)")
    backwards = np.array([f is not None and t is not None and _minutes(t) <= _minutes(f)
                          for f, t in zip(out["from"], out["to"], strict=True)], dtype=bool)
    chk.add(backwards, "to", out["to"], [f"a time after from {f}" for f in out["from"]])
    chk.add(demand & ~given("channel"), "channel", out["channel"], "the channel of a requirement row")
    chk.add(demand & ~given("factor"), "factor", out["factor"],
            "the factor of a requirement row (agents_required × factor, e.g. 1.2)")
    if config is not None:
        channels = config.channel_names
        chk.add(demand & out["channel"].notna().to_numpy() & ~out["channel"].isin(channels).to_numpy(), "channel",
                out["channel"], f"a channel of the config: {', '.join(channels)}")
    if agents is not None:
        known = set(_agent_ids(agents))
        chk.add(named & ~out["agent_id"].isin(known).to_numpy(), "agent_id", out["agent_id"],
                "an agent_id listed in the agents file")
    if dates is not None:
        first, last = dates
        outside = np.array([d is not None and not first <= d <= last for d in out["date"]], dtype=bool)
        chk.add(outside, "date", [str(d) for d in out["date"]], f"a date of the roster, {first} to {last}")
    chk.raise_if_any("changes")
    out["line"] = chk.lines
    return out


def read_changes(path: str | Path, config=None, agents=None, dates=None) -> pd.DataFrame:
    """Read and validate a planner replan changes file (agent_id, date, from, to, kind, channel, factor, note)."""
    df, lines = read_table(path)
    return validate_changes(df, path, config, lines, agents, dates)


def _minutes(hhmm: str) -> int:
    hh, mm = str(hhmm).split(":")
    return int(hh) * 60 + int(mm)
