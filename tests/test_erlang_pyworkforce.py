"""Agreement with pyworkforce's ErlangC wherever it is right, and each case where it is not, with our answer and why."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyworkforce.queuing import ErlangC

from planner.staffing import erlang_c, scheduled_agents


def _pwf(offered, aht_s, interval_s, sl, within_s, max_occ, shrinkage=0.0) -> dict:
    # pyworkforce wants minutes, and calls the answer threshold `asa`
    return ErlangC(transactions=offered, aht=aht_s / 60, asa=within_s / 60, interval=interval_s / 60,
                   shrinkage=shrinkage).required_positions(service_level=sl, max_occupancy=max_occ)


def _skips_first_stable_count(a: float) -> bool:
    """pyworkforce starts its search at round(A + 1): when A's fraction is ≥ 0.5 that is floor(A) + 2."""
    return round(a + 1) > math.floor(a) + 1


def test_random_grid_agrees_where_pyworkforce_is_right():
    rng = np.random.default_rng(2026)
    size = 400
    offered = rng.integers(1, 400, size).astype(float)
    aht_s = rng.choice([120.0, 180.0, 240.0, 300.0, 420.0, 600.0], size)
    interval_s = rng.choice([900.0, 1800.0, 3600.0], size)
    sl = rng.choice([0.7, 0.8, 0.9, 0.95], size)
    within_s = rng.choice([10.0, 20.0, 30.0, 60.0, 120.0], size)
    occ = rng.choice([0.8, 0.85, 0.9, 1.0], size)
    ours = erlang_c.agents(offered, aht_s, interval_s, sl, within_s, occ)
    agree = 0
    for i in range(size):
        theirs = _pwf(offered[i], aht_s[i], interval_s[i], sl[i], within_s[i], occ[i])["raw_positions"]
        if theirs == ours[i]:
            agree += 1
            continue
        # every disagreement is one extra agent from pyworkforce, for one of its two known reasons; ours meets both
        # targets (checked below), so ours is the fewest
        a = erlang_c.traffic(offered[i], aht_s[i], interval_s[i])
        assert theirs == ours[i] + 1
        start_skipped = _skips_first_stable_count(a) and ours[i] == math.floor(a) + 1
        # exactly at the occupancy cap: pyworkforce's float A/max_occupancy lands a hair above the integer
        occupancy_artefact = math.isclose(a / ours[i], occ[i], rel_tol=1e-12)
        assert start_skipped or occupancy_artefact, (a, occ[i], ours[i], theirs)
        assert erlang_c.service_level(ours[i], offered[i], aht_s[i], interval_s[i], within_s[i]) >= sl[i]
        assert erlang_c.occupancy(ours[i], offered[i], aht_s[i], interval_s[i]) <= occ[i]
    assert agree >= 0.9 * size


def test_long_answer_target_pyworkforce_asks_one_agent_too_many():
    # A = 10.6 Erlangs, 80% within 60 min: 11 agents already answer ~100% within the hour; pyworkforce starts at
    # round(11.6) = 12 and never looks at 11
    offered, aht_s, interval_s, within_s = 53.0, 180.0, 900.0, 3600.0
    a = erlang_c.traffic(offered, aht_s, interval_s)
    assert a == pytest.approx(10.6)
    assert erlang_c.agents(offered, aht_s, interval_s, 0.8, within_s) == 11
    assert erlang_c.service_level(11, offered, aht_s, interval_s, within_s) > 0.99
    assert _pwf(offered, aht_s, interval_s, 0.8, within_s, 1.0)["raw_positions"] == 12


def test_shrinkage_division_float_artefact():
    # 21 productive at 30% shrinkage: 21 / 0.7 = 30.000000000000004 in floats, ceil → 31; exactly 30 is right
    assert 21 / (1 - 0.3) > 30
    assert scheduled_agents(21, 0.3) == 30
    offered = 168.0  # calls per 30 min at AHT 180 s (16.8 Erlangs): 21 productive agents at 80/20
    raw = erlang_c.agents(offered, 180, 1800, 0.8, 20)
    assert raw == 21
    assert _pwf(offered, 180, 1800, 0.8, 20, 1.0, shrinkage=0.3)["positions"] == 31


def test_occupancy_division_float_artefact():
    # 64.8 Erlangs at occupancy ≤ 0.8 needs exactly 81 agents (64.8/81 = 0.8); pyworkforce's float load is
    # 64.80000000000001, /0.8 = 81.00000000000001, and its ceil asks for 82
    offered, aht_s, interval_s = 324.0, 180.0, 900.0
    assert erlang_c.traffic(offered, aht_s, interval_s) == pytest.approx(64.8)
    assert erlang_c.agents(offered, aht_s, interval_s, 0.5, 10, max_occupancy=0.8) == 81
    assert _pwf(offered, aht_s, interval_s, 0.5, 10, 0.8)["raw_positions"] == 82


def test_zero_volume_is_zero_agents_where_pyworkforce_raises():
    assert erlang_c.agents(0, 180, 1800, 0.8, 20) == 0
    np.testing.assert_array_equal(erlang_c.agents([0.0, 100.0], 180, 1800, 0.8, 20), [0, 14])
    with pytest.raises(ValueError, match="transactions"):
        ErlangC(transactions=0, aht=3, asa=20 / 60, interval=30)
