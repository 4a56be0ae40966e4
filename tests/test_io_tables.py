"""Readers and validators: every validation class on a tiny hand-made file, messages naming file, line and column."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planner.config import load_config
from planner.errors import DataError
from planner.io import tables


@pytest.fixture(scope="module")
def cfg(demo_config_path):
    return load_config(demo_config_path)


def _history_lines(n: int = 20) -> list[str]:
    rows = ["interval_start,channel,offered,handled,abandoned,aht_s"]
    start = pd.Timestamp("2026-11-23 08:00")
    for i in range(n):
        ts = (start + pd.Timedelta(minutes=15 * i)).strftime("%Y-%m-%dT%H:%M:%S")
        rows.append(f"{ts},voice,{10 + i},{9 + i},1,300.5")
    return rows


def _write(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def _error(call) -> DataError:
    with pytest.raises(DataError) as info:
        call()
    return info.value


def test_good_history_is_typed(tmp_path, cfg):
    df = tables.read_history(_write(tmp_path, "h.csv", _history_lines()), cfg)
    assert len(df) == 20
    assert str(df["interval_start"].dtype) == "datetime64[ns]"
    assert df["offered"].dtype == "int64" and df["aht_s"].dtype == "float64"
    assert df["offered"].sum() == sum(10 + i for i in range(20))


def test_negative_offered_on_line_17(tmp_path, cfg):
    lines = _history_lines()
    lines[16] = lines[16].replace(",voice,25,", ",voice,-4,")  # list index 16 = editor line 17
    path = _write(tmp_path, "history.csv", lines)
    err = _error(lambda: tables.read_history(path, cfg))
    assert f"{path}, line 17, column 'offered': got '-4'; expected an integer ≥ 0" in str(err)
    assert [(p.line, p.column) for p in err.problems] == [(17, "offered")]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("2026-11-23T08:00:00,voice,7.5,1,1,1", "offered", "whole number"),
        ("2026-11-23T08:00:00,voice,seven,1,1,1", "offered", "an integer"),
        ("23/11/2026 08:00,voice,7,1,1,1", "interval_start", "ISO 8601 timestamp"),
        ("2026-11-23T08:05:00,voice,7,1,1,1", "interval_start", "15-minute grid"),
        ("2026-11-23T08:00:00,phone,7,1,1,1", "channel", "a channel of the config: voice, chat, email, social"),
        ("2026-11-23T08:00:00,voice,7,1,1,-2", "aht_s", "a number ≥ 0"),
        ("2026-11-23T08:00:00,,7,1,1,1", "channel", "the cell is empty"),
    ],
)
def test_history_bad_cell(tmp_path, cfg, row, column, expected):
    path = _write(tmp_path, "h.csv", ["interval_start,channel,offered,handled,abandoned,aht_s", row])
    err = _error(lambda: tables.read_history(path, cfg))
    assert any(p.line == 2 and p.column == column and expected in p.expected for p in err.problems), str(err)


def test_missing_column_names_it_and_guesses(tmp_path, cfg):
    path = _write(tmp_path, "h.csv", ["interval_start,channel,ofered", "2026-11-23T08:00:00,voice,1"])
    err = _error(lambda: tables.read_history(path, cfg))
    assert "column 'offered'" in str(err) and "'ofered' a misspelling" in str(err)


def test_duplicate_slot_names_both_lines(tmp_path, cfg):
    lines = _history_lines(5) + ["2026-11-23T08:30:00,voice,1,1,0,100"]
    path = _write(tmp_path, "h.csv", lines)
    err = _error(lambda: tables.read_history(path, cfg))
    (problem,) = err.problems
    assert problem.line == 7 and problem.column == "interval_start, channel"
    assert "already on line 4" in problem.expected


def test_every_problem_is_collected_and_display_capped(tmp_path, cfg):
    lines = ["interval_start,channel,offered"] + [f"2026-11-23T08:00:{i:02d},voice,-1" for i in range(30)]
    err = _error(lambda: tables.read_history(_write(tmp_path, "h.csv", lines), cfg))
    assert len(err.problems) == 30 + 29  # every negative count, and every time off the grid (all but 08:00:00)
    assert "… and 39 more problem(s)" in str(err)
    assert [p.line for p in err.problems[:3]] == [2, 3, 3]


def test_blank_lines_keep_editor_line_numbers(tmp_path, cfg):
    lines = _history_lines(3)
    lines.insert(2, "")
    lines[-1] = lines[-1].replace(",voice,12,", ",voice,x,")
    err = _error(lambda: tables.read_history(_write(tmp_path, "h.csv", lines), cfg))
    assert [p.line for p in err.problems] == [5]


def test_parquet_rows_reported_as_line_row_plus_two(tmp_path, cfg):
    df = pd.DataFrame({"interval_start": pd.date_range("2026-11-23 08:00", periods=4, freq="15min"),
                       "channel": "voice", "offered": [1, 2, -3, 4]})
    path = tmp_path / "h.parquet"
    df.to_parquet(path)
    err = _error(lambda: tables.read_history(path, cfg))
    assert [(p.line, p.column) for p in err.problems] == [(4, "offered")]


# --- DST ------------------------------------------------------------------------------------------

def test_spring_forward_gap_is_an_error(tmp_path, cfg):
    lines = ["interval_start,channel,offered", "2026-03-29T00:45:00,voice,1", "2026-03-29T01:00:00,voice,1",
             "2026-03-29T02:00:00,voice,1"]
    err = _error(lambda: tables.read_history(_write(tmp_path, "h.csv", lines), cfg))
    assert [(p.line, p.column) for p in err.problems] == [(3, "interval_start")]
    assert "skipped when clocks go forward" in err.problems[0].expected


def test_fall_back_hour_keeps_both_rows_in_file_order(tmp_path, cfg):
    from planner.io.timestamps import fold_of, to_utc

    lines = ["interval_start,channel,offered", "2026-10-25T00:45:00,voice,5", "2026-10-25T01:00:00,voice,6",
             "2026-10-25T01:00:00,chat,2", "2026-10-25T01:00:00,voice,7", "2026-10-25T02:00:00,voice,8"]
    df = tables.read_history(_write(tmp_path, "h.csv", lines), cfg)
    assert df["offered"].tolist() == [5, 6, 2, 7, 8]  # nothing merged, dropped or shifted
    assert fold_of(df).tolist() == [0, 0, 0, 1, 0]
    utc = to_utc(df, cfg.site.timezone)
    assert utc[1] == pd.Timestamp("2026-10-25 00:00", tz="UTC")  # 01:00 BST
    assert utc[3] == pd.Timestamp("2026-10-25 01:00", tz="UTC")  # 01:00 GMT, one hour later
    third = _error(lambda: tables.read_history(_write(tmp_path, "h3.csv", lines + ["2026-10-25T01:00:00,voice,1"]), cfg))
    assert [p.line for p in third.problems] == [7] and "repeated when clocks go back" in third.problems[0].expected


def test_offsets_convert_to_site_wall_clock(tmp_path, cfg):
    lines = ["interval_start,channel,offered", "2026-07-01T07:00:00Z,voice,1", "2026-07-01T09:15:00+01:00,voice,2"]
    df = tables.read_history(_write(tmp_path, "h.csv", lines), cfg)
    assert df["interval_start"].tolist() == [pd.Timestamp("2026-07-01 08:00"), pd.Timestamp("2026-07-01 09:15")]


# --- agents and leave -----------------------------------------------------------------------------

AGENTS_HEAD = "agent_id,name,skills,contract,team,available_from,available_to"


def test_agents_parse_skills_to_lists(tmp_path, cfg):
    path = _write(tmp_path, "a.csv", [AGENTS_HEAD, "A1,Ann,voice;chat,full_time,t1,,", "A2,Bob,email,part_time,t1,09:00,17:30"])
    df = tables.read_agents(path, cfg)
    assert df["skills"].tolist() == [["voice", "chat"], ["email"]]
    assert df["available_to"].tolist() == [None, "17:30"]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("A9,Zed,voice;fax,full_time,,,", "skills", "channels of the config"),
        ("A9,Zed,,full_time,,,", "skills", "at least one channel"),
        ("A9,Zed,voice,zero_hours,,,", "contract", "a contract of the config: full_time, part_time, weekend"),
        ("A9,Zed,voice,full_time,,9am,", "available_from", "HH:MM"),
        ("A1,Zed,voice,full_time,,,", "agent_id", "one row per (agent_id)"),
    ],
)
def test_agents_bad_row(tmp_path, cfg, row, column, expected):
    path = _write(tmp_path, "agents.csv", [AGENTS_HEAD, "A1,Ann,voice,full_time,,,", row])
    err = _error(lambda: tables.read_agents(path, cfg))
    column = "agent_id" if column == "agent_id" else column
    assert any(p.line == 3 and p.column == column and expected in p.expected for p in err.problems), str(err)


LEAVE_HEAD = "agent_id,start_date,end_date,kind,status"


def test_leave_types_and_checks(tmp_path):
    path = _write(tmp_path, "leave.csv", [LEAVE_HEAD, "A1,2026-11-23,2026-11-27,annual,approved",
                                          "A2,2026-11-24,2026-11-24,sick,Requested"])
    df = tables.read_leave(path, agents=["A1", "A2"])
    assert df["start_date"].tolist() == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert df["status"].tolist() == ["approved", "requested"]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("A7,2026-11-23,2026-11-24,annual,approved", "agent_id", "an agent_id listed in the agents file"),
        ("A1,2026-11-25,2026-11-23,annual,approved", "end_date", "on or after start_date 2026-11-25"),
        ("A1,2026-11-23,2026-11-24,annual,pending", "status", "approved or requested"),
        ("A1,2026-11-31,2026-12-01,annual,approved", "start_date", "a date YYYY-MM-DD"),
    ],
)
def test_leave_bad_row(tmp_path, row, column, expected):
    path = _write(tmp_path, "leave.csv", [LEAVE_HEAD, "A1,2026-11-23,2026-11-27,annual,approved", row])
    err = _error(lambda: tables.read_leave(path, agents=pd.DataFrame({"agent_id": ["A1"]})))
    assert [(p.line, p.column) for p in err.problems] == [(3, column)]
    assert expected in err.problems[0].expected


# --- contacts, roster, other contracts ------------------------------------------------------------

def test_contacts_checks(tmp_path, cfg):
    head = "contact_id,channel,arrived_at,answered_at,abandoned,handle_s"
    path = _write(tmp_path, "c.csv", [head, "c1,voice,2026-11-23T08:00:05,2026-11-23T08:00:20,false,200",
                                      "c2,voice,2026-11-23T08:01:00,2026-11-23T08:00:20,false,200",
                                      "c3,voice,2026-11-23T08:02:00,,maybe,",
                                      "c1,voice,2026-11-23T08:03:00,,true,"])
    err = _error(lambda: tables.read_contacts(path, cfg))
    assert [(p.line, p.column) for p in err.problems] == [(3, "answered_at"), (4, "abandoned"), (5, "contact_id")]


def test_roster_clock_times_and_overnight(tmp_path):
    head = "agent_id,date,shift_start,shift_end,breaks,paid_hours"
    path = _write(tmp_path, "r.csv", [head, "A1,2026-11-23,22:00,06:00,01:00-01:30,7.5",
                                      "A2,2026-11-23,2026-11-23T08:00:00,2026-11-23T16:30:00,12:00-12:30;15:00-15:15,8"])
    df = tables.read_roster_table(path)
    assert df["shift_end"].tolist() == [pd.Timestamp("2026-11-24 06:00"), pd.Timestamp("2026-11-23 16:30")]
    bad = _write(tmp_path, "r2.csv", [head, "A1,2026-11-23,2026-11-23T08:00:00,2026-11-23T07:00:00,noon,8"])
    err = _error(lambda: tables.read_roster_table(bad))
    assert [(p.line, p.column) for p in err.problems] == [(2, "shift_end"), (2, "breaks")]


# One file per reader, each with an optional contract column left out: (reader, header, row, optional column).
_READER_FILES = {
    "history": (lambda p, cfg: tables.read_history(p, cfg), "interval_start,channel,offered",
                "2026-11-23T08:00:00,voice,3", "handled"),
    "contacts": (lambda p, cfg: tables.read_contacts(p, cfg), "contact_id,channel,arrived_at",
                 "c1,voice,2026-11-23T08:00:00", "answered_at"),
    "agents": (lambda p, cfg: tables.read_agents(p, cfg), "agent_id,name,skills,contract", "A1,Ann,voice,full_time",
               "available_from"),
    "leave": (lambda p, cfg: tables.read_leave(p, None, cfg), "agent_id,start_date,end_date,kind,status",
              "A1,2026-11-23,2026-11-24,annual,requested", "requested_at"),
    "bids": (lambda p, cfg: tables.read_bids(p, None, cfg), "agent_id,rank,start_date,end_date",
             "A1,1,2027-02-01,2027-02-05", "submitted_at"),
    "changes": (lambda p, cfg: tables.read_changes(p, cfg), "agent_id,date,kind", "A1,2026-11-23,leave", "note"),
    "roster": (lambda p, cfg: tables.read_roster_table(p, cfg), "agent_id,date,shift_start,shift_end,breaks,paid_hours",
               "A1,2026-11-23,08:00,16:30,12:00-12:30,8", "channels"),
}


def _misspelt(name: str) -> str:
    """The column with one letter dropped (requested_at → requestd_at)."""
    cut = len(name) // 2 + 1
    return name[:cut] + name[cut + 1:]


@pytest.mark.parametrize("name", list(_READER_FILES))
def test_a_misspelt_optional_column_is_an_error_on_line_1(tmp_path, cfg, name):
    read, head, row, optional = _READER_FILES[name]
    typo = _misspelt(optional)
    path = _write(tmp_path, f"{name}.csv", [f"{head},{typo}", f"{row},x"])
    err = _error(lambda: read(path, cfg))
    assert [(p.line, p.column) for p in err.problems] == [(1, typo)]
    assert f"did you mean {optional}?" in str(err) and str(path) in str(err)


@pytest.mark.parametrize("name", list(_READER_FILES))
def test_other_unknown_columns_are_kept_and_named_in_one_warning(tmp_path, cfg, name):
    from planner.errors import DataWarning

    read, head, row, _ = _READER_FILES[name]
    path = _write(tmp_path, f"{name}.csv", [f"{head},acd_queue,Supervisor", f"{row},Q7,Kim"])
    with pytest.warns(DataWarning) as caught:
        df = read(path, cfg)
    assert len(caught) == 1
    expected = f"{path}: 2 column(s) outside the {name} table's contract, not used: 'acd_queue', 'Supervisor'"
    assert str(caught[0].message) == expected
    assert df["acd_queue"].tolist() == ["Q7"]


def test_a_misspelt_column_is_judged_case_blind_and_not_beside_the_real_one(tmp_path, cfg):
    import warnings

    head = "agent_id,start_date,end_date,kind,status"
    row = "A1,2026-11-23,2026-11-24,annual,requested,2026-11-01T09:00:00"
    err = _error(lambda: tables.read_leave(_write(tmp_path, "a.csv", [f"{head},Requested_At", row]), None, cfg))
    assert "did you mean requested_at?" in str(err)
    both = _write(tmp_path, "b.csv", [f"{head},requested_at,requestd_at", row + ",x"])  # an extra column, not a typo
    with pytest.warns(UserWarning, match="not used: 'requestd_at'"):
        tables.read_leave(both, None, cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a table built in memory carries what its caller put there: no warning
        tables.validate_leave(pd.read_csv(both, dtype=str), "memory", cfg)


def _sample_frames() -> dict[str, pd.DataFrame]:
    slots = pd.date_range("2026-11-23 08:00", periods=3, freq="15min")
    return {
        "history": pd.DataFrame({"interval_start": slots, "channel": "voice", "offered": [3, 4, 5], "handled": [3, 4, 4],
                                 "abandoned": [0, 0, 1], "aht_s": [300.0, float("nan"), 280.5],
                                 "answered_within_target": [3, 3, 2], "asa_s": [4.0, 5.5, 30.0]}),
        "contacts": pd.DataFrame({"contact_id": ["c1", "c2"], "channel": ["voice", "chat"],
                                  "arrived_at": [slots[0], slots[1]], "answered_at": [slots[0] + pd.Timedelta(seconds=9), pd.NaT],
                                  "abandoned": [False, True], "handle_s": [200.0, float("nan")], "customer_id": ["k1", None]}),
        "agents": pd.DataFrame({"agent_id": ["A1", "A2"], "name": ["Ann", "Bob"], "skills": [["voice", "chat"], ["email"]],
                                "contract": ["full_time", "part_time"], "team": ["t1", "t2"]}),
        "leave": pd.DataFrame({"agent_id": ["A1"], "start_date": [dt.date(2026, 11, 23)], "end_date": [dt.date(2026, 11, 24)],
                               "kind": ["annual"], "status": ["approved"]}),
        "forecast": pd.DataFrame({"interval_start": slots, "channel": "chat", "offered": [1.5, 2.0, 0.0], "aht_s": [600.0] * 3,
                                  "offered_lo": [0.5, 1.0, 0.0], "offered_hi": [3.0, 4.0, 1.0]}),
        "requirements": pd.DataFrame({"interval_start": slots, "channel": "voice", "offered": [10.0, 12.0, 0.0],
                                      "aht_s": [300.0] * 3, "workload_erlangs": [3.3, 4.0, 0.0], "agents_productive": [5, 6, 0],
                                      "agents_required": [8, 9, 0], "service_level": [0.85, 0.82, 1.0], "asa_s": [9.0, 12.0, 0.0],
                                      "occupancy": [0.66, 0.67, 0.0]}),
        "roster": pd.DataFrame({"agent_id": ["A1", "A2"], "date": [dt.date(2026, 11, 23)] * 2,
                                "shift_start": [pd.Timestamp("2026-11-23 08:00"), pd.Timestamp("2026-11-23 22:00")],
                                "shift_end": [pd.Timestamp("2026-11-23 16:30"), pd.Timestamp("2026-11-24 06:00")],
                                "breaks": ["12:00-12:30", None], "paid_hours": [8.0, 8.0],
                                "channels": [["voice", "chat"], ["voice"]]}),
        "roster_slots": pd.DataFrame({"agent_id": ["A1", "A1"], "interval_start": slots[:2], "activity": ["voice", "break"]}),
        "coverage": pd.DataFrame({"interval_start": slots, "channel": "voice", "required": [8.0, 9, 0], "scheduled": [8.0, 7, 1],
                                  "gap": [0.0, -2, 1]}),
    }


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("name", list(_sample_frames()))
def test_round_trip(tmp_path, cfg, name, suffix):
    frame = _sample_frames()[name]
    path = tmp_path / f"{name}{suffix}"
    tables.write_contract(frame, path)
    reader = getattr(tables, "read_roster_table" if name == "roster" else f"read_{name}")
    back = reader(path, ["A1", "A2"]) if name == "leave" else reader(path) if name.startswith("roster") else reader(path, cfg)
    pd.testing.assert_frame_equal(back[list(frame.columns)], frame, check_dtype=False)
    again = getattr(tables, f"validate_{name}")(back, "memory", None if name == "leave" else cfg)
    pd.testing.assert_frame_equal(again, back)


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    from planner.io import files

    path = tmp_path / "out.csv"
    files.write_table(pd.DataFrame({"a": [1]}), path)
    before = path.read_bytes()

    def boom(self, *args, **kwargs):
        with open(args[0], "w") as half:
            half.write("half a fi")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", boom)
    with pytest.raises(OSError):
        files.write_table(pd.DataFrame({"a": [2]}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left behind
    fresh = tmp_path / "new.csv"
    with pytest.raises(OSError):
        files.write_table(pd.DataFrame({"a": [2]}), fresh)
    assert not fresh.exists()


def test_missing_file_and_unknown_format(tmp_path):
    assert "file not found" in str(_error(lambda: tables.read_history(tmp_path / "nope.csv")))
    (tmp_path / "h.xlsx").write_text("x")
    assert "unknown table format" in str(_error(lambda: tables.read_history(tmp_path / "h.xlsx")))
