"""Roster output files from a hand-built RosterResult: columns, atomic writes, agent summary, workbook, run summary."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from schedule_instances import WEEK, agents_table, tiny_config, tiny_requirements

from planner.scheduling.bound import BoundResult
from planner.scheduling.outputs import (
    AGENT_SUMMARY_COLUMNS,
    COVERAGE_COLUMNS,
    agent_summary,
    coverage_with_service_level,
    daily_summary,
    schedule_summary,
    write_outputs,
)
from planner.scheduling.result import RosterResult
from planner.scheduling.xlsx import CHANNEL_COLOURS

# agent, date, start, end, breaks, paid hours, channel served
SHIFTS = [
    ("A1", "2026-11-23", "06:00", "14:00", "10:00-11:00", 7.0, "voice"),
    ("A1", "2026-11-24", "08:00", "16:00", "12:00-13:00", 7.0, "voice"),
    ("A2", "2026-11-23", "14:00", "22:00", "18:00-19:00", 7.0, "chat"),
    ("A2", "2026-11-25", "06:00", "14:00", "", 8.0, "voice"),
]


@pytest.fixture
def site():
    cfg = tiny_config()
    req = tiny_requirements(cfg, default={"voice": 1, "chat": 1}, days=3)
    agents = agents_table([
        {"agent_id": "A1", "skills": ["voice"], "contract": "std"},
        {"agent_id": "A2", "skills": ["voice", "chat"], "contract": "std"},
        {"agent_id": "A3", "skills": ["chat"], "contract": "std"},
    ])
    return cfg, req, agents


def _result(req: pd.DataFrame) -> RosterResult:
    roster = pd.DataFrame(SHIFTS, columns=["agent_id", "date", "shift_start", "shift_end", "breaks", "paid_hours", "channels"])
    slots = []
    for agent, date, start, end, breaks, _, channel in SHIFTS:
        t0, t1 = pd.Timestamp(f"{date} {start}"), pd.Timestamp(f"{date} {end}")
        off = {pd.Timestamp(f"{date} {b.split('-')[0]}") for b in breaks.split(";") if b}
        for t in pd.date_range(t0, t1, freq="60min", inclusive="left"):
            slots.append((agent, t, "break" if t in off else channel))
    slots = pd.DataFrame(slots, columns=["agent_id", "interval_start", "activity"])
    worked = slots[slots["activity"] != "break"].groupby(["interval_start", "activity"]).size()
    cov = req[["interval_start", "channel", "agents_required"]].rename(columns={"agents_required": "required"}).copy()
    cov["scheduled"] = [int(worked.get((t, c), 0)) for t, c in zip(cov["interval_start"], cov["channel"], strict=True)]
    cov["gap"] = cov["scheduled"] - cov["required"]
    short = {c: int((-g[g < 0]).sum()) for c, g in cov.groupby("channel")["gap"]}
    over = {c: int(g[g > 0].sum()) for c, g in cov.groupby("channel")["gap"]}
    violations = pd.DataFrame([("similar_start_times", "A1", WEEK, 1.0), ("similar_start_times", "A2", WEEK, 1.0),
                               ("two_consecutive_days_off", "A2", WEEK, 5.0)], columns=["rule", "agent_id", "date", "penalty"])
    return RosterResult("FEASIBLE", roster, slots, cov, objective=120.0, best_bound=100.0, solve_s=1.5,
                        shortfall_agent_slots=short, overstaff_agent_slots=over, late_contacts=12.5, violations=violations,
                        rules_applied=["hard: minimum rest between shifts"])


def _bound(total: float, required: float) -> BoundResult:
    return BoundResult(total, {}, {"voice": required / 2, "chat": required / 2}, total, 0.1, 2, 10, "CLP")


def test_write_outputs_writes_every_file_atomically_with_the_contract_columns(site, tmp_path):
    cfg, req, agents = site
    result = _result(req)
    paths = write_outputs(result, cfg, agents, req, tmp_path / "run", bound=_bound(60, 96), week_start=WEEK)
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert names == sorted(["roster.csv", "breaks.csv", "roster_slots.csv", "coverage.csv", "agent_summary.csv",
                            "schedule_summary.json", "roster.xlsx"])  # no temp file left behind
    assert set(paths) == {"roster", "breaks", "roster_slots", "coverage", "agent_summary", "schedule_summary", "roster_xlsx"}
    assert list(pd.read_csv(paths["roster"]).columns) == ["agent_id", "date", "shift_start", "shift_end", "breaks",
                                                          "paid_hours", "channels", "team"]
    assert list(pd.read_csv(paths["breaks"]).columns) == ["agent_id", "start", "end", "kind"]
    assert list(pd.read_csv(paths["roster_slots"]).columns) == ["agent_id", "interval_start", "activity"]
    assert list(pd.read_csv(paths["coverage"]).columns) == COVERAGE_COLUMNS
    assert list(pd.read_csv(paths["agent_summary"]).columns) == AGENT_SUMMARY_COLUMNS


def test_a_failed_write_leaves_no_partial_workbook(site, tmp_path, monkeypatch):
    cfg, req, agents = site
    import openpyxl.workbook.workbook as wbmod

    def broken_save(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(wbmod.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        write_outputs(_result(req), cfg, agents, req, tmp_path, week_start=WEEK)
    assert not (tmp_path / "roster.xlsx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_agent_summary_matches_the_roster(site):
    cfg, req, agents = site
    summary = agent_summary(_result(req), cfg, agents).set_index("agent_id")
    assert summary.loc["A1", "paid_hours"] == 14.0
    assert summary.loc["A1", "days_worked"] == 2
    assert summary.loc["A1", "shortest_rest_h"] == 18.0  # Mon 14:00 -> Tue 08:00
    assert summary.loc["A2", "paid_hours"] == 15.0
    assert summary.loc["A2", "shortest_rest_h"] == 32.0  # Mon 22:00 -> Wed 06:00
    assert summary.loc["A3", "days_worked"] == 0 and pd.isna(summary.loc["A3", "shortest_rest_h"])
    assert summary.loc["A1", "max_hours"] == 40 and summary.loc["A1", "max_days"] == 5 and summary.loc["A1", "contract"] == "std"


def test_rest_across_the_week_boundary_uses_the_previous_roster(site):
    cfg, req, agents = site
    previous = pd.DataFrame([("A1", "2026-11-22", "14:00", "22:00", "", 8.0, "voice")],
                            columns=["agent_id", "date", "shift_start", "shift_end", "breaks", "paid_hours", "channels"])
    summary = agent_summary(_result(req), cfg, agents, previous_roster=previous).set_index("agent_id")
    assert summary.loc["A1", "shortest_rest_h"] == 8.0  # Sun 22:00 -> Mon 06:00
    assert summary.loc["A1", "paid_hours"] == 14.0  # only this week's shifts are paid here


def test_workbook_has_one_row_per_agent_one_column_per_day_and_coloured_cells(site, tmp_path):
    cfg, req, agents = site
    paths = write_outputs(_result(req), cfg, agents, req, tmp_path, week_start=WEEK)
    wb = openpyxl.load_workbook(paths["roster_xlsx"])
    assert wb.sheetnames == ["Roster", "Coverage"]
    ws = wb["Roster"]
    header = [c.value for c in ws[1]]
    day_cols = [h for h in header if h and h[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert day_cols == ["Mon 23 Nov", "Tue 24 Nov", "Wed 25 Nov", "Thu 26 Nov", "Fri 27 Nov", "Sat 28 Nov", "Sun 29 Nov"]
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    assert ids == ["A1", "A2", "A3"]
    assert ws.freeze_panes == "F2"
    mon = header.index("Mon 23 Nov") + 1
    a1_mon, a2_mon = ws.cell(row=2, column=mon), ws.cell(row=3, column=mon)
    assert a1_mon.value.startswith("06:00–14:00") and "10:00-11:00" in a1_mon.value
    voice, chat = CHANNEL_COLOURS[0], CHANNEL_COLOURS[1]  # config order: voice, chat
    assert a1_mon.fill.start_color.rgb.endswith(voice)
    assert a2_mon.fill.start_color.rgb.endswith(chat)
    assert ws.cell(row=4, column=mon).value is None  # A3 does not work
    cov = wb["Coverage"]
    assert [c.value for c in cov[1]] == COVERAGE_COLUMNS
    assert cov.max_row == len(req) + 1


def test_coverage_projects_service_level_from_the_scheduled_agents(site):
    cfg, req, agents = site
    cov = coverage_with_service_level(_result(req), cfg, req)
    assert list(cov.columns) == COVERAGE_COLUMNS
    sl = cov["service_level_projected"]
    assert sl.between(0, 1).all()
    # with nobody scheduled nothing is answered in time; more agents never lower the service level
    assert (sl[cov["scheduled"] == 0] == 0).all()
    assert sl[cov["scheduled"] > 0].min() >= sl[cov["scheduled"] == 0].max()


def test_daily_summary_in_agent_hours(site):
    cfg, req, agents = site
    cov = coverage_with_service_level(_result(req), cfg, req)
    daily = daily_summary(cov, cfg, req)
    mon_voice = daily[(daily["channel"] == "voice") & (daily["date"].astype(str) == "2026-11-23")].iloc[0]
    assert mon_voice["required_h"] == 16  # 1 agent x 16 open hours
    assert mon_voice["scheduled_h"] == 7  # A1 06:00-14:00 minus the lunch hour
    assert mon_voice["shortfall_h"] == 9
    assert list(daily["channel"].unique()) == ["voice", "chat"]


def test_schedule_summary_reports_bounds_shortfall_and_rules(site, tmp_path):
    cfg, req, agents = site
    result = _result(req)
    total_short = sum(result.shortfall_agent_slots.values())
    summary = schedule_summary(result, _bound(total_short - 1, 200.0), WEEK)
    assert summary["status"] == "FEASIBLE" and summary["lower_bound"] == 100.0
    assert summary["gap"] == pytest.approx(20 / 120, abs=1e-6)
    assert summary["shortfall_agent_slots"]["total"] == total_short
    assert summary["soft_rule_violations"] == {"similar_start_times": 2, "two_consecutive_days_off": 1}
    assert summary["lp_bound"]["shortfall_lower_bound_agent_slots"] == total_short - 1
    assert summary["within_lp_bound_plus_1pct"] is True  # 1 above the bound, slack 2
    assert schedule_summary(result, _bound(total_short - 3, 200.0))["within_lp_bound_plus_1pct"] is False
    path = write_outputs(result, cfg, agents, req, tmp_path, bound=_bound(10, 96), week_start=WEEK)["schedule_summary"]
    assert json.loads(path.read_text())["week_start"] == "2026-11-23"
