"""CP-SAT parameters shared by the roster solve and its sub-solves: workers, seed, limits and light presolve."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.config.schema import Config


def light_presolve(params) -> None:
    """Skip presolve probing and symmetry detection: on rosters they cost more time than they return."""
    params.cp_model_probing_level = 0
    params.symmetry_level = 0


def solver_parameters(solver: cp_model.CpSolver, config: Config, limit: float, wall_s: float) -> None:
    """Workers, seed and limits from config.solver (limit in seconds of search, wall_s what is left of the wall budget)."""
    settings = config.solver
    params = solver.parameters
    light_presolve(params)
    params.num_workers = settings.workers
    params.random_seed = settings.seed
    # Deterministic parallel search: the workers run in interleaved batches and stop on deterministic time (about one
    # unit per second of one core), so the same inputs, seed and worker count give the same roster whatever the load.
    # The wall-clock limit is a safety net: a run stopped by it instead (a very loaded machine) may differ.
    params.interleave_search = settings.deterministic
    if settings.deterministic:
        params.max_deterministic_time = limit
        params.max_time_in_seconds = max(wall_s, 1.0)
    else:
        params.max_time_in_seconds = wall_s
