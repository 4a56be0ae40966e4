"""Capacity plan pieces: leave charge, the requirement split, allowance per group and day, the forecast horizon."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from leave_site import START, agents, capacity, config, leave

from planner.errors import RequestError
from planner.leave.capacity import day_table, week_table
from planner.leave.horizon import basis_text, plan_horizon, required_by_day
from planner.leave.hours import OpenDays, agent_hours, leave_charge
from planner.leave.split import split_requirement


def _days(n: int) -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(n)]


def test_charge_is_a_day_per_open_day_and_at_most_a_week_per_calendar_week():
    cfg = config()
    a = agent_hours(cfg, agents())["v1"]
    is_open = OpenDays(cfg)
    assert sum(leave_charge(START, START, a, is_open).values()) == pytest.approx(8.0)
    # Monday to Sunday: five open days, one contract week
    assert sum(leave_charge(START, START + dt.timedelta(days=6), a, is_open).values()) == pytest.approx(40.0)
    # Saturday and Sunday: closed, cost nothing
    assert leave_charge(START + dt.timedelta(days=5), START + dt.timedelta(days=6), a, is_open) == {}


def test_part_time_leave_day_is_its_own_day_and_a_window_caps_the_week():
    cfg = config()
    rows = [("p1", "voice", "part_time", "T1"), ("w1", "voice", "full_time", "T1")]
    frame = agents(rows).assign(available_from=[None, "08:00"], available_to=[None, "14:00"])
    hours = agent_hours(cfg, frame)
    assert hours["p1"].day_h == pytest.approx(4.0)
    assert hours["w1"].week_h == pytest.approx(30.0)  # five days of a six-hour window, below the 40-hour contract


def test_split_gives_every_hour_to_one_group_and_evens_utilisation():
    split = split_requirement({"voice": 60.0, "chat": 20.0}, {"voice": 40.0, "chat": 40.0, "chat+voice": 40.0})
    total = {c: sum(split.shares[g].get(c, 0.0) for g in split.shares) for c in ("voice", "chat")}
    assert total == pytest.approx({"voice": 1.0, "chat": 1.0})  # no hour counted twice, none dropped
    # voice needs 60 h from the voice and multi-skilled groups (80 h): 0.75 is the lowest highest utilisation
    assert split.utilisation == pytest.approx(0.75)
    assert split.shares["chat+voice"]["voice"] * 60 == pytest.approx(30.0)
    assert not split.unserved_h


def test_split_reports_a_channel_nobody_can_serve():
    split = split_requirement({"voice": 10.0, "chat": 5.0}, {"voice": 40.0})
    assert split.unserved_h == pytest.approx({"chat": 5.0})


def test_allowance_is_available_minus_required_and_a_quiet_week_gets_more():
    cfg = config(margin=0.1)
    busy, quiet = [50.0] * 5 + [0, 0], [25.0] * 5 + [0, 0]
    _, cap = capacity(cfg, agents(), None, busy + quiet, [10.0] * 5 + [0, 0] + [10.0] * 5 + [0, 0], weeks=2)
    weekly = week_table(cap)
    voice = weekly[weekly["group"] == "voice"].set_index("week")
    assert voice.loc[START + dt.timedelta(weeks=1), "allowance_h"] > voice.loc[START, "allowance_h"]
    daily = day_table(cap)
    for _, row in daily.iterrows():  # allowance = available − required × (1 + margin), floored at 0
        assert row["allowance_h"] == pytest.approx(max(0.0, row["available_h"] - row["required_h"] * 1.1), abs=0.02)
    # every required hour of the site is carried by exactly one group
    assert daily["required_h"].sum() == pytest.approx(5 * 50 + 5 * 25 + 10 * 10, abs=0.2)  # table rounds to 0.01 h


def test_planned_leave_takes_hours_off_the_group_on_its_days():
    cfg = config()
    before = capacity(cfg, agents(), None, [50.0] * 5 + [0, 0], [10.0] * 5 + [0, 0], weeks=1)[1]
    lv = leave([("v1", START, START + dt.timedelta(days=1), "annual", "approved")])
    after = capacity(cfg, agents(), lv, [50.0] * 5 + [0, 0], [10.0] * 5 + [0, 0], weeks=1)[1]
    g = after.groups.index("voice")
    assert after.leave_h[g].sum() == pytest.approx(16.0)
    assert after.leave_h[g, :2].sum() == pytest.approx(16.0)  # on the leave days only
    assert after.pool_h[g].sum() == pytest.approx(before.pool_h[g].sum())


def test_group_with_no_requirement_gets_its_whole_time_and_a_note():
    cfg = config()
    _, cap = capacity(cfg, agents(), None, [50.0] * 5 + [0, 0], [0.0] * 7, weeks=1)
    weekly = week_table(cap).set_index("group")
    assert weekly.loc["chat", "required_h"] == 0
    assert weekly.loc["chat", "allowance_h"] == pytest.approx(weekly.loc["chat", "available_h"])
    assert "no requirement" in weekly.loc["chat", "note"]


def test_headcount_change_adds_to_the_pool_from_its_week():
    cfg = config(headcount_changes=[{"week": START + dt.timedelta(weeks=1), "group": "voice", "contract": "full_time",
                                     "agents": 2}])
    _, cap = capacity(cfg, agents(), None, [20.0] * 14, [5.0] * 14, weeks=2)
    weekly = week_table(cap)
    voice = weekly[weekly["group"] == "voice"]["pool_h"].to_numpy()
    assert voice[1] - voice[0] == pytest.approx(80.0)


def test_employment_dates_scale_the_pool():
    cfg = config()
    rows = [("v1", "voice", "full_time", "T1", None, START + dt.timedelta(days=1))]  # leaves after Tuesday
    _, cap = capacity(cfg, agents(rows), None, [8.0] * 14, [0.0] * 14, weeks=2)
    assert cap.pool_h[0, :7].sum() == pytest.approx(16.0)
    assert cap.pool_h[0, 7:].sum() == 0


def test_required_hours_use_the_shrinkage_without_planned_leave():
    cfg = config()  # shrinkage 0.3, of which 0.1 is leave: 1 productive agent-hour → 1 / 0.8 required hours
    req = pd.DataFrame({"interval_start": pd.to_datetime(["2027-03-01 09:00", "2027-03-01 10:00"]),
                        "channel": ["voice", "voice"], "agents_productive": [4, 4], "offered": [10.0, 10.0]})
    out = required_by_day(cfg, req)
    assert out["required_h"].iloc[0] == pytest.approx(8 / 0.8)


def test_basis_says_when_a_year_ahead_rests_on_no_yearly_shape():
    short = basis_text(dt.date(2026, 9, 1), dt.date(2026, 11, 22), dt.date(2026, 11, 23), 52)
    assert "no yearly shape" in short and "11 weeks" in short
    long = basis_text(dt.date(2024, 11, 25), dt.date(2026, 11, 22), dt.date(2026, 11, 23), 52)
    assert "yearly shape of 104 weeks" in long


def test_horizon_refuses_more_than_53_weeks_and_a_start_inside_the_history():
    history = pd.DataFrame({"interval_start": pd.to_datetime(["2027-01-04 09:00"]), "channel": ["voice"], "offered": [3]})
    with pytest.raises(RequestError, match="1 to 53 weeks"):
        plan_horizon(config(), history, 54)
    with pytest.raises(RequestError, match="inside the history"):
        plan_horizon(config(), history, 4, start=dt.date(2027, 1, 4))


def test_day_columns_and_heads():
    cfg = config()
    _, cap = capacity(cfg, agents(), None, [30.0] * 5 + [0, 0], [5.0] * 5 + [0, 0], weeks=1)
    daily = day_table(cap)
    assert list(daily.columns)[:9] == ["group", "date", "week", "pool_h", "required_h", "available_h", "planned_leave_h",
                                       "margin_h", "allowance_h"]
    assert {"allowance_heads", "auto_approve_h"} <= set(daily.columns)
    voice = daily[daily["group"] == "voice"]
    assert (voice["allowance_heads"] == np.floor(voice["allowance_h"] / cap.day_h["voice"] + 1e-9)).all()
    assert (daily["week"] == START).all()


@pytest.mark.parametrize(("key", "value", "words"), [
    ("entitlements", [{"contract": "nope", "days_per_year": 5}], "unknown contract 'nope'"),
    ("entitlements", [{"contract": "full_time"}], "exactly one of days_per_year or hours_per_year"),
    ("year_start", "13-40", "not a month and day"),
    ("headcount_changes", [{"week": "2027-03-01", "group": "fax", "contract": "full_time", "agents": 1}],
     "unknown channel(s) ['fax']"),
    ("threshold", 1.5, "less than or equal to 1"),
])
def test_bad_leave_settings_are_named(key, value, words):
    from planner.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        config(**{key: value})
    assert words in str(info.value) and "leave" in str(info.value)
