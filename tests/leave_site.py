"""A tiny leave-planning site for the leave tests: two channels, three skill groups, hand-made required hours."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.config import parse_config
from planner.io.tables import validate_agents, validate_leave
from planner.leave.capacity import build_capacity
from planner.leave.hours import agent_hours

START = dt.date(2027, 3, 1)  # a Monday
CONFIG = """
site:
  name: Tiny
  slot_minutes: 60
  opening_hours:
    monday: {open: "08:00", close: "18:00"}
    tuesday: {open: "08:00", close: "18:00"}
    wednesday: {open: "08:00", close: "18:00"}
    thursday: {open: "08:00", close: "18:00"}
    friday: {open: "08:00", close: "18:00"}
channels:
  - {name: voice, target: {service_level: 0.8, answer_within_s: 20}, aht_s: 300, shrinkage: 0.3}
  - {name: chat, target: {service_level: 0.8, answer_within_s: 30}, aht_s: 600, shrinkage: 0.3}
contracts:
  - {name: full_time, weekly_hours_min: 40, weekly_hours_max: 40, days_per_week_max: 5, shift_lengths_h: [8]}
  - {name: part_time, weekly_hours_min: 20, weekly_hours_max: 20, days_per_week_max: 5, shift_lengths_h: [4]}
  - {name: casual, weekly_hours_min: 10, weekly_hours_max: 10, days_per_week_max: 5, shift_lengths_h: [2]}
leave:
  margin: 0.0
  threshold: 1.0
  leave_in_shrinkage: 0.1
  entitlements:
    - {contract: full_time, days_per_year: 25}
    - {contract: part_time, days_per_year: 25}
"""


def config(**leave):
    """The tiny config with leave settings overridden (dotted keys under leave)."""
    return parse_config(CONFIG, overrides={f"leave.{k}": v for k, v in leave.items()})


def agents(rows: list[tuple] | None = None) -> pd.DataFrame:
    """Typed agents (agent_id, skills, contract, team[, employed_from, employed_to, seniority])."""
    rows = rows or [("v1", "voice", "full_time", "T1"), ("v2", "voice", "full_time", "T1"),
                    ("v3", "voice", "full_time", "T2"), ("c1", "chat", "full_time", "T2"),
                    ("b1", "voice;chat", "full_time", "T1"), ("p1", "voice", "part_time", "T2"),
                    ("z1", "voice", "casual", "T2")]
    cols = ["agent_id", "skills", "contract", "team", "employed_from", "employed_to", "seniority"]
    frame = pd.DataFrame([r + (None,) * (len(cols) - len(r)) for r in rows], columns=cols)
    return validate_agents(frame.assign(name=frame["agent_id"]))


def leave(rows: list[tuple]) -> pd.DataFrame:
    """Typed leave (agent_id, start, end, kind, status[, request_id, requested_at, override])."""
    cols = ["agent_id", "start_date", "end_date", "kind", "status", "request_id", "requested_at", "override"]
    frame = pd.DataFrame([tuple(str(v) if v is not None else None for v in r) + (None,) * (len(cols) - len(r))
                          for r in rows], columns=cols)
    return validate_leave(frame)


def required(voice_h: list[float], chat_h: list[float], start: dt.date = START) -> pd.DataFrame:
    """channel_day_h with the given required hours per day (same length lists) from start."""
    rows = []
    for i, (v, c) in enumerate(zip(voice_h, chat_h, strict=True)):
        day = start + dt.timedelta(days=i)
        rows += [(day, "voice", v, 0.0), (day, "chat", c, 0.0)]
    return pd.DataFrame(rows, columns=["date", "channel", "required_h", "offered"])


def capacity(cfg, agents_df, leave_df, voice_h, chat_h, weeks: int):
    """(agent hours, Capacity) of the tiny site over weeks from START."""
    hours = agent_hours(cfg, agents_df)
    return hours, build_capacity(cfg, required(voice_h, chat_h), hours, leave_df, START, weeks)
