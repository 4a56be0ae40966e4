"""The forecasting library on small synthetic histories: contracts over every model, seasonality, holidays, events, intervals."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forecasts
from forecasts import EventSpec, ForecastError, ForecastSpec, synthetic

END = dt.date(2026, 11, 22)  # a Sunday
START = dt.date(2026, 11, 23)


def small_site(weeks: int = 10, slot_minutes: int = 30, **changes) -> synthetic.SyntheticSite:
    """Two channels, Mon–Sat opening, no holidays or outages: a fast history with a known shape."""
    hours = {g: (8 * 60, 18 * 60) for g in range(5)} | {5: (9 * 60, 13 * 60), 6: None}
    site = synthetic.SyntheticSite(
        channels=(
            synthetic.SyntheticChannel("voice", 1500.0, hours, 300.0, day_noise=0.03),
            synthetic.SyntheticChannel("chat", 500.0, hours, 600.0, day_noise=0.03),
        ),
        weeks=weeks,
        slot_minutes=slot_minutes,
        trend_per_year=0.0,
        yearly_amplitude=0.0,
        outage_days=0,
    )
    return dataclasses.replace(site, **changes)


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return synthetic.generate(small_site(), seed=1)


@pytest.mark.parametrize("model", ["seasonal", "mean4", "naive", "mstl", "auto"])
def test_contract_every_model(history, model):
    fc = forecasts.forecast(history, START, 1, model=model)
    assert list(fc.columns) == forecasts.COLUMNS
    assert len(fc) == 2 * 7 * 48
    assert fc["interval_start"].min() == pd.Timestamp(START) and fc["interval_start"].max() == pd.Timestamp("2026-11-29 23:30")
    assert not fc.isna().any().any()
    assert (fc["offered"] >= 0).all()
    assert (fc["offered_lo"] <= fc["offered"] + 1e-9).all() and (fc["offered"] <= fc["offered_hi"] + 1e-9).all()
    assert fc.equals(fc.sort_values(["interval_start", "channel"]).reset_index(drop=True))
    assert set(fc.attrs["models"]) == {"voice", "chat"}


@pytest.mark.parametrize("model", ["seasonal", "mean4", "naive", "mstl"])
def test_start_after_a_gap(history, model):
    later = START + dt.timedelta(days=10)  # a Thursday, ten days after the history
    fc = forecasts.forecast(history, later, 1, model=model)
    assert fc["interval_start"].min() == pd.Timestamp(later) and len(fc) == 2 * 7 * 48
    daily = fc.groupby(fc["interval_start"].dt.weekday)["offered"].sum()
    assert daily[6] == 0 and daily[0] > daily[5] > 0  # Sunday closed, Saturday short, Monday busiest


@pytest.mark.parametrize("model", ["seasonal", "mean4", "naive"])
def test_deterministic(history, model):
    a = forecasts.forecast(history, START, 1, model=model)
    b = forecasts.forecast(history, START, 1, model=model)
    pd.testing.assert_frame_equal(a, b)


def test_zero_in_closed_slots(history):
    fc = forecasts.forecast(history, START, 1)
    t = fc["interval_start"]
    minutes = t.dt.hour * 60 + t.dt.minute
    weekday = t.dt.weekday
    closed = (weekday == 6) | (minutes < 8 * 60) | ((weekday < 5) & (minutes >= 18 * 60))
    closed |= (weekday == 5) & ((minutes < 9 * 60) | (minutes >= 13 * 60))
    assert (fc.loc[closed, ["offered", "offered_lo", "offered_hi"]] == 0).all().all()
    assert (fc.loc[~closed, "offered"] > 0).all()


def test_known_seasonality_recovered():
    site = small_site(weeks=12, channels=(small_site().channels[0],))
    hist = synthetic.generate(site, seed=2)
    fc = forecasts.forecast(hist, START, 1)
    daily = fc.groupby(fc["interval_start"].dt.weekday)["offered"].sum()
    level = np.asarray(site.channels[0].weekday_level[:6])
    np.testing.assert_allclose(daily[:6] / daily[:6].sum(), level / level.sum(), atol=0.015)
    # intraday: the model's Tuesday shape matches the generator's shape
    tue = fc[fc["interval_start"].dt.weekday == 1].set_index("interval_start")["offered"]
    minute = np.arange(48) * 30 + 15
    shape = synthetic._intraday_shape(minute, 1, (480, 1080)) * ((minute >= 480) & (minute < 1080))
    np.testing.assert_allclose(tue.to_numpy() / tue.sum(), shape / shape.sum(), atol=0.006)


def test_trend_followed():
    site = small_site(weeks=40, trend_per_year=0.5, channels=(small_site().channels[0],))
    hist = synthetic.generate(site, seed=3)
    fc = forecasts.forecast(hist, START, 1)
    last_week = hist[hist["interval_start"] >= pd.Timestamp("2026-11-16")]["offered"].sum()
    expected = last_week * np.exp(0.5 * 7 / 365.25)
    assert fc["offered"].sum() == pytest.approx(expected, rel=0.04)


def test_holiday_forecast_closed_or_low():
    hist = synthetic.generate(small_site(weeks=60, holidays_country="GB"), seed=4)
    christmas = dt.date(2026, 12, 21)
    # with the holiday calendar and no configured hours: past holidays had no contacts, so the model learns them
    fc = forecasts.forecast(hist, christmas, 1, spec=ForecastSpec(holidays_country="GB"))
    day = fc.groupby(fc["interval_start"].dt.date)["offered"].sum()
    assert day[dt.date(2026, 12, 25)] < 0.05 * day[dt.date(2026, 12, 23)]
    # with configured hours that close on holidays: exactly zero
    def hours(d):
        if d in (dt.date(2026, 12, 25), dt.date(2026, 12, 26)) or d.weekday() == 6:
            return None
        return (480, 1080) if d.weekday() < 5 else (540, 780)

    spec = ForecastSpec(open_hours={"voice": hours, "chat": hours}, holidays_country="GB")
    fc = forecasts.forecast(hist, christmas, 1, spec=spec)
    assert fc[fc["interval_start"].dt.date == dt.date(2026, 12, 25)]["offered"].sum() == 0
    assert fc[fc["interval_start"].dt.date == dt.date(2026, 12, 24)]["offered"].sum() > 0


def test_campaign_lifts_only_its_channel_and_dates(history):
    event = EventSpec("launch", dt.date(2026, 11, 25), dt.date(2026, 11, 26), factor=1.5, channels=("chat",))
    base = forecasts.forecast(history, START, 1)
    lifted = forecasts.forecast(history, START, 1, spec=ForecastSpec(events=(event,)))
    ratio = lifted["offered"].to_numpy() / np.where(base["offered"] > 0, base["offered"], 1)
    inside = (lifted["channel"] == "chat") & lifted["interval_start"].dt.date.isin([dt.date(2026, 11, 25), dt.date(2026, 11, 26)])
    open_ = base["offered"] > 0
    np.testing.assert_allclose(ratio[inside & open_], 1.5)
    np.testing.assert_allclose(ratio[~inside & open_], 1.0)


def test_event_ramp_and_decay():
    event = EventSpec("promo", dt.date(2026, 1, 10), dt.date(2026, 1, 14), factor=2.0, ramp_days=2, decay_days=1)
    curve = forecasts.events.event_curve(event, np.datetime64("2026-01-08"), 10)
    np.testing.assert_allclose(curve, [1, 1, 1 + 1 / 3, 1 + 2 / 3, 2, 2, 2, 1.5, 1, 1])


def test_past_campaign_not_forecast_again():
    site = small_site(weeks=12, campaign=("chat", dt.date(2026, 11, 9), dt.date(2026, 11, 22), 2.0))
    hist = synthetic.generate(site, seed=5)
    event = EventSpec("old campaign", dt.date(2026, 11, 9), dt.date(2026, 11, 22), factor=2.0, channels=("chat",))
    clean = synthetic.generate(dataclasses.replace(site, campaign=None), seed=5)
    truth = forecasts.forecast(clean, START, 1)
    for model in ("seasonal", "mean4", "naive"):
        fc = forecasts.forecast(hist, START, 1, model=model, spec=ForecastSpec(events=(event,)))
        chat = fc[fc["channel"] == "chat"]["offered"].sum()
        assert chat == pytest.approx(truth[truth["channel"] == "chat"]["offered"].sum(), rel=0.1), model


def test_robust_to_outage_and_gap():
    site = small_site(weeks=12, channels=(small_site().channels[0],))
    hist = synthetic.generate(site, seed=6)
    clean = forecasts.forecast(hist, START, 1)
    t = hist["interval_start"]
    broken = hist.copy()
    broken.loc[t.dt.date == dt.date(2026, 11, 18), "offered"] = 0  # an outage: zeros all day
    broken = broken[~t.dt.date.isin([dt.date(2026, 11, 10), dt.date(2026, 11, 11)])]  # a gap: no rows
    fc = forecasts.forecast(broken, START, 1)
    assert fc["offered"].sum() == pytest.approx(clean["offered"].sum(), rel=0.03)


def test_interval_coverage_on_poisson_data():
    poisson = [dataclasses.replace(c, day_noise=0.0) for c in small_site().channels]
    hist = synthetic.generate(small_site(weeks=16, slot_minutes=15, channels=tuple(poisson)), seed=8)
    # the same process one week on, drawn afresh: the week the forecast is for
    later = small_site(weeks=3, slot_minutes=15, channels=tuple(poisson), end=END + dt.timedelta(days=21))
    future = synthetic.generate(later, seed=9)
    fc = forecasts.forecast(hist, START, 3)
    truth = future[future["interval_start"] >= pd.Timestamp(START)]
    both = fc.merge(truth, on=["interval_start", "channel"], suffixes=("", "_actual"))
    inside = (both["offered_actual"] >= both["offered_lo"]) & (both["offered_actual"] <= both["offered_hi"])
    assert len(both) == 3 * 432
    assert 0.75 <= inside.mean() <= 0.85


def test_aht_profile_and_fallback(history):
    fc = forecasts.forecast(history, START, 1)
    voice = fc[(fc["channel"] == "voice") & (fc["offered"] > 0)]
    assert voice["aht_s"].between(250, 360).all()
    hour = voice["interval_start"].dt.hour
    assert voice[hour == 15]["aht_s"].mean() > voice[hour == 8]["aht_s"].mean()  # the generator's afternoon hump
    no_aht = history.drop(columns=["aht_s"])
    volume_only = forecasts.forecast(no_aht, START, 1)  # contacts do not need handle times
    assert volume_only["aht_s"].isna().all()
    assert volume_only["offered"].to_numpy() == pytest.approx(forecasts.forecast(history, START, 1)["offered"].to_numpy())
    fc = forecasts.forecast(no_aht, START, 1, spec=ForecastSpec(aht_s={"voice": 280.0, "chat": 500.0}))
    assert set(fc[fc["channel"] == "voice"]["aht_s"]) == {280.0}


@pytest.mark.parametrize("slot", [5, 6])
def test_infers_short_slots_and_weekday_only_hours(slot):
    hist = synthetic.generate(synthetic.bank_like(slot_minutes=slot, weeks=6), seed=1)
    fc = forecasts.forecast(hist, START, 1)
    assert len(fc) == 2 * 7 * (1440 // slot)
    t = fc["interval_start"]
    open_ = fc["offered"] > 0
    assert not open_[t.dt.weekday >= 5].any()
    minutes = t.dt.hour * 60 + t.dt.minute
    assert not open_[(minutes < 7 * 60) | (minutes >= 21 * 60)].any()
    # the busy channel is open in every slot of 07:00–21:00 (the quiet one may miss a near-empty edge slot)
    calls = fc["channel"] == "calls"
    assert open_[calls & (minutes >= 7 * 60) & (minutes < 21 * 60) & (t.dt.weekday < 5)].all()


def test_backtest_table(history):
    calls = []
    scores = forecasts.backtest(history, weeks=3, horizon_weeks=1, models=("seasonal", "naive"),
                                on_progress=lambda d, t: calls.append((d, t)))
    assert list(scores.columns) == forecasts.SCORE_COLUMNS
    assert len(scores) == 4 and (scores["origins"] == 3).all()
    assert scores[["slot_coverage", "daily_coverage"]].apply(lambda c: c.between(0, 1)).all().all()
    assert scores[["wape", "mase"]].notna().all().all() and (scores["wape"] > 0).all()
    assert calls[-1] == (6, 6)


def test_backtest_naive_matches_hand_computation():
    hist = synthetic.generate(small_site(weeks=3, channels=(small_site().channels[0],)), seed=2)
    scores = forecasts.backtest(hist, weeks=1, horizon_weeks=1, models=("naive",))
    t = hist["interval_start"]
    last = hist[t >= pd.Timestamp("2026-11-16")].set_index("interval_start")["offered"]
    prev = hist[(t >= pd.Timestamp("2026-11-09")) & (t < pd.Timestamp("2026-11-16"))].copy()
    prev["interval_start"] += pd.Timedelta(days=7)
    prev = prev.set_index("interval_start")["offered"].reindex(last.index)
    assert scores["wape"].iloc[0] == pytest.approx((prev - last).abs().sum() / last.sum())
    assert scores["bias"].iloc[0] == pytest.approx((prev - last).sum() / last.sum())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": dt.date(2026, 11, 20)}, "inside the history"),
        ({"start": dt.date(2027, 6, 1)}, "weeks after the history ends"),
        ({"model": "prophet"}, "unknown model 'prophet'; choose one of seasonal, mean4, naive, mstl, auto"),
        ({"weeks": 0}, "weeks must be"),
    ],
)
def test_bad_requests(history, kwargs, message):
    args = {"start": START, "weeks": 1, "model": "seasonal"} | kwargs
    with pytest.raises(ForecastError, match=message):
        forecasts.forecast(history, args["start"], args["weeks"], model=args["model"])


def test_history_too_short():
    hist = synthetic.generate(small_site(weeks=2), seed=1)
    with pytest.raises(ForecastError, match="'mean4' needs at least 22 days"):
        forecasts.forecast(hist, START, 1, model="mean4")
    with pytest.raises(ForecastError, match="needs at least"):
        forecasts.backtest(hist, weeks=8, models=("seasonal",))


def test_bad_history_columns():
    with pytest.raises(ForecastError, match="lacks column"):
        forecasts.forecast(pd.DataFrame({"interval_start": ["2026-01-01 08:00"], "channel": ["voice"]}), START, 1)


def test_real_bank_calls_seasonal_beats_naive(bank_log):
    from tests.bank_history import bank_history

    history = bank_history(bank_log, slot_minutes=5)
    scores = forecasts.backtest(history, weeks=2, horizon_weeks=1, models=("seasonal", "naive"))
    wape = scores.pivot(index="channel", columns="model", values="wape")
    assert (wape["seasonal"] < 0.85 * wape["naive"]).all()
    fc = forecasts.forecast(history, dt.date(1999, 3, 1), 1)
    saturday = fc[fc["interval_start"].dt.weekday == 5]
    assert saturday["offered"].sum() < 0.2 * fc["offered"].sum() / 7  # the bank is nearly shut on Saturdays


def test_recurring_special_date_learned_from_two_years():
    site = small_site(weeks=130, channels=(small_site().channels[0],))
    hist = synthetic.generate(site, seed=11)
    dates = hist["interval_start"].dt.strftime("%m-%d")
    hist.loc[dates == "12-24", "offered"] = (hist.loc[dates == "12-24", "offered"] * 0.3).round()  # Christmas Eve, every year
    fc = forecasts.forecast(hist, dt.date(2026, 12, 21), 1)
    day = fc.groupby(fc["interval_start"].dt.date)["offered"].sum()
    assert day[dt.date(2026, 12, 24)] < 0.45 * day[dt.date(2026, 12, 23)]
    once = hist[hist["interval_start"] >= pd.Timestamp("2025-06-01")]  # one Christmas Eve only: not enough to repeat it
    fc = forecasts.forecast(once, dt.date(2026, 12, 21), 1)
    day = fc.groupby(fc["interval_start"].dt.date)["offered"].sum()
    assert day[dt.date(2026, 12, 24)] > 0.8 * day[dt.date(2026, 12, 23)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weeks=st.integers(min_value=3, max_value=6),
    slot=st.sampled_from([10, 15, 20, 30, 60]),
    volume=st.floats(min_value=5, max_value=3000),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_forecast_contract_holds_on_random_histories(weeks, slot, volume, seed):
    chan = dataclasses.replace(small_site().channels[0], daily_volume=volume)
    hist = synthetic.generate(small_site(weeks=weeks, slot_minutes=slot, channels=(chan,)), seed=seed)
    fc = forecasts.forecast(hist, START, 1)
    assert len(fc) == 7 * 1440 // slot and not fc.isna().any().any()
    assert (fc["offered_lo"] <= fc["offered"] + 1e-9).all() and (fc["offered"] <= fc["offered_hi"] + 1e-9).all()
    assert (fc["offered_lo"] >= 0).all()
    assert fc[fc["interval_start"].dt.weekday == 6]["offered"].eq(0).all()


@pytest.mark.slow
def test_sample_site_accuracy_targets(demo_config_path):
    from planner.config import load_config
    from planner.forecasting import backtest_stage
    from planner.sample import generate_site

    config = load_config(demo_config_path)
    history = generate_site(config, seed=7, weeks=104).history
    scores = backtest_stage(config, history, 8, 1, ("seasonal", "mean4", "naive"))
    wape = scores.pivot(index="channel", columns="model", values="wape")
    assert (wape["seasonal"] <= 0.85 * wape["naive"]).all()
    assert (wape["seasonal"] < wape["mean4"]).all()


def test_mstl_without_statsforecast_says_how_to_install(history, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "statsforecast", None)  # import statsforecast now raises ImportError
    with pytest.raises(ForecastError, match=r"pip install 'staffing-planner\[statsforecast\]'"):
        forecasts.forecast(history, START, 1, model="mstl")
