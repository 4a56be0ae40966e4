"""Property tests (hypothesis): monotone staffing, monotone service level, and 'met at N, not at N − 1'."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.staffing import erlang_a, erlang_c

offered_st = st.floats(min_value=0.0, max_value=5_000.0, allow_nan=False)
aht_st = st.floats(min_value=10.0, max_value=1_200.0)
sl_st = st.floats(min_value=0.05, max_value=0.99)
within_st = st.floats(min_value=1.0, max_value=3_600.0)
occ_st = st.floats(min_value=0.5, max_value=1.0)
patience_st = st.floats(min_value=5.0, max_value=3_600.0)
INTERVAL_S = 1800.0
TOL = erlang_c.TARGET_TOL


@settings(max_examples=150, deadline=None)
@given(offered_st, offered_st, aht_st, sl_st, within_st, occ_st)
def test_erlang_c_agents_monotone_in_volume(v1, v2, aht, sl, within, occ):
    lo, hi = sorted((v1, v2))
    n = erlang_c.agents([lo, hi], aht, INTERVAL_S, sl, within, occ)
    assert n[0] <= n[1]


@settings(max_examples=150, deadline=None)
@given(offered_st, aht_st, aht_st, sl_st, within_st, occ_st)
def test_erlang_c_agents_monotone_in_aht(v, h1, h2, sl, within, occ):
    lo, hi = sorted((h1, h2))
    n = erlang_c.agents(v, [lo, hi], INTERVAL_S, sl, within, occ)
    assert n[0] <= n[1]


@settings(max_examples=150, deadline=None)
@given(offered_st, aht_st, within_st)
def test_erlang_c_service_level_monotone_in_agents(v, aht, within):
    a = erlang_c.traffic(v, aht, INTERVAL_S)
    ns = np.arange(0, int(a * 1.5) + 40)
    sl = erlang_c.service_level(ns, v, aht, INTERVAL_S, within)
    assert np.all(np.diff(sl) >= -1e-12)


@settings(max_examples=200, deadline=None)
@given(offered_st, aht_st, sl_st, within_st, occ_st)
def test_erlang_c_target_met_at_n_not_at_n_minus_1(v, aht, sl, within, occ):
    n = int(erlang_c.agents(v, aht, INTERVAL_S, sl, within, occ))
    if v == 0:
        assert n == 0
        return
    assert erlang_c.service_level(n, v, aht, INTERVAL_S, within) >= sl - TOL
    assert erlang_c.occupancy(n, v, aht, INTERVAL_S) <= occ + 1e-9
    fails_sl = erlang_c.service_level(n - 1, v, aht, INTERVAL_S, within) < sl - TOL
    fails_occ = n - 1 <= 0 or erlang_c.occupancy(n - 1, v, aht, INTERVAL_S) > occ + 1e-12
    assert fails_sl or fails_occ


@settings(max_examples=100, deadline=None)
@given(offered_st, offered_st, aht_st, sl_st, within_st, patience_st)
def test_erlang_a_agents_monotone_in_volume_and_met_at_n(v1, v2, aht, sl, within, patience):
    lo, hi = sorted((v1, v2))
    res = erlang_a.agents([lo, hi], aht, INTERVAL_S, sl, within, patience)
    assert res.agents[0] <= res.agents[1]
    for v, n in zip((lo, hi), res.agents, strict=True):
        if v == 0:
            continue
        assert erlang_a.service_level(n, v, aht, INTERVAL_S, within, patience) >= sl - TOL
        assert n == 0 or erlang_a.service_level(n - 1, v, aht, INTERVAL_S, within, patience) < sl - TOL


@settings(max_examples=100, deadline=None)
@given(offered_st, aht_st, aht_st, sl_st, within_st, patience_st)
def test_erlang_a_agents_monotone_in_aht(v, h1, h2, sl, within, patience):
    lo, hi = sorted((h1, h2))
    res = erlang_a.agents(v, [lo, hi], INTERVAL_S, sl, within, patience)
    assert res.agents[0] <= res.agents[1]


@settings(max_examples=100, deadline=None)
@given(offered_st, aht_st, within_st, patience_st)
def test_erlang_a_service_level_monotone_in_agents(v, aht, within, patience):
    a = erlang_c.traffic(v, aht, INTERVAL_S)
    ns = np.arange(0, int(a * 1.3) + 30)
    m = erlang_a.measures(ns, v, aht, INTERVAL_S, patience, within)
    assert np.all(np.diff(m["service_level"]) >= -1e-9)
    assert np.all(np.diff(m["abandon_rate"]) <= 1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=40), min_size=8, max_size=200),
       st.lists(st.booleans(), min_size=8, max_size=200),
       st.sampled_from([900.0, 1800.0, 3600.0, 4 * 3600.0]),
       st.floats(min_value=60.0, max_value=1200.0), st.floats(min_value=0.5, max_value=1.0))
def test_deferred_plan_meets_every_reachable_deadline(volumes, opens, within_s, aht_s, occ):
    from planner.staffing import deferred

    size = min(len(volumes), len(opens))
    offered, is_open = np.array(volumes[:size]), np.array(opens[:size])
    agents = deferred.plan(offered, aht_s, 900.0, is_open, within_s, occ)
    assert (agents[~is_open] == 0).all() and (agents >= 0).all()
    out = deferred.serve(agents, offered, aht_s, 900.0, within_s, occ)
    h = max(int(within_s // 900), 1)
    last_open = np.flatnonzero(is_open).max() if is_open.any() else -1
    open_idx = np.flatnonzero(is_open)
    handled_cum, offered_cum = np.cumsum(out.handled), np.cumsum(offered)
    for i in range(size):
        later = open_idx[open_idx >= i]
        if offered[i] <= 0 or later.size == 0:
            continue
        # the clock starts at arrival, or at the opening for a contact that arrives while closed
        due_by = later[0] + h - 1 if not is_open[i] else i + h - 1
        if due_by > last_open:
            continue
        deadline = open_idx[open_idx <= due_by].max()
        assert handled_cum[deadline] >= offered_cum[i] - 1e-6, i  # FIFO: answered by its deadline
        if is_open[i]:
            assert out.late[i] <= 1e-6, i  # plan tolerance: 1e-9 agent-slots
    # never more agent-slots than the work handled, plus one agent per open slot of rounding
    work = out.handled.sum() * aht_s / (900.0 * occ)
    assert agents.sum() <= work + is_open.sum() + 1e-6
