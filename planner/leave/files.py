"""Readers of the leave outputs (capacity_plan, leave_decisions) for the report, validated like every input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.io.tables import read_table
from planner.io.validation import Checker, Col

CAPACITY_PLAN = [
    Col("group", "str"),
    Col("week", "date"),
    Col("required_h", "float", min=0),
    Col("available_h", "float"),
    Col("planned_leave_h", "float", min=0),
    Col("margin_h", "float", min=0),
    Col("allowance_h", "float", min=0),
]
DECISIONS = [
    Col("request_id", "str"),
    Col("agent_id", "str"),
    Col("start_date", "date"),
    Col("end_date", "date"),
    Col("decision", "str"),
    Col("reason_code", "str"),
    Col("hours", "float", min=0),
]
DECISION_VALUES = ("approved", "review", "waitlisted", "denied")


def read_capacity_plan(path: str | Path) -> pd.DataFrame:
    """Read and validate a capacity_plan table (hours per skill group and week) written by planner leave plan."""
    df, lines = read_table(path)
    chk = Checker(df, path, lines)
    chk.require_columns(CAPACITY_PLAN, "capacity plan", warn_unused=False)  # planner leave plan's own output
    out = chk.parse(CAPACITY_PLAN)
    chk.check_unique(out, ["group", "week"], None, None)
    chk.raise_if_any("capacity plan")
    return out


def read_leave_decisions(path: str | Path) -> pd.DataFrame:
    """Read and validate a leave_decisions table written by planner leave decide."""
    df, lines = read_table(path)
    chk = Checker(df, path, lines)
    chk.require_columns(DECISIONS, "leave decisions", warn_unused=False)  # planner leave decide's output
    out = chk.parse(DECISIONS)
    chk.add(out["decision"].notna().to_numpy() & ~out["decision"].isin(DECISION_VALUES).to_numpy(), "decision",
            out["decision"], " or ".join(DECISION_VALUES))
    chk.raise_if_any("leave decisions")
    return out
