"""Each KPI on small hand-made contact sets whose answers are worked out by hand in the comments."""

from __future__ import annotations

import datetime
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from planner.config import parse_config
from planner.reports import build_report
from planner.reports import fcr as fcr_mod
from planner.reports.kpis import contact_outcomes, contact_sums, history_sums, kpi_table
from planner.reports.occupancy import occupancy_table, staffed_by_slot, workload_by_slot

CONFIG_YAML = """
site: {name: Test site, slot_minutes: 15}
channels:
  - {name: voice, target: {service_level: 0.8, answer_within_s: 20}, aht_s: 300}
  - {name: chat, target: {service_level: 0.8, answer_within_s: 30}, aht_s: 600, concurrency: 2}
  - {name: callback, target: {asa_s: 30}, aht_s: 200}
reports: {fcr_window_days: 7, cost_per_paid_hour: 20}
"""


def make_config(**reports):
    text = CONFIG_YAML
    if reports:
        text = text.replace("reports: {", "reports: {" + ", ".join(f"{k}: {v}" for k, v in reports.items()) + ", ")
    return parse_config(text)


T = pd.Timestamp


def contact(cid, channel, arrived, wait_s=None, abandoned=False, handle_s=None, wrap_s=None, agent=None, customer=None,
            resolved=None):
    arrived = T(arrived)
    answered = None if abandoned or wait_s is None else arrived + pd.Timedelta(seconds=wait_s)
    ended = arrived + pd.Timedelta(seconds=wait_s) if abandoned else (
        answered + pd.Timedelta(seconds=handle_s) if answered is not None and handle_s is not None else None)
    return {"contact_id": cid, "channel": channel, "arrived_at": arrived, "answered_at": answered, "ended_at": ended,
            "abandoned": abandoned, "handle_s": None if abandoned else handle_s, "wrap_s": None if abandoned else wrap_s,
            "agent_id": agent, "customer_id": customer, "resolved": resolved}


def frame(rows):
    df = pd.DataFrame(rows)
    for col in ("arrived_at", "answered_at", "ended_at"):
        df[col] = pd.to_datetime(df[col])
    df["handle_s"] = df["handle_s"].astype(float)
    df["wrap_s"] = df["wrap_s"].astype(float)
    df["resolved"] = df["resolved"].astype("boolean")
    return df


# Voice, target 80% within 20 s, slots of 15 minutes, Monday 2 Nov 2026:
#   c1 09:00:00 wait 10 s, talk 100 + wrap 20 -> met
#   c2 09:05:00 wait 20 s (exactly T), talk 200 + wrap 40 -> met (wait <= T)
#   c3 09:10:00 wait 50 s, talk 300 + wrap 0 -> missed; busy 09:10:50-09:15:50 spans into the 09:15 slot
#   c4 09:12:00 abandoned after 5 s (before T) -> not in the SL denominator by default
#   c5 09:14:59 abandoned after 60 s (after T) -> counted, missed; ends in the next slot but belongs to the 09:00 slot
#   c6 09:20:00 wait 5 s, talk 60 -> met, in the 09:15 slot
VOICE = [
    contact("c1", "voice", "2026-11-02 09:00:00", 10, handle_s=100, wrap_s=20, agent="A1"),
    contact("c2", "voice", "2026-11-02 09:05:00", 20, handle_s=200, wrap_s=40, agent="A1"),
    contact("c3", "voice", "2026-11-02 09:10:00", 50, handle_s=300, wrap_s=0, agent="A2"),
    contact("c4", "voice", "2026-11-02 09:12:00", 5, abandoned=True),
    contact("c5", "voice", "2026-11-02 09:14:59", 60, abandoned=True),
    contact("c6", "voice", "2026-11-02 09:20:00", 5, handle_s=60, wrap_s=0, agent="A1"),
]


