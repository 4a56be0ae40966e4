"""Sweeps: grid files validated with line/column, points in cartesian order, and the same table whatever runs it
(sequential, a local process pool, a Dask LocalCluster)."""

from __future__ import annotations

import importlib.util
import itertools
import os

import pandas as pd
import pytest

from planner.errors import ConfigError
from planner.scenarios.grid import parse_grid
from planner.scenarios.html import sweep_heatmap
from planner.scenarios.sweep import SweepExecutor, point_seeds, run_sweep
from tests.test_scenarios import CHANNELS, CONTRACTS, _roster_from_requirement, site  # noqa: F401

GRID = """name: Campaign size x handle time
base: {changes: [{campaign: {channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, uplift: 0.0}}]}
parameters:
  - {change: 0, field: uplift, values: [0.0, 0.2, 0.4]}
  - {add: aht, channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, field: factor, values: [1.0, 1.1]}
"""
HAS_DASK = importlib.util.find_spec("dask") is not None and importlib.util.find_spec("distributed") is not None


def _grid(text: str = GRID):
    return parse_grid(text, "g.yaml", CHANNELS, CONTRACTS)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("0.4]", "-3]", "parameters[0].values[2] (line 4, column"),
    ("field: uplift", "field: uplfit", "parameters[0].field (line 4, column 17): campaign has no field 'uplfit', did "
                                       "you mean 'uplift'?"),
    ("channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, field", "channels: [vocie], start: 2026-11-23, "
     "end: 2026-11-29, field", "parameters[1].channels (line 5, column"),
    ("change: 0,", "change: 2,", "parameters[0].change (line 4, column 6): base.changes has 1 change(s)"),
    ("change: 0, field", "change: 0, feild: x, field", "parameters[0].feild (line 4, column 17): unknown key, did you "
                                                       "mean 'field'?"),
    ("values: [1.0, 1.1]", "values: [1.0, 0]", "parameters[1].values[1] (line 5, column"),
])
def test_a_bad_grid_names_the_line_and_column(old, new, expected):
    assert old in GRID
    with pytest.raises(ConfigError) as err:
        _grid(GRID.replace(old, new))
    assert expected in str(err.value)


def test_points_are_the_cartesian_product_first_axis_slowest():
    points = _grid().points()
    assert [tuple(p.values.values()) for p in points] == list(itertools.product([0.0, 0.2, 0.4], [1.0, 1.1]))
    assert [p.index for p in points] == list(range(6))
    p = points[3]
    assert p.scenario.name == "campaign.uplift=0.2, aht.factor=1.1"
    assert [c.kind for c in p.scenario.changes] == ["campaign", "aht"]
    assert p.scenario.changes[0].campaign.uplift == 0.2 and p.scenario.changes[1].aht.factor == 1.1


def test_an_axis_can_vary_a_contract_term_of_a_base_change():
    grid = _grid("name: Full-time terms\nbase:\n  changes:\n"
                 "    - contract: {name: full_time, weekly_hours_min: 35, shift_lengths_h: [7, 8]}\n"
                 "parameters:\n  - {change: 0, field: weekly_hours_min, values: [30, 35]}\n")
    points = grid.points()
    assert [p.scenario.changes[0].contract.terms() for p in points] == [
        {"weekly_hours_min": 30, "shift_lengths_h": [7, 8]}, {"weekly_hours_min": 35, "shift_lengths_h": [7, 8]}]
    assert points[0].scenario.name == "contract.weekly_hours_min=30"
    with pytest.raises(ConfigError, match=r"parameters\[0\]\.add \(line 3.*put it in base\.changes"):
        _grid("name: G\nparameters:\n  - {add: contract, name: full_time, field: weekly_hours_min, values: [30]}\n")
    with pytest.raises(ConfigError, match="unknown contract 'fulltime'"):
        _grid("name: G\nbase:\n  changes:\n    - contract: {name: fulltime, weekly_hours_min: 35}\n"
              "parameters:\n  - {change: 0, field: weekly_hours_min, values: [30]}\n")


def test_a_list_valued_axis_is_one_text_cell_in_the_table_and_the_heatmap(site, tmp_path):  # noqa: F811
    *_, week = site
    grid = parse_grid("name: G\nbase:\n  changes:\n    - contract: {name: full_time, weekly_hours_min: 35}\n"
                      "parameters:\n  - {change: 0, field: shift_lengths_h, values: [[8, 8.5], [6, 7, 8, 8.5]]}\n",
                      "g.yaml", CHANNELS, CONTRACTS, week.config)
    slots, shifts = _roster_from_requirement(week)
    table = run_sweep(week, grid, "fixed", slots, shifts)
    assert set(table["contract.shift_lengths_h"]) == {"[8, 8.5]", "[6, 7, 8, 8.5]"}
    fig = sweep_heatmap(table, grid.labels)
    assert list(fig.data[0].x) == ["[8, 8.5]", "[6, 7, 8, 8.5]"]


