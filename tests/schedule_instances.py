"""Seeded roster instances for the scheduling tests and measurements: tiny hand-made sites and a realistic contact centre."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.config import load_config, parse_config
from planner.config.schema import Config

WEEK = dt.date(2026, 11, 23)  # a Monday without public holidays in England

TINY_YAML = """
site:
  name: Tiny
  slot_minutes: 60
  opening_hours:
    monday: {{open: "{open}", close: "{close}"}}
    tuesday: {{open: "{open}", close: "{close}"}}
    wednesday: {{open: "{open}", close: "{close}"}}
    thursday: {{open: "{open}", close: "{close}"}}
    friday: {{open: "{open}", close: "{close}"}}
    saturday: {{open: "{open}", close: "{close}"}}
    sunday: {{open: "{open}", close: "{close}"}}
channels:
  - {{name: voice, target: {{service_level: 0.8, answer_within_s: 20}}, aht_s: 300}}
  - {{name: chat, target: {{service_level: 0.8, answer_within_s: 30}}, aht_s: 600}}
contracts:
  - {{name: std, weekly_hours_min: {hmin}, weekly_hours_max: {hmax}, days_per_week_max: {days}, shift_lengths_h: {lengths}}}
shift_rules:
  start_step_min: {step}
  earliest_start: "{earliest}"
  latest_end: "{latest}"
  lunch: {lunch}
  short_breaks: {short}
labour_rules:
  min_rest_h: {rest}
  max_consecutive_days: {consec}
  soft: {{two_consecutive_days_off: 0, similar_start_times: 0, fair_weekends: 0, preferences: 0, requested_leave: 20}}
solver: {{time_limit_s: 5, workers: 2, seed: 1}}
"""


def tiny_config(**kw) -> Config:
    """A one- or two-channel site on 60-minute slots where each test changes only the rule it binds."""
    values = dict(open="06:00", close="22:00", hmin=0, hmax=40, days=5, lengths="[8]", step=60, earliest="06:00",
                  latest="22:00", lunch="null", short="null", rest=11, consec=6)
    values.update(kw)
    return parse_config(TINY_YAML.format(**values), source="tiny.yaml")


def tiny_requirements(cfg: Config, need: dict[str, dict[int, int]] | None = None, days: int = 7,
                      default: dict[str, int] | None = None) -> pd.DataFrame:
    """Requirement rows for every open hour: need[channel][hour] agents (default[channel] elsewhere, else 0)."""
    rows = []
    for d in range(days):
        date = WEEK + dt.timedelta(days=d)
        hours = cfg.hours_on(date)
        for minute in range(hours.open_min, hours.close_min, cfg.site.slot_minutes):
            for ch in cfg.channel_names:
                n = (need or {}).get(ch, {}).get(minute // 60 % 24, (default or {}).get(ch, 0))
                rows.append((pd.Timestamp(date) + pd.Timedelta(minutes=minute), ch, 10.0 * n, cfg.channel(ch).aht_s, n, n))
    return pd.DataFrame(rows, columns=["interval_start", "channel", "offered", "aht_s", "agents_productive", "agents_required"])


def agents_table(rows: list[dict]) -> pd.DataFrame:
    """An agents table from dicts with agent_id, skills (list), contract and optional fields."""
    base = {"name": "", "team": "", "available_from": "", "available_to": "", "preferences": ""}
    return pd.DataFrame([{**base, "name": r["agent_id"], **r} for r in rows])


def no_leave() -> pd.DataFrame:
    """An empty leave table."""
    return pd.DataFrame(columns=["agent_id", "start_date", "end_date", "kind", "status"])


@dataclass
class Site:
    """A realistic week: config, requirements, agents and leave."""

    config: Config
    requirements: pd.DataFrame
    agents: pd.DataFrame
    leave: pd.DataFrame


SKILL_MIX = [("voice", 0.38), ("voice;chat", 0.25), ("chat", 0.05), ("chat;email", 0.10), ("email;social", 0.10),
             ("voice;chat;email;social", 0.12)]
CONTRACT_MIX = [("full_time", 0.63), ("part_time", 0.27), ("weekend", 0.10)]


def realistic_site(config_path, n_agents: int = 150, seed: int = 7) -> Site:
    """A contact-centre week on the demo config: daily curves per channel sized to n_agents, mixed skills and contracts."""
    cfg = load_config(config_path)
    rng = np.random.default_rng(seed)
    scale = n_agents / 150
    slot = cfg.site.slot_minutes
    rows = []
    day_factor = [1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.35]
    for d in range(7):
        date = WEEK + dt.timedelta(days=d)
        for ch in cfg.channel_names:
            hours = cfg.hours_on(date, ch)
            if hours is None:
                continue
            for minute in range(hours.open_min, hours.close_min, slot):
                h = minute / 60
                shape = {"voice": 16 * np.exp(-((h - 11) / 2.5) ** 2) + 12 * np.exp(-((h - 15) / 2.5) ** 2) + 3,
                         "chat": 8 * np.exp(-((h - 13) / 4) ** 2) + 6 * np.exp(-((h - 20) / 2) ** 2) + 2,
                         "email": 6.0, "social": 3 + 2 * np.exp(-((h - 19) / 2) ** 2)}[ch]
                productive = max(0.0, 1.3 * shape * day_factor[d] * scale * rng.uniform(0.92, 1.08))
                channel = cfg.channel(ch)
                required = int(np.ceil(productive / (1 - channel.shrinkage)))
                required = max(required, channel.min_agents)
                offered = productive * channel.max_occupancy * slot * 60 / channel.aht_s * channel.concurrency
                rows.append((pd.Timestamp(date) + pd.Timedelta(minutes=minute), ch, round(offered, 2), channel.aht_s,
                             round(productive, 2), required))
    req = pd.DataFrame(rows, columns=["interval_start", "channel", "offered", "aht_s", "agents_productive", "agents_required"])
    skills = rng.choice([s for s, _ in SKILL_MIX], size=n_agents, p=[p for _, p in SKILL_MIX])
    contracts = rng.choice([c for c, _ in CONTRACT_MIX], size=n_agents, p=[p for _, p in CONTRACT_MIX])
    agents, leave = [], []
    for i in range(n_agents):
        aid = f"A{i + 1:03d}"
        frm, to = "", ""
        if contracts[i] == "part_time" and rng.random() < 0.4:
            frm, to = [("08:00", "15:00"), ("12:00", "22:00"), ("16:00", "22:00")][int(rng.integers(3))]
        prefs = ["", "", "", "early", "late", "no_weekends", "off:fri"][int(rng.integers(7))]
        agents.append({"agent_id": aid, "name": f"Agent {i + 1}", "skills": skills[i].split(";"), "contract": contracts[i],
                       "team": f"T{i % 8 + 1}", "available_from": frm, "available_to": to, "preferences": prefs})
        if rng.random() < 0.08:
            first = WEEK + dt.timedelta(days=int(rng.integers(0, 5)))
            status = "approved" if rng.random() < 0.7 else "requested"
            leave.append((aid, first, first + dt.timedelta(days=int(rng.integers(0, 2))), "annual", status))
    leave_df = pd.DataFrame(leave, columns=["agent_id", "start_date", "end_date", "kind", "status"])
    return Site(cfg, req, pd.DataFrame(agents), leave_df)
