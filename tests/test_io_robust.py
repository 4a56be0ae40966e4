"""Issue 11: bad input read by the readers ends in a DataError naming file, line and column, never a crash or a silent change."""

from __future__ import annotations

import os
import time
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from planner.config import load_config
from planner.errors import DataError
from planner.io import files, tables
from planner.io.contacts_import import import_contacts
from planner.io.timestamps import to_utc
from tests.conftest import REPO

HEAD = "interval_start,channel,offered,handled,abandoned,aht_s,answered_within_target"


@pytest.fixture(scope="module")
def cfg(demo_config_path):
    return load_config(demo_config_path)


def _write(tmp_path, text: str, name: str = "h.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _problems(call) -> list[tuple[int | None, str | None]]:
    with pytest.raises(DataError) as info:
        call()
    return [(p.line, p.column) for p in info.value.problems]


def test_line_of_spaces_and_empty_count_are_clean(tmp_path, cfg):
    text = f"{HEAD}\n2026-11-23T08:00:00,voice,5,4,1,300,3\n     \n2026-11-23T08:15:00,voice,5,,1,300,3\n"
    path = _write(tmp_path, text)
    assert _problems(lambda: tables.read_history(path, cfg)) == [(4, "handled")]
    ok = _write(tmp_path, f"{HEAD}\n2026-11-23T08:00:00,voice,5,4,1,300,3\n   \n", "ok.csv")
    assert len(tables.read_history(ok, cfg)) == 1  # a line of only spaces is a blank line


def test_validate_in_memory_with_missing_handled(cfg):
    df = pd.DataFrame({"interval_start": ["2026-11-23T08:00:00"], "channel": ["voice"], "offered": [3],
                       "handled": [None], "answered_within_target": [2]})
    assert _problems(lambda: tables.validate_history(df, "mem", cfg)) == [(2, "handled")]


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "1e400"])
def test_infinite_count_is_rejected(tmp_path, cfg, value):
    text = f"{HEAD}\n2026-11-23T08:00:00,voice,{value},,1,300,3\n"
    assert (2, "offered") in _problems(lambda: tables.read_history(_write(tmp_path, text), cfg))


def test_parquet_float_inf_in_count_column(tmp_path, cfg):
    df = pd.DataFrame({"interval_start": pd.to_datetime(["2026-11-23 08:00", "2026-11-23 08:15"]),
                       "channel": ["voice", "voice"], "offered": [np.inf, np.nan]})
    path = tmp_path / "h.parquet"
    df.to_parquet(path)
    assert _problems(lambda: tables.read_history(path, cfg)) == [(2, "offered"), (3, "offered")]


@pytest.mark.parametrize("value", ["9223372036854775808", "18446744073709551616", "1e19"])
def test_huge_count_is_rejected_not_wrapped(tmp_path, cfg, value):
    text = f"interval_start,channel,offered\n2026-11-23T08:00:00,voice,{value}\n"
    with pytest.raises(DataError, match="below 9,007,199,254,740,992"):
        tables.read_history(_write(tmp_path, text), cfg)


@pytest.mark.parametrize("column", ["aht_s", "asa_s"])
def test_infinite_duration_is_rejected(tmp_path, cfg, column):
    text = f"interval_start,channel,offered,{column}\n2026-11-23T08:00:00,voice,3,inf\n"
    with pytest.raises(DataError, match="expected a finite number ≥ 0"):
        tables.read_history(_write(tmp_path, text), cfg)


@pytest.mark.parametrize(("column", "limit", "words"), [("aht_s", "86,400", "one day"), ("asa_s", "2,592,000", "30 days")])
def test_history_duration_beyond_its_bound_is_a_bad_cell(tmp_path, cfg, column, limit, words):
    bound = float(limit.replace(",", ""))
    text = f"interval_start,channel,offered,{column}\n2026-11-23T08:00:00,voice,3,{bound:g}\n" \
           f"2026-11-23T08:15:00,voice,3,{bound + 0.5}\n2026-11-23T08:30:00,voice,3,9223372036854775807\n"
    with pytest.raises(DataError) as info:
        tables.read_history(_write(tmp_path, text), cfg)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, column), (4, column)]
    assert info.value.problems[0].expected == f"a number from 0 to {limit} (seconds: at most {words})"


