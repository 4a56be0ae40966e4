"""`planner report` end to end on the sample site: HTML, Excel, terminal table, skipped sections, planning inputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from planner.cli.app import app
from planner.config import load_config
from planner.io.files import write_table
from planner.sample import generate_site, write_site

sys.path.insert(0, str(Path(__file__).parent))
from report_data import coverage_for, naive_forecast, roster_for  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def site_files(tmp_path_factory, demo_config_path):
    cfg = load_config(demo_config_path)
    site = generate_site(cfg, seed=7, weeks=2)
    folder = tmp_path_factory.mktemp("site")
    write_site(site, folder)
    forecast = naive_forecast(site.history)
    write_table(forecast, folder / "forecast.csv")
    write_table(coverage_for(forecast), folder / "coverage.csv")
    dates = sorted(forecast["interval_start"].dt.normalize().unique())
    write_table(roster_for(dates), folder / "roster.csv")
    return folder


def invoke(args):
    return runner.invoke(app, args, env={"COLUMNS": "180"})


def test_help_has_an_example():
    result = invoke(["report", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.slow
def test_report_from_contacts_and_history(site_files, demo_config_path, tmp_path):
    out, xlsx = tmp_path / "report.html", tmp_path / "kpis.xlsx"
    result = invoke(["report", "--config", str(demo_config_path), "--contacts", str(site_files / "contacts.csv"),
                     "--history", str(site_files / "history.csv"), "--out", str(out), "--xlsx", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "KPIs per channel" in result.output and "voice" in result.output
    assert "skipped" in result.output and "no forecast given" in result.output
    text = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", text)  # nothing fetched: works offline
    assert text.count('class="plotly-graph-div"') >= 7
    assert "Sections skipped for lack of data" in text
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"summary", "kpi_hour", "kpi_day", "kpi_week", "kpi_month", "fcr", "agents", "definitions"} \
        <= set(book.sheetnames)
    assert "kpi_slot" not in book.sheetnames  # only with --xlsx-slots


@pytest.mark.slow
def test_report_with_forecast_coverage_and_roster(site_files, demo_config_path, tmp_path):
    out, xlsx = tmp_path / "report.html", tmp_path / "kpis.xlsx"
    result = invoke(["report", "--config", str(demo_config_path), "--contacts", str(site_files / "contacts.csv"),
                     "--forecast", str(site_files / "forecast.csv"), "--coverage", str(site_files / "coverage.csv"),
                     "--roster", str(site_files / "roster.csv"), "--out", str(out), "--xlsx", str(xlsx), "--xlsx-slots"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for chart in ("forecast_vs_actual", "required_vs_scheduled", "projected_service_level", "occupancy"):
        assert f'data-chart="{chart}"' in text
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert {"forecast_accuracy", "coverage_daily", "cost", "occupancy_daily", "kpi_slot"} <= set(book.sheetnames)
    rows = list(book["forecast_accuracy"].values)
    header, body = rows[0], rows[1:]
    wape = [dict(zip(header, r, strict=True))["WAPE"] for r in body]
    assert all(0 <= w < 1 for w in wape)


def test_missing_contacts_file_is_a_user_error(demo_config_path, tmp_path):
    result = invoke(["report", "--config", str(demo_config_path), "--contacts", str(tmp_path / "nope.csv"),
                     "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2 or isinstance(result.exception, Exception)
    assert not (tmp_path / "r.html").exists()


def test_no_input_at_all_is_a_user_error(tmp_path):
    config = tmp_path / "site.yaml"
    config.write_text("site: {name: Empty}\nchannels:\n  - {name: voice, target: {asa_s: 30}, aht_s: 300}\n")
    result = invoke(["report", "--config", str(config), "--out", str(tmp_path / "r.html")])
    assert result.exit_code != 0
    assert "nothing to report on" in str(result.exception) + result.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.slow
def test_report_table_fits_80_columns(site_files, demo_config_path, tmp_path, monkeypatch):
    from test_cli_output import assert_fits

    from planner.cli import common

    monkeypatch.chdir(tmp_path)  # short relative paths in the last line
    outputs = []
    saved = common.console._width, common.console._height
    try:
        for width in (80, 250):
            common.console.size = (width, 500)
            result = runner.invoke(app, ["report", "--config", str(demo_config_path), "--contacts",
                                         str(site_files / "contacts.csv"), "--history", str(site_files / "history.csv"),
                                         "--out", "report.html"])
            assert result.exit_code == 0, result.output
            outputs.append(result.stdout)
    finally:
        common.console._width, common.console._height = saved
    assert "KPIs per channel" in outputs[0] and "skipped" in outputs[0] and "[yellow]" not in outputs[0]
    assert_fits(*outputs)
