"""The solve as named phases: which run is chosen from the instance and the budget by one function (choose_phases),
and every constant of that choice lives here, with the measurement behind it.

Phases, in the order they may run (solve.solve_roster runs them and reports each as a PhaseReport):
- build: the instance, the per-agent checks and the CP-SAT model (counts against the time limit, never cut);
- greedy_start: each agent's best week against what the others leave short (hint.greedy_weeks), breaks and channels
  placed greedily (complete.greedy_completion): the first roster when there are no hand-outs, and on very large
  models (GREEDY_FIRST_ABOVE) the first roster before the LP plan, whose hand-outs it then competes with;
- lp_plan: the LP bound (bound.py) and its group plan, the proven floor of the shortfall;
- hand_out: the plan handed to named agents under every hard rule (plan.weeks_from_plan), once per match bonus;
- complete_breaks: each hand-out's breaks and channels placed greedily (a complete roster from then on:
  greedy_ready_s) and, below site scale, by an exact sub-solve (complete.complete_shifts), whichever costs less by the
  cost model kept; the cheapest completed hand-out is the start;
- trim: the first roster reshaped by one-agent moves that save by the cost model under every hard rule (trim.py:
  drop a shift, start or end it at another time, work a day off or move a shift to one), in passes over every agent
  until no move saves or its pass budget (from the limit and the model size) is spent; deterministic, and it never
  makes the start dearer;
- published_start (planner replan): the published roster with the edits the changes force, then start_check: that
  roster solved with every value fixed, priced exactly and returned unless the search finds a cheaper one;
- weeks_start (from WEEKS_MIN_LIMIT_S on site-scale weeks, up to WEEKS_MAX_CHOICES): the trimmed start's weeks as
  the first columns of an LP over whole agent weeks, priced and dived to one week per agent, breaks boxed to the LP's
  (columns.py); kept, and trimmed again, when it costs less than the trimmed start; with it the LP plan has one
  hand-out and the search a budget that fits what the dive leaves;
- search: CP-SAT on the full model from the first roster (large-neighbourhood search only on large rosters);
- fallback: when the search ends with no roster, or a dearer one than its start, the first roster itself is solved
  with every hinted variable fixed and returned, so a run never ends worse than its start.

Every CP-SAT phase stops on a deterministic budget (about a second of one core per unit), so the same inputs, seed
and workers give the same roster whatever the load; its wall cap is the safety net, and stopped_by says which one
stopped it. Wall seconds measured on the sample site week (150 agents, demo config) on 2 idle cores.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# The LP plan with its hand-outs costs tens of seconds on a site week (LP ~5 s, each hand-out + exact completion
# ~10-15 s) and pays back only with time left to polish its roster: below this limit the greedy start is kept.
PLAN_MIN_LIMIT_S = 60.0
# Match bonuses of the hand-outs (plan.weeks_from_plan), one more per HANDOUT_EVERY_S above HANDOUT_FROM_S: which
# hand-out covers best varies from week to week by a few percent of the shortfall, and the search barely moves a
# roster this close to the bound, so trying more of them is where extra time pays most.
HANDOUT_BONUSES, HANDOUT_FROM_S, HANDOUT_EVERY_S = (4.0, 2.0, 8.0), 90.0, 15.0
# Agent-day template choices above which the greedy start runs before the LP plan too: the LP and its first hand-out
# take longer than the greedy start there, and a complete roster should exist early. 400 agents (demo x2.67, about
# 96,000 choices): build 3.7 s, LP 20.5 s, first hand-out 13.5 s (first roster at 36-38 s); with the greedy start first
# the first roster is at 15.9, 20.2 and 27.5 s in three runs; the 150-agent week (about 36,000) has its first hand-out
# at 15-20 s and keeps the LP path alone.
GREEDY_FIRST_ABOVE = 60000
# The whole-weeks start (columns.py) from this limit up, on weeks of at most WEEKS_MAX_CHOICES agent-day template
# choices. On the sample week (seed 1, 2 idle cores) the LP plan, one hand-out and the trim take about 36 s, the
# phase about 55 s (dive 44 s: 30 LP re-solves 30 s, pricing 11 s; boxed completion 11 s), the second trim and the
# search about 15 s: it fits 120 s. Seed 1 at 180 s: shortfall 3 (bound 1), overstaffed 2.57%, objective 8,343
# (120 s without it: 27, 6.33%, 38,157). Above WEEKS_MAX_CHOICES (400 agents: about 96,000) the LP plan and its
# hand-out alone take about 35 s and the LP grows with the agents, so it does not run there; below LNS_ONLY_ABOVE the
# full search, with its larger budget, closes small rosters itself.
WEEKS_MIN_LIMIT_S, WEEKS_MAX_CHOICES = 120.0, 60000
# Pricing rounds before the dive, agents fixed per dive step (at most WEEKS_STEP and WEEKS_SHARE of those still free)
# and the boxed completion's deterministic budget. Seed 1 from the same trimmed start: 8 rounds and steps of 15 (at
# most a quarter) take 70 s to a dived start costing 35,638 (overstaffing 300 agent-slots); 5 rounds and steps of 25
# (at most a third) take 44 s to 35,847 (355), which the second trim and search then close; 4 rounds leave the search
# its budget at 120 s. The boxed completion is optimal in about 3.3 units.
WEEKS_ROUNDS, WEEKS_STEP, WEEKS_SHARE, WEEKS_BOX_DET = 4, 25, 1 / 3, 4.0
# Wall seconds kept after the dive for the boxed completion (about 11 s), the second trim (about 5 s) and the search:
# past this point of the limit the dive stops, and the trimmed start is kept.
WEEKS_AFTER_S = 30.0
# With the whole-weeks start: one hand-out (the start is only its first columns, and the two more hand-outs' 15 s go
# to the dive), and the search's budget grows from LNS_BASE_DET by LNS_DET_PER_S per second of limit above
# WEEKS_BEFORE_SEARCH_S (what the phases before the search take on a site week), so it ends on its budget, not on the
# wall clock, on an idle machine and on a moderately loaded one (at 120 s the phases before it end at 90-100 s on the
# sample seeds, and LNS takes 17-20 s for 4.8 units: cut on seed 5 at 4.69, so 4 units there).
WEEKS_BEFORE_SEARCH_S = 120.0
# The first trim's passes before the whole-weeks start: its roster is only the dive's first columns (and the start kept
# if the dive's is dearer), and its first passes save most (seed 1: 7 passes in 11.5 s).
WEEKS_FIRST_TRIM_PASSES = 4
# Exact completion: deterministic units per second of limit (at least EXACT_MIN_DET), on small rosters only. On a
# site week (LNS_ONLY_ABOVE) the greedy placement is far cheaper than what the sub-solve finds in its budget, so it is
# skipped there: seed 1 at 120 s, the three hand-outs' greedy placements cost 557,385 / 392,312 / 556,693 and the
# sub-solves 8.96 / 8.94 / 8.73 million (9-10 s each, never kept); hinted with the greedy placement, 1.5 and 4 units
# end at 397,563 against the greedy's 391,845.
EXACT_DET_PER_S, EXACT_MIN_DET = 0.0125, 1.5
# Agent-day template choices above which the search is LNS only: the full search proves small rosters optimal but on
# a site week (~10,000 choices) spends its time on the bound, which the LP gives anyway.
LNS_ONLY_ABOVE = 5000
# Full search on small rosters: this share of the limit, in deterministic units.
SEARCH_SHARE = 0.5
# LNS on a site week spends about 2.5 units loading the model and hint in 3 s, then about a quarter of a unit per wall
# second on 2 cores: its budget is low enough that it, not the wall clock, stops the search on a normal load.
LNS_BASE_DET, LNS_DET_PER_S = 4.0, 0.04
# Trim passes (each offers every agent its most saving move): on the sample sites the moves settle within about ten
# passes, the first saving most. A pass costs 1-1.6 s on the sample week's 150 agents (about 36,000 agent-day template
# choices; a pass's cost grows with them), and at short limits a pass is worth more than search time (seed 7, from the
# greedy start: 30 s limit, 6 passes leave 392,819 and the search finds nothing in 5 s, 3 passes and 10 s of search
# 408,327; 20 s limit, 4 passes 396,867, 2 passes 414,710), so about one pass per 5 s of limit on that week, one per
# TRIM_CHOICES_PER_S choices per second in general: the pass count, not the wall clock, ends the trim, and the roster
# stays repeatable.
TRIM_MAX_PASSES, TRIM_CHOICES_PER_S = 12, 7500
# Wall seconds kept at the end of the limit for handing out breaks and channels and building the tables: 3 s on a
# site week; a tenth of the limit when that is less (tiny rosters extract in milliseconds).
EXTRACT_RESERVE_S, EXTRACT_RESERVE_SHARE = 3.0, 0.1
# Wall seconds a fallback (the start roster solved with its values fixed) always gets, even past the limit: it is
# what stands between a cut search and "no roster".
FALLBACK_MIN_S = 10.0

STOPS = ("done", "optimal", "deterministic_budget", "wall_cap", "no_solution", "skipped")


@dataclass(frozen=True)
class SolvePlan:
    """The phases chosen for one solve and why."""

    handouts: int  # 0: greedy start; 1-3: LP plan, that many hand-outs, each completed greedily (and exactly, exact_det)
    exact_det: float  # deterministic budget of each exact completion (0: greedy placement only)
    search_det: float  # deterministic budget of the search
    lns_only: bool
    reason: str
    reserve_s: float  # wall seconds kept at the end for extraction
    replan: bool = False  # planner replan: the published roster is the start (phase published_start)
    trim_passes: int = TRIM_MAX_PASSES  # the trim's pass budget
    limit_s: float | None = None  # the time limit the plan was chosen for (seconds, model building included)
    greedy_first: bool = False  # with hand-outs: the greedy start runs first and competes with them
    weeks: bool = False  # the whole-weeks start runs after the trim (columns.py)
    first_trim_passes: int | None = None  # the first trim's pass budget when it differs (before the whole-weeks start)

    @property
    def start(self) -> str:
        """'greedy_start', 'lp_plan', 'greedy_start+lp_plan' (the cheaper of both) or 'published_start': where the first
        roster comes from."""
        if self.replan:
            return "published_start"
        if self.handouts:
            return "greedy_start+lp_plan" if self.greedy_first else "lp_plan"
        return "greedy_start"

    @property
    def phases(self) -> list[str]:
        """The names of the phases planned, in order (fallback only runs when needed)."""
        first = ["greedy_start"] if not self.handouts or self.greedy_first else []
        if self.handouts:
            first += ["lp_plan", *["hand_out", "complete_breaks"] * self.handouts]
        first = ["published_start", "start_check"] if self.replan else [*first, "trim"]
        if self.weeks:
            first += ["weeks_start", "trim"]
        return ["build", *first, "search"]

    def as_dict(self) -> dict:
        """JSON-ready."""
        return {**asdict(self), "start": self.start, "phases": self.phases}


def choose_phases(limit_s: float, template_choices: int) -> SolvePlan:
    """The phases for a time limit (seconds) and a model of template_choices agent-day template booleans.

    Chosen on the limit, not on the wall seconds left, so the same inputs run the same algorithm on any load.
    """
    lns_only = template_choices > LNS_ONLY_ABOVE
    search_det = max(1.0, LNS_BASE_DET + LNS_DET_PER_S * limit_s if lns_only else SEARCH_SHARE * limit_s)
    exact_det = 0.0 if lns_only else max(EXACT_MIN_DET, EXACT_DET_PER_S * limit_s)
    search = "LNS only" if lns_only else "full search"
    reserve_s = min(EXTRACT_RESERVE_S, EXTRACT_RESERVE_SHARE * limit_s)
    passes = trim_passes(limit_s, template_choices)
    if limit_s < PLAN_MIN_LIMIT_S:
        return SolvePlan(0, exact_det, search_det, lns_only,
                         f"time limit {limit_s:g} s < {PLAN_MIN_LIMIT_S:g} s: greedy start, trim of at most {passes} "
                         f"pass(es), then {search} ({template_choices} agent-day template choices)", reserve_s,
                         trim_passes=passes, limit_s=limit_s)
    weeks = limit_s >= WEEKS_MIN_LIMIT_S and lns_only and template_choices <= WEEKS_MAX_CHOICES
    handouts = min(len(HANDOUT_BONUSES), 1 + int(max(0.0, limit_s - HANDOUT_FROM_S) // HANDOUT_EVERY_S))
    more = (f"; {len(HANDOUT_BONUSES)} hand-outs from {HANDOUT_FROM_S + (len(HANDOUT_BONUSES) - 1) * HANDOUT_EVERY_S:g} s"
            if handouts < len(HANDOUT_BONUSES) else "")
    first_passes = None
    if weeks:
        handouts, more = 1, " (one: the whole-weeks start follows)"
        first_passes = min(passes, WEEKS_FIRST_TRIM_PASSES)
        search_det = min(search_det, LNS_BASE_DET + LNS_DET_PER_S * max(0.0, limit_s - WEEKS_BEFORE_SEARCH_S))
    greedy_first = template_choices > GREEDY_FIRST_ABOVE
    first = (f"greedy start first (more than {GREEDY_FIRST_ABOVE} agent-day template choices), then " if greedy_first
             else "")
    whole = (f" (the first of at most {first_passes}), whole-weeks start (time limit >= {WEEKS_MIN_LIMIT_S:g} s, "
             f"{LNS_ONLY_ABOVE}-{WEEKS_MAX_CHOICES} choices) and a second trim" if weeks else "")
    return SolvePlan(handouts, exact_det, search_det, lns_only,
                     f"time limit {limit_s:g} s >= {PLAN_MIN_LIMIT_S:g} s: {first}LP plan with {handouts} hand-out(s)"
                     f"{more}, trim of at most {passes} passes{whole}, then {search} ({template_choices} agent-day "
                     "template choices)", reserve_s, trim_passes=passes, limit_s=limit_s, greedy_first=greedy_first,
                     weeks=weeks, first_trim_passes=first_passes)


def trim_passes(limit_s: float, template_choices: int) -> int:
    """The trim's pass budget for a time limit (seconds) on a model of template_choices agent-day template booleans:
    one pass per template_choices / TRIM_CHOICES_PER_S seconds, at least 1, at most TRIM_MAX_PASSES."""
    return max(1, min(TRIM_MAX_PASSES, int(limit_s * TRIM_CHOICES_PER_S // max(template_choices, 1))))


@dataclass
class PhaseReport:
    """What one phase was given, what it used and what stopped it; objective in planner units after the phase."""

    name: str
    wall_s: float
    stopped_by: str  # one of STOPS
    budget_det: float | None = None
    used_det: float | None = None
    wall_cap_s: float | None = None
    objective: float | None = None  # the roster's objective after the phase (starts: by the cost model)
    note: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready, rounded."""
        out = asdict(self)
        for key in ("wall_s", "budget_det", "used_det", "wall_cap_s", "objective"):
            if out[key] is not None:
                out[key] = round(float(out[key]), 3)
        return out