def test_parquet_int64_max_duration_is_rejected(tmp_path, cfg):
    table = pa.table({"interval_start": pa.array(pd.to_datetime(["2026-11-23 08:00"])), "channel": ["voice"],
                      "offered": [1], "aht_s": pa.array([2**63 - 1], pa.int64())})
    path = tmp_path / "h.parquet"
    pq.write_table(table, path)
    assert _problems(lambda: tables.read_history(path, cfg)) == [(2, "aht_s")]
    forecast = pa.table({"interval_start": table["interval_start"], "channel": ["voice"], "offered": [1.0],
                         "aht_s": [1e18]})
    pq.write_table(forecast, path)
    assert _problems(lambda: tables.read_forecast(path, cfg)) == [(2, "aht_s")]


def test_contacts_durations_beyond_a_day(tmp_path, cfg):
    text = "contact_id,channel,arrived_at,handle_s,wrap_s\n1,voice,2026-11-23T08:00:00,86400,0\n" \
           "2,voice,2026-11-23T08:00:00,86401,1e300\n"
    assert _problems(lambda: tables.read_contacts(_write(tmp_path, text, "c.csv"), cfg)) == \
        [(3, "handle_s"), (3, "wrap_s")]


def test_bank_export_ser_time_beyond_a_day_names_the_exports_column(tmp_path):
    from planner.config import load_config as load

    bank = load(REPO / "configs" / "anonymous_bank.yaml")
    head = "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\tq_exit" \
           "\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
    row = "AA0101\t{id}\t0\t0\tPS\t990201\t7:00:00\t7:00:05\t5\t7:00:05\t7:00:10\t5\tAGENT\t7:00:10\t7:05:10\t{ser}" \
          "\tMICHAL"
    path = _write(tmp_path, "\n".join([head, row.format(id=1, ser=300), row.format(id=2, ser=9223372036854775808)]) + "\n",
                  "bank.tsv")
    with pytest.raises(DataError) as info:
        import_contacts(path, bank)
    assert [(p.line, p.column, p.value) for p in info.value.problems] == [(3, "ser_time", "9223372036854775808")]
    assert "from 0 to 86,400 (seconds: at most one day)" in info.value.problems[0].expected


def test_contacts_infinite_handle_and_wrap(tmp_path, cfg):
    text = "contact_id,channel,arrived_at,handle_s,wrap_s\n1,voice,2026-11-23T08:00:00,inf,-inf\n"
    assert _problems(lambda: tables.read_contacts(_write(tmp_path, text, "c.csv"), cfg)) == \
        [(2, "handle_s"), (2, "wrap_s")]


@pytest.mark.parametrize("stamp", ["2026-11-23T08:00:00+00", "2026-11-23T08:00:00+00:00:00", "2026-11-23T08:00:00+0000",
                                   "2026-11-23T08:00:00Z"])
def test_every_iso_offset_form_is_accepted_without_warnings(tmp_path, cfg, stamp):
    text = f"interval_start,channel,offered\n{stamp},voice,3\n2026-11-23T08:15:00+01:00,voice,4\n2026-11-23T08:30:00,voice,5\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = tables.read_history(_write(tmp_path, text), cfg)
    assert df["interval_start"].dt.strftime("%H:%M").tolist() == ["08:00", "07:15", "08:30"]


@pytest.mark.parametrize("stamp", ["2026-11-23T08:00:00+01:00:30", "2026-11-23T08:00:00+25:00", "2026-11-23T08:00:00+1"])
def test_bad_offsets_are_bad_cells(tmp_path, cfg, stamp):
    text = f"interval_start,channel,offered\n2026-11-23T07:00:00+01:00,voice,3\n{stamp},voice,3\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(3, "interval_start")]


@pytest.mark.parametrize("unit", ["us", "ms", "s"])
def test_parquet_timestamp_outside_pandas_range(tmp_path, cfg, unit):
    stamps = pa.array([np.datetime64("2026-11-23T08:00", unit), np.datetime64("3000-01-01", unit)], pa.timestamp(unit))
    path = tmp_path / "h.parquet"
    pq.write_table(pa.table({"interval_start": stamps, "channel": ["voice", "voice"], "offered": [1, 2]}), path)
    assert _problems(lambda: tables.read_history(path, cfg)) == [(3, "interval_start")]


@pytest.mark.parametrize("payload", [b"PAR1" + b"\x00" * 40 + b"PAR1", b"PAR1garbage", b"", b"not parquet at all"])
def test_corrupt_parquet_is_a_data_error(tmp_path, cfg, payload):
    path = tmp_path / "h.parquet"
    path.write_bytes(payload)
    with pytest.raises(DataError, match="cannot read as PARQUET"):
        tables.read_history(path, cfg)


def test_arrow_base_exception_is_caught(tmp_path, monkeypatch):
    path = tmp_path / "h.parquet"
    path.write_bytes(b"PAR1")

    def broken(*args, **kwargs):
        raise pa.ArrowException("corrupt footer")

    monkeypatch.setattr(pd, "read_parquet", broken)
    with pytest.raises(DataError, match="corrupt footer"):
        files.read_raw(path)