def test_a_grid_point_that_breaks_its_contract_names_the_axis_line(site):  # noqa: F811
    *_, week = site
    text = ("name: G\nbase:\n  changes:\n    - contract: {name: full_time, weekly_hours_min: 35}\n"
            "parameters:\n  - {change: 0, field: weekly_hours_min, values: [30, 45]}\n")
    with pytest.raises(ConfigError) as err:
        parse_grid(text, "g.yaml", CHANNELS, CONTRACTS, week.config)
    assert "line 6" in str(err.value) and "weekly_hours_min 45.0 > weekly_hours_max 40.0" in str(err.value)


def test_the_shipped_sweep_parses(repo):
    from planner.config import load_config
    from planner.scenarios.grid import load_grid

    cfg = load_config(repo / "configs" / "demo.yaml")
    grid = load_grid(repo / "configs/scenarios/sweep_campaign.yaml", cfg.channel_names, [c.name for c in cfg.contracts])
    assert len(grid.points()) == 24 and grid.labels == ["uplift", "aht_factor"]


def test_point_seeds_depend_only_on_the_seed_and_the_count():
    assert point_seeds(3, 5) == point_seeds(3, 5) and len(set(point_seeds(3, 5))) == 5
    assert all(0 <= s < 2**31 for s in point_seeds(3, 5))


@pytest.fixture(scope="module")
def fixed_sweep(site):  # noqa: F811
    *_, week = site
    slots, shifts = _roster_from_requirement(week)
    return week, slots, shifts, run_sweep(week, _grid(), "fixed", slots, shifts)


def test_fixed_service_level_falls_along_the_uplift_axis(fixed_sweep):
    *_, table = fixed_sweep
    assert len(table) == 6 * (len(CHANNELS) + 1)
    for channel in ("voice", "chat", "all"):
        part = table[(table["channel"] == channel) & (table["aht.factor"] == 1.0)]
        levels = list(part["service_level"])
        assert levels[0] > levels[1] > levels[2], (channel, levels)


def test_a_local_pool_gives_exactly_the_sequential_table(fixed_sweep):
    week, slots, shifts, sequential = fixed_sweep
    done = []
    with SweepExecutor(workers=2) as pool:
        pooled = run_sweep(week, _grid(), "fixed", slots, shifts, executor=pool, on_point=done.append)
    pd.testing.assert_frame_equal(pooled, sequential, check_exact=True)
    assert sorted(done) == list(range(6))


@pytest.mark.skipif(not HAS_DASK, reason="dask[distributed] is not installed (the `dask` extra)")
def test_a_dask_local_cluster_gives_exactly_the_pool_table(fixed_sweep, monkeypatch):
    week, slots, shifts, sequential = fixed_sweep
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # workers import this checkout's planner
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with SweepExecutor("local", workers=2) as dask_executor:
        distributed = run_sweep(week, _grid(), "fixed", slots, shifts, executor=dask_executor)
    pd.testing.assert_frame_equal(distributed, sequential, check_exact=True)


def test_cli_sweep_writes_the_table_and_heat_map(site, fixed_sweep, tmp_path, capsys):  # noqa: F811
    from planner.cli.app import main
    from planner.io.files import write_table

    _, config_path, *_ = site
    _, slots, shifts, _ = fixed_sweep
    run = tmp_path / "run"
    write_table(shifts.assign(shift_start="09:00", shift_end="17:00", breaks=""), run / "roster.csv")
    write_table(slots, run / "roster_slots.csv")
    grid = tmp_path / "g.yaml"
    # two points, one per worker: the table and heat map are what is checked here; the grid's points, the table of six
    # and the pool above
    grid.write_text(GRID.replace("[0.0, 0.2, 0.4]", "[0.0, 0.4]").replace("[1.0, 1.1]", "[1.1]"))
    with pytest.raises(SystemExit) as done:
        main(["sweep", "--config", str(config_path), "--grid", str(grid), "--out", str(tmp_path / "o"),
              "--roster", str(run / "roster.csv"), "--workers", "2"])
    assert done.value.code == 0, capsys.readouterr().err
    table = pd.read_csv(tmp_path / "o" / "sweep.csv")
    assert list(table.columns[:4]) == ["point", "scenario", "campaign.uplift", "aht.factor"]
    assert list(table["campaign.uplift"].unique()) == [0.0, 0.4] and set(table["aht.factor"]) == {1.1}
    assert len(table) == 2 * 5 and (tmp_path / "o" / "sweep.html").stat().st_size > 100_000


def test_cli_sweep_bad_mode_exits_2(site, tmp_path, capsys):  # noqa: F811
    from planner.cli.app import main

    _, config_path, *_ = site
    grid = tmp_path / "g.yaml"
    grid.write_text(GRID)
    with pytest.raises(SystemExit) as done:
        main(["sweep", "--config", str(config_path), "--grid", str(grid), "--out", str(tmp_path / "o"), "--mode", "x"])
    assert done.value.code == 2 and "fixed or reroster" in capsys.readouterr().err


def test_cluster_without_dask_is_a_request_error(monkeypatch):
    import sys

    from planner.errors import RequestError

    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(RequestError, match=r"pip install \"staffing-planner\[dask\]\""), SweepExecutor("local"):
        pass
