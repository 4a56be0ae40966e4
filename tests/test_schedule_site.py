"""The realistic ~150-agent week: a feasible roster that the independent checker finds clean (slow)."""

from __future__ import annotations

import pytest
from schedule_instances import WEEK, realistic_site

from planner.scheduling import check_roster, solve_roster
from planner.scheduling.instance import build_instance
from planner.scheduling.model import build_model


def test_realistic_week_model_size_is_linear_in_agents(demo_config_path):
    sizes = []
    for n in (40, 80):
        site = realistic_site(demo_config_path, n_agents=n)
        inst = build_instance(site.config, site.requirements, site.agents, site.leave, WEEK)
        sizes.append(build_model(inst).size())
    # Templates are per agent-day; breaks and channels are per skill group, so they do not grow with headcount.
    assert sizes[1]["agent_template_bools"] > 1.8 * sizes[0]["agent_template_bools"]
    assert sizes[1]["break_flows"] <= 1.2 * sizes[0]["break_flows"]


@pytest.mark.slow
def test_realistic_week_is_clean_by_the_independent_check(demo_config_path):
    site = realistic_site(demo_config_path, n_agents=150)
    result = solve_roster(site.config, site.requirements, site.agents, site.leave, WEEK, time_limit_s=40)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert check_roster(result, site.config, site.agents, site.leave, site.requirements) == []
    assert result.best_bound <= result.objective
    worked = result.roster.groupby("agent_id").size()
    assert len(worked) == len(site.agents) - 0  # every agent has a contract minimum > 0, so everyone works


def test_zero_cover_is_feasible_for_the_demand_costs(demo_config_path):
    # integer-rounded late-contact hulls may bend; a slot left wholly short must still be a feasible value
    from collections import defaultdict

    from ortools.sat.python import cp_model

    from planner.scheduling.model import add_aggregate

    site = realistic_site(demo_config_path, n_agents=40)
    inst = build_instance(site.config, site.requirements, site.agents, site.leave, WEEK)
    model = cp_model.CpModel()
    allowed: dict[tuple[int, int], int] = defaultdict(int)
    for agent in inst.agents:
        for ks in agent.templates.values():
            for k in ks:
                allowed[(agent.group, k)] += 1
    counts = {key: model.new_int_var(0, 0, "n") for key in sorted(allowed)}
    add_aggregate(model, inst, counts, dict(allowed))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.slow
def test_lp_plan_start_gives_a_clean_roster_within_the_bound(demo_config_path):
    site = realistic_site(demo_config_path, n_agents=40)
    result = solve_roster(site.config, site.requirements, site.agents, site.leave, WEEK, time_limit_s=60)
    assert check_roster(result, site.config, site.agents, site.leave, site.requirements) == []
    assert result.shortfall_bound is not None
    assert sum(result.shortfall_agent_slots.values()) >= result.shortfall_bound.total
