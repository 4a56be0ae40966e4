"""The outcome of a roster solve, as tables a planner can read and numbers a report can quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from planner.scheduling.bound import BoundResult
    from planner.scheduling.phases import PhaseReport, SolvePlan


@dataclass
class RosterResult:
    """A solved roster: the tables of DESIGN.md plus solver status, objective, bound and shortfall per channel."""

    status: str  # 'OPTIMAL' or 'FEASIBLE'; infeasibility raises InfeasibleError instead
    roster: pd.DataFrame  # shifts (planner.scheduling.roster): agent_id, date, shift_start, shift_end, paid_hours, team, channels
    roster_slots: pd.DataFrame  # agent_id, interval_start, activity (channel | break | leave)
    coverage: pd.DataFrame  # interval_start, channel, required, scheduled, gap
    objective: float
    best_bound: float
    solve_s: float
    shortfall_agent_slots: dict[str, int] = field(default_factory=dict)
    overstaff_agent_slots: dict[str, int] = field(default_factory=dict)
    late_contacts: float = 0.0
    violations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["rule", "agent_id", "date", "penalty"])
    )
    rules_applied: list[str] = field(default_factory=list)
    model_size: dict[str, int] = field(default_factory=dict)  # variables, constraints and the main families' counts
    progress: list[tuple[float, float, float]] = field(default_factory=list)  # (objective, bound, elapsed_s) per solution
    shortfall_bound: BoundResult | None = None  # the LP lower bound on total shortfall, solved for the first roster
    objective_terms: dict[str, float] = field(default_factory=dict)  # costs.TERMS evaluated on the roster + 'total'
    solve_plan: SolvePlan | None = None  # the phases chosen (phases.choose_phases) and why
    phases: list[PhaseReport] = field(default_factory=list)  # each phase run: budget, used, wall s, what stopped it
    breaks: pd.DataFrame | None = None  # agent_id, start, end, kind (lunch | short); None: taken from roster

    def __post_init__(self) -> None:
        # The engine hands each shift its breaks as (start, end, kind) tuples; a hand-built roster may be in display
        # form ('HH:MM'): either way the result keeps typed shifts and break rows.
        if self.breaks is None:
            from planner.scheduling.roster import typed_shifts

            self.roster, self.breaks = typed_shifts(self.roster)

    def tables(self):
        """The roster as its typed tables (planner.scheduling.roster.Roster)."""
        from planner.scheduling.roster import Roster

        return Roster(self.roster, self.breaks, self.roster_slots)

    @property
    def gap(self) -> float:
        """Relative gap between objective and the proven lower bound (0 when proven optimal, 1 when nothing is proven)."""
        if self.objective == 0:
            return 0.0
        return abs(self.objective - self.best_bound) / max(abs(self.objective), 1e-9)
