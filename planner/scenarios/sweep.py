"""Sweeps: every point of a grid evaluated as one task on an executor, results assembled in point order.

Each task is the module-level function evaluate_point on picklable arguments, so any concurrent.futures.Executor runs
it: a local process pool (spawn-safe), or dask.distributed through Client.get_executor(). Re-rostering forces CP-SAT to
one worker per task (the tasks are the parallelism) and gives each point its own seed from
numpy.random.SeedSequence(seed).spawn(n_points), so the table does not depend on how the points are spread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor, as_completed

import numpy as np
import pandas as pd

from planner.scenarios.evaluate import Week, day_table, fixed_roster, reroster, scenario_inputs, summary_row
from planner.scenarios.grid import Grid, Point

ALL = "all"
METRICS = ["offered", "required_h", "scheduled_h", "short_h", "service_level", "late_contacts", "paid_h", "cost"]


def point_seeds(seed: int, n_points: int) -> list[int]:
    """One 31-bit CP-SAT seed per point, from SeedSequence(seed).spawn(n_points)."""
    return [int(child.generate_state(1, dtype=np.uint32)[0] >> 1) for child in np.random.SeedSequence(seed).spawn(n_points)]


def evaluate_point(week: Week, point: Point, mode: str, roster_slots: pd.DataFrame | None, shifts: pd.DataFrame | None,
                   time_limit_s: float | None, seed: int) -> pd.DataFrame:
    """One point's rows (per channel, then 'all'): the fixed roster against its demand, or a new roster with CP-SAT on
    one worker and the point's seed."""
    inputs = scenario_inputs(week, point.scenario)
    name = point.scenario.name
    if mode == "fixed":
        outcome = fixed_roster(week, name, inputs, roster_slots, shifts)
    else:
        solver = inputs.config.solver.model_copy(update={"workers": 1, "seed": seed})
        inputs = dataclasses.replace(inputs, config=inputs.config.model_copy(update={"solver": solver}))
        outcome = reroster(week, name, inputs, time_limit_s)
    days = day_table(outcome)
    total = summary_row(outcome, days)
    rows = []
    for channel, g in days.groupby("channel", sort=False):
        w = g["offered"].where(g["service_level"].notna(), 0.0)
        rows.append({"channel": channel, "offered": g["offered"].sum(), "required_h": g["required_h"].sum(),
                     "scheduled_h": g["scheduled_h"].sum(), "short_h": g["short_h"].sum(),
                     "service_level": float((g["service_level"].fillna(0) * w).sum() / w.sum()) if w.sum() > 0 else np.nan,
                     "late_contacts": g["late_contacts"].sum(), "paid_h": np.nan, "cost": np.nan})
    rows.append({"channel": ALL, **{k: total[k] for k in METRICS}})
    table = pd.DataFrame(rows)
    # a list-valued axis (a contract's shift lengths) is one cell of text, as the CSV and the HTML table show it
    shown = {k: (str(v) if isinstance(v, list) else v) for k, v in point.values.items()}
    front = pd.DataFrame([{"point": point.index, "scenario": name, **shown}] * len(table))
    return pd.concat([front, table], axis=1).assign(note=total["note"])


def run_sweep(week: Week, grid: Grid, mode: str, roster_slots: pd.DataFrame | None, shifts: pd.DataFrame | None,
              time_limit_s: float | None = None, executor: Executor | None = None, seed: int | None = None,
              on_point: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The sweep table: one row per point × channel (and an 'all' row per point with paid hours and cost), in point
    order. executor None runs the points here one after the other. Fixed mode needs roster_slots and shifts."""
    if mode not in ("fixed", "reroster"):
        raise ValueError(f"mode {mode!r}: expected fixed or reroster")
    if mode == "fixed" and (roster_slots is None or shifts is None):
        raise ValueError("the fixed mode needs the roster it keeps (roster_slots and shifts)")
    points = grid.points()
    seeds = point_seeds(week.config.solver.seed if seed is None else seed, len(points))
    parts: dict[int, pd.DataFrame] = {}
    if executor is None:
        for point, s in zip(points, seeds, strict=True):
            parts[point.index] = evaluate_point(week, point, mode, roster_slots, shifts, time_limit_s, s)
            if on_point is not None:
                on_point(point.index)
    else:
        futures = {executor.submit(evaluate_point, week, point, mode, roster_slots, shifts, time_limit_s, s): point.index
                   for point, s in zip(points, seeds, strict=True)}
        for future in as_completed(futures):
            parts[futures[future]] = future.result()
            if on_point is not None:
                on_point(futures[future])
    return pd.concat([parts[p.index] for p in points], ignore_index=True)


class SweepExecutor:
    """The executor a sweep runs on, as a context manager: a local process pool, or Dask (cluster 'local' or an
    address); closes what it started."""

    def __init__(self, cluster: str | None = None, workers: int | None = None) -> None:
        self.cluster, self.workers = cluster, workers
        self._closers: list[Callable[[], None]] = []

    def __enter__(self) -> Executor:
        if self.cluster is None:
            import multiprocessing
            import os
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(max_workers=self.workers or os.cpu_count() or 1,
                                       mp_context=multiprocessing.get_context("spawn"))
            self._closers.append(pool.shutdown)
            return pool
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            from planner.errors import RequestError

            raise RequestError('--cluster needs Dask: pip install "staffing-planner[dask]" (or "dask[distributed]")'
                               ) from None
        if self.cluster == "local":
            local = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None)
            self._closers.append(local.close)
            client = Client(local)
        else:
            client = Client(self.cluster)
        self._closers.insert(0, client.close)
        return client.get_executor(pure=False)

    def __exit__(self, *exc) -> None:
        for close in self._closers:
            close()