def test_explicit_offsets_win_in_the_repeated_hour(tmp_path, cfg):
    # 2026-10-25 01:30 happens twice in Europe/London: +01:00 (summer) then +00:00 (winter). The file gives winter first.
    text = ("interval_start,channel,offered\n2026-10-25T01:30:00+00:00,voice,7\n2026-10-25T01:30:00+01:00,voice,3\n")
    df = tables.read_history(_write(tmp_path, text), cfg)
    utc = to_utc(df, cfg.site.timezone)
    assert list(zip(utc.dt.strftime("%H:%M"), df["offered"], strict=True)) == [("00:30", 3), ("01:30", 7)]


def test_one_explicit_offset_places_its_naive_twin(tmp_path, cfg):
    text = "interval_start,channel,offered\n2026-10-25T01:30:00,voice,7\n2026-10-25T01:30:00+01:00,voice,3\n"
    df = tables.read_history(_write(tmp_path, text), cfg)
    assert df["offered"].tolist() == [3, 7]  # the +01:00 row is summer time, so the naive one is winter


def test_same_offset_twice_in_the_repeated_hour_is_a_duplicate(tmp_path, cfg):
    text = "interval_start,channel,offered\n2026-10-25T01:30:00+01:00,voice,7\n2026-10-25T01:30:00+01:00,voice,3\n"
    assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(3, "interval_start")]


def _rows(n: int, start: str = "2026-11-23T08:00:00") -> list[str]:
    t0 = pd.Timestamp(start)
    return [f"{(t0 + pd.Timedelta(minutes=15 * i)):%Y-%m-%dT%H:%M:%S},voice,{i}" for i in range(n)]


def test_lines_after_a_quoted_newline(tmp_path, cfg):
    rows = _rows(4)
    rows[1] = rows[1].replace(",voice,", ',"vo\nice",')  # a channel cell spanning editor lines 3-4
    rows[3] = rows[3].replace(",voice,", ",fax,")  # record 5 starts on editor line 6
    text = "interval_start,channel,offered\n" + "\n".join(rows) + "\n"
    assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(3, "channel"), (6, "channel")]


def test_unterminated_quote_names_the_editor_line(tmp_path, cfg):
    rows = _rows(5)
    rows[0] = rows[0].replace(",voice,", ',"multi\nline",')
    rows[3] = rows[3].replace(",voice,", ',"voice,')
    text = "interval_start,channel,offered\n" + "\n".join(rows) + "\n"
    assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(6, None)]


def test_too_many_fields_names_the_editor_line(tmp_path, cfg):
    rows = _rows(4)
    rows[0] = rows[0].replace(",voice,", ',"multi\nline",')
    rows[2] += ",extra"
    text = "interval_start,channel,offered\n" + "\n".join(rows) + "\n"
    assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(5, None)]


def test_non_utf8_byte_names_line_and_column(tmp_path, cfg):
    data = ("interval_start,channel,offered\n" + "\n".join(_rows(3)) + "\n").encode()
    data = data.replace(b"voice,2", b"vo\xe9ce,2")
    assert _problems(lambda: tables.read_history(_write(tmp_path, data), cfg)) == [(4, "channel")]


def test_nul_byte_is_rejected_with_line_and_column(tmp_path, cfg):
    text = "interval_start,channel,offered\n" + "\n".join(_rows(3)).replace("voice,1", "voice\x00junk,1") + "\n"
    assert _problems(lambda: tables.read_history(_write(tmp_path, text), cfg)) == [(3, "channel")]


def test_nul_in_parquet_text_is_rejected(tmp_path, cfg):
    df = pd.DataFrame({"interval_start": pd.to_datetime(["2026-11-23 08:00"]), "channel": ["voice\x00junk"], "offered": [1]})
    path = tmp_path / "h.parquet"
    df.to_parquet(path)
    with pytest.raises(DataError, match=r"line 2, column 'channel': got 'voice\\x00junk'; expected text without NUL"):
        tables.read_history(path, cfg)


@pytest.mark.parametrize("header", ["interval_start,channel,offered,offered", "interval_start,channel,offered, offered"])
def test_duplicated_header_names_both_columns(tmp_path, cfg, header):
    text = f"{header}\n2026-11-23T08:00:00,voice,1,2\n"
    with pytest.raises(DataError, match="columns 3 and 4 of the header both have that name") as info:
        tables.read_history(_write(tmp_path, text), cfg)
    assert "offered.1" not in str(info.value)
    assert info.value.summary.endswith(": 1 problem(s) in the table")


