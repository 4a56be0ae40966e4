"""Rendering of a roster solve in the terminal: a live objective/bound display and the summary tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from planner.scheduling.bound import BoundResult
from planner.scheduling.result import RosterResult


def _progress_text(limit_s: float, state: dict) -> Text:
    elapsed = time.perf_counter() - state["started"]
    if state["objective"] is None:
        return Text(f"Solving roster… {elapsed:5.1f} s / {limit_s:g} s — building the model and a first roster")
    objective, bound = state["objective"], state["bound"]
    gap = abs(objective - bound) / max(abs(objective), 1e-9) if objective else 0.0
    return Text(f"Solving roster… {elapsed:5.1f} s / {limit_s:g} s   objective {objective:,.1f}   bound {bound:,.1f}   "
                f"gap {gap:.1%}   solutions {state['solutions']}")


@contextmanager
def live_progress(console: Console, limit_s: float, enabled: bool = True) -> Iterator[Callable[[float, float, float], None]]:
    """A live line of objective, bound, gap and elapsed seconds; yields the on_progress callback for solve_roster."""
    state = {"started": time.perf_counter(), "objective": None, "bound": None, "solutions": 0}

    def on_progress(objective: float, bound: float, elapsed_s: float) -> None:
        state.update(objective=objective, bound=bound, solutions=state["solutions"] + 1)

    if not enabled:
        yield on_progress
        return
    # get_renderable re-renders at every refresh, so the elapsed time moves between solutions too
    with Live(console=console, refresh_per_second=4, transient=True, get_renderable=lambda: _progress_text(limit_s, state)):
        yield on_progress


def _fmt_sl(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.0%}"


def daily_table(daily: pd.DataFrame) -> Table:
    """Per channel and day: required vs scheduled agent-hours, shortfall and projected service level."""
    table = Table(title="Coverage per channel and day (agent-hours)", title_justify="left")
    for col, justify in (("channel", "left"), ("day", "left"), ("required", "right"), ("scheduled", "right"),
                         ("shortfall", "right"), ("projected SL", "right")):
        table.add_column(col, justify=justify)
    previous = None
    for row in daily.itertuples(index=False):
        if previous is not None and row.channel != previous:
            table.add_section()
        previous = row.channel
        short = f"[red]{row.shortfall_h:,.1f}[/]" if row.shortfall_h > 0 else "0"
        table.add_row(row.channel, f"{pd.Timestamp(row.date):%a %d %b}", f"{row.required_h:,.1f}", f"{row.scheduled_h:,.1f}",
                      short, _fmt_sl(row.service_level_projected))
    return table


def result_table(result: RosterResult, bound: BoundResult | None) -> Table:
    """Solver status, objective, bounds and the shortfall/overstaffing per channel in agent-slots."""
    table = Table(title="Roster", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    short, over = result.shortfall_agent_slots, result.overstaff_agent_slots
    table.add_row("status", result.status)
    table.add_row("objective / CP-SAT bound", f"{result.objective:,.1f} / {result.best_bound:,.1f} (gap {result.gap:.1%})")
    table.add_row("shortfall agent-slots", f"{sum(short.values()):,}  (" + ", ".join(f"{c} {v}" for c, v in short.items()) + ")")
    table.add_row("overstaffing agent-slots", f"{sum(over.values()):,}  (" + ", ".join(f"{c} {v}" for c, v in over.items()) + ")")
    if bound is not None:
        slack = 0.01 * bound.required_total
        ok = sum(short.values()) <= bound.total + slack
        verdict = "[green]within[/]" if ok else "[yellow]above[/]"
        text = f"{bound.total:,.0f}  ({verdict} bound + 1% of {bound.required_total:,.0f} required)"
        table.add_row("LP bound on shortfall", text)
    table.add_row("late contacts (expected)", f"{result.late_contacts:,.1f}")
    table.add_row("solve seconds", f"{result.solve_s:,.1f}")
    return table


def violations_table(counts: dict[str, int]) -> Table:
    """Soft-rule violations by rule."""
    table = Table(title="Soft-rule violations", title_justify="left")
    table.add_column("rule")
    table.add_column("count", justify="right")
    for rule, n in sorted(counts.items()):
        table.add_row(rule, str(n))
    if not counts:
        table.add_row("none", "0")
    return table


def summary_renderable(result: RosterResult, bound: BoundResult | None, daily: pd.DataFrame, violations: dict[str, int]) -> Group:
    """Everything the schedule command prints after a solve."""
    return Group(result_table(result, bound), daily_table(daily), violations_table(violations))
