"""The sample site's agents (agents.csv) and their leave (leave.csv).

Preferences vocabulary (`;`-separated in the `preferences` column, empty for none):

- `no_weekends`: would rather not work on Saturday or Sunday.
- `early`: would rather start early (shifts starting before 10:00).
- `late`: would rather work late (shifts ending after 18:00).

`available_from`/`available_to` is a hard daily window (HH:MM, local) inside which every shift of
that agent must lie; empty means any time the site is open.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.config import WEEKDAYS, Config
from planner.sample.params import SiteParams

AGENT_COLUMNS = ["agent_id", "name", "skills", "contract", "team", "available_from", "available_to", "preferences"]
LEAVE_COLUMNS = ["agent_id", "start_date", "end_date", "kind", "status"]

_FIRST_NAMES = ("Aisha Alex Amelia Ben Callum Chloe Daniel Ella Emma Ethan Farah Finn Grace Hannah Harry Isla Jack Jamal "
          "Jess Kai Katie Leah Leo Liam Lily Lucy Maya Megan Mia Mohammed Nathan Niamh Noah Olivia Omar Oscar Priya "
          "Rhys Rosie Ryan Sam Sara Sophie Tom Una Zara Zoe Ivy Owen Ruby Freya Theo Kiran Dev Ada Ewan Iris Joel Nina Ravi")
_LAST_NAMES = ("Ahmed Ali Bailey Baker Bell Brown Carter Chen Clarke Collins Cooper Davies Evans Fisher Green Hall Harris Hughes "
         "Hussain Jackson James Jones Kaur Kelly Khan King Lee Lewis Martin Mitchell Moore Morgan Murphy Nguyen Owen Patel "
         "Price Roberts Robinson Scott Shah Singh Smith Taylor Thomas Thompson Turner Walker Ward Watson White Williams "
         "Wilson Wood Wright Young Begum Campbell Doyle Evans-Reid")
_FIRST = _FIRST_NAMES.split()
_LAST = _LAST_NAMES.split()


def _counts(weights: list[float], total: int) -> np.ndarray:
    """Split total into whole counts proportional to weights (largest remainder, ties to the first)."""
    share = np.asarray(weights, dtype=float) / sum(weights) * total
    counts = np.floor(share).astype(int)
    rest = total - counts.sum()
    counts[np.argsort(-(share - counts), kind="stable")[:rest]] += 1
    return counts


def _names(rng: np.random.Generator, count: int) -> list[str]:
    """count distinct plausible full names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def make_agents(rng: np.random.Generator, config: Config, params: SiteParams) -> pd.DataFrame:
    """About params.agents.count agents: contract and skill mix, teams, some availability windows and preferences."""
    p = params.agents
    known = set(config.channel_names)
    contracts = [(name, w) for name, w in p.contracts if name in {c.name for c in config.contracts}]
    if not contracts:
        contracts = [(c.name, 1.0) for c in config.contracts]
    skills = [(tuple(s for s in combo if s in known), w) for combo, w in p.skills]
    skills = [(combo, w) for combo, w in skills if combo] or [(tuple(config.channel_names), 1.0)]
    n = p.count
    contract = np.repeat([c for c, _ in contracts], _counts([w for _, w in contracts], n))
    contract = contract[rng.permutation(n)]
    skill_idx = np.repeat(np.arange(len(skills)), _counts([w for _, w in skills], n))[rng.permutation(n)]
    team = np.array(p.teams)[np.arange(n) % len(p.teams)][rng.permutation(n)]
    windows = {}
    for c, start, end in p.windows:
        windows.setdefault(c, []).append((start, end))
    avail_from = np.full(n, None, dtype=object)
    avail_to = np.full(n, None, dtype=object)
    prefs = np.full(n, None, dtype=object)
    with_window = rng.random(n) < p.window_share
    with_prefs = rng.random(n) < p.preference_share
    for i in range(n):
        options = [w for w in windows.get(contract[i], []) if _window_fits(config, skills[skill_idx[i]][0], contract[i], w)]
        if with_window[i] and options:
            avail_from[i], avail_to[i] = options[rng.integers(len(options))]
        if with_prefs[i]:
            allowed = [pref for pref in ("no_weekends", "early", "late")
                       if not (pref == "no_weekends" and contract[i] == "weekend")
                       and not (pref == "early" and avail_from[i] is not None and avail_from[i] >= "12:00")
                       and not (pref == "late" and avail_to[i] is not None and avail_to[i] <= "17:00")]
            chosen = [pref for pref in allowed if rng.random() < 0.45] or allowed[:1]
            if "early" in chosen and "late" in chosen:
                chosen.remove("late")
            prefs[i] = ";".join(chosen) if chosen else None
    return pd.DataFrame({
        "agent_id": [f"A{i + 1:03d}" for i in range(n)],
        "name": _names(rng, n),
        "skills": [";".join(skills[k][0]) for k in skill_idx],
        "contract": contract,
        "team": team,
        "available_from": avail_from,
        "available_to": avail_to,
        "preferences": prefs,
    })[AGENT_COLUMNS]


def _window_fits(config: Config, skills: tuple[str, ...], contract_name: str, window: tuple[str, str]) -> bool:
    """True when a shortest contract shift fits the window and a skill's opening hours on enough weekdays for the contract."""
    contract = config.contract(contract_name)
    length_min = round(min(contract.shift_lengths_h) * 60)
    lo, hi = (int(t[:2]) * 60 + int(t[3:]) for t in window)
    days = 0
    for day in WEEKDAYS:
        for name in skills:
            hours = (config.channel(name).opening_hours or config.site.opening_hours)[day]
            if hours != "closed" and max(lo, hours.open_min) + length_min <= min(hi, hours.close_min):
                days += 1
                break
    return days >= contract.days_per_week_max


def make_leave(rng: np.random.Generator, agents: pd.DataFrame, history_end: dt.date, params: SiteParams) -> pd.DataFrame:
    """Annual, sick and training leave from a few weeks before to a few weeks after the week following history_end.

    Leave that started by history_end is approved; later annual leave is partly still `requested`;
    sick leave is only known up to two days after history_end; no agent has overlapping leave.
    """
    p = params.leave
    planning = history_end + dt.timedelta(days=1)
    first = planning - dt.timedelta(weeks=p.weeks_before)
    weeks = p.weeks_before + 1 + p.weeks_after
    rows = []
    for agent in agents["agent_id"]:
        busy_until = first - dt.timedelta(days=1)
        for w in range(weeks):
            monday = first + dt.timedelta(weeks=w)
            draw = rng.random(3)
            day = monday + dt.timedelta(days=int(rng.integers(0, 5)))
            if draw[0] < p.annual_per_agent_week:
                kind, days = "annual", int(rng.choice([1, 2, 3, 5, 7, 10], p=[0.2, 0.15, 0.15, 0.25, 0.15, 0.1]))
            elif draw[1] < p.sick_per_agent_week and day <= planning + dt.timedelta(days=1):
                kind, days = "sick", int(rng.integers(1, 6))
            elif draw[2] < p.training_per_agent_week:
                kind, days = "training", int(rng.integers(1, 3))
            else:
                continue
            if day <= busy_until:
                continue
            end = day + dt.timedelta(days=days - 1)
            requested = kind == "annual" and day > history_end and rng.random() < p.requested_share
            rows.append((agent, day, end, kind, "requested" if requested else "approved"))
            busy_until = end
    leave = pd.DataFrame(rows, columns=LEAVE_COLUMNS)
    return leave.sort_values(["start_date", "agent_id"], kind="stable").reset_index(drop=True)
