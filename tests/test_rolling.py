"""Rolling weeks with `planner run`: the previous week's run folder carries rest and consecutive days across the
boundary, explicit and overridden inputs, and several weeks in one solve."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.cli.app import main
from planner.cli.commands.demo import write_demo_config
from planner.config import load_config
from planner.io.files import write_table
from planner.io.tables import read_agents, read_history, read_leave, read_roster_table, write_contract
from planner.run_files import check_previous_roster
from planner.sample import write_site
from planner.scheduling.check import check_roster
from planner.scheduling.instance import previous_shifts

WEEK_1, WEEK_2 = "2026-11-23", "2026-11-30"  # the sample site's history ends on Sunday 22 November
AGENTS = 24


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_site):
    """A 20-week sample site with its first 24 agents and their leave, and the site.yaml naming it."""
    folder = tmp_path_factory.mktemp("site")
    config_path = write_demo_config(folder)
    sample = sample_site(20)
    write_site(sample, folder / "data")
    agents = sample.agents.head(AGENTS)
    write_table(agents, folder / "data" / "agents.csv")
    write_table(sample.leave[sample.leave["agent_id"].isin(agents["agent_id"])], folder / "data" / "leave.csv")
    return config_path


@pytest.fixture(scope="module")
def two_runs(site, tmp_path_factory):
    """Week 1, then week 2 from the default run-folder layout (runs/week-YYYY-MM-DD), verified; week 2's stdout."""
    runs = tmp_path_factory.mktemp("runs")
    base = ["run", "--config", str(site), "--time-limit", "5", "--no-report"]
    assert _exit_code(base + ["-q", "--week", WEEK_1, "--out", str(runs / f"week-{WEEK_1}")]) == 0
    return runs, base


def _boundary_problems(previous: pd.DataFrame, roster: pd.DataFrame, min_rest_h: float, max_days: int) -> list[str]:
    """Rest and consecutive-day breaches across a week boundary, computed here from the two roster tables alone."""
    prev, now = previous_shifts(previous), previous_shifts(roster)
    problems = []
    for agent_id, own in now.groupby("agent_id"):
        before = prev[prev["agent_id"] == agent_id]
        if before.empty:
            continue
        rest_h = (own["start"].min() - before["end"].max()).total_seconds() / 3600
        if rest_h < min_rest_h:
            problems.append(f"{agent_id}: rest {rest_h:g} h")
        days = sorted(set(before["date"]) | set(own["date"]))
        run = 1
        for d1, d2 in zip(days, days[1:], strict=False):
            run = run + 1 if (d2 - d1).days == 1 else 1
            if run > max_days:
                problems.append(f"{agent_id}: {run} days in a row to {d2}")
    return problems


@pytest.mark.slow
def test_week_two_rolls_on_from_week_one_without_breaking_rest_or_consecutive_days(site, two_runs, capsys):
    runs, base = two_runs
    capsys.readouterr()
    week_2 = runs / f"week-{WEEK_2}"
    assert _exit_code(base + ["--week", WEEK_2, "--out", str(week_2), "--verify"]) == 0, capsys.readouterr().err
    printed = " ".join(capsys.readouterr().out.split())
    assert "Previous roster:" in printed and "rest and consecutive days are carried into the week of 2026-11-30" in printed
    assert "Verified: no hard-rule violation" in printed
    previous_file = runs / f"week-{WEEK_1}" / "roster.csv"
    summary = json.loads((week_2 / "schedule_summary.json").read_text())
    assert summary["previous_roster"] == str(previous_file) and summary["weeks"] == 1
    cfg = load_config(site)
    previous, roster = read_roster_table(previous_file, cfg), read_roster_table(week_2 / "roster.csv", cfg)
    assert pd.to_datetime(roster["date"]).min() >= pd.Timestamp(WEEK_2)
    rules = cfg.labour_rules
    assert _boundary_problems(previous, roster, rules.min_rest_h, rules.max_consecutive_days) == []
    agents = read_agents(cfg.input_path("agents"), cfg)
    requirements = pd.read_csv(week_2 / "requirements.csv")
    tables = {"roster": roster, "roster_slots": pd.read_csv(week_2 / "roster_slots.csv")}
    assert check_roster(tables, cfg, agents, read_leave(cfg.input_path("leave"), agents), requirements,
                        previous_roster=previous, week_start=dt.date(2026, 11, 30)) == []


