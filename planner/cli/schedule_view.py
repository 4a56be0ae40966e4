"""Rendering of a roster solve in the terminal: live progress and the summary tables in agent-slots and hours."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from planner.cli.common import add_row, progress
from planner.scheduling.bound import BoundResult
from planner.scheduling.result import RosterResult


def progress_status(limit_s: float, state: dict) -> str:
    """The live status of a solve: the best roster so far and the solver's limit (no solver-internal gap)."""
    limit = f"solver limit {limit_s:g} s"
    if state["objective"] is None:
        return f"building the model and a first roster ({limit})"
    return f"{state['solutions']} roster(s) found, best cost {state['objective']:,.0f} ({limit})"


@contextmanager
def live_progress(limit_s: float, description: str = "Solving roster") -> Iterator[Callable[[float, float, float], None]]:
    """Progress of a solve (rich on a terminal, plain lines in a pipe, nothing with --quiet); yields on_progress."""
    state = {"objective": None, "bound": None, "solutions": 0}

    def on_progress(objective: float, bound: float, elapsed_s: float) -> None:
        state.update(objective=objective, bound=bound, solutions=state["solutions"] + 1)

    with progress(description, status=lambda: progress_status(limit_s, state)):
        yield on_progress


def _fmt_sl(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.0%}"


def _table(title: str, **kwargs) -> Table:
    """A compact table that fits an 80-column terminal (no outer padding, a rule under the header only)."""
    return Table(title=Text(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, **kwargs)


def daily_table(daily: pd.DataFrame) -> Table:
    """Per channel and day: required vs scheduled agent-hours, shortfall and projected service level."""
    table = _table("Coverage per channel and day (agent-hours)")
    for col, justify in (("channel", "left"), ("day", "left"), ("required", "right"), ("scheduled", "right"),
                         ("short", "right"), ("proj. SL", "right")):
        table.add_column(col, justify=justify)
    previous = None
    for row in daily.itertuples(index=False):
        if previous is not None and row.channel != previous:
            table.add_section()
        previous = row.channel
        short = Text(f"{row.shortfall_h:,.1f}", style="red") if row.shortfall_h > 0 else Text("0")
        add_row(table, Text(str(row.channel)), f"{pd.Timestamp(row.date):%a %d %b}", f"{row.required_h:,.1f}",
                      f"{row.scheduled_h:,.1f}", short, _fmt_sl(row.service_level_projected))
    return table


def _per_channel(counts: dict[str, float]) -> str:
    return ", ".join(f"{c} {v:,.0f}" for c, v in counts.items())


STATUS_WORDS = {"OPTIMAL": "proven best for the solver's costs", "FEASIBLE": "best found within the time limit"}


def result_table(result: RosterResult, bound: BoundResult | None) -> Table:
    """The roster in the planner's terms: shortfall, its proven floor and the distance to it, overstaffing."""
    table = _table("Roster", show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("value", overflow="fold")
    bound = bound if bound is not None else result.shortfall_bound
    short, over = result.shortfall_agent_slots, result.overstaff_agent_slots
    short_total = sum(short.values())
    add_row(table, "roster", f"{STATUS_WORDS.get(result.status, result.status.lower())} ({result.status})")
    add_row(table, "shortfall", f"{short_total:,} agent-slots" + (f": {_per_channel(short)}" if short_total else ""))
    if bound is not None:
        required = bound.required_total
        above = max(short_total - bound.total, 0.0)
        share = above / required if required > 0 else 0.0
        style = "green" if share <= 0.01 else "yellow"
        add_row(table, "proven floor", f"{bound.total:,.0f} agent-slots (LP bound: no roster of these agents can be "
                      "short by less)")
        add_row(table, "above floor", Text.assemble((f"{above:,.0f} agent-slots = {share:.1%}", style),
                                                   f" of {required:,.0f} required agent-slots"))
    add_row(table, "overstaffing", f"{sum(over.values()):,} agent-slots" + (f": {_per_channel(over)}" if any(over.values())
                                                                              else ""))
    add_row(table, "late contacts", f"{result.late_contacts:,.1f} expected")
    add_row(table, "solve time", solve_time_text(result))
    return table


def solve_time_text(result: RosterResult) -> Text:
    """The solve's wall seconds, with what took it past its limit, or within it which phases the wall clock stopped."""
    limit = result.solve_plan.limit_s if result.solve_plan is not None else None
    text = Text(f"{result.solve_s:,.1f} s")
    if limit is None:
        return text
    if result.solve_s <= limit + 1.0:
        cut = list(dict.fromkeys(p.name for p in result.phases if p.stopped_by == "wall_cap"))
        if cut:
            text.append(f" (the wall clock stopped {', '.join(cut)} early: the same inputs may give another roster on "
                        "a quieter machine or with a longer limit)", style="yellow")
        return text
    first = [p for p in result.phases if p.name not in ("search", "fallback")]
    took = sum(p.wall_s for p in first)
    search = next((p for p in result.phases if p.name == "search"), None)
    cut = "; the search was skipped" if search is not None and search.wall_s == 0.0 else ""
    text.append(f" (over the {limit:g} s limit: the model and first roster took {took:,.1f} s on this site{cut}; "
                "the phases are in schedule_summary.json)", style="yellow")
    return text


def violations_table(counts: dict[str, int]) -> Table:
    """Soft-rule violations by rule."""
    table = _table("Soft-rule violations")
    table.add_column("rule")
    table.add_column("count", justify="right")
    for rule, n in sorted(counts.items()):
        add_row(table, rule, str(n))
    if not counts:
        add_row(table, "none", "0")
    return table


def summary_renderable(result: RosterResult, bound: BoundResult | None, daily: pd.DataFrame, violations: dict[str, int]) -> Group:
    """Everything the schedule command prints after a solve."""
    return Group(result_table(result, bound), daily_table(daily), violations_table(violations))
