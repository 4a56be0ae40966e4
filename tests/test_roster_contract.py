"""The typed roster contract: engine tables, one writer, one reader (night shifts included), the checker on the files
read back, the previous roster across a week boundary, and the workbook built from the typed tables."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from schedule_instances import TINY_YAML, WEEK, agents_table, no_leave, tiny_config, tiny_requirements
from typer.testing import CliRunner

from planner.cli.app import app
from planner.errors import DataError
from planner.scheduling import check_roster, solve_roster
from planner.scheduling.outputs import write_outputs
from planner.scheduling.roster import SHIFT_COLUMNS, read_roster, write_roster

LUNCH = "{min_shift_h: 6, durations_min: [60], window_start_h: 3, window_end_h: 5, paid: false}"
SHORT = "{every_h: 2, duration_min: 15, tolerance_h: 0.5, min_shift_h: 4, paid: true}"
NIGHT = dict(open="18:00", close="06:00", earliest="18:00", latest="06:00", lunch=LUNCH, hmin=16)


def _quarter_hour(**kw):
    cfg = tiny_config(lunch=LUNCH, short=SHORT, step=30, **kw)
    return cfg.model_copy(update={"site": cfg.site.model_copy(update={"slot_minutes": 15})})


def _agents():
    return agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std", "team": "red"},
                         {"agent_id": "A2", "skills": ["voice", "chat"], "contract": "std", "team": "blue"}])


@pytest.mark.parametrize("site", ["day", "night"])
def test_solve_write_read_back_and_the_checker_passes_on_the_files(site, tmp_path):
    if site == "day":
        cfg = _quarter_hour(hmin=16)
        req = tiny_requirements(cfg, {"voice": {h: 1 for h in range(8, 17)}, "chat": {h: 1 for h in range(10, 18)}})
    else:  # shifts and lunches past midnight
        cfg = tiny_config(**NIGHT)
        req = tiny_requirements(cfg, {"voice": {h: 1 for h in (22, 23, 0, 1, 2, 3, 4, 5)}})
    agents = _agents()
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    assert pd.api.types.is_datetime64_any_dtype(result.roster["shift_start"])
    assert set(result.breaks["kind"]) <= {"lunch", "short"} and "lunch" in set(result.breaks["kind"])
    assert list(result.roster.columns) == SHIFT_COLUMNS
    assert set(result.roster["team"]) <= {"red", "blue"}
    assert all(isinstance(c, list) for c in result.roster["channels"])
    if site == "night":
        assert (result.roster["shift_end"].dt.date > result.roster["date"]).all()
        # lunches after midnight are among them (an evening shift may lunch before it, covering a night lunch)
        assert (result.breaks["start"].dt.hour < 6).any()
        assert (result.breaks["start"].dt.date > (result.breaks["start"] - pd.Timedelta(hours=6)).dt.date).any()

    write_roster(result.tables(), tmp_path)
    back = read_roster(tmp_path / "roster.csv", cfg)
    pd.testing.assert_frame_equal(back.shifts[SHIFT_COLUMNS], result.roster, check_dtype=False)
    pd.testing.assert_frame_equal(back.breaks, result.breaks, check_dtype=False)
    expected_slots = result.roster_slots.sort_values(["agent_id", "interval_start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back.activity, expected_slots, check_dtype=False)
    assert check_roster(back, cfg, agents, no_leave(), req, week_start=WEEK) == []


def test_the_reader_names_file_line_and_column(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("agent_id,date,shift_start,shift_end,breaks,paid_hours,channels\n"
                    "A1,2026-11-23,08:00,16:00,12:00-13:00,7,voice\n"
                    "A1,2026-11-24,8 o'clock,16:00,,8,voice\n"
                    "A2,2026-11-23,22:00,06:00,lunch,7,voice\n"
                    "A1,2026-11-23,09:00,17:00,,8,voice\n")
    with pytest.raises(DataError) as err:
        read_roster(path)
    found = [(p.file, p.line, p.column) for p in err.value.problems]
    assert found == [(str(path), 3, "shift_start"), (str(path), 4, "breaks"), (str(path), 5, "agent_id, date")]
    assert "HH:MM-HH:MM" in str(err.value)


def test_a_night_shift_round_trips_through_roster_csv(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("agent_id,date,shift_start,shift_end,breaks,paid_hours,channels\n"
                    "A1,2026-11-29,22:00,06:00,23:30-23:45;01:00-02:00;04:00-04:15,7,voice;chat\n")
    roster = read_roster(path, _quarter_hour())
    shift = roster.shifts.iloc[0]
    assert (shift["shift_start"], shift["shift_end"]) == (pd.Timestamp("2026-11-29 22:00"), pd.Timestamp("2026-11-30 06:00"))
    assert shift["channels"] == ["voice", "chat"]
    assert list(roster.breaks["start"]) == [pd.Timestamp("2026-11-29 23:30"), pd.Timestamp("2026-11-30 01:00"),
                                            pd.Timestamp("2026-11-30 04:00")]
    assert list(roster.breaks["kind"]) == ["short", "lunch", "short"]
    write_roster(roster, tmp_path / "again")
    assert (tmp_path / "again" / "roster.csv").read_text().splitlines()[1] == \
        "A1,2026-11-29,22:00,06:00,23:30-23:45;01:00-02:00;04:00-04:15,7.0,voice;chat,"


def _previous_week_file(tmp_path) -> pd.DataFrame:
    """Friday to Sunday before WEEK, 14:00–22:00, as roster.csv (display form) on disk."""
    path = tmp_path / "previous" / "roster.csv"
    path.parent.mkdir()
    rows = [f"A1,{WEEK - dt.timedelta(days=d)},14:00,22:00,,8,voice" for d in (3, 2, 1)]
    path.write_text("agent_id,date,shift_start,shift_end,breaks,paid_hours,channels\n" + "\n".join(rows) + "\n")
    return path


def test_previous_roster_file_holds_rest_and_consecutive_days_across_the_week_boundary(tmp_path):
    from planner.io.tables import read_roster_table

    cfg = tiny_config(days=7, hmax=60, consec=4, rest=11)
    req = tiny_requirements(cfg, default={"voice": 1})
    agents = agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}])
    previous = read_roster_table(_previous_week_file(tmp_path), cfg)  # what --previous-roster reads
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, previous_roster=previous, time_limit_s=5)
    assert check_roster(result, cfg, agents, no_leave(), req, previous_roster=previous, week_start=WEEK) == []
    monday = result.roster[result.roster["date"] == WEEK]
    assert monday.empty or monday["shift_start"].iloc[0] >= pd.Timestamp(WEEK) + pd.Timedelta(hours=9)  # 11 h rest
    worked = set(result.roster["date"])
    assert not {WEEK, WEEK + dt.timedelta(days=1)} <= worked  # Fri–Sun + Mon + Tue would be 5 in a row

    # The checker finds both rules broken across the boundary on a planted roster.
    planted = pd.DataFrame({"agent_id": ["A1", "A1"], "date": [WEEK, WEEK + dt.timedelta(days=1)],
                            "shift_start": ["06:00", "06:00"], "shift_end": ["14:00", "14:00"], "breaks": ["", ""],
                            "paid_hours": [8.0, 8.0]})
    found = check_roster({"roster": planted, "roster_slots": result.roster_slots.iloc[0:0]}, cfg, agents, no_leave(), req,
                         previous_roster=previous, week_start=WEEK)
    assert any("rest of 8 h" in p for p in found), found
    assert any("5 consecutive working days" in p for p in found), found


def _write_files(folder, cfg_values: dict, req: pd.DataFrame, agents: pd.DataFrame) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "tiny.yaml").write_text(TINY_YAML.format(**cfg_values))
    req.to_csv(folder / "requirements.csv", index=False, date_format="%Y-%m-%dT%H:%M:%S")
    agents.assign(skills=agents["skills"].str.join(";")).to_csv(folder / "agents.csv", index=False)


def test_cli_second_week_with_previous_roster_and_verify(tmp_path):
    values = dict(open="06:00", close="22:00", hmin=16, hmax=40, days=5, lengths="[8]", step=60, earliest="06:00",
                  latest="22:00", lunch=LUNCH, short="null", rest=11, consec=6)
    cfg = tiny_config(**values)
    req = tiny_requirements(cfg, {"voice": {h: 1 for h in range(14, 22)}}, days=14)
    _write_files(tmp_path, values, req, _agents())
    runner = CliRunner()

    def schedule(week: str, out: str, *extra: str):
        args = ["schedule", "-c", str(tmp_path / "tiny.yaml"), "-r", str(tmp_path / "requirements.csv"),
                "-a", str(tmp_path / "agents.csv"), "--week", week, "--out", str(tmp_path / out), "-t", "3", "--no-bound",
                *extra]
        return runner.invoke(app, args, terminal_width=120)

    first = schedule("2026-11-23", "w1")
    assert first.exit_code == 0, first.output
    second = schedule("2026-11-30", "w2", "--previous-roster", str(tmp_path / "w1" / "roster.csv"), "--verify")
    assert second.exit_code == 0, second.output
    assert "Verified" in second.output
    back = read_roster(tmp_path / "w2" / "roster.csv", cfg)
    prev = read_roster(tmp_path / "w1" / "roster.csv", cfg).shifts
    prev = prev[prev["shift_start"] < pd.Timestamp("2026-11-30")]
    for aid, own in back.shifts.groupby("agent_id"):
        before = prev[prev["agent_id"] == aid]
        if len(before) and len(own):
            rest_h = (own["shift_start"].min() - before["shift_end"].max()).total_seconds() / 3600
            assert rest_h >= 11


def test_workbook_shows_team_lunch_apart_and_headcount_rows(tmp_path):
    cfg = _quarter_hour(hmin=16)
    req = tiny_requirements(cfg, {"voice": {h: 1 for h in range(8, 17)}, "chat": {h: 1 for h in range(10, 18)}})
    agents = _agents()
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    paths = write_outputs(result, cfg, agents, req, tmp_path, week_start=WEEK)
    ws = openpyxl.load_workbook(paths["roster_xlsx"])["Roster"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["agent_id", "name", "team", "contract", "skills"]
    assert [ws.cell(row=r, column=3).value for r in (2, 3)] == ["red", "blue"]
    texts = [c.value for row in ws.iter_rows(min_row=2, max_row=3, min_col=6, max_col=12) for c in row if c.value]
    assert texts and all("\nlunch " in t and "\nbreaks " in t for t in texts)
    lunch_line = texts[0].split("\n")[1]
    assert len(lunch_line.split(", ")) == 1  # one lunch; the short breaks are on their own line
    labels = {ws.cell(row=r, column=5).value: r for r in range(1, ws.max_row + 1)}
    days = [WEEK + dt.timedelta(days=d) for d in range(7)]
    working = [ws.cell(row=labels["headcount: working"], column=6 + i).value for i in range(7)]
    assert working == [int((result.roster["date"] == d).sum()) for d in days]
    per_channel = [[ws.cell(row=labels[f"headcount: {c}"], column=6 + i).value for i in range(7)] for c in ("voice", "chat")]
    assert [a + b for a, b in zip(*per_channel, strict=True)] == working


def test_one_public_roster_reader():
    import planner.io.tables as tables
    import planner.scheduling.roster as roster

    # io/tables keeps only the validation layer under its own name; the Roster reader is scheduling.roster.read_roster
    assert not hasattr(tables, "read_roster") and callable(tables.read_roster_table)
    assert roster.read_roster.__annotations__["return"] == "Roster"


@pytest.mark.parametrize("site", ["day", "night"])
def test_coverage_csv_holds_the_week_slots_only(site, tmp_path):
    # the slot axis runs a day past the week so that a night shift can end; that day's own opening is not the week's
    cfg = tiny_config(**NIGHT) if site == "night" else tiny_config(hmin=16)
    req = tiny_requirements(cfg, {"voice": {h: 1 for h in (22, 23, 0, 1, 2, 3, 4, 5)}} if site == "night" else None,
                            default=None if site == "night" else {"voice": 1})
    week_end = pd.Timestamp(WEEK + dt.timedelta(days=7))
    req = req[req["interval_start"] < week_end]  # the week's rows, as planner run crops them
    result = solve_roster(cfg, req, _agents(), no_leave(), WEEK, time_limit_s=5)
    paths = write_outputs(result, cfg, _agents(), req, tmp_path, week_start=WEEK)
    starts = pd.to_datetime(pd.read_csv(paths["coverage"])["interval_start"])
    assert starts.min() >= pd.Timestamp(WEEK)
    if site == "day":
        assert starts.max() < week_end
    else:  # Sunday's opening runs to 06:00 on the Monday after; that Monday's own opening (18:00) is not listed
        assert starts.max() == week_end + pd.Timedelta(hours=5)