@pytest.mark.slow
def test_an_explicit_previous_roster_binds_the_first_days(site, tmp_path, capsys):
    """The agents free all day worked the six days before the week (the maximum in a row): none may work its Monday.
    (An agent with a daily window may have too few days left for the contract minimum: the run refuses, naming them.)"""
    cfg = load_config(site)
    agents = read_agents(cfg.input_path("agents"), cfg)
    free = agents.loc[agents["available_from"].isna(), "agent_id"]
    days = [dt.date(2026, 11, 24) + dt.timedelta(days=d) for d in range(6)]
    previous = pd.DataFrame([{"agent_id": a, "date": d.isoformat(), "shift_start": "14:00", "shift_end": "22:00",
                              "breaks": "", "paid_hours": 8.0, "channels": "voice"} for a in free for d in days])
    write_table(previous, tmp_path / "previous.csv")
    out = tmp_path / "out"
    code = _exit_code(["run", "--config", str(site), "--week", WEEK_2, "--out", str(out), "--time-limit", "5",
                       "--no-report", "--verify", "--previous-roster", str(tmp_path / "previous.csv")])
    assert code == 0, capsys.readouterr().err
    assert "its last day 2026-11-29" in " ".join(capsys.readouterr().out.split())
    roster = pd.read_csv(out / "roster.csv", parse_dates=["date"])
    assert len(free) > 10
    assert not roster[roster["agent_id"].isin(free)]["date"].eq(pd.Timestamp(WEEK_2)).any()
    assert roster[roster["agent_id"].isin(free)]["date"].eq(pd.Timestamp(WEEK_2) + pd.Timedelta(days=1)).any()


def test_the_checker_sees_rest_and_consecutive_days_across_the_boundary(site):
    """The independent check counts the previous roster: a late Sunday and six days in a row before the week fail."""
    cfg = load_config(site)
    agents = read_agents(cfg.input_path("agents"), cfg)
    monday = dt.date(2026, 11, 30)
    roster = pd.DataFrame({"agent_id": ["A001"], "date": [monday.isoformat()], "shift_start": ["07:00"],
                           "shift_end": ["13:00"], "breaks": ["09:00-09:15"], "paid_hours": [6.0], "channels": ["voice"]})
    days = [monday - dt.timedelta(days=d) for d in range(6, 0, -1)]  # Tuesday to Sunday before the week
    previous = pd.DataFrame({"agent_id": "A001", "date": [d.isoformat() for d in days], "shift_start": "14:00",
                             "shift_end": "23:00", "breaks": "", "paid_hours": 8.0, "channels": "voice"})
    requirements = pd.DataFrame({"interval_start": [pd.Timestamp(monday)], "channel": ["voice"], "agents_required": [0]})
    problems = check_roster({"roster": roster, "roster_slots": pd.DataFrame(columns=["agent_id", "interval_start",
                                                                                        "activity"])},
                            cfg, agents[agents["agent_id"] == "A001"], None, requirements, previous_roster=previous,
                            week_start=monday)
    assert any("rest of 8 h between shifts on 2026-11-29 and 2026-11-30" in p for p in problems)
    assert any("7 consecutive working days up to 2026-11-30" in p for p in problems)
    without = check_roster({"roster": roster, "roster_slots": pd.DataFrame(columns=["agent_id", "interval_start",
                                                                                       "activity"])},
                           cfg, agents[agents["agent_id"] == "A001"], None, requirements, week_start=monday)
    assert not any("rest of" in p or "consecutive" in p for p in without)


