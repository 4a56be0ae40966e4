"""One cost model: evaluated on the extracted roster it equals CP-SAT's objective, term by term in costs.TERMS."""

from __future__ import annotations

import numpy as np
import pytest
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling import solve_roster
from planner.scheduling.costs import TERMS, LateCurve, SlotCost, late_cost_points


def test_cost_model_on_the_extracted_roster_equals_the_solver_objective():
    cfg = tiny_config(hmin=40, hmax=40)  # 5 days of 8 h against 3 days of requirement: overstaffing too
    cfg = cfg.model_copy(update={"solver": cfg.solver.model_copy(update={"weights": cfg.solver.weights.model_copy(
        update={"overstaff_agent_slot": 0.5, "paid_hour": 0.25})})})
    agents = agents_table([{"agent_id": f"A{i}", "skills": skills, "contract": "std"}
                           for i, skills in enumerate([["voice"], ["voice", "chat"], ["chat"]])])
    req = tiny_requirements(cfg, {"voice": {h: 2 for h in range(8, 18)}, "chat": {h: 1 for h in range(6, 20)}}, days=3)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=20)
    terms = result.objective_terms
    assert set(terms) == {t.name for t in TERMS} | {"total"}
    assert terms["overstaff"] > 0 and terms["paid_hours"] > 0 and terms["late_contacts"] > 0
    search = next(p for p in result.phases if p.name == "search")
    assert result.status == "OPTIMAL" and search.stopped_by == "optimal"
    assert terms["total"] == pytest.approx(search.objective, abs=1e-6)  # CP-SAT's own objective value
    assert result.objective == terms["total"]
    assert terms["total"] == pytest.approx(sum(v for k, v in terms.items() if k != "total"))


def test_slot_cost_is_the_models_cost():
    late = np.array([40.0, 30.0, 12.0, 4.0, 1.0, 0.2, 0.0])
    points = late_cost_points(LateCurve(np.arange(7.0), late), required=5, lowest=0, ratio=1.0, weight=1.0)
    sc = SlotCost(required=5, lowest=0, points=points, short_w=100, over_w=10)
    assert sc.cost(5) == 0 and sc.cost(7) == 20
    assert sc.cost(0) == 500 + points[-1][1]
    assert sc.gain(5) == sc.cost(0) - sc.cost(1) and sc.gain(0) == -10
    assert all(sc.gain(u) >= sc.gain(u - 1) for u in range(2, 6))  # convex: the first agent short hurts least
