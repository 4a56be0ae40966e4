"""Discrete-event simulation agrees with the analytic Erlang C and Erlang A service level (and abandon rate)."""

from __future__ import annotations

import pytest
from sim_queue import simulate

from planner.staffing import erlang_a, erlang_c

AHT_S = 180.0
INTERVAL_S = 1800.0
WITHIN_S = 20.0


def _offered(erlangs: float) -> float:
    return erlangs * INTERVAL_S / AHT_S


@pytest.mark.parametrize(("label", "agents", "erlangs", "seed"), [
    ("light", 3, 1.2, 1),
    ("medium", 14, 10.0, 2),
    ("heavy", 53, 50.0, 3),
])
def test_erlang_c_service_level_within_simulation_ci(label, agents, erlangs, seed):
    sim = simulate(agents, erlangs, AHT_S, WITHIN_S, contacts=120_000, seed=seed)
    analytic = float(erlang_c.service_level(agents, _offered(erlangs), AHT_S, INTERVAL_S, WITHIN_S))
    assert abs(sim.service_level - analytic) <= sim.service_level_halfwidth, (label, sim, analytic)


@pytest.mark.parametrize(("label", "agents", "erlangs", "patience_s", "seed"), [
    ("medium", 14, 10.0, 300.0, 4),
    ("overloaded", 45, 50.0, 120.0, 5),
])
def test_erlang_a_service_level_and_abandon_rate_within_simulation_ci(label, agents, erlangs, patience_s, seed):
    sim = simulate(agents, erlangs, AHT_S, WITHIN_S, patience_s=patience_s, contacts=120_000, seed=seed)
    m = erlang_a.measures(agents, _offered(erlangs), AHT_S, INTERVAL_S, patience_s, WITHIN_S)
    assert abs(sim.service_level - float(m["service_level"])) <= sim.service_level_halfwidth, (label, sim, m)
    assert abs(sim.abandon_rate - float(m["abandon_rate"])) <= sim.abandon_rate_halfwidth, (label, sim, m)
