"""The solve's named phases: which are chosen for a budget, each path run on a tiny site, and the fallback when the
wall clock cuts the search."""

from __future__ import annotations

import json

import pytest
from ortools.sat.python import cp_model
from schedule_instances import WEEK, agents_table, no_leave, tiny_config, tiny_requirements

from planner.scheduling import check_roster, solve_roster
from planner.scheduling import solve as solve_module
from planner.scheduling.bound import BoundNotSolved
from planner.scheduling.outputs import schedule_summary
from planner.scheduling.phases import (
    GREEDY_FIRST_ABOVE,
    LNS_ONLY_ABOVE,
    WEEKS_FIRST_TRIM_PASSES,
    WEEKS_MAX_CHOICES,
    WEEKS_MIN_LIMIT_S,
    PhaseReport,
    SolvePlan,
    choose_phases,
    stopped_by,
)


def _site():
    cfg = tiny_config(hmin=16, hmax=40)
    agents = agents_table([{"agent_id": f"A{i}", "skills": skills, "contract": "std"}
                           for i, skills in enumerate([["voice"], ["voice", "chat"], ["chat"]])])
    req = tiny_requirements(cfg, {"voice": {h: 2 for h in range(8, 18)}, "chat": {h: 1 for h in range(10, 20)}}, days=3)
    return cfg, agents, req


@pytest.mark.parametrize(("limit_s", "handouts"), [(5, 0), (59, 0), (60, 1), (104, 1), (105, 2), (119, 2), (120, 3), (600, 3)])
def test_the_limit_picks_the_phases_and_says_why(limit_s, handouts):
    plan = choose_phases(limit_s, template_choices=100)
    assert plan.handouts == handouts
    assert plan.start == ("lp_plan" if handouts else "greedy_start")
    assert plan.phases.count("hand_out") == handouts and plan.phases[-1] == "search"
    assert f"{limit_s:g} s" in plan.reason  # 59 vs 60 s is visible in the summary, not a silent switch


def test_large_rosters_search_by_lns_only_and_place_breaks_greedily():
    large, small = choose_phases(120, template_choices=10_000), choose_phases(120, template_choices=1_000)
    assert large.lns_only and not small.lns_only
    assert large.exact_det == 0.0 and small.exact_det > 0.0


