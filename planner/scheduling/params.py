"""CP-SAT parameters shared by the roster solve and its sub-solves: workers, seed, limits and light presolve."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.config.schema import Config

# Wall-clock cap of a sub-solve per deterministic unit of its budget: sub-solves run about six wall seconds per unit
# on the sample week (2 cores), so the cap leaves room for a loaded machine and the deterministic budget stops them.
WALL_PER_DET = 10.0


def light_presolve(params) -> None:
    """Skip presolve probing and symmetry detection: on rosters they cost more time than they return."""
    params.cp_model_probing_level = 0
    params.symmetry_level = 0


def solver_parameters(solver: cp_model.CpSolver, config: Config, limit: float, wall_s: float,
                      workers: int | None = None) -> None:
    """Workers (config.solver's unless given), seed and limits: limit in deterministic units (about a second of one
    core each) when config.solver.deterministic; wall_s caps the wall clock (the only limit when not deterministic)."""
    settings = config.solver
    params = solver.parameters
    light_presolve(params)
    params.num_workers = settings.workers if workers is None else workers
    params.random_seed = settings.seed
    # Deterministic parallel search: the workers run in interleaved batches and stop on deterministic time (about one
    # unit per second of one core), so the same inputs, seed and worker count give the same roster whatever the load.
    # The wall-clock limit is a safety net: a run stopped by it instead (a very loaded machine) may differ, and the
    # phase report (phases.PhaseReport.stopped_by) says so.
    params.interleave_search = settings.deterministic and params.num_workers > 1
    if settings.deterministic:
        params.max_deterministic_time = limit
        params.max_time_in_seconds = max(wall_s, 0.1)
    else:
        params.max_time_in_seconds = max(wall_s, 0.1)
