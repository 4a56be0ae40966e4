"""`planner staff` end to end on a small forecast file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import common
from planner.cli.app import app, main

runner = CliRunner()


@pytest.fixture()
def forecast_csv(tmp_path):
    idx = pd.date_range("2026-11-23", periods=96 * 2, freq="15min")
    rng = np.random.default_rng(3)
    parts = [pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M:%S"), "channel": ch,
                           "offered": rng.poisson(base, idx.size).astype(float), "aht_s": ""})
             for ch, base in [("voice", 20), ("chat", 10), ("email", 8), ("social", 3)]]
    path = tmp_path / "forecast.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path


def test_staff_writes_requirements_and_prints_summary(forecast_csv, tmp_path, demo_config_path, monkeypatch):
    monkeypatch.setattr(common.console, "width", 200)  # rich wraps the table to the terminal otherwise
    out = tmp_path / "requirements.csv"
    result = runner.invoke(app, ["staff", "--config", str(demo_config_path), "--forecast", str(forecast_csv),
                                 "--out", str(out)], terminal_width=160)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 4 * 96 * 2
    assert {"agents_productive", "agents_required", "service_level", "asa_s", "occupancy"} <= set(table.columns)
    assert "peak sched." in result.output and "Mon 23 Nov" in result.output and "erlang_c ×2 seats" in result.output
    assert "answered within 24 h (target 90%)" in result.output


def test_staff_help_has_example():
    result = runner.invoke(app, ["staff", "--help"], terminal_width=160)
    assert result.exit_code == 0 and "Example: planner staff" in result.output


def test_staff_bad_forecast_exits_2(tmp_path, demo_config_path, capsys):
    bad = tmp_path / "forecast.csv"
    bad.write_text("interval_start,channel,offered,aht_s\n2026-11-23T00:00:00,voice,-3,\n")
    with pytest.raises(SystemExit) as exc:
        main(["staff", "--config", str(demo_config_path), "--forecast", str(bad), "--out", str(tmp_path / "r.csv")])
    assert exc.value.code == 2
    assert not (tmp_path / "r.csv").exists()