def test_with_no_exact_budget_the_greedy_placement_is_the_start(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(1, exact_det=0.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    monkeypatch.setattr(solve_module, "exact_completion", lambda *a, **k: pytest.fail("no exact sub-solve"))
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    done = next(p for p in result.phases if p.name == "complete_breaks")
    assert done.stopped_by == "done" and done.used_det is None and "greedy placement kept" in done.note
    assert set(done.details) == {"greedy_objective", "greedy_ready_s"} and done.objective == done.details["greedy_objective"]


def test_very_large_models_build_the_greedy_start_before_the_lp_plan():
    huge, site = choose_phases(300, template_choices=GREEDY_FIRST_ABOVE + 1), choose_phases(300, GREEDY_FIRST_ABOVE)
    assert huge.greedy_first and huge.phases[:3] == ["build", "greedy_start", "lp_plan"] and "greedy start first" in huge.reason
    assert huge.start == "greedy_start+lp_plan" and site.start == "lp_plan"
    assert not site.greedy_first and "greedy_start" not in site.phases
    assert not choose_phases(30, template_choices=GREEDY_FIRST_ABOVE + 1).greedy_first  # no LP plan: greedy start only


def test_a_greedy_start_that_costs_less_than_every_hand_out_is_kept(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(1, exact_det=0.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0, greedy_first=True)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    monkeypatch.setattr(solve_module, "weeks_from_plan", lambda inst, shifts, bonus: {})  # a hand-out rostering nobody
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    by_name = {p.name: p for p in result.phases}
    assert by_name["complete_breaks"].objective > by_name["greedy_start"].objective
    assert "greedy start" in by_name["complete_breaks"].note and "is kept" in by_name["complete_breaks"].note
    assert by_name["trim"].details["start"] == "greedy_start"
    assert by_name["trim"].objective <= by_name["greedy_start"].objective
    assert result.shortfall_bound is not None  # the LP bound is still reported


def test_with_no_time_left_for_a_hand_out_the_greedy_start_is_kept_and_the_note_says_so(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(2, exact_det=0.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0, greedy_first=True)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=0.01)  # the LP gets its 1 s minimum
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    hand_outs = [p for p in result.phases if p.name == "hand_out"]
    assert len(hand_outs) == 2 and all(p.stopped_by == "wall_cap" and "skipped" in p.note for p in hand_outs)
    assert "complete_breaks" not in [p.name for p in result.phases]
    assert "no hand-out ran: the greedy start is kept" in hand_outs[-1].note
    assert next(p for p in result.phases if p.name == "trim").details["start"] == "greedy_start"


def test_with_the_greedy_start_first_a_failed_lp_plan_does_not_build_it_again(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(2, exact_det=0.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0, greedy_first=True)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)

    def no_lp(inst, time_limit_s=None):
        raise BoundNotSolved("the LP did not finish")

    monkeypatch.setattr(solve_module, "lp_plan", no_lp)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    names = [p.name for p in result.phases]
    assert names[:3] == ["build", "greedy_start", "lp_plan"] and names.count("greedy_start") == 1
    assert "hand_out" not in names and result.shortfall_bound is None


def test_a_search_that_proves_its_roster_optimal_reports_that_bound():
    cfg, agents, req = _site()
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    search = next(p for p in result.phases if p.name == "search")
    assert search.stopped_by == "optimal" and result.status == "OPTIMAL"
    assert result.best_bound == pytest.approx(result.objective) and result.gap == pytest.approx(0.0)


HC = ["hand_out", "complete_breaks"]


@pytest.mark.parametrize(("handouts", "greedy_first", "expected"), [
    (0, False, ["build", "greedy_start"]), (1, False, ["build", "lp_plan", *HC]),
    (2, False, ["build", "lp_plan", *HC, *HC]), (3, False, ["build", "lp_plan", *HC, *HC, *HC]),
    (1, True, ["build", "greedy_start", "lp_plan", *HC]), (2, True, ["build", "greedy_start", "lp_plan", *HC, *HC])])
def test_each_path_gives_a_clean_roster_and_reports_its_phases(monkeypatch, handouts, greedy_first, expected):
    cfg, agents, req = _site()
    plan = SolvePlan(handouts, exact_det=1.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0,
                     greedy_first=greedy_first)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    names = [p.name for p in result.phases]
    assert names[:len(expected) + 2] == [*expected, "trim", "search"] == plan.phases[:len(expected) + 2]
    assert (result.shortfall_bound is not None) == bool(handouts)
    start = next(p for p in result.phases if p.name in ("greedy_start", "complete_breaks"))
    starts = [p.objective for p in result.phases if p.name in ("greedy_start", "complete_breaks", "trim")]
    assert result.objective <= min(starts)
    trim = next(p for p in result.phases if p.name == "trim")
    assert trim.objective <= min(starts)  # the trim never makes the start dearer
    assert start.objective is not None
    for p in result.phases:  # the greedy placement comes first: a complete roster exists before the exact sub-solve
        if p.name == "complete_breaks":
            assert 0.0 <= p.details["greedy_ready_s"] <= p.wall_s
            assert p.details["greedy_objective"] >= p.objective  # the kept placement is the cheaper one
    summary = json.loads(json.dumps(schedule_summary(result)))  # JSON-ready
    assert [p["name"] for p in summary["solver"]["phases"]] == names
    assert summary["solver"]["plan"]["handouts"] == handouts


def test_a_cut_search_falls_back_to_the_start_roster(monkeypatch):
    cfg, agents, req = _site()

    def cut(inst, rm, plan, deadline, progress, phases):
        phases.append(PhaseReport("search", 0.0, "wall_cap", note="forced cut"))
        return cp_model.CpSolver(), cp_model.UNKNOWN

    monkeypatch.setattr(solve_module, "_search", cut)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    fallback = result.phases[-1]
    assert fallback.name == "fallback" and "start roster is returned" in fallback.note
    greedy = next(p for p in result.phases if p.name == "greedy_start")
    # the start's cost leaves out soft rules only: the returned roster is that start
    assert result.objective == pytest.approx(greedy.objective + result.objective_terms["soft_rules"], abs=0.02)
    assert schedule_summary(result)["solver"]["wall_cut"] == ["search"]
    # the fixed solve proves only the returned roster's own cost: with no search nothing is proven, not a 0% gap
    assert result.best_bound == 0.0 and result.gap == 1.0 and schedule_summary(result)["gap"] == 1.0


def test_a_time_limit_too_short_for_any_search_still_returns_a_roster():
    cfg, agents, req = _site()
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=0.01)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    by_name = {p.name: p for p in result.phases}
    assert by_name["search"].stopped_by == "wall_cap" and "skipped" in by_name["search"].note
    assert by_name["fallback"].objective == pytest.approx(result.objective)
    assert result.best_bound == 0.0 and result.gap == 1.0


def test_what_stopped_a_phase():
    assert stopped_by("OPTIMAL", 0.2, 5.0, 1.0, 10.0, True) == "optimal"
    assert stopped_by("FEASIBLE", 5.0, 5.0, 3.0, 10.0, True) == "deterministic_budget"
    assert stopped_by("FEASIBLE", 1.0, 5.0, 9.9, 10.0, True) == "wall_cap"
    assert stopped_by("UNKNOWN", 1.0, 5.0, 9.9, 10.0, False) == "wall_cap"
    assert stopped_by("UNKNOWN", 0.1, 5.0, 0.1, 10.0, False) == "no_solution"
    # cut by the wall clock mid-batch, past its deterministic budget: the wall clock decided, not the budget
    assert stopped_by("FEASIBLE", 6.2, 5.0, 9.8, 10.0, True) == "wall_cap"


def test_the_whole_weeks_start_runs_on_long_limits_up_to_site_scale_and_says_so():
    long_site = choose_phases(WEEKS_MIN_LIMIT_S, template_choices=WEEKS_MAX_CHOICES)
    assert long_site.weeks and long_site.phases[-4:] == ["trim", "weeks_start", "trim", "search"]
    assert "whole-weeks start" in long_site.reason
    assert long_site.handouts == 1  # its start is only the first columns: the time goes to the dive
    assert long_site.first_trim_passes <= min(long_site.trim_passes, WEEKS_FIRST_TRIM_PASSES)
    without = choose_phases(WEEKS_MIN_LIMIT_S, template_choices=WEEKS_MAX_CHOICES + 1)
    assert not without.weeks and long_site.search_det < without.search_det  # the search keeps what the dive leaves
    assert not choose_phases(WEEKS_MIN_LIMIT_S - 1, template_choices=WEEKS_MAX_CHOICES).weeks
    assert not choose_phases(600, template_choices=LNS_ONLY_ABOVE).weeks  # small rosters: the full search instead


def test_the_whole_weeks_start_gives_a_clean_roster_no_dearer_than_the_trimmed_start(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(1, exact_det=1.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0, weeks=True)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=60)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    names = [p.name for p in result.phases]
    assert "weeks_start" in names and names[-1] == "search"
    weeks = next(p for p in result.phases if p.name == "weeks_start")
    assert weeks.stopped_by in ("optimal", "deterministic_budget")  # the boxed completion's budget, not the wall
    assert weeks.details["dive_steps"] >= 1 and not weeks.details["cut"]
    second_trim = [p for p in result.phases if p.name == "trim"][1]  # the dived weeks are trimmed, then compared
    assert second_trim.details["start"] == "weeks_start" and second_trim.objective <= weeks.objective
    assert result.objective <= min(p.objective for p in result.phases if p.name in ("trim", "weeks_start"))


def test_a_whole_weeks_start_the_wall_clock_cuts_keeps_the_trimmed_start(monkeypatch):
    cfg, agents, req = _site()
    plan = SolvePlan(1, exact_det=1.0, search_det=1.0, lns_only=False, reason="test", reserve_s=0.0, weeks=True)
    monkeypatch.setattr(solve_module, "choose_phases", lambda limit_s, template_choices: plan)
    monkeypatch.setattr(solve_module, "WEEKS_AFTER_S", 10_000.0)  # the dive's cap is already past when it starts
    result = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=30)
    assert check_roster(result, cfg, agents, no_leave(), req) == []
    weeks = next(p for p in result.phases if p.name == "weeks_start")
    assert weeks.stopped_by == "wall_cap" and weeks.details["cut"] and "trimmed start is kept" in weeks.note
    assert [p.name for p in result.phases].count("trim") == 1
