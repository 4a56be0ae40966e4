"""Rostering named agents with OR-Tools CP-SAT: shifts, breaks, skills, contracts, labour rules and leave."""

from planner.scheduling.check import check_roster
from planner.scheduling.result import RosterResult
from planner.scheduling.solve import solve_roster

__all__ = ["RosterResult", "check_roster", "solve_roster"]
