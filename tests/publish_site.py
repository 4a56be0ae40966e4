"""A small real roster for the publish and diff tests: a two-channel site in Europe/Paris on 15-minute slots, four agents
in teams red, blue and none solved by CP-SAT for a week (a few seconds), and an agents file with a fifth, unrostered agent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from schedule_instances import TINY_YAML, WEEK, agents_table, no_leave, tiny_requirements

from planner.config import parse_config
from planner.config.schema import Config
from planner.scheduling import solve_roster
from planner.scheduling.roster import write_roster

TIMEZONE = "Europe/Paris"
LUNCH = "{min_shift_h: 6, durations_min: [60], window_start_h: 3, window_end_h: 5, paid: false}"
SHORT = "{every_h: 2, duration_min: 15, tolerance_h: 0.5, min_shift_h: 4, paid: true}"
TEAMS = {"A1": "red", "A2": "blue", "A3": "red", "A4": "", "A5": "red"}  # A5 joins after the roster was made


@dataclass
class PublishSite:
    """Paths of the site's files and its config."""

    config: Config
    config_path: Path
    agents_path: Path
    roster_path: Path


def site_yaml(timezone: str = TIMEZONE) -> str:
    """The tiny site of the scheduling tests with a time zone, 15-minute slots, a lunch and short breaks."""
    values = dict(open="06:00", close="22:00", hmin=16, hmax=40, days=5, lengths="[8]", step=30, earliest="06:00",
                  latest="22:00", lunch=LUNCH, short=SHORT, rest=11, consec=6)
    text = TINY_YAML.format(**values)
    return text.replace("  name: Tiny\n", f"  name: Tiny\n  timezone: {timezone}\n").replace("slot_minutes: 60",
                                                                                           "slot_minutes: 15")


def write_publish_site(folder: Path) -> PublishSite:
    """Solve the week (3 s) and write tiny.yaml, agents.csv and the run folder run/ (roster.csv and beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = site_yaml()
    (folder / "tiny.yaml").write_text(text)
    cfg = parse_config(text, source="tiny.yaml")
    req = tiny_requirements(cfg, {"voice": {h: 1 for h in range(8, 20)}, "chat": {h: 1 for h in range(10, 18)}})
    skills = {"A1": ["voice"], "A2": ["voice", "chat"], "A3": ["chat"], "A4": ["voice"], "A5": ["chat"]}
    agents = agents_table([{"agent_id": a, "skills": s, "contract": "std", "team": TEAMS[a], "name": f"Agent {a[1:]}"}
                           for a, s in skills.items()])
    rostered = agents[agents["agent_id"] != "A5"]
    result = solve_roster(cfg, req, rostered, no_leave(), WEEK, time_limit_s=3)
    paths = write_roster(result.tables(), folder / "run")
    agents.assign(skills=agents["skills"].str.join(";")).to_csv(folder / "agents.csv", index=False)
    return PublishSite(cfg, folder / "tiny.yaml", folder / "agents.csv", paths["roster"])


def read_display(path: Path) -> pd.DataFrame:
    """roster.csv as written (strings), for tests that edit a copy by hand."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)
