"""The report's leave section: tables, charts, the HTML section and the Excel sheets from a plan and decisions."""

from __future__ import annotations

import pandas as pd
from leave_site import CONFIG as CONFIG_TEXT
from leave_site import config
from openpyxl import load_workbook

from planner.reports import build_report, generate_report
from planner.reports.charts import all_charts

PLAN = pd.DataFrame({
    "group": ["voice", "voice", "chat+voice", "chat+voice"],
    "week": ["2027-03-01", "2027-03-08"] * 2,
    "required_h": [100.0, 80.0, 40.0, 30.0], "available_h": [130.0, 130.0, 50.0, 50.0],
    "planned_leave_h": [10.0, 10.0, 0.0, 0.0], "margin_h": [5.0, 4.0, 2.0, 1.5],
    "allowance_h": [25.0, 46.0, 8.0, 18.5]})
DECISIONS = pd.DataFrame({"request_id": ["a", "b", "c"], "decision": ["approved", "approved", "waitlisted"],
                          "reason_code": ["APPROVED", "APPROVED", "INSUFFICIENT_GROUP_ALLOWANCE"],
                          "hours": [8.0, 16.0, 40.0]})


def test_leave_tables_sum_the_groups_and_count_the_reasons():
    report = build_report(config(), capacity_plan=PLAN, leave_decisions=DECISIONS)
    week = report.tables["leave_week"].set_index("week")
    assert week.loc[pd.Timestamp("2027-03-08"), "allowance_h"] == 64.5
    heat = report.tables["leave_allowance"].set_index("group")
    assert heat.loc["voice", "2027-03-08"] == 46.0
    reasons = report.tables["leave_reasons"].set_index("reason_code")
    assert reasons.loc["APPROVED", "requests"] == 2 and reasons.loc["INSUFFICIENT_GROUP_ALLOWANCE", "hours_h"] == 40.0
    names = [name for name, _ in all_charts(report)]
    assert {"leave_capacity", "leave_allowance", "leave_reasons"} <= set(names)


def test_report_without_leave_inputs_has_no_leave_section():
    report = build_report(config())
    assert not any(name.startswith("leave") for name in report.tables)
    assert not any(name.startswith("leave") for name, _ in all_charts(report))


def test_html_and_excel_carry_the_leave_section(tmp_path):
    generate_report(config(), tmp_path / "r.html", out_xlsx=tmp_path / "k.xlsx", capacity_plan=PLAN,
                    leave_decisions=DECISIONS)
    text = (tmp_path / "r.html").read_text()
    assert 'data-chart="leave_capacity"' in text and "Leave decisions by reason" in text
    sheets = load_workbook(tmp_path / "k.xlsx", read_only=True).sheetnames
    assert {"leave_week", "leave_allowance", "leave_reasons"} <= set(sheets)


def test_report_cli_reads_the_leave_files_and_names_a_bad_cell(tmp_path, capsys):
    import pytest

    from planner.cli.app import main

    (tmp_path / "site.yaml").write_text(CONFIG_TEXT)
    PLAN.to_csv(tmp_path / "capacity_plan.csv", index=False)
    DECISIONS.assign(agent_id="v1", start_date="2027-03-01", end_date="2027-03-01").to_csv(
        tmp_path / "leave_decisions.csv", index=False)
    args = ["report", "--config", str(tmp_path / "site.yaml"), "--capacity-plan", str(tmp_path / "capacity_plan.csv"),
            "--leave-decisions", str(tmp_path / "leave_decisions.csv"), "--out", str(tmp_path / "r.html")]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 0 and 'data-chart="leave_reasons"' in (tmp_path / "r.html").read_text()
    bad = (tmp_path / "leave_decisions.csv").read_text().replace("waitlisted", "maybe")
    (tmp_path / "leave_decisions.csv").write_text(bad)
    with pytest.raises(SystemExit) as done:
        main(args)
    err = capsys.readouterr().err
    assert done.value.code == 2 and "line 4" in err and "'decision'" in err and "maybe" in err
