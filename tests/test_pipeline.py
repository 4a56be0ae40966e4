"""The weekly chain on DataFrames: week bounds, deferred warm-up, a solved week that passes the independent check."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planner.config import load_config
from planner.errors import RequestError
from planner.io.tables import validate_agents, validate_history, validate_leave
from planner.pipeline import history_end, next_monday, plan_week, week_requirements
from planner.scheduling import check_roster
from planner.staffing import requirements

WEEK = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def cfg(demo_config_path):
    return load_config(demo_config_path)


@pytest.fixture(scope="module")
def site(cfg, sample_site):
    raw = sample_site(20)
    agents = validate_agents(raw.agents, "agents.csv", cfg)
    return {
        "history": validate_history(raw.history, "history.csv", cfg),
        "agents": agents,
        "leave": validate_leave(raw.leave, "leave.csv", cfg, agents=agents),
    }


def test_next_monday_and_history_end(site):
    assert history_end(site["history"]) == dt.date(2026, 11, 22)
    assert next_monday(dt.date(2026, 11, 22)) == WEEK
    assert next_monday(WEEK) == WEEK + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("week", "message"),
    [
        (dt.date(2026, 11, 24), "must start on a Monday"),
        (dt.date(2026, 11, 16), "inside the history"),
        (dt.date(2027, 3, 1), "more than 8 weeks after the history ends"),
    ],
)
def test_bad_weeks_are_refused(cfg, site, week, message):
    with pytest.raises(RequestError, match=message):
        week_requirements(cfg, site["history"], week)


def test_week_tables_cover_exactly_the_week(cfg, site):
    forecast, req = week_requirements(cfg, site["history"], WEEK)
    for table in (forecast, req):
        assert table["interval_start"].min() >= pd.Timestamp(WEEK)
        assert table["interval_start"].max() < pd.Timestamp(WEEK + dt.timedelta(days=7))
        assert set(table["channel"]) == set(cfg.channel_names)
    # Black Friday (27 Nov) lifts chat in the forecast: more chat contacts than on the Thursday before
    chat = forecast[forecast["channel"] == "chat"].groupby(forecast["interval_start"].dt.date)["offered"].sum()
    assert chat[dt.date(2026, 11, 27)] > chat[dt.date(2026, 11, 26)]


def test_deferred_monday_inherits_the_weekend_backlog(cfg, site):
    forecast, req = week_requirements(cfg, site["history"], WEEK)
    # the same forecast staffed alone, starting with an empty backlog on Monday 00:00
    cold = requirements(forecast[["interval_start", "channel", "offered", "aht_s"]], cfg)
    monday_morning = (req["interval_start"] >= pd.Timestamp("2026-11-23 08:00")) & (
        req["interval_start"] < pd.Timestamp("2026-11-23 12:00"))
    warm_email = req[monday_morning & (req["channel"] == "email")]["agents_productive"].sum()
    cold_email = cold[monday_morning & (cold["channel"] == "email")]["agents_productive"].sum()
    assert warm_email > cold_email


@pytest.mark.slow
def test_plan_week_passes_the_independent_check(cfg, site):
    agents = site["agents"].head(40)
    leave = site["leave"][site["leave"]["agent_id"].isin(agents["agent_id"])]
    plan = plan_week(cfg, site["history"], agents, leave, WEEK, time_limit_s=10)
    assert plan.roster.status in {"OPTIMAL", "FEASIBLE"}
    assert set(plan.roster.roster["agent_id"]) <= set(agents["agent_id"])
    assert check_roster(plan.roster, cfg, agents, leave, plan.requirements) == []
    assert "service_level_projected" in plan.coverage.columns
    assert plan.bound is not None and plan.bound.total >= 0


def test_holdout_forecast_covers_the_last_weeks_of_history(cfg, site):
    from planner.pipeline import holdout_forecast

    backcast = holdout_forecast(cfg, site["history"], weeks=4)
    assert backcast["interval_start"].min() == pd.Timestamp("2026-10-26")
    assert backcast["interval_start"].max() < pd.Timestamp("2026-11-23")
    actual = site["history"][site["history"]["interval_start"] >= pd.Timestamp("2026-10-26")]
    ratio = backcast.groupby("channel")["offered"].sum() / actual.groupby("channel")["offered"].sum()
    assert ratio.between(0.8, 1.2).all()  # a forecast of the same weeks, not a copy of them
