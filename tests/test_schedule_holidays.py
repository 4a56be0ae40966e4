"""Public holidays the site closes on lower the contract's weekly minimum by a contract day each, as a leave day does.

The tiny site opens every day; in England 2026-12-25 (Friday) and 2026-12-26 (Saturday) are public holidays. A
48 h, 6-day contract of 8 h shifts fits a normal week exactly but only 40 h fit Christmas week: pro-rated, it owes
48 - 2 × 48 / 6 = 32 h.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config

from planner.config.schema import HolidaySettings
from planner.scheduling import check_roster, solve_roster
from planner.scheduling.explain import agent_conflict, describe
from planner.scheduling.instance import build_instance
from planner.scheduling.rules import weekly_minimum_min

CHRISTMAS_WEEK = dt.date(2026, 12, 21)
CLOSED = {dt.date(2026, 12, 25), dt.date(2026, 12, 26)}


def _config(hours="closed", holidays=True, **kw):
    cfg = tiny_config(hmin=48, hmax=48, days=6, **kw)
    if not holidays:
        return cfg
    site = cfg.site.model_copy(update={"holidays": HolidaySettings(country="GB", subdivision="ENG", hours=hours)})
    return cfg.model_copy(update={"site": site})


def _requirements(cfg, week: dt.date) -> pd.DataFrame:
    """No demand, one row per open hour of the week (closed days have none)."""
    rows = []
    for d in range(7):
        date = week + dt.timedelta(days=d)
        hours = cfg.hours_on(date)
        for minute in range(hours.open_min, hours.close_min, 60) if hours else ():
            for ch in cfg.channel_names:
                rows.append((pd.Timestamp(date) + pd.Timedelta(minutes=minute), ch, 0.0, cfg.channel(ch).aht_s, 0, 0))
    return pd.DataFrame(rows, columns=["interval_start", "channel", "offered", "aht_s", "agents_productive", "agents_required"])


def _agents():
    return agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std"}])


def _leave(*days: dt.date) -> pd.DataFrame:
    if not days:
        return no_leave()
    return pd.DataFrame({"agent_id": ["A1"] * len(days), "start_date": list(days), "end_date": list(days),
                         "kind": ["annual"] * len(days), "status": ["approved"] * len(days)})


def _solve(cfg, week, leave=None):
    leave = no_leave() if leave is None else leave
    req = _requirements(cfg, week)
    result = solve_roster(cfg, req, _agents(), leave, week, time_limit_s=5)
    return result, req


def test_closed_for_holiday_counts_only_days_the_site_would_open():
    cfg = _config()
    assert {d for d in (CHRISTMAS_WEEK + dt.timedelta(days=i) for i in range(7)) if cfg.closed_for_holiday(d)} == CLOSED
    assert not _config(hours={"open": "10:00", "close": "14:00"}).closed_for_holiday(dt.date(2026, 12, 25))
    assert not _config(holidays=False).closed_for_holiday(dt.date(2026, 12, 25))
    weekdays_only = _config()
    hours = {**weekdays_only.site.opening_hours, "saturday": "closed"}
    weekdays_only = weekdays_only.model_copy(update={"site": weekdays_only.site.model_copy(update={"opening_hours": hours})})
    assert not weekdays_only.closed_for_holiday(dt.date(2026, 12, 26))  # a Saturday the site never opens
    assert weekdays_only.closed_for_holiday(dt.date(2026, 12, 25))


def test_holiday_week_rosters_the_pro_rated_minimum_and_the_checker_agrees():
    cfg = _config()
    result, req = _solve(cfg, CHRISTMAS_WEEK)
    assert result.roster["paid_hours"].sum() == 32  # 48 h less two contract days of 8 h; 40 h would fit
    assert not set(pd.to_datetime(result.roster["date"]).dt.date) & CLOSED
    assert check_roster(result, cfg, _agents(), no_leave(), req) == []


def test_checker_still_holds_the_pro_rated_minimum():
    cfg = _config()
    result, req = _solve(cfg, CHRISTMAS_WEEK)
    short = {"roster": result.roster.iloc[1:], "roster_slots": result.roster_slots.iloc[0:0]}
    found = check_roster(short, cfg, _agents(), no_leave(), req)
    assert any("24 paid h in the week of 2026-12-21 (minimum 32 after 2 holiday closure(s))" in p for p in found), found
    # read without the holiday rule the same site is open on both days, and 32 h fall short of the full 48
    assert any("(minimum 48)" in p for p in check_roster(result, _config(holidays=False), _agents(), no_leave(), req))


def test_normal_week_keeps_the_full_minimum():
    cfg = _config()
    result, req = _solve(cfg, WEEK)
    assert result.roster["paid_hours"].sum() == 48
    assert check_roster(result, cfg, _agents(), no_leave(), req) == []
    inst = build_instance(cfg, req, _agents(), no_leave(), WEEK)
    assert inst.holiday_closed == frozenset()
    assert weekly_minimum_min(inst, inst.agents[0], inst.weeks[0]) == 48 * 60


@pytest.mark.parametrize(("leave_days", "minimum_h"), [((), 32), ((dt.date(2026, 12, 25),), 32),
                                                       ((dt.date(2026, 12, 21),), 24)])
def test_a_leave_day_on_a_closed_holiday_counts_once(leave_days, minimum_h):
    cfg = _config()
    leave = _leave(*leave_days)
    req = _requirements(cfg, CHRISTMAS_WEEK)
    inst = build_instance(cfg, req, _agents(), leave, CHRISTMAS_WEEK)
    assert weekly_minimum_min(inst, inst.agents[0], inst.weeks[0]) == minimum_h * 60
    result = solve_roster(cfg, req, _agents(), leave, CHRISTMAS_WEEK, time_limit_s=5)
    assert result.roster["paid_hours"].sum() == minimum_h
    assert check_roster(result, cfg, _agents(), leave, req) == []


def test_explanation_names_the_holidays_and_the_lowered_minimum():
    # an 18:00–22:00 availability leaves no 8 h shift: the lowered minimum still cannot hold, and the error says why
    cfg = _config()
    agents = agents_table([{"agent_id": "A1", "skills": ["voice"], "contract": "std", "available_from": "18:00",
                            "available_to": "22:00"}])
    inst = build_instance(cfg, _requirements(cfg, CHRISTMAS_WEEK), agents, no_leave(), CHRISTMAS_WEEK)
    rules = agent_conflict(inst, inst.agents[0])
    assert rules == ["weekly_hours_min"]
    text = describe(inst, inst.agents[0], rules)
    assert "site closed for public holiday on 2026-12-25, 2026-12-26" in text
    assert "the minimum is 32 h after 2 leave or holiday day(s)" in text