def test_a_corrupt_previous_roster_exits_2_naming_the_line(site, tmp_path, capsys):
    bad = tmp_path / "roster.csv"
    bad.write_text("agent_id,date,shift_start,shift_end,breaks,paid_hours,channels\n"
                   "A001,2026-11-27,08:00,16:00,12:00-12:30,7.5,voice\n"
                   "A002,2026-11-31,08:00,16:00,12:00-12:30,7.5,voice\n")
    code = _exit_code(["run", "--config", str(site), "--week", WEEK_2, "--out", str(tmp_path / "out"),
                       "--previous-roster", str(bad)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert "line 3" in err and "'date'" in err and "2026-11-31" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def _roster_of(days: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"agent_id": "A001", "date": days, "shift_start": "08:00", "shift_end": "16:00",
                         "breaks": "12:00-12:30", "paid_hours": 7.5, "channels": "voice"})


def test_a_previous_roster_of_a_later_week_exits_2_naming_the_file_and_its_dates(site, tmp_path, capsys):
    later = tmp_path / "week-2026-11-30" / "roster.csv"
    write_table(_roster_of(["2026-11-30", "2026-12-06"]), later)
    code = _exit_code(["run", "--config", str(site), "--week", WEEK_1, "--out", str(tmp_path / "out"),
                       "--previous-roster", str(later)])
    captured = capsys.readouterr()
    err = " ".join(captured.err.split())
    assert code == 2
    assert (f"{later}: the previous roster runs from 2026-11-30 to 2026-12-06: it has no day before the week of "
            "2026-11-23") in err and "--no-previous" in err
    assert "carried into the week" not in captured.out
    assert not (tmp_path / "out").exists()


def test_a_previous_roster_overlapping_the_week_is_used_for_its_days_before_it():
    """A multi-week run folder found one week back, re-planned from its second week: its first week carries over."""
    roster = _roster_of(["2026-11-27", "2026-11-29", "2026-11-30", "2026-12-01"])
    kept, note = check_previous_roster(roster, "runs/week-2026-11-23/roster.csv", dt.date(2026, 11, 30))
    assert kept["date"].tolist() == ["2026-11-27", "2026-11-29"]
    assert note == ("runs/week-2026-11-23/roster.csv runs from 2026-11-27 to 2026-12-01: only its days before "
                    "2026-11-30 are used, the week is rostered anew (2 later shift(s) not used)")
    same, none = check_previous_roster(roster.head(2), "r.csv", dt.date(2026, 11, 30))
    assert same is not None and len(same) == 2 and none is None


def test_previous_roster_and_no_previous_contradict(site, tmp_path, capsys):
    code = _exit_code(["run", "--config", str(site), "--previous-roster", str(tmp_path / "r.csv"), "--no-previous"])
    assert code == 2
    assert "contradict" in capsys.readouterr().err


def test_a_bad_agents_override_exits_2_naming_the_file_and_line(site, tmp_path, capsys):
    bad = tmp_path / "agents.csv"
    bad.write_text("agent_id,name,skills,contract\nB001,Ann,voice,full_time\nB002,Bob,voice,no_such_contract\n")
    code = _exit_code(["run", "--config", str(site), "--agents", str(bad), "--no-previous", "--out", str(tmp_path / "o")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert str(bad) in err and "line 3" in err and "no_such_contract" in err


@pytest.mark.slow
def test_agents_and_leave_overrides_are_the_ones_rostered(site, tmp_path, capsys):
    cfg = load_config(site)
    agents = read_agents(cfg.input_path("agents"), cfg).head(8)
    leave = read_leave(cfg.input_path("leave"))
    write_contract(agents, tmp_path / "few_agents.csv")
    write_contract(leave[leave["agent_id"].isin(agents["agent_id"])], tmp_path / "few_leave.csv")
    out = tmp_path / f"week-{WEEK_1}"
    code = _exit_code(["-q", "run", "--config", str(site), "--week", WEEK_1, "--out", str(out), "--time-limit", "3",
                       "--no-report", "--agents", str(tmp_path / "few_agents.csv"),
                       "--leave", str(tmp_path / "few_leave.csv"), "--verify"])
    assert code == 0, capsys.readouterr().err
    rostered = set(pd.read_csv(out / "roster.csv")["agent_id"])
    assert rostered and rostered <= set(agents["agent_id"])
    assert len(pd.read_csv(out / "agent_summary.csv")) == len(agents)


@pytest.mark.slow
def test_two_weeks_in_one_solve(site, tmp_path, capsys):
    out = tmp_path / f"week-{WEEK_1}"
    code = _exit_code(["-q", "run", "--config", str(site), "--week", WEEK_1, "--weeks", "2", "--out", str(out),
                       "--time-limit", "8", "--verify", "--no-previous"])
    assert code == 0, capsys.readouterr().err
    dates = pd.to_datetime(pd.read_csv(out / "roster.csv")["date"])
    assert dates.min() >= pd.Timestamp(WEEK_1) and dates.max() <= pd.Timestamp("2026-12-06")
    assert dates.dt.normalize().nunique() == 14
    requirements = pd.to_datetime(pd.read_csv(out / "requirements.csv")["interval_start"])
    assert requirements.min() == pd.Timestamp(WEEK_1) and requirements.max() >= pd.Timestamp("2026-12-06")
    summary = json.loads((out / "schedule_summary.json").read_text())
    assert summary["weeks"] == 2 and set(summary["week_lp_floors_agent_slots"]) == {WEEK_1, WEEK_2}
    assert sum(summary["week_lp_floors_agent_slots"].values()) <= summary["shortfall_agent_slots"]["total"] + 1e-6
    weekly = pd.DataFrame(load_workbook(out / "kpis.xlsx", read_only=True)["coverage_weekly"].values)
    weekly.columns, weekly = weekly.iloc[0], weekly.iloc[1:]
    totals = weekly[weekly.iloc[:, 1] == "all"]
    assert len(totals) == 2
    assert totals.iloc[:, 3].sum() == summary["shortfall_agent_slots"]["total"]
    per_agent = pd.read_csv(out / "agent_summary.csv")
    assert set(per_agent["week_start"]) == {WEEK_1, WEEK_2}
    assert per_agent.groupby("agent_id").size().eq(2).all()  # the contract's limits are weekly: a row per week
    assert (per_agent["paid_hours"] <= per_agent["max_hours"] + 1e-9).all()
    assert "Coverage per roster week" in (out / "report.html").read_text()


def test_weeks_beyond_the_engine_horizon_are_refused(site, capsys):
    assert _exit_code(["run", "--config", str(site), "--weeks", "5"]) == 2


@pytest.mark.slow
def test_the_weeks_own_bounds_add_up_to_the_horizon_bound(site):
    """With no shift past midnight the LP's weeks are independent: the sum of each week's bound (each rounded up to
    whole agent-slots) is the horizon's bound, which a multi-week run takes instead of solving one larger LP."""
    from planner.pipeline import week_bounds, week_forecast
    from planner.scheduling.bound import shifts_within_day, shortfall_lower_bound, weeks_bound

    cfg = load_config(site)
    assert shifts_within_day(cfg)
    agents = read_agents(cfg.input_path("agents"), cfg)
    leave = read_leave(cfg.input_path("leave"), agents)
    history = read_history(cfg.input_path("history"), cfg)
    monday = dt.date(2026, 11, 23)
    requirements = week_forecast(cfg, history, monday, weeks=2)[2]
    horizon = shortfall_lower_bound(cfg, requirements, agents, leave, monday, weeks=2)
    summed = weeks_bound(list(week_bounds(cfg, requirements, agents, leave, monday, 2).values()))
    assert horizon.total <= summed.total <= horizon.total + 2
    assert summed.required_total == pytest.approx(horizon.required_total)
