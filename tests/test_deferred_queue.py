"""The deferred channels' queue with randomness: exact Erlang C when stationary, the two-class chain it stands for,
and the simulation on a closing day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import linalg, special

from planner.config.schema import Channel
from planner.scenarios.simulate import channel_runs, simulate_runs
from planner.staffing import deferred, deferred_queue, erlang_c


def test_a_stationary_queue_is_exact_erlang_c_where_the_fluid_replay_says_every_contact_is_on_time():
    # 2 agents, 6 contacts of 240 s per 15-min slot (80 % busy), 30-min target, open all the time: plain FCFS M/M/2
    within = deferred_queue.within_expected(np.full(96 * 4, 2), np.full(96 * 4, 6.0), 240.0, 900.0, 1800.0)
    exact = float(erlang_c.service_level(2, 6.0, 240.0, 900.0, 1800.0))
    np.testing.assert_allclose(within[192:288] / 6.0, exact, rtol=1e-9)  # the last day's targets run past the table
    fluid = deferred.serve(np.full(96, 2), np.full(96, 6.0), 240.0, 900.0, 1800.0, 0.95)
    assert fluid.within_target.sum() == pytest.approx(96 * 6.0) and exact < 0.975


def _two_class_reference(agents, offered, aht_s, tau, answer_within_s, is_open, clear_s, cap=16):
    """The chain the module decomposes, built whole: states (on-time n, late m), the late served only by agents no
    on-time contact needs, merged into the line at the module's slot; each slot by the matrix exponential."""
    due = deferred.due_slots(is_open, answer_within_s, tau, clear_s)
    h = deferred._slots_within(answer_within_s, tau)
    slots = np.arange(offered.size)
    inside = due < offered.size
    on_time, late = inside & (due <= slots + h - 1), inside & ~(due <= slots + h - 1)
    servers = np.where(is_open, agents, 0).astype(int)
    mu = 1.0 / aht_s
    size = cap * cap
    p = np.zeros(size)
    p[0] = 1.0
    joins, previous, within = np.inf, 0, np.zeros(offered.size)
    idx = np.arange(size)
    n, m = idx // cap, idx % cap
    for i in range(offered.size):
        if on_time[i] and due[i] >= joins:  # the late backlog joins the line: all of it counts as on-time now
            q = np.zeros(size)
            np.add.at(q, np.minimum(n + m, cap - 1) * cap, p)
            p, joins = q, np.inf
        c = int(servers[i])
        if c < previous:
            busy_n0, busy_n1 = np.minimum(n, previous), np.minimum(n, c)
            busy_m0, busy_m1 = np.minimum(m, previous - busy_n0), np.minimum(m, c - busy_n1)
            q = np.zeros(size)
            np.add.at(q, (n - (busy_n0 - busy_n1)) * cap + m - (busy_m0 - np.minimum(busy_m1, busy_m0)), p)
            p = q
        previous = c
        lam_n = offered[i] / tau if on_time[i] else 0.0
        lam_m = offered[i] / tau if late[i] else 0.0
        if late[i]:
            joins = min(joins, due[i])
        gen = np.zeros((size, size))
        for s in range(size):
            a, b = divmod(s, cap)
            if a + 1 < cap:
                gen[s, s + cap] += lam_n
            if b + 1 < cap:
                gen[s, s + 1] += lam_m
            if a > 0:
                gen[s, s - cap] += min(a, c) * mu
            if b > 0:
                gen[s, s - 1] += min(b, max(c - a, 0)) * mu
        gen -= np.diag(gen.sum(axis=1))
        block = np.zeros((2 * size, 2 * size))  # Van Loan: the integral of e^(Qt) over the slot in one exponential
        block[:size, :size], block[:size, size:] = gen * tau, np.eye(size) * tau
        e = linalg.expm(block)
        average = p @ e[:size, size:] / tau
        p = p @ e[:size, :size]
        if lam_n > 0:
            pn = np.bincount(n, weights=average, minlength=cap)
            share = 0.0
            for u in (np.arange(4) + 0.5) / 4:
                t0, t1 = (i + u) * tau, (i + u) * tau + answer_within_s
                grid = np.linspace(t0, t1, 20001)
                rate = servers[np.minimum((grid // tau).astype(int), offered.size - 1)] * mu
                rate = np.where(grid < offered.size * tau, rate, 0.0)
                departures = float(np.sum((rate[1:] + rate[:-1]) / 2 * np.diff(grid)))
                first, last = int(t0 // tau) + 1, min(int(t1 // tau), offered.size - 1)
                added = sum(max(servers[j] - servers[j - 1], 0) for j in range(first, last + 1))
                k = np.arange(cap) - c + 1 - added
                ok = np.where(k <= 0, 1.0, special.pdtrc(np.maximum(k - 1, 0), departures))
                share += float(ok @ pn) / 4
            within[i] = offered[i] * share
    return within


def test_the_two_chains_are_the_two_class_chain():
    # 30-min slots: closed 4 slots (their contacts cannot meet the 1 h target), then open with 1 to 2 agents
    tau, target = 1800.0, 3600.0
    is_open = np.array([False] * 4 + [True] * 8)
    agents = np.array([0, 0, 0, 0, 2, 2, 1, 2, 2, 1, 1, 2])
    offered = np.array([1.0, 1.0, 0.8, 1.2, 1.5, 2.0, 1.0, 1.5, 1.0, 0.5, 1.0, 1.0])
    got = deferred_queue.within_expected(agents, offered, 600.0, tau, target, is_open, 2 * 3600.0)
    want = _two_class_reference(agents, offered, 600.0, tau, target, is_open, 2 * 3600.0)
    assert (got[3:] > 0).all() and (got[:3] == 0).all()  # 01:30 is within 1 h of the opening
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_wanted_and_waiting():
    is_open = np.tile(np.r_[np.zeros(32, bool), np.ones(48, bool), np.zeros(16, bool)], 3)
    offered = np.full(is_open.size, 5.0)
    agents = np.where(is_open, 4, 0)
    whole = deferred_queue.within_expected(agents, offered, 300.0, 900.0, 3600.0, is_open, 4 * 3600.0)
    part = np.zeros(is_open.size, bool)
    part[100:150] = True
    some = deferred_queue.within_expected(agents, offered, 300.0, 900.0, 3600.0, is_open, 4 * 3600.0, wanted=part)
    np.testing.assert_array_equal(some[part], whole[part])  # bit for bit: the same chain
    assert (some[~part] == 0).all()
    # contacts waiting at the start come before the first arrivals, and cost them service
    ahead = deferred_queue.within_expected(agents, offered, 300.0, 900.0, 3600.0, is_open, 4 * 3600.0, waiting=40.0)
    assert ahead[:96].sum() < whole[:96].sum() - 1.0
    np.testing.assert_allclose(ahead[192:], whole[192:], atol=1e-6)  # forgotten two days on
    # so many waiting that the chain's window starts far above 0: the morning's arrivals are all late behind them
    flood = deferred_queue.within_expected(np.full(is_open.size, 4), offered, 300.0, 900.0, 3600.0, None,
                                           waiting=600.0)
    assert flood[:48].sum() < 1e-6 and flood[-100:-4].sum() > 0.9 * 5.0 * 96


def test_the_simulation_agrees_on_a_closing_day():
    # social-like: open 08:00-20:00, 1 h target, the planner's levelled plan (a night backlog cleared with little to
    # spare): the simulation's day, 300 replications, within 3 standard errors of the expected share
    social = Channel(name="social", kind="deferred", target={"service_level": 0.9, "answer_within_s": 3600}, aht_s=240,
                     max_occupancy=0.9)
    ts = pd.date_range("2026-01-05", periods=96 * 2, freq="15min")
    is_open = np.asarray((ts.hour >= 8) & (ts.hour < 20))
    offered = 7.0 * (1.0 + 0.3 * np.sin(np.arange(ts.size) * 2 * np.pi / 96))
    agents = deferred.plan(offered, 240.0, 900.0, is_open, 3600.0, 0.9, backlog_clear_s=4 * 3600.0)
    within = deferred_queue.within_expected(agents, offered, 240.0, 900.0, 3600.0, is_open, 4 * 3600.0)
    fluid = deferred.serve(agents, offered, 240.0, 900.0, 3600.0, 0.9, is_open, 4 * 3600.0).within_target
    load = pd.DataFrame({"interval_start": ts, "channel": "social", "offered": offered, "aht_s": 240.0})
    runs = channel_runs(load[["interval_start", "channel"]].assign(agents=agents), load, [social], 900.0,
                        {"social": is_open}, clear_s=4 * 3600.0)
    slots = simulate_runs(runs, 900.0, replications=300, seed=5)
    day = slots["interval_start"] >= "2026-01-06"
    sim = slots[day].groupby("replication")[["answered_within_target", "offered"]].sum()
    share = sim["answered_within_target"] / sim["offered"]
    expected = within[96:].sum() / offered[96:].sum()
    assert abs(share.mean() - expected) <= 3 * share.sem() + 0.002, (share.mean(), share.sem(), expected)
    assert fluid[96:].sum() / offered[96:].sum() > expected + 0.003  # where the fluid replay is optimistic


def test_a_repeated_warm_up_is_reused_bit_for_bit_and_a_changed_one_is_not():
    is_open = np.tile(np.r_[np.zeros(32, bool), np.ones(48, bool), np.zeros(16, bool)], 3)
    offered = np.full(is_open.size, 5.0)
    agents = np.where(is_open, 4, 0)
    week = np.arange(is_open.size) >= 96  # the slots read; the first day is the warm-up
    args = (300.0, 900.0, 3600.0, is_open, 4 * 3600.0)
    cold = deferred_queue.within_expected(agents, offered, *args, wanted=week)
    deferred_queue._PREFIXES.clear()
    first = deferred_queue.within_expected(agents, offered, *args, wanted=week)
    again = deferred_queue.within_expected(agents, offered, *args, wanted=week)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(cold, again)
    busier = offered.copy()
    busier[80:96] += 10.0  # a busier warm-up evening, after closing: it waits for the next morning
    changed = deferred_queue.within_expected(agents, busier, *args, wanted=week)
    alone = deferred_queue.within_expected(agents, busier, *args)  # no prefix to reuse: computed from the start
    np.testing.assert_array_equal(changed[week], alone[week])
    assert again[week].sum() - changed[week].sum() > 1.0  # the week does feel it: a reused prefix would have hidden it
