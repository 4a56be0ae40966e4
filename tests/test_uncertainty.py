"""Monte Carlo over forecast uncertainty: zero dispersion is the analytic projection; the issue's 77.8% example."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, stats

from planner.config import load_config
from planner.scenarios.uncertainty import day_factors, monte_carlo, rate_cv_from_k
from planner.staffing import erlang_c, project


@pytest.fixture(scope="module")
def demo(demo_config_path):
    return load_config(demo_config_path)


def _lognormal(cv: float):
    s = math.sqrt(math.log1p(cv**2))
    return stats.lognorm(s, scale=math.exp(-s * s / 2))


def _two_days(demo) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load and agents for voice, chat and email over two demo days (deferred rows around the clock)."""
    ts = pd.date_range("2026-11-23", periods=192, freq="15min")
    hour = ts.hour + ts.minute / 60
    busy = np.exp(-(((hour - 12) / 3.5) ** 2))
    parts = []
    for name, peak, agents in (("voice", 60, 24), ("chat", 20, 8), ("email", 8, 3)):
        is_open = ((hour >= 8) & (hour < 20)) if name == "voice" else np.ones(ts.size, bool)
        if name == "email":
            is_open = (hour >= 8) & (hour < 22)
        offered = peak * busy * (is_open if name != "email" else 1)
        parts.append(pd.DataFrame({"interval_start": ts, "channel": name, "offered": offered,
                                   "aht_s": demo.channel(name).aht_s, "agents": np.where(is_open, agents, 0)}))
    df = pd.concat(parts, ignore_index=True)
    return df.drop(columns="agents"), df[["interval_start", "channel", "agents"]]


def test_zero_dispersion_is_the_analytic_projection(demo):
    load, agents = _two_days(demo)
    result = monte_carlo(load, agents, demo, replications=3, seed=1, rate_cv=0.0)
    proj = project(agents, load, demo).assign(date=lambda d: d["interval_start"].dt.date)
    proj = proj[np.isfinite(proj["service_level"])]
    expected = proj.assign(w=proj["offered"] * proj["service_level"]).groupby(["date", "channel"])[["w", "offered"]].sum()
    got = result.daily.set_index(["date", "channel"])
    exact = (expected["w"] / expected["offered"]).reindex(got.index)
    np.testing.assert_allclose(got["service_level_projected"], exact, rtol=1e-12)
    np.testing.assert_allclose(got["expected_service_level"], exact, rtol=1e-12)
    assert set(got["p_meets_target"]) <= {0.0, 1.0}


def test_expected_service_level_falls_as_the_cv_rises(demo):
    load, agents = _two_days(demo)
    voice = load["channel"] == "voice"
    sl = [monte_carlo(load[voice], agents[voice], demo, 400, seed=2, rate_cv=cv).daily["expected_service_level"].mean()
          for cv in (0.0, 0.05, 0.1, 0.2)]
    assert all(a > b for a, b in zip(sl, sl[1:], strict=False)), sl


def _example(demo, replications: int, cv: float, seed: int):
    # the issue's example: 100 calls per 30 minutes (50 per 15-minute slot), AHT 300 s, staffed for 80/20
    n = int(erlang_c.agents(100, 300, 1800, 0.8, 20))
    ts = pd.date_range("2026-11-23 09:00", periods=4, freq="15min")
    load = pd.DataFrame({"interval_start": ts, "channel": "voice", "offered": 50.0, "aht_s": 300.0})
    return n, monte_carlo(load, load[["interval_start", "channel"]].assign(agents=n), demo, replications, seed, rate_cv=cv)


def test_issue_example_expected_service_level_is_77_8_percent(demo):
    n, result = _example(demo, 4000, 0.1, seed=3)
    dist = _lognormal(0.1)

    def sl(f):
        return float(erlang_c.service_level(n, 100 * f, 300, 1800, 20))

    exact, _ = integrate.quad(lambda f: sl(f) * dist.pdf(f), 0, 3, points=[21 / 16.67], limit=200)
    assert exact == pytest.approx(0.7786, abs=5e-4)  # 82.6% at the forecast
    got = result.daily["expected_service_level"].iloc[0]
    draws = erlang_c.service_level(n, 100 * day_factors(np.random.default_rng(0), (4000,), 0.1, "lognormal"), 300, 1800, 20)
    assert abs(got - exact) <= 3 * draws.std() / math.sqrt(4000)
    assert result.daily["service_level_projected"].iloc[0] == pytest.approx(0.82634, abs=1e-5)


def test_extra_agents_give_the_target_with_probability_0_9(demo):
    n, result = _example(demo, 4000, 0.1, seed=4)
    dist = _lognormal(0.1)

    def p_meets(agents: int) -> float:  # the factor at which the slot just meets 80/20, then its probability
        f_star = optimize.brentq(lambda f: float(erlang_c.service_level(agents, 100 * f, 300, 1800, 20)) - 0.8, 0.1, 3)
        return float(dist.cdf(f_star))

    needed = int(result.slots["agents_needed"].iloc[0])
    assert p_meets(needed) >= 0.9 > p_meets(needed - 1)
    assert (result.slots["extra_agents"] == needed - n).all() and needed > n


def test_deferred_channels_lose_service_and_ask_for_agents_under_uncertainty(demo):
    load, agents = _two_days(demo)
    email = load["channel"] == "email"
    calm = monte_carlo(load[email], agents[email], demo, 200, seed=5, rate_cv=0.0)
    rough = monte_carlo(load[email], agents[email], demo, 200, seed=5, rate_cv=0.3, aht_cv=0.1)
    assert (rough.daily["expected_service_level"] <= calm.daily["expected_service_level"] + 1e-12).all()
    assert rough.daily["expected_service_level"].sum() < calm.daily["expected_service_level"].sum()
    assert rough.slots["agents_needed"].sum() > calm.slots["agents_needed"].sum()


def test_seeded_and_validated(demo):
    load, agents = _two_days(demo)
    a = monte_carlo(load, agents, demo, 50, seed=6, distribution="gamma")
    b = monte_carlo(load, agents, demo, 50, seed=6, distribution="gamma")
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.slots, b.slots)
    with ThreadPoolExecutor(2) as pool:  # deferred replays split over workers: the same tables
        split = monte_carlo(load, agents, demo, 50, seed=6, distribution="gamma", executor=pool, chunks=3)
    pd.testing.assert_frame_equal(a.daily, split.daily)
    assert not a.daily.equals(monte_carlo(load, agents, demo, 50, seed=7, distribution="gamma").daily)
    f = day_factors(np.random.default_rng(7), (200_000,), 0.2, "gamma")
    assert f.mean() == pytest.approx(1, abs=3e-3) and f.std() == pytest.approx(0.2, abs=3e-3)
    assert rate_cv_from_k(0.01) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="lognormal"):
        monte_carlo(load, agents, demo, 5, rate_cv=0.1, distribution="normal")