def test_duplicated_parquet_column_is_reported_like_a_duplicated_csv_header(tmp_path, cfg, capsys, demo_config_path):
    from planner.cli.app import main

    names = ["interval_start", "channel", "offered", "offered"]
    table = pa.Table.from_arrays([pa.array(["2026-11-23T08:00:00"]), pa.array(["voice"]), pa.array([1]), pa.array([2])],
                                 names=names)
    parquet = tmp_path / "h.parquet"
    pq.write_table(table, parquet)
    csv = _write(tmp_path, ",".join(names) + "\n2026-11-23T08:00:00,voice,1,2\n", "h.csv")
    messages = []
    for path in (csv, parquet):
        with pytest.raises(DataError) as info:
            tables.read_history(path, cfg)
        messages.append(str(info.value).replace(str(path), "FILE"))
    assert messages[0] == messages[1]
    assert [(p.line, p.column) for p in info.value.problems] == [(None, "offered")]
    with pytest.raises(SystemExit) as exit_info:
        main(["-q", "validate", "--config", str(demo_config_path), "--history", str(parquet)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err == f"Error: {messages[1].replace('FILE', str(parquet))}\n"


def test_parquet_categorical_empty_string_is_empty(tmp_path, cfg):
    frame = pd.DataFrame({"interval_start": pd.to_datetime(["2026-11-23 08:00", "2026-11-23 08:15"]),
                          "channel": ["voice", "voice"], "offered": [1, 2], "aht_s": ["300", ""]})
    plain, categorical = tmp_path / "plain.parquet", tmp_path / "cat.parquet"
    frame.to_parquet(plain)
    frame.astype({"aht_s": "category"}).to_parquet(categorical)
    a, b = tables.read_history(plain, cfg), tables.read_history(categorical, cfg)
    pd.testing.assert_series_equal(a["aht_s"], b["aht_s"])
    assert np.isnan(b["aht_s"].iloc[1])


def test_bank_import_errors_name_the_exports_column(tmp_path, demo_config_path):
    from planner.config import parse_config

    mapping = """
contacts_import:
  columns: {contact_id: id, handle_s: ser_time}
  channel: {column: queue, map: {Q1: voice}, unmapped: error}
  arrived_at: [start]
  answered_at: [answered]
"""
    cfg = parse_config(demo_config_path.read_text() + mapping, source="x.yaml", base_dir=demo_config_path.parent)
    path = _write(tmp_path, "id,queue,start,answered,ser_time\n1,Q1,2026-11-23T08:00:00,2026-11-23T08:00:10,inf\n",
                  "bank.csv")
    with pytest.raises(DataError) as info:
        import_contacts(path, cfg)
    assert [(p.line, p.column) for p in info.value.problems] == [(2, "ser_time")]
    assert "handle_s" in str(info.value)  # still says which contract column it feeds


def test_stale_temp_files_are_removed_fresh_and_live_ones_kept(tmp_path):
    now = time.time()
    dead_pid = 2**22 + 12345  # above the usual pid_max: no such process
    stale = tmp_path / f".out.csv.{dead_pid}.abcd1234.tmp"
    fresh_dead = tmp_path / f".out.csv.{dead_pid}.efgh5678.tmp"
    live = tmp_path / f".out.csv.{os.getpid()}.ijkl9012.tmp"
    ancient_live = tmp_path / f".out.csv.{os.getpid()}.mnop3456.tmp"
    old_style = tmp_path / ".out.csv.qrst7890.tmp"
    not_ours = tmp_path / ".notes.tmp"
    for p in (stale, fresh_dead, live, ancient_live, old_style, not_ours):
        p.write_text("x")
    for p, age_s in ((stale, 120), (fresh_dead, 5), (live, 600), (ancient_live, 7200), (old_style, 120), (not_ours, 99999)):
        os.utime(p, (now - age_s, now - age_s))
    files.write_text("done\n", tmp_path / "out.csv")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([fresh_dead.name, live.name, not_ours.name, "out.csv"])


def test_temp_files_carry_the_writers_pid(tmp_path):
    with files.atomic_path(tmp_path / "a.csv") as tmp:
        assert tmp.name.startswith(f".a.csv.{os.getpid()}.") and tmp.name.endswith(".tmp")
        tmp.write_text("x")


def test_lone_carriage_returns_are_line_breaks(tmp_path):
    """A lone CR breaks a line as in an editor, so the lines named are the lines a planner sees."""
    path = tmp_path / "leave.csv"
    path.write_bytes(b"agent_id,start_date,end_date,kind,status\r\r,2026-11-23,2026-11-24,annual,approved\r")
    with pytest.raises(DataError) as info:
        tables.read_leave(path)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, "agent_id")]