def stopped_by(status_name: str, used_det: float, budget_det: float, wall_s: float, wall_cap_s: float,
               has_solution: bool) -> str:
    """Why a CP-SAT phase ended, from its status and its deterministic and wall time against their limits."""
    if status_name == "OPTIMAL" or status_name == "INFEASIBLE":
        return "optimal" if has_solution else "no_solution"
    # The wall cap first: an interleaved search checks its deterministic budget only between batches, so a run the
    # wall clock cut mid-batch can already show more deterministic time than its budget; calling that a budget stop
    # would promise a repeatable roster the run cannot give.
    if wall_s >= 0.95 * wall_cap_s:
        return "wall_cap"
    if used_det >= 0.99 * budget_det:
        return "deterministic_budget"
    return "done" if has_solution else "no_solution"


# planner replan starts from the published roster, so no start phase takes a share of the limit and the search may
# use most of it: on the sample week (2 cores) the LNS loads in ~3 s (~2.5 units), then runs ~0.35 units per wall
# second, so 0.2 units per second of limit stops it on its budget well inside the limit (~40 s of 60).
REPLAN_DET_PER_S = 0.2


def choose_replan_phases(limit_s: float, template_choices: int) -> SolvePlan:
    """The phases of a re-plan: the published roster is the start, then the search (LNS only on large rosters)."""
    lns_only = template_choices > LNS_ONLY_ABOVE
    search_det = max(1.0, LNS_BASE_DET + REPLAN_DET_PER_S * limit_s if lns_only else SEARCH_SHARE * limit_s)
    reserve_s = min(EXTRACT_RESERVE_S, EXTRACT_RESERVE_SHARE * limit_s)
    search = "LNS only" if lns_only else "full search"
    return SolvePlan(0, EXACT_MIN_DET, search_det, lns_only,
                     f"re-plan: the published roster is the start, then {search} "
                     f"({template_choices} agent-day template choices)", reserve_s, replan=True, limit_s=limit_s)