def _row(table, start, channel="voice"):
    rows = table[(table["period_start"] == T(start)) & (table["channel"] == channel)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_slot_kpis_abandon_before_and_after_threshold():
    cfg = make_config()
    slot = kpi_table(contact_sums(frame(VOICE), cfg), "slot", cfg)
    first = _row(slot, "2026-11-02 09:00")
    assert (first["offered"], first["handled"], first["abandoned"]) == (5, 3, 2)
    assert first["handled_rate"] == pytest.approx(3 / 5)
    assert first["abandon_rate"] == pytest.approx(2 / 5)
    # met c1, c2; denominator answered 3 + abandoned after T (c5) = 4
    assert (first["sl_met"], first["sl_counted"]) == (2, 4)
    assert first["service_level"] == pytest.approx(0.5)
    assert first["asa_s"] == pytest.approx((10 + 20 + 50) / 3)
    assert first["aht_s"] == pytest.approx((120 + 240 + 300) / 3)
    assert first["acw_s"] == pytest.approx((20 + 40 + 0) / 3)
    assert first["talk_s"] == pytest.approx(200)
    second = _row(slot, "2026-11-02 09:15")
    assert (second["offered"], second["handled"], second["service_level"]) == (1, 1, 1.0)


def test_hour_day_week_month_are_sums_of_slots():
    cfg = make_config()
    sums = contact_sums(frame(VOICE), cfg)
    for period, start in (("hour", "2026-11-02 09:00"), ("day", "2026-11-02"), ("week", "2026-11-02"),
                          ("month", "2026-11-01")):
        row = _row(kpi_table(sums, period, cfg), start)
        assert (row["offered"], row["handled"], row["abandoned"]) == (6, 4, 2)
        assert row["service_level"] == pytest.approx(3 / 5)
        assert row["asa_s"] == pytest.approx((10 + 20 + 50 + 5) / 4)
        assert row["aht_s"] == pytest.approx((120 + 240 + 300 + 60) / 4)


@pytest.mark.parametrize("mode, expected", [
    ("exclude_within_target", 3 / 5),  # (c1 c2 c6) / (4 answered + c5)
    ("count_all", 3 / 6),  # every abandon counts as missed
    ("met_within_target", 4 / 6),  # c4, abandoned within T, counts as met
])
def test_service_level_abandon_rule_is_configurable(mode, expected):
    cfg = make_config(service_level_abandons=mode)
    row = _row(kpi_table(contact_sums(frame(VOICE), cfg), "hour", cfg), "2026-11-02 09:00")
    assert row["service_level"] == pytest.approx(expected)


def test_short_abandons_leave_offered():
    cfg = make_config(short_abandon_s=6)  # c4 hung up after 5 s: a ghost call
    row = _row(kpi_table(contact_sums(frame(VOICE), cfg), "hour", cfg), "2026-11-02 09:00")
    assert (row["offered"], row["abandoned"], row["short_abandoned"]) == (5, 1, 1)
    assert row["abandon_rate"] == pytest.approx(1 / 5)


def test_workload_is_split_over_the_slots_a_contact_spans():
    cfg = make_config()
    outcomes = contact_outcomes(frame(VOICE), cfg)
    work = workload_by_slot(outcomes, cfg).set_index("interval_start")["workload_s"]
    # 09:00 slot: c1 120 + c2 240 + c3 09:10:50-09:15:00 = 250; 09:15 slot: c3 50 + c6 60
    assert work[T("2026-11-02 09:00")] == pytest.approx(610)
    assert work[T("2026-11-02 09:15")] == pytest.approx(110)
    coverage = pd.DataFrame({"interval_start": [T("2026-11-02 09:00"), T("2026-11-02 09:15")], "channel": "voice",
                             "required": 1, "scheduled": 1, "gap": 0})
    occ = occupancy_table(workload_by_slot(outcomes, cfg), staffed_by_slot(coverage, cfg), "day", cfg)
    assert occ.iloc[0]["occupancy"] == pytest.approx(720 / 1800)


def test_chat_concurrency_halves_the_agent_workload():
    cfg = make_config()
    chats = frame([contact("h1", "chat", "2026-11-02 10:00:00", 10, handle_s=600, wrap_s=0)])
    work = workload_by_slot(contact_outcomes(chats, cfg), cfg)
    # busy 10:00:10-10:10:10, inside the 10:00 slot; an agent holds two chats at once -> 600 / 2
    assert work["workload_s"].sum() == pytest.approx(300)


def test_asa_target_channel_status():
    cfg = make_config()
    rows = [contact("b1", "callback", "2026-11-02 10:00:00", 40, handle_s=100),
            contact("b2", "callback", "2026-11-02 10:01:00", 30, handle_s=100)]
    summary = build_report(cfg, contacts=frame(rows)).tables["summary"].set_index("channel")
    assert summary.loc["callback", "asa_s"] == pytest.approx(35)
    assert summary.loc["callback", "asa_status"] == "missed"
    assert math.isnan(summary.loc["callback", "service_level"])  # no SL target on an ASA channel


# FCR, 7-day window; the unidentified contact and K9 only stretch the data to 20 Nov:
#   K1 voice 2 Nov handled, chat 5 Nov handled  -> voice not FCR (repeat on another channel), chat FCR
#   K2 email 2 Nov handled, voice 15 Nov handled -> email FCR (13 days later); 15 Nov window incomplete -> not eligible
#   K3 voice 3 Nov abandoned, 3 Nov handled       -> abandoned not eligible; handled FCR; a chain of 2
#   K4 voice 4 Nov handled but resolved = false   -> not FCR
#   eligible 5, FCR 3; repeats: K1 chat, K3 handled = 2 of 8 identified; complete chains K1(2) K2(1) K3(2) K4(1)
FCR_ROWS = [
    contact("f1", "voice", "2026-11-02 10:00", 5, handle_s=100, customer="K1"),
    contact("f2", "chat", "2026-11-05 10:00", 5, handle_s=100, customer="K1"),
    contact("f3", "voice", "2026-11-02 11:00", 5, handle_s=100, customer="K2"),
    contact("f4", "voice", "2026-11-15 11:00", 5, handle_s=100, customer="K2"),
    contact("f5", "voice", "2026-11-03 09:00", 30, abandoned=True, customer="K3"),
    contact("f6", "voice", "2026-11-03 09:10", 5, handle_s=100, customer="K3"),
    contact("f7", "voice", "2026-11-04 09:00", 5, handle_s=100, customer="K4", resolved=False),
    contact("f8", "voice", "2026-11-10 09:00", 5, handle_s=100),
    contact("f9", "voice", "2026-11-20 12:00", 5, handle_s=100, customer="K9"),
]
FCR_ROWS[2]["channel"] = "chat"  # K2's first contact is on chat: contacts per resolution is credited to it


def test_first_contact_resolution_across_channels():
    table = fcr_mod.fcr_table(frame(FCR_ROWS), 7, ["voice", "chat"]).set_index("channel")
    assert table.loc["all", "fcr_eligible"] == 5
    assert table.loc["all", "fcr_resolved"] == 3
    assert table.loc["all", "fcr_rate"] == pytest.approx(0.6)
    assert table.loc["voice", "fcr_rate"] == pytest.approx(1 / 3)  # K1 voice no, K3 yes, K4 no
    assert table.loc["chat", "fcr_rate"] == pytest.approx(1.0)  # K1 chat, K2 first contact
    assert table.loc["all", "identified"] == 8
    assert table.loc["all", "repeat_contacts"] == 2
    assert table.loc["all", "repeat_rate"] == pytest.approx(2 / 8)
    assert table.loc["all", "chains_complete"] == 4
    assert table.loc["all", "contacts_per_resolution"] == pytest.approx(6 / 4)


def test_fcr_window_is_configurable():
    table = fcr_mod.fcr_table(frame(FCR_ROWS), 14, ["voice", "chat"]).set_index("channel")
    # with 14 days K2's 15 Nov voice is a repeat of 2 Nov, so K2's first contact is no longer FCR; windows past
    # 6 Nov are incomplete (data ends 20 Nov)
    assert table.loc["all", "repeat_contacts"] == 3
    assert table.loc["chat", "fcr_rate"] == pytest.approx(0.5)


def test_history_sums_give_the_same_ratios():
    cfg = make_config()
    history = pd.DataFrame({
        "interval_start": [T("2026-11-02 09:00"), T("2026-11-02 09:15")], "channel": "voice",
        "offered": [10, 20], "handled": [8, 20], "abandoned": [2, 0], "aht_s": [200.0, 100.0], "asa_s": [15.0, 5.0],
        "answered_within_target": [6, 20]})
    row = _row(kpi_table(history_sums(history, cfg), "hour", cfg), "2026-11-02 09:00")
    assert row["offered"] == 30
    assert row["service_level"] == pytest.approx(26 / 30)
    assert row["aht_s"] == pytest.approx((8 * 200 + 20 * 100) / 28)
    assert row["asa_s"] == pytest.approx((8 * 15 + 20 * 5) / 28)
    assert row["abandon_rate"] == pytest.approx(2 / 30)


def test_report_mixes_agents_forecast_and_cost():
    cfg = make_config()
    chats = [contact("h1", "chat", "2026-11-02 10:00:00", 10, handle_s=600, agent="A2")]
    contacts = frame(VOICE + chats)
    contacts["contact_type"] = ["billing", "billing", "tech", "tech", "billing", "tech", "billing"]
    forecast = pd.DataFrame({"interval_start": [T("2026-11-02 09:00"), T("2026-11-02 09:15"), T("2026-11-09 09:00")],
                             "channel": "voice", "offered": [4.0, 3.0, 50.0], "aht_s": 300.0})
    roster = pd.DataFrame({"agent_id": ["A1", "A2", "A1"], "date": ["2026-11-02", "2026-11-02", "2026-11-03"],
                           "paid_hours": [8.0, 4.0, 8.0]})
    report = build_report(cfg, contacts=contacts, forecast=forecast, roster=roster)
    t = report.tables
    mix = t["kpi_channel"].set_index("channel")["channel_share"]
    assert mix["voice"] == pytest.approx(6 / 7) and mix["chat"] == pytest.approx(1 / 7)
    types = t["contact_type_mix"].set_index(["channel", "contact_type"])["share"]
    assert types[("voice", "billing")] == pytest.approx(3 / 6)
    agents = t["agents"].set_index(["agent_id", "channel"])
    assert agents.loc[("A1", "voice"), "handled"] == 3
    assert agents.loc[("A1", "voice"), "aht_s"] == pytest.approx((120 + 240 + 60) / 3)
    assert agents.loc[("A2", "chat"), "aht_s"] == pytest.approx(600)
    acc = t["forecast_accuracy"].set_index("channel")
    # overlap 09:00 (4 vs 5) and 09:15 (3 vs 1); 9 Nov is after the contacts
    assert acc.loc["voice", "wape"] == pytest.approx((1 + 2) / 6)
    assert acc.loc["voice", "bias"] == pytest.approx((7 - 6) / 6)
    cost = t["cost"][t["cost"]["channel"] == "all"].set_index("basis")
    # 2 Nov: 12 paid hours × 20 = 240 for 5 handled contacts (4 voice + 1 chat); 3 Nov has no contacts
    assert cost.loc["actual (handled contacts)", "cost_per_contact"] == pytest.approx(240 / 5)
    assert "coverage" in report.skipped and "occupancy" in report.skipped


def test_skipped_sections_are_named():
    cfg = make_config()
    history = pd.DataFrame({"interval_start": [T("2026-11-02 09:00")], "channel": "voice", "offered": [3]})
    report = build_report(cfg, history=history)
    assert report.tables["summary"].set_index("channel").loc["voice", "offered"] == 3
    assert set(report.skipped) >= {"fcr", "agents", "contact_types", "forecast", "coverage", "cost", "occupancy"}
    assert "customer_id" in report.skipped["fcr"]


def test_occupancy_from_roster_slots():
    cfg = make_config()
    slots = pd.DataFrame({"agent_id": ["A1", "A1", "A2", "A3"],
                          "interval_start": [T("2026-11-02 09:00"), T("2026-11-02 09:15"), T("2026-11-02 09:00"),
                                             T("2026-11-02 09:00")],
                          "activity": ["voice", "voice", "voice", "break"]})
    report = build_report(cfg, contacts=frame(VOICE), roster_slots=slots)
    occ = report.tables["occupancy_daily"].set_index("channel")
    # workload 610 + 110 s (see the slot-split test); staffed: 2 voice agent-slots at 09:00, 1 at 09:15; breaks do not count
    assert occ.loc["voice", "staffed_s"] == 3 * 900
    assert occ.loc["voice", "occupancy"] == pytest.approx(720 / 2700)
    assert report.tables["summary"].set_index("channel").loc["voice", "occupancy_status"] == "met"  # max_occupancy 0.85


COST_YAML = """
site: {name: Test site, slot_minutes: 15}
channels:
  - {name: voice, target: {service_level: 0.8, answer_within_s: 20}, aht_s: 300, cost_per_contact_target: 30}
  - {name: chat, target: {service_level: 0.8, answer_within_s: 30}, aht_s: 600, cost_per_contact_target: 100}
contracts:
  - {name: full_time, weekly_hours_min: 0, weekly_hours_max: 40, days_per_week_max: 5, shift_lengths_h: [8],
     cost_per_paid_hour: FULL}
  - {name: part_time, weekly_hours_min: 0, weekly_hours_max: 20, days_per_week_max: 5, shift_lengths_h: [4]}
reports: {cost_per_paid_hour: 20, currency: GBP}
"""


def _cost_report(full_time_rate: float, **kwargs):
    cfg = parse_config(COST_YAML.replace("FULL", str(full_time_rate)))
    chats = [contact("h1", "chat", "2026-11-02 10:00:00", 10, handle_s=600, agent="A2")]
    roster = pd.DataFrame({"agent_id": ["A1", "A2"], "date": ["2026-11-02", "2026-11-02"], "paid_hours": [8.0, 4.0],
                           "shift_start": [T("2026-11-02 09:00"), T("2026-11-02 09:00")],
                           "shift_end": [T("2026-11-02 17:00"), T("2026-11-02 13:00")], "channels": [["voice"], ["chat"]]})
    agents = pd.DataFrame({"agent_id": ["A1", "A2"], "name": ["a", "b"], "skills": [["voice"], ["chat"]],
                           "contract": ["full_time", "part_time"]})
    return build_report(cfg, contacts=frame(VOICE + chats), roster=roster, agents=agents, **kwargs)


def test_cost_uses_each_contracts_rate_and_the_flat_rate_as_fallback():
    # A1 full_time 8 h × rate on voice (4 handled), A2 part_time (no rate: flat 20) 4 h × 20 = 80 on chat (1 handled)
    cheap, dear = _cost_report(24).tables["cost"], _cost_report(30).tables["cost"]
    for cost, rate in ((cheap, 24), (dear, 30)):
        rows = cost.set_index("channel")
        assert rows.loc["voice", "cost"] == pytest.approx(8 * rate)
        assert rows.loc["chat", "cost"] == pytest.approx(80)
        assert rows.loc["all", "cost_per_contact"] == pytest.approx((8 * rate + 80) / 5)
    # the target is shown against the actual cost per contact: voice 192/4 = 48 > 30 missed, chat 80 <= 100 met
    rows = cheap.set_index("channel")
    assert rows.loc["voice", "cost_per_contact_target"] == 30 and rows.loc["voice", "target_status"] == "missed"
    assert rows.loc["chat", "cost_per_contact_target"] == 100 and rows.loc["chat", "target_status"] == "met"


def test_cost_without_agents_or_any_rate_is_skipped_with_the_fix():
    cfg = parse_config(COST_YAML.replace("FULL", "24").replace("cost_per_paid_hour: 20, ", ""))
    roster = pd.DataFrame({"agent_id": ["A1"], "date": ["2026-11-02"], "paid_hours": [8.0]})
    report = build_report(cfg, contacts=frame(VOICE), roster=roster)
    assert "cost" not in report.tables and "agents table" in report.skipped["cost"]


def test_every_cost_figure_carries_the_currency():
    from planner.reports.html import render_html

    text = render_html(_cost_report(24))
    assert "Cost per contact (GBP)" in text and "GBP 54.40" in text  # (192 + 80) / 5 on the card and in the table
    assert "GBP 30.00" in text  # the voice target


def test_kpis_xlsx_has_readable_headers_and_percent_duration_money_formats(tmp_path):
    import openpyxl

    from planner.reports.excel import write_excel

    report = _cost_report(24)
    path = write_excel(report, tmp_path / "kpis.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["summary"]
    header = [c.value for c in sheet[1]]
    assert "Service level" in header and "Abandon rate" in header and "ASA (h:mm:ss)" in header
    assert not [h for h in header if "_" in h]  # no snake_case names
    voice = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "voice")
    cell = dict(zip(header, voice, strict=True))
    assert cell["Service level"].number_format == "0.0%" and 0 <= cell["Service level"].value <= 1
    assert cell["ASA (h:mm:ss)"].number_format == "[h]:mm:ss"
    asa_s = report.tables["summary"].set_index("channel").loc["voice", "asa_s"]
    # a real Excel duration in whole seconds (openpyxl reads it back as a timedelta)
    assert cell["ASA (h:mm:ss)"].value == datetime.timedelta(seconds=round(asa_s))
    cost = book["cost"]
    header = [c.value for c in cost[1]]
    assert "Cost per contact (GBP)" in header and "Cost per contact target (GBP)" in header
    row = dict(zip(header, next(cost.iter_rows(min_row=2)), strict=True))
    assert row["Cost per contact (GBP)"].number_format == '#,##0.00 "GBP"'
    day = book["kpi_day"]
    assert day.cell(2, 1).number_format == "yyyy-mm-dd"


def test_abbreviations_stay_capitals_in_the_workbook_and_html_headers(tmp_path):
    import openpyxl

    from planner.reports.build import Report
    from planner.reports.excel import write_excel
    from planner.reports.html import table_html

    weekly = pd.DataFrame({"week": [datetime.date(2026, 11, 23)], "channel": ["all"], "required_slots": [900],
                           "shortfall_slots": [40], "lp_floor_slots": [31], "service_level_projected": [0.81]})
    path = write_excel(Report(make_config(), tables={"coverage_weekly": weekly}), tmp_path / "kpis.xlsx")
    header = [c.value for c in openpyxl.load_workbook(path)["coverage_weekly"][1]]
    assert "LP floor slots" in header and "Lp floor slots" not in header
    assert "<th class=\"\">LP floor slots</th>" in table_html(weekly)


def test_required_vs_scheduled_breaks_its_lines_over_closed_hours():
    from planner.reports.charts import required_vs_scheduled

    cfg = parse_config(CONFIG_YAML.replace("site: {name: Test site, slot_minutes: 15}",
                                           "site: {name: Test site, slot_minutes: 15, opening_hours: {monday: "
                                           "{open: '08:00', close: '10:00'}, tuesday: {open: '08:00', close: '10:00'}}}"))
    # every slot of two days: voice is open 08:00-10:00 only; the closed rows (all 0) must not be drawn
    times = pd.date_range("2026-11-02", "2026-11-03 23:45", freq="15min")
    hour = times.hour
    required = ((hour >= 8) & (hour < 10)).astype(int) * 3
    coverage = pd.DataFrame({"interval_start": times, "channel": "voice", "required": required,
                             "scheduled": required, "gap": 0})
    fig = required_vs_scheduled(build_report(cfg, coverage=coverage))
    lines = [trace for trace in fig.data if trace.name in ("required", "scheduled")]
    assert len(lines) == 2
    area = next(trace for trace in fig.data if trace.fill == "tozeroy")
    assert None not in area.y and 0.0 in area.y  # the shading drops to zero over the closure instead of bridging it
    for trace in lines:
        x, y = list(trace.x), list(trace.y)
        assert y.count(None) == 1  # one break, between Monday 10:00 and Tuesday 08:00
        drawn = [pd.Timestamp(t) for t in x if t is not None]
        # points only from opening to closing time (the last slot's step ends at the closing time)
        assert all(8 * 60 <= t.hour * 60 + t.minute <= 10 * 60 for t in drawn)
        assert drawn[0] == T("2026-11-02 08:00") and T("2026-11-02 10:00") in drawn and drawn[-1] == T("2026-11-03 10:00")


def test_all_channels_abandon_rate_covers_only_channels_that_can_abandon():
    cfg = parse_config(CONFIG_YAML.replace(
        "  - {name: callback, target: {asa_s: 30}, aht_s: 200}",
        "  - {name: email, kind: deferred, target: {service_level: 0.9, answer_within_s: 86400}, aht_s: 400}"))
    history = pd.DataFrame({"interval_start": T("2026-11-02 09:00"), "channel": ["voice", "chat", "email"],
                            "offered": [10, 30, 160], "handled": [8, 27, 160], "abandoned": [2, 3, 0]})
    report = build_report(cfg, history=history)
    summary = report.tables["summary"].set_index("channel")
    # voice and chat: 5 abandoned of 40 offered, not 5 of 200 with the email backlog that cannot abandon
    assert summary.loc["all", "abandon_rate"] == pytest.approx(5 / 40)
    assert summary.loc["all", "abandon_scope"] == "voice, chat"
    assert math.isnan(summary.loc["email", "abandon_rate"]) and summary.loc["email", "abandon_status"] == ""
    assert summary.loc["all", "offered"] == 200  # volumes still count every channel
    from planner.reports.html import render_html

    assert "of voice, chat" in render_html(report)


def test_occupancy_from_the_historys_staffed_agents(tmp_path):
    cfg = make_config()
    history = pd.DataFrame({"interval_start": [T("2026-11-02 09:00"), T("2026-11-02 09:15")], "channel": "voice",
                            "offered": [5, 1], "handled": [3, 1], "abandoned": [2, 0], "aht_s": [220.0, 60.0],
                            "staffed_agents": [1.0, 0.5]})
    report = build_report(cfg, contacts=frame(VOICE), history=history)
    occ = report.tables["occupancy_daily"].set_index("channel")
    # workload 610 + 110 s from the contacts; staffed 1 agent × 900 s + 0.5 × 900 s
    assert occ.loc["voice", "staffed_s"] == pytest.approx(1350)
    assert occ.loc["voice", "occupancy"] == pytest.approx(720 / 1350)
    # from the interval history alone: handled × aht_s = 3 × 220 + 1 × 60 = 720 s as well
    alone = build_report(cfg, history=history).tables["occupancy_daily"].set_index("channel")
    assert alone.loc["voice", "occupancy"] == pytest.approx(720 / 1350)
    # the reader takes the column and rejects a negative count on its line
    from planner.errors import DataError
    from planner.io.tables import read_history

    path = tmp_path / "h.csv"
    history.assign(staffed_agents=[1.0, -1.0]).to_csv(path, index=False)
    with pytest.raises(DataError, match=r"line 3, column 'staffed_agents'"):
        read_history(path)
    history.to_csv(path, index=False)
    assert read_history(path)["staffed_agents"].tolist() == [1.0, 0.5]


def test_cost_splits_shifts_over_channels_by_roster_slots_with_clock_time_shifts():
    cfg = parse_config(COST_YAML.replace("FULL", "24"))
    # A1 works 22:00-06:00 (times of day, as roster.csv writes them): 2 voice slots before midnight, 2 chat after
    roster = pd.DataFrame({"agent_id": ["A1"], "date": ["2026-11-02"], "shift_start": ["22:00"], "shift_end": ["06:00"],
                           "paid_hours": [8.0]})
    slots = pd.DataFrame({"agent_id": "A1", "interval_start": pd.to_datetime(
        ["2026-11-02 22:00", "2026-11-02 22:15", "2026-11-03 01:00", "2026-11-03 01:15", "2026-11-03 02:00"]),
        "activity": ["voice", "voice", "chat", "chat", "break"]})
    agents = pd.DataFrame({"agent_id": ["A1"], "name": ["a"], "skills": [["voice", "chat"]], "contract": ["full_time"]})
    forecast = pd.DataFrame({"interval_start": [T("2026-11-02 22:00"), T("2026-11-02 22:00")], "channel": ["voice", "chat"],
                             "offered": [8.0, 2.0], "aht_s": 300.0})
    cost = build_report(cfg, forecast=forecast, roster=roster, roster_slots=slots, agents=agents).tables["cost"]
    rows = cost.set_index("channel")
    assert list(cost["channel"]) == ["voice", "chat", "all"]  # config order
    assert rows.loc["voice", "cost"] == pytest.approx(96) and rows.loc["chat", "cost"] == pytest.approx(96)
    assert rows.loc["voice", "cost_per_contact"] == pytest.approx(96 / 8)
    assert rows.loc["all", "cost_per_contact"] == pytest.approx(192 / 10)


def test_projected_day_figures_weight_slots_by_arrivals_without_a_forecast():
    from planner.reports.planning import coverage_daily

    # email on one day: 4 contacts arrive in a closed slot (required 0), all late; 4 in an open slot, all on time
    coverage = pd.DataFrame({"interval_start": [T("2026-11-02 05:00"), T("2026-11-02 09:00")], "channel": "email",
                             "required": [0, 2], "scheduled": [0, 2], "gap": [0, 0],
                             "service_level_projected": [0.0, 1.0], "offered": [4.0, 4.0]})
    day = coverage_daily(coverage, None)
    assert day["service_level_projected"].tolist() == [pytest.approx(0.5)]  # 4 of 8 arrivals, not 1.0
    # a coverage without arrivals and no forecast has no day figure rather than a required-weighted one
    alone = coverage_daily(coverage.drop(columns="offered"), None)
    assert alone["service_level_projected"].isna().all()


def test_projected_day_figures_recount_the_written_coverage(tmp_path):
    from schedule_instances import WEEK, agents_table

    from planner.io.tables import read_coverage
    from planner.reports.planning import coverage_daily
    from planner.scheduling.outputs import write_outputs
    from planner.scheduling.result import RosterResult
    from planner.staffing import requirements

    hours = "{open: '06:00', close: '22:00'}"
    site = f"site: {{name: T, slot_minutes: 60, opening_hours: {{monday: {hours}, tuesday: {hours}}}}}"
    email = "  - {name: email, kind: deferred, target: {service_level: 0.8, answer_within_s: 3600}, aht_s: 600}"
    contracts = "contracts: [{name: std, weekly_hours_min: 0, weekly_hours_max: 40, days_per_week_max: 5, shift_lengths_h: [8]}]"
    cfg = parse_config(CONFIG_YAML.replace("site: {name: Test site, slot_minutes: 15}", site)
                       .replace("  - {name: callback, target: {asa_s: 30}, aht_s: 200}", email) + contracts + "\n")
    slots = pd.date_range(pd.Timestamp(WEEK), periods=48, freq="60min")
    forecast = pd.DataFrame({"interval_start": slots, "channel": "email", "offered": 3.0, "aht_s": 600.0})
    req = requirements(forecast, cfg)
    # email open 06:00-22:00 and staffed as required: what arrives at night cannot meet the 1 h target
    cov = req[["interval_start", "channel", "agents_required"]].rename(columns={"agents_required": "required"})
    cov = cov[cov["required"] > 0].assign(scheduled=lambda d: d["required"], gap=0).reset_index(drop=True)
    result = RosterResult("FEASIBLE", pd.DataFrame(columns=["agent_id", "date", "shift_start", "shift_end", "breaks",
                                                            "paid_hours", "channels", "team"]),
                          pd.DataFrame(columns=["agent_id", "interval_start", "activity"]), cov, objective=0.0,
                          best_bound=0.0, solve_s=0.0, shortfall_agent_slots={}, overstaff_agent_slots={}, late_contacts=0.0,
                          violations=None, rules_applied=[])
    agents = agents_table([{"agent_id": "E1", "skills": ["email"], "contract": "std"}])
    paths = write_outputs(result, cfg, agents, req, tmp_path, week_start=WEEK)
    written = read_coverage(paths["coverage"], cfg)
    day = coverage_daily(written, None).set_index("date")["service_level_projected"]
    # recount: the share of each day's arrivals (from the requirements, not the coverage) answered within target
    arrivals = req.set_index("interval_start")["offered"]
    sl = written.set_index("interval_start")["service_level_projected"]
    for date, figure in day.items():
        on_day = arrivals[arrivals.index.normalize() == date]
        within = (sl.reindex(on_day.index).fillna(0) * on_day).sum()
        assert figure == pytest.approx(within / on_day.sum())
    assert written["offered"].sum() == pytest.approx(arrivals.sum())  # every arrival has its coverage row


def test_cost_reads_the_roster_with_the_one_roster_reader_offsets_included():
    cfg = parse_config(COST_YAML.replace("FULL", "24").replace("slot_minutes: 15}", "slot_minutes: 15, timezone: Europe/Paris}"))
    # the shift of the clock-time test above, written in UTC: 22:00-06:00 in Paris (UTC+1 in November)
    roster = pd.DataFrame({"agent_id": ["A1"], "date": ["2026-11-02"], "shift_start": ["2026-11-02T21:00:00Z"],
                           "shift_end": ["2026-11-03T05:00:00Z"], "breaks": ["01:00-01:15"], "paid_hours": [8.0]})
    slots = pd.DataFrame({"agent_id": "A1", "interval_start": pd.to_datetime(
        ["2026-11-02 22:00", "2026-11-02 22:15", "2026-11-03 01:00", "2026-11-03 01:15", "2026-11-03 02:00"]),
        "activity": ["voice", "voice", "break", "chat", "chat"]})
    agents = pd.DataFrame({"agent_id": ["A1"], "name": ["a"], "skills": [["voice", "chat"]], "contract": ["full_time"]})
    forecast = pd.DataFrame({"interval_start": [T("2026-11-02 22:00"), T("2026-11-02 22:00")], "channel": ["voice", "chat"],
                             "offered": [8.0, 2.0], "aht_s": 300.0})
    rows = build_report(cfg, forecast=forecast, roster=roster, roster_slots=slots, agents=agents).tables["cost"]
    rows = rows.set_index("channel")
    assert rows.loc["voice", "cost"] == pytest.approx(96) and rows.loc["chat", "cost"] == pytest.approx(96)


def test_answer_times_of_unanswered_contacts_raise_no_overflow_warning(monkeypatch):
    # pandas turns float seconds into timedeltas by rounding a fraction array it allocates with np.empty and never
    # fills for NaN entries; whatever that memory held (here 1e300, as in the demo's report) overflowed the rounding
    empty = np.empty

    def stale_memory(shape, dtype=float, *args, **kwargs):
        out = empty(shape, dtype, *args, **kwargs)
        if out.dtype.kind == "f":
            out.fill(1e300)
        return out

    cfg = make_config()
    contacts = frame(VOICE)  # c4 and c5 abandoned: no answer time
    expected = contact_outcomes(contacts, cfg)
    monkeypatch.setattr(np, "empty", stale_memory)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        outcomes = contact_outcomes(contacts, cfg)
    monkeypatch.undo()
    assert outcomes["answered_at"].isna().tolist() == (~outcomes["handled"]).tolist()
    pd.testing.assert_frame_equal(outcomes, expected)
