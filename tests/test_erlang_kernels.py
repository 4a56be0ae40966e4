"""The vectorised kernels against scalar oracles (Erlang B recursion, truncated birth–death chain) and at the extremes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from planner.staffing import erlang_a, erlang_b, erlang_c


def _erlang_b_recursive(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


@pytest.mark.parametrize("a", [0.05, 0.5, 3.7, 10.0, 42.3, 99.5, 250.0, 1200.0])
def test_erlang_b_matches_recursion(a):
    ns = np.arange(0, int(a * 1.6) + 30)
    ours = erlang_b.blocking(ns, a)
    oracle = np.array([_erlang_b_recursive(int(n), a) for n in ns])
    np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=1e-300)


def test_erlang_b_deep_overload_and_huge_load():
    a = 20_000.0
    ns = np.array([0, 10, 500, 5_000, 12_000, 19_000, 20_000, 20_500])
    oracle = np.array([_erlang_b_recursive(int(n), a) for n in ns])
    np.testing.assert_allclose(erlang_b.blocking(ns, a), oracle, rtol=1e-8)


def test_erlang_c_unstable_and_empty_slots():
    # N ≤ A: unstable queue, never meets a target
    assert erlang_c.service_level(10, 100, 180, 1800, 20) == 0.0
    assert erlang_c.p_wait(9, 100, 180, 1800) == 1.0
    assert np.isinf(erlang_c.asa(10, 100, 180, 1800))
    assert erlang_c.occupancy(9, 100, 180, 1800) == 1.0
    # no contacts: nothing waits, nothing is late, nobody is needed
    assert erlang_c.service_level(0, 0, 180, 1800, 20) == 1.0
    assert erlang_c.asa(0, 0, 180, 1800) == 0.0
    assert erlang_c.agents(0, 180, 1800, 0.8, 20) == 0
    assert erlang_c.agents_for_asa(0, 180, 1800, 20) == 0


@pytest.mark.parametrize("erlangs", [1e-3, 0.4, 7.5, 180.0, 2_500.0, 10_000.0, 25_000.0])
def test_erlang_c_agents_stable_up_to_huge_loads(erlangs):
    offered = erlangs * 900 / 300
    n = int(erlang_c.agents(offered, 300, 900, 0.8, 20, 0.95))
    assert np.isfinite(n) and n > erlangs
    assert erlang_c.service_level(n, offered, 300, 900, 20) >= 0.8
    below = n - 1
    assert erlang_c.service_level(below, offered, 300, 900, 20) < 0.8 or erlangs / below > 0.95
    asa_n = int(erlang_c.agents_for_asa(offered, 300, 900, 15.0))
    assert erlang_c.asa(asa_n, offered, 300, 900) <= 15.0 < erlang_c.asa(asa_n - 1, offered, 300, 900)


def test_broadcasting_shapes():
    offered = np.array([[10.0], [100.0], [1000.0]])
    within = np.array([10.0, 20.0, 60.0, 300.0])
    n = erlang_c.agents(offered, 180, 1800, 0.8, within)
    assert n.shape == (3, 4) and n.dtype.kind == "i"
    assert (np.diff(n, axis=1) <= 0).all()  # a longer answer target never needs more agents
    a = erlang_a.agents(offered, 180, 1800, 0.8, within, 300.0)
    assert a.agents.shape == (3, 4) and a.abandon_rate.shape == (3, 4)


def _chain(n: int, a: float, aht_s: float, patience_s: float, t: float) -> dict[str, float]:
    """M/M/n+M by brute force: truncated birth–death probabilities and per-state Beta waiting laws."""
    lam, mu, theta = a / aht_s, 1 / aht_s, 1 / patience_s
    states = n + 4000
    rates_down = np.array([min(k, n) * mu + max(k - n, 0) * theta for k in range(1, states)])
    log_p = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(rates_down))])
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queue = np.arange(states - n)  # contacts ahead of an arrival that finds n + j present
    p_queue = p[n:]
    x = n * mu / theta
    c = np.exp(-theta * t)
    served_within = (x / (x + queue + 1)) * stats.beta.sf(c, x + 1, queue + 1)
    p_wait = p_queue.sum()
    mean_queue = (queue * p_queue).sum()
    p_ab = theta * mean_queue / lam
    return {"p_wait": p_wait, "abandon_rate": p_ab, "service_level": 1 - p_wait + (p_queue * served_within).sum(),
            "asa_s": mean_queue / lam, "occupancy": a * (1 - p_ab) / n}


@pytest.mark.parametrize(("n", "a", "patience_s"), [(3, 1.2, 60.0), (14, 10.0, 300.0), (10, 12.0, 120.0),
                                                    (40, 45.0, 600.0), (25, 20.0, 30.0)])
def test_erlang_a_matches_birth_death_chain(n, a, patience_s):
    aht_s, t = 180.0, 20.0
    ours = erlang_a.measures(n, a * 1800 / aht_s, aht_s, 1800, patience_s, t)
    oracle = _chain(n, a, aht_s, patience_s, t)
    for key, value in oracle.items():
        assert float(ours[key]) == pytest.approx(value, rel=1e-7, abs=1e-12), key


def test_erlang_a_tends_to_erlang_c_with_endless_patience():
    m = erlang_a.measures(14, 100, 180, 1800, 1e9, 20)
    assert float(m["service_level"]) == pytest.approx(float(erlang_c.service_level(14, 100, 180, 1800, 20)), rel=1e-5)
    assert float(m["p_wait"]) == pytest.approx(float(erlang_c.p_wait(14, 100, 180, 1800)), rel=1e-5)


def test_erlang_a_overloaded_and_huge():
    # abandonment keeps N ≤ A stable: the abandon rate tends to 1 − N/A (fluid limit) for a large overload
    m = erlang_a.measures(9_000, 100_000, 180, 1800, 300, 20)
    assert float(m["abandon_rate"]) == pytest.approx(0.1, abs=1e-3)
    res = erlang_a.agents([0.0, 5.0, 500.0, 100_000.0], 180, 1800, 0.8, 20, 300.0, 0.95)
    assert res.agents[0] == 0 and res.abandon_rate[0] == 0
    assert np.all(np.isfinite(res.abandon_rate))
    sl = erlang_a.service_level(res.agents, [0.0, 5.0, 500.0, 100_000.0], 180, 1800, 20, 300.0)
    assert np.all(sl >= 0.8)


def test_erlang_a_needs_no_more_agents_than_erlang_c():
    offered = np.array([5.0, 50.0, 100.0, 400.0, 2000.0])
    c = erlang_c.agents(offered, 180, 1800, 0.8, 20)
    a = erlang_a.agents(offered, 180, 1800, 0.8, 20, 300.0).agents
    assert np.all(a <= c)


def test_climb_falls_back_to_search_with_same_answer():
    rng = np.random.default_rng(11)
    a = np.concatenate([rng.uniform(0.1, 50, 50), rng.uniform(1_000, 30_000, 20)])
    aht = np.full(a.size, 240.0)
    flat = [a, aht]

    def passes(n, b, idx):
        return erlang_c.service_level_erlangs(n, flat[0][idx], flat[1][idx], 20.0) >= 0.8

    start = np.floor(a).astype(np.int64)
    climbed = erlang_c._climb(a, start, passes)
    searched = erlang_c._climb(a, start, passes, max_steps=0)
    np.testing.assert_array_equal(climbed, searched)
    np.testing.assert_array_equal(climbed, erlang_c.agents_for_erlangs(a, aht, 0.8, 20.0))
