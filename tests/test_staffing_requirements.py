"""requirements(), project() and late_contacts_curve() on the demo config; deferred channels; opening hours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.config import load_config
from planner.config.schema import AsaTarget
from planner.errors import DataError
from planner.staffing import (
    channel_models,
    deferred,
    erlang_a,
    erlang_c,
    late_contacts_curve,
    open_slots,
    project,
    requirements,
    scheduled_agents,
)
from planner.staffing.requirements import daily_summary

DESIGN_COLUMNS = ["interval_start", "channel", "offered", "aht_s", "workload_erlangs", "agents_productive",
                  "agents_required", "service_level", "asa_s", "occupancy"]
WEEK = pd.date_range("2026-11-23", periods=96 * 7, freq="15min")


@pytest.fixture(scope="module")
def cfg(demo_config_path):
    return load_config(demo_config_path)


def _forecast(scale: dict[str, float], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hour = WEEK.hour + WEEK.minute / 60
    curve = np.exp(-(((hour - 13) / 4) ** 2))
    parts = [pd.DataFrame({"interval_start": WEEK, "channel": ch, "offered": rng.poisson(base * curve + 0.5).astype(float),
                           "aht_s": np.nan}) for ch, base in scale.items()]
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def forecast():
    return _forecast({"voice": 40, "chat": 25, "email": 15, "social": 6})


@pytest.fixture(scope="module")
def req(forecast, cfg):
    return requirements(forecast, cfg)


def test_columns_sorting_and_no_missing_agents(req, forecast, cfg):
    assert list(req.columns[: len(DESIGN_COLUMNS)]) == DESIGN_COLUMNS
    assert len(req) == len(forecast)
    assert req["agents_productive"].dtype.kind == "i" and req["agents_required"].dtype.kind == "i"
    order = {n: i for i, n in enumerate(cfg.channel_names)}
    keys = list(zip(req["interval_start"], req["channel"].map(order), strict=True))
    assert keys == sorted(keys)


def test_immediate_channels_closed_slots_zero_open_slots_meet_target(req, cfg):
    voice = req[req["channel"] == "voice"]
    is_open = open_slots(cfg, "voice", voice["interval_start"])
    assert (voice.loc[~is_open, "agents_productive"] == 0).all()
    assert voice.loc[~is_open, "service_level"].isna().all()
    opened = voice[is_open]
    assert (opened["agents_productive"] >= cfg.channel("voice").min_agents).all()
    # the staffing rule is per slot, steady state (Erlang C); the service_level reported carries the queue through
    # the day (channel_models.day_measures), so a slot after a spike in this noisy forecast may fall below it
    steady = erlang_c.service_level(opened["agents_productive"], opened["offered"], opened["aht_s"], 900, 20)
    assert (steady >= 0.8 - 1e-12).all()
    day = channel_models.day_measures(cfg.channel("voice"), voice["agents_productive"], voice["offered"],
                                      voice["aht_s"], 900, voice["interval_start"], is_open)
    np.testing.assert_allclose(opened["service_level"], day["service_level"][is_open])
    assert (opened["occupancy"] <= cfg.channel("voice").max_occupancy + 1e-12).all()
    # and one agent fewer fails (unless min_agents holds the count up)
    above_min = opened[opened["agents_productive"] > cfg.channel("voice").min_agents]
    n = above_min["agents_productive"].to_numpy() - 1
    sl = erlang_c.service_level(n, above_min["offered"], above_min["aht_s"], 900, 20)
    occ = erlang_c.occupancy(n, above_min["offered"], above_min["aht_s"], 900)
    assert np.all((sl < 0.8) | (occ > 0.88))


def test_shrinkage_applied_exactly_net_of_planned_leave(req, forecast, cfg):
    # the demo counts 10 points of each channel's shrinkage as planned leave, which the roster blocks by name
    assert cfg.leave.leave_in_shrinkage == pytest.approx(0.10)
    for name in cfg.channel_names:
        rows = req[req["channel"] == name]
        expected = scheduled_agents(rows["agents_productive"], cfg.channel(name).shrinkage - 0.10)
        np.testing.assert_array_equal(rows["agents_required"], expected)
    # without a planned-leave share the whole shrinkage is covered by the roster
    whole = cfg.model_copy(update={"leave": cfg.leave.model_copy(update={"leave_in_shrinkage": 0.0})})
    full = requirements(forecast, whole)
    for name in cfg.channel_names:
        rows = full[full["channel"] == name]
        expected = scheduled_agents(rows["agents_productive"], cfg.channel(name).shrinkage)
        np.testing.assert_array_equal(rows["agents_required"], expected)
    assert full["agents_required"].sum() > req["agents_required"].sum()


def test_chat_concurrency_seats(req, cfg):
    chat = req[(req["channel"] == "chat") & (req["agents_productive"] > cfg.channel("chat").min_agents)]
    k = cfg.channel("chat").concurrency
    seats = erlang_c.agents(chat["offered"], chat["aht_s"], 900, 0.8, 30, 0.85)
    np.testing.assert_array_equal(chat["agents_productive"], -(-seats // k))
    np.testing.assert_allclose(chat["occupancy"], chat["workload_erlangs"] / (k * chat["agents_productive"]))


def test_patience_switches_to_erlang_a_with_fewer_agents(forecast, cfg):
    voice = cfg.channel("voice")
    patient = cfg.model_copy(update={"channels": [voice.model_copy(update={"patience_s": 240.0})]})
    a = requirements(forecast[forecast["channel"] == "voice"], patient)
    c = requirements(forecast[forecast["channel"] == "voice"], cfg.model_copy(update={"channels": [voice]}))
    assert (a["agents_productive"] <= c["agents_productive"]).all()
    assert a["agents_productive"].sum() < c["agents_productive"].sum()
    opened = a[a["agents_productive"] > 0]
    assert opened["abandon_rate"].notna().all() and c["abandon_rate"].isna().all()
    res = erlang_a.agents(opened["offered"], opened["aht_s"], 900, 0.8, 20, 240.0, 0.88)
    np.testing.assert_array_equal(opened["agents_productive"], np.maximum(res.agents, voice.min_agents))


def test_asa_target_channel(forecast, cfg):
    voice = cfg.channel("voice").model_copy(update={"target": AsaTarget(asa_s=15.0), "min_agents": 0})
    r = requirements(forecast[forecast["channel"] == "voice"], cfg.model_copy(update={"channels": [voice]}))
    opened = r[(r["offered"] > 0) & (r["agents_productive"] > 0)]
    assert len(opened) > 100
    # the rule is per slot, steady state; asa_s reports the queue carried through the day (day_measures)
    assert (erlang_c.asa(opened["agents_productive"], opened["offered"], opened["aht_s"], 900) <= 15.0 + 1e-9).all()
    n = opened["agents_productive"].to_numpy() - 1
    assert np.all((erlang_c.asa(n, opened["offered"], opened["aht_s"], 900) > 15.0) | (n <= 0)
                  | (erlang_c.occupancy(n, opened["offered"], opened["aht_s"], 900) > voice.max_occupancy))


def test_unknown_channel_is_a_data_error(cfg):
    bad = pd.DataFrame({"interval_start": WEEK[:2], "channel": ["fax", "fax"], "offered": [1.0, 2.0], "aht_s": [np.nan] * 2})
    with pytest.raises(DataError, match="fax"):
        requirements(bad, cfg)


def test_zero_forecast_needs_only_min_agents(cfg):
    zero = _forecast({"voice": 0, "email": 0}).assign(offered=0.0)
    r = requirements(zero, cfg)
    voice = r[r["channel"] == "voice"]
    is_open = open_slots(cfg, "voice", voice["interval_start"])
    assert (voice.loc[is_open, "agents_productive"] == cfg.channel("voice").min_agents).all()
    assert (r.loc[r["channel"] == "email", "agents_productive"] == 0).all()


def test_open_slots_after_midnight_and_holiday(cfg):
    late = cfg.model_copy(update={"site": cfg.site.model_copy(update={"opening_hours": {
        **cfg.site.opening_hours, "friday": cfg.site.opening_hours["friday"].model_copy(update={"close": "02:00"})}})})
    starts = pd.to_datetime(["2026-11-27 21:45", "2026-11-28 01:45", "2026-11-28 02:00", "2026-11-28 08:45",
                             "2026-11-28 09:00", "2026-12-25 12:00"])
    # chat follows the site hours; 2026-12-25 is a GB holiday (closed)
    np.testing.assert_array_equal(open_slots(late, "chat", starts), [True, True, False, False, True, False])


def test_deferred_email_meets_target_near_workload_bound(req, forecast, cfg):
    email = req[req["channel"] == "email"]
    ch = cfg.channel("email")
    is_open = open_slots(cfg, "email", email["interval_start"])
    assert (email.loc[~is_open, "agents_productive"] == 0).all()
    outcome = deferred.serve(email["agents_productive"], email["offered"], email["aht_s"], 900, 86400, ch.max_occupancy)
    assert outcome.within_target_share >= ch.target.service_level
    assert outcome.within_target_share == 1.0  # 24 h is always reachable with daily opening
    # staffed agent-slots: at least the handled work / max occupancy, and within 10% of the whole week's workload bound
    bound = (email["offered"] * email["aht_s"]).sum() / (900 * ch.max_occupancy)
    handled_bound = (outcome.handled * email["aht_s"]).sum() / (900 * ch.max_occupancy)
    staffed = email["agents_productive"].sum()
    assert handled_bound <= staffed <= 1.1 * bound + is_open.sum() * 0.02
    # the backlog is carried across the night: waiting at closing time, served after opening
    closing = email[~is_open & email["interval_start"].dt.hour.eq(23)]
    assert (closing["backlog"] > 0).any()


def test_deferred_fifo_and_closed_hours_small_example():
    # 4 slots/hour, open only in slots 4..7; 10 contacts of 900 s arrive in slot 0; target 2 h (8 slots)
    offered = np.zeros(12)
    offered[0] = 10
    is_open = np.zeros(12, dtype=bool)
    is_open[4:8] = True
    agents = deferred.plan(offered, 900.0, 900, is_open, 7200, 1.0)
    assert agents[~is_open].sum() == 0
    assert agents.sum() == 10  # exactly the workload: 10 agent-slots
    out = deferred.serve(agents, offered, 900.0, 900, 7200, 1.0)
    assert out.handled.sum() == pytest.approx(10) and out.within_target_share == 1.0
    assert out.backlog[3] == pytest.approx(10)  # waiting while closed
    # fewer agents → some contacts miss the 2 h, FIFO: the served ones are the earliest
    short = deferred.serve(np.where(is_open, 1, 0), offered, 900.0, 900, 7200, 1.0)
    assert short.within_target[0] == pytest.approx(4)
    assert short.unanswered[0] == pytest.approx(6) and short.late[0] == pytest.approx(6)  # their 2 h ran out
    assert short.within_target_share == pytest.approx(0.4)


def test_deferred_night_backlog_is_cleared_within_h_of_opening_without_a_spike():
    # social 1 h target, closed for 8 h: the night's contacts are due within H of opening, spread over that hour
    offered = np.full(48, 2.0)
    is_open = np.arange(48) >= 32
    agents = deferred.plan(offered, 240.0, 900, is_open, 3600, 0.9)
    out = deferred.serve(agents, offered, 240.0, 900, 3600, 0.9)
    # by the end of the first open hour only that hour's own recent arrivals still wait
    assert out.backlog[35] <= offered[33:36].sum() + 1e-9
    # the night backlog is levelled over the first hour, not crammed into the first slot
    assert agents[32] <= int(np.ceil(agents[32:36].mean())) + 1
    # arrivals more than H before opening are late by the wall clock whatever we do; every daytime arrival is on time
    assert out.late[:29].sum() == pytest.approx(offered[:29].sum())
    assert out.within_target[32:44].sum() == pytest.approx(offered[32:44].sum())


def test_project_round_trip(req, forecast, cfg):
    p = project(req[["interval_start", "channel", "agents_productive"]], forecast, cfg)
    merged = p.merge(req, on=["interval_start", "channel"], suffixes=("", "_req"))
    imm = merged[merged["channel"].isin(["voice", "chat"]) & (merged["agents_productive"] > 0)]
    np.testing.assert_allclose(imm["service_level"], imm["service_level_req"])
    np.testing.assert_allclose(imm["late_contacts"], imm["offered"] * (1 - imm["service_level"]))
    dfr = merged[merged["channel"].isin(["email", "social"])]
    np.testing.assert_allclose(dfr["backlog"], dfr["backlog_req"])
    # scheduled heads: shrinkage taken off exactly, back to the productive counts
    sched = project(req[["interval_start", "channel", "agents_required"]].rename(columns={"agents_required": "scheduled"}),
                    forecast, cfg, agents_are="scheduled")
    np.testing.assert_array_equal(sched["agents_productive"] >= p["agents_productive"], True)
    # an array aligned with the forecast rows works too
    arr = project(np.zeros(len(forecast)), forecast, cfg)
    assert (arr.loc[(arr["channel"] == "voice") & (arr["offered"] > 0), "service_level"] == 0).all()


def test_late_contacts_curve_immediate(cfg, forecast):
    voice = forecast[forecast["channel"] == "voice"].iloc[40:60]
    curve = late_contacts_curve(voice["offered"].to_numpy(), 300.0, 900, cfg.channel("voice"), 30)
    assert curve.shape == (20, 31)
    np.testing.assert_allclose(curve[:, 0], voice["offered"])  # no agents: every contact late
    assert np.all(np.diff(curve, axis=1) <= 1e-9)
    n = np.arange(31)
    expected = voice["offered"].to_numpy()[:, None] * (1 - erlang_c.service_level(n, voice["offered"].to_numpy()[:, None],
                                                                                   300.0, 900, 20))
    np.testing.assert_allclose(curve, expected)
    chat = late_contacts_curve(np.array([30.0]), 600.0, 900, cfg.channel("chat"), 10)
    np.testing.assert_allclose(chat[0, 5], 30 * (1 - erlang_c.service_level(10, 30, 600, 900, 30)))


def test_late_contacts_curve_deferred(cfg, forecast):
    email = forecast[forecast["channel"] == "email"]
    mask = open_slots(cfg, "email", email["interval_start"])
    curve = late_contacts_curve(email["offered"].to_numpy(), 420.0, 900, cfg.channel("email"), 40, open_mask=mask)
    planned = deferred.plan(email["offered"], 420.0, 900, mask, 86400, 0.95)
    assert curve.shape == (len(email), 41)
    assert np.allclose(curve[np.arange(len(email)), planned], 0)
    assert (curve[~mask] == 0).all() and np.all(np.diff(curve, axis=1) <= 1e-9)


def test_daily_summary(req, cfg):
    days = daily_summary(req, 900, 37.5)
    assert len(days) == 4 * 7
    voice_mon = req[(req["channel"] == "voice") & (req["interval_start"].dt.date == WEEK[0].date())]
    row = days[(days["channel"] == "voice")].iloc[0]
    assert row["agent_hours"] == pytest.approx(voice_mon["agents_required"].sum() / 4)
    assert row["fte"] == pytest.approx(row["agent_hours"] / 7.5)
    assert row["peak_required"] == voice_mon["agents_required"].max()


def test_deferred_shares(req, cfg):
    from planner.staffing.requirements import deferred_shares

    shares = deferred_shares(req, cfg).set_index("channel")
    assert list(shares.index) == ["email", "social"]
    # email (24 h): every contact in time as planned, nearly every one with random arrivals and handle times
    assert shares.loc["email", "within_target_share_fluid"] == pytest.approx(1.0)
    assert 0.98 < shares.loc["email", "within_target_share"] < 1.0
    # social (1 h) while the site is closed 22:00–08:00: the night's contacts are late whatever the staffing
    assert shares.loc["social", "within_target_share"] < shares.loc["social", "target"]


def test_late_contacts_curves_per_channel(forecast, cfg, req):
    from planner.staffing import late_contacts_curves

    curves = late_contacts_curves(forecast, cfg, 60)
    assert set(curves) == set(cfg.channel_names)
    for name, (starts, curve) in curves.items():
        rows = req[req["channel"] == name]
        np.testing.assert_array_equal(starts, rows["interval_start"].to_numpy())
        assert curve.shape == (len(rows), 61)
        if cfg.channel(name).kind == "immediate":
            # the late contacts at the required agents are what the slot's steady state expects (the roster's
            # objective is per slot; the table's service_level carries the queue through the day)
            got = curve[np.arange(len(rows)), rows["agents_productive"].to_numpy()]
            steady = channel_models.immediate_measures(cfg.channel(name), rows["agents_productive"], rows["offered"],
                                                       rows["aht_s"], 900)["service_level"]
            expected = rows["offered"].to_numpy() * (1 - steady)
            opened = rows["agents_productive"].to_numpy() > 0
            np.testing.assert_allclose(got[opened], expected[opened], atol=1e-9)
        else:
            assert np.allclose(curve[np.arange(len(rows)), rows["agents_productive"].to_numpy()], 0)


def test_measures_between_gives_the_same_figures_in_the_span_and_nan_outside(req, forecast, cfg):
    lo, hi = pd.Timestamp("2026-11-25 13:00"), pd.Timestamp("2026-11-27")
    part = requirements(forecast, cfg, measures_between=(lo, hi))
    inside = ((req["interval_start"] >= lo) & (req["interval_start"] < hi)).to_numpy()
    immediate = req["channel"].isin(["voice", "chat"]).to_numpy()
    pd.testing.assert_frame_equal(part[inside], req[inside])  # bit for bit
    for column in ("service_level", "asa_s", "occupancy", "abandon_rate"):
        assert part.loc[~inside & immediate, column].isna().all()
    assert part.loc[~inside & ~immediate, "service_level"].isna().all()  # deferred: the backlog figures stay
    others = [c for c in req.columns if c != "service_level"]
    pd.testing.assert_frame_equal(part.loc[~immediate, others], req.loc[~immediate, others])
    for column in ("offered", "aht_s", "workload_erlangs", "agents_productive", "agents_required", "backlog"):
        pd.testing.assert_series_equal(part[column], req[column])


def test_without_measures_the_agents_are_the_same_and_the_immediate_service_figures_nan(req, forecast, cfg):
    bare = requirements(forecast, cfg, measures=False)
    immediate = req["channel"].isin(["voice", "chat"]).to_numpy()
    others = [c for c in req.columns if c != "service_level"]
    pd.testing.assert_frame_equal(bare.loc[~immediate, others], req.loc[~immediate, others])  # deferred: the backlog plan
    assert bare.loc[~immediate, "service_level"].isna().all()
    for column in ("service_level", "asa_s", "occupancy", "abandon_rate"):
        assert bare.loc[immediate, column].isna().all()
    for column in ("offered", "aht_s", "workload_erlangs", "agents_productive", "agents_required"):
        pd.testing.assert_series_equal(bare[column], req[column])
