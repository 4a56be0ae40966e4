"""`planner run` and `planner demo` end to end: the run folder, the independent check, and refused weeks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planner.cli.app import main
from planner.cli.commands.demo import write_demo_config
from planner.config import load_config
from planner.io.files import write_table
from planner.sample import demo_config_path, write_site

RUN_FILES = {"forecast.csv", "requirements.csv", "roster.csv", "roster_slots.csv", "coverage.csv", "agent_summary.csv",
             "schedule_summary.json", "roster.xlsx", "report.html", "kpis.xlsx"}


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code


@pytest.fixture(scope="module")
def small_site(tmp_path_factory, sample_site):
    """A 20-week sample site with its first 30 agents, and a site.yaml naming it."""
    folder = tmp_path_factory.mktemp("site")
    config_path = write_demo_config(folder)
    site = sample_site(20)
    write_site(site, folder / "data")
    agents = site.agents.head(30)
    write_table(agents, folder / "data" / "agents.csv")
    write_table(site.leave[site.leave["agent_id"].isin(agents["agent_id"])], folder / "data" / "leave.csv")
    return config_path


def test_run_refuses_a_week_that_is_not_a_monday(small_site, capsys):
    assert _exit_code(["run", "--config", str(small_site), "--week", "2026-11-25"]) == 2
    err = capsys.readouterr().err
    assert "is a Wednesday; a roster week starts on a Monday (for example 2026-11-23)" in err
    assert "Traceback" not in err


def test_run_refuses_a_week_far_outside_the_history_before_looking_for_a_previous_roster(small_site, tmp_path, capsys):
    assert _exit_code(["run", "--config", str(small_site), "--week", "2027-06-07", "--out", str(tmp_path / "w")]) == 2
    captured = capsys.readouterr()
    assert "week 2027-06-07 is more than 8 weeks after the history ends" in captured.err
    assert "previous roster" not in captured.out.lower()


@pytest.mark.slow
def test_run_writes_the_run_folder_and_verifies(small_site, tmp_path, capsys):
    out = tmp_path / "week"
    code = _exit_code(["-q", "run", "--config", str(small_site), "--out", str(out), "--time-limit", "5", "--verify"])
    assert code == 0, capsys.readouterr().err
    assert {p.name for p in out.iterdir()} >= RUN_FILES
    roster = pd.read_csv(out / "roster.csv")
    assert set(roster["agent_id"]) <= {f"A{i:03d}" for i in range(1, 31)}
    assert pd.to_datetime(roster["date"]).min() == pd.Timestamp("2026-11-23")
    summary = json.loads((out / "schedule_summary.json").read_text())
    assert summary["status"] in {"OPTIMAL", "FEASIBLE"}
    assert summary["lp_bound"]["shortfall_lower_bound_agent_slots"] <= sum(
        v for k, v in summary["shortfall_agent_slots"].items() if k != "total")


@pytest.mark.slow
def test_demo_runs_every_stage(tmp_path, capsys):
    out = tmp_path / "demo"
    assert _exit_code(["demo", "--out", str(out), "--time-limit", "30"]) == 0, capsys.readouterr().err
    last = " ".join(capsys.readouterr().out.split()).split("Demo finished")[-1]
    assert "whatif/whatif.html" in last and "whatif/scenarios.csv" in last  # where they are, not "in runs/demo"
    assert RUN_FILES | {"backtest.csv", "site.yaml"} <= {p.name for p in out.iterdir()}
    assert {"history.csv", "contacts.csv", "agents.csv", "leave.csv"} <= {p.name for p in (out / "data").iterdir()}
    # site.yaml re-runs the demo: a valid config whose inputs are the written sample site
    cfg = load_config(out / "site.yaml")
    assert cfg.input_path("history").resolve() == (out / "data" / "history.csv").resolve()
    # the year's leave was planned and decided before the roster, which took the decided leave table
    assert {"capacity_plan.csv", "leave_allowance.csv", "leave_decisions.csv", "balances.csv", "leave.csv"} <= {
        p.name for p in out.iterdir()}
    assert cfg.input_path("leave").resolve() == (out / "leave.csv").resolve()
    assert load_config(demo_config_path()).channels == cfg.channels
    # the shipped campaign against the week's roster kept fixed, linked from the report
    assert {"scenarios.csv", "scenario_summary.csv", "whatif.html", "whatif.xlsx"} <= {
        p.name for p in (out / "whatif").iterdir()}
    summary = pd.read_csv(out / "whatif" / "scenario_summary.csv").set_index("scenario")
    assert summary.loc["Black Friday campaign", "service_level"] < summary.loc["baseline", "service_level"]
    assert 'href="whatif/whatif.html"' in (out / "report.html").read_text(encoding="utf-8")