def test_a_blank_first_line_is_named_not_skipped(tmp_path):
    """A blank line 1 is an error at line 1, not a silent shift of the header to line 2."""
    path = tmp_path / "leave.csv"
    path.write_bytes(b"\ragent_id,start_date,end_date,kind,status\na1,2026-11-23,2026-11-24,annual,approved\n")
    with pytest.raises(DataError) as info:
        tables.read_leave(path)
    assert info.value.problems[0].line == 1 and "header" in info.value.problems[0].expected


NESTED = {
    "lists": pa.array([["voice"], ["chat"], None]),
    "structs": pa.array([{"a": 1}, {"a": 2}, None]),
    "maps": pa.array([[("a", 1)], [("b", 2)], None], pa.map_(pa.string(), pa.int64())),
}


@pytest.mark.parametrize("kind", list(NESTED))
@pytest.mark.parametrize(("name", "column", "words"), [
    ("history", "channel", "a column of text"), ("history", "offered", "a column of integers"),
    ("history", "interval_start", "a column of ISO 8601 timestamps"), ("forecast", "aht_s", "a column of numbers"),
    ("contacts", "abandoned", "a column of true or false values"), ("agents", "available_from", "times of day HH:MM"),
    ("leave", "start_date", "a column of dates"), ("roster", "shift_start", "ISO 8601 timestamps"),
    ("roster_slots", "activity", "a column of text"), ("coverage", "gap", "a column of numbers"),
])
def test_nested_parquet_column_is_named_with_the_expected_type(tmp_path, cfg, kind, name, column, words):
    from tests.test_io_tables import _sample_frames

    frame = _sample_frames()[name].drop(columns=[column], errors="ignore")
    table = pa.Table.from_pandas(frame, preserve_index=False).append_column(column, NESTED[kind][: len(frame)])
    path = tmp_path / f"{name}.parquet"
    pq.write_table(table, path)
    reader = tables.read_roster_table if name == "roster" else getattr(tables, f"read_{name}")
    with pytest.raises(DataError) as info:
        reader(path) if name == "leave" else reader(path, cfg)
    nested = [p for p in info.value.problems if p.line is None and p.column == column]
    assert len(nested) == 1 and str(path) == nested[0].file
    assert words in nested[0].expected and f"holds {kind} (a nested Parquet column)" in nested[0].expected


def test_nested_parquet_column_in_an_export(tmp_path, demo_config_path):
    from planner.config import parse_config

    mapping = "\ncontacts_import:\n  columns: {contact_id: id}\n  channel: {column: queue}\n  arrived_at: [start]\n"
    cfg = parse_config(demo_config_path.read_text() + mapping, source="x.yaml")
    export = pa.table({"id": ["1", "2"], "queue": ["voice", "chat"], "start": ["2026-11-23T08:00:00"] * 2,
                       "extra": pa.array([["x"], ["y"]])})  # a nested column the mapping does not read is no problem
    path = tmp_path / "acd.parquet"
    pq.write_table(export, path)
    assert len(import_contacts(path, cfg).contacts) == 2
    pq.write_table(export.set_column(2, "start", pa.array([["2026-11-23T08:00:00"], None])), path)
    with pytest.raises(DataError) as info:
        import_contacts(path, cfg)
    assert [(p.line, p.column) for p in info.value.problems] == [(None, "start")]
    assert "a column of ISO 8601 timestamps" in str(info.value) and "holds lists" in str(info.value)


def test_parquet_dictionary_encoded_numbers_read_like_plain_ones(tmp_path, cfg):
    slots = pa.array(pd.to_datetime(["2026-11-23 08:00", "2026-11-23 08:15"]))
    plain = pa.table({"interval_start": slots, "channel": ["voice", "voice"], "offered": pa.array([3, 4], pa.int8()),
                      "aht_s": [300.0, None]})
    encoded = plain.set_column(2, "offered", plain["offered"].dictionary_encode()) \
        .set_column(3, "aht_s", plain["aht_s"].dictionary_encode())
    a, b = tmp_path / "plain.parquet", tmp_path / "dict.parquet"
    pq.write_table(plain, a)
    pq.write_table(encoded, b)
    pd.testing.assert_frame_equal(tables.read_history(a, cfg), tables.read_history(b, cfg))
    bad = encoded.set_column(2, "offered", pa.array([1.0, np.inf]).dictionary_encode())
    pq.write_table(bad, b)
    assert _problems(lambda: tables.read_history(b, cfg)) == [(3, "offered")]
