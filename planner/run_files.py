"""Reading a site's inputs from its config and writing a week plan into a run folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.config import Config
from planner.errors import ConfigError, RequestError
from planner.io.files import write_table
from planner.io.tables import read_agents, read_history, read_leave, read_roster_table
from planner.pipeline import WeekPlan
from planner.scheduling.outputs import write_outputs

RUNS_ROOT = Path("runs")
# A previous run may have rostered up to this many weeks (the engine's horizon): look that far back for it.
PREVIOUS_WEEKS_BACK = 4

@dataclass
class SiteInputs:
    """The validated input tables a weekly run needs (leave, previous roster and contacts are optional)."""

    history: pd.DataFrame
    agents: pd.DataFrame
    leave: pd.DataFrame | None
    previous_roster: pd.DataFrame | None
    contacts: pd.DataFrame | None
    previous_path: Path | None = None  # the file previous_roster was read from


def read_site_inputs(config: Config, with_contacts: bool = True,
                     overrides: Mapping[str, Path | None] | None = None) -> SiteInputs:
    """Read and validate every input named in config.inputs (history and agents are required); `overrides` replaces
    the config's path of an input for this run (history, agents, leave, previous_roster, contacts; None = no file)."""
    paths = {name: config.input_path(name) for name in ("history", "agents", "leave", "previous_roster", "contacts")}
    paths.update(overrides or {})
    for name in ("history", "agents"):
        if paths[name] is None:
            raise ConfigError(f"the config has no inputs.{name}: add its path (relative to the config file) "
                              f"or give --{name}")
    agents = read_agents(paths["agents"], config)
    leave = read_leave(paths["leave"], agents) if paths["leave"] is not None else None
    previous = read_roster_table(paths["previous_roster"], config) if paths["previous_roster"] is not None else None
    contacts = None
    if with_contacts and paths["contacts"] is not None and paths["contacts"].exists():
        from planner.io.contacts_import import load_contacts
        from planner.io.tables import read_contacts

        reader = load_contacts if config.contacts_import is not None else read_contacts
        contacts = reader(paths["contacts"], config)
    return SiteInputs(read_history(paths["history"], config), agents, leave, previous, contacts, paths["previous_roster"])


def check_previous_roster(previous: pd.DataFrame | None, source: object,
                          week_start: dt.date) -> tuple[pd.DataFrame | None, str | None]:
    """The previous roster's days before week_start, and a note when later days of it were dropped; RequestError
    naming the file and its dates when it has no day before the week (it carries rest and consecutive days into the
    week, so a roster of a later week is the wrong file). A roster overlapping the week (a multi-week run re-planned
    from one of its weeks) is used for the days before it; the week itself is rostered anew."""
    if previous is None or previous.empty:
        return previous, None
    days = pd.to_datetime(previous["date"]).dt.date
    first, last = min(days), max(days)
    if last < week_start:
        return previous, None
    if first >= week_start:
        raise RequestError(f"{source}: the previous roster runs from {first} to {last}: it has no day before the week "
                           f"of {week_start}, so it cannot carry rest and consecutive days into it; give the roster of "
                           "the week(s) before it (--previous-roster), or --no-previous to start the week with no rest "
                           "or consecutive-day history")
    kept = previous[days < week_start].reset_index(drop=True)
    note = (f"{source} runs from {first} to {last}: only its days before {week_start} are used, the week is "
            f"rostered anew ({len(previous) - len(kept)} later shift(s) not used)")
    return kept, note


def run_summary(plan: WeekPlan, inputs: SiteInputs) -> dict:
    """What schedule_summary.json adds for planner run: the weeks rostered, the previous roster used, each week's floor."""
    return {"weeks": plan.weeks,
            "previous_roster": None if inputs.previous_roster is None or inputs.previous_path is None
            else str(inputs.previous_path),
            "week_lp_floors_agent_slots": None if plan.week_floors is None
            else {str(k): v for k, v in plan.week_floors.items()}}


def run_folder(root: Path, week_start: dt.date) -> Path:
    """The default run folder of a week: <root>/week-YYYY-MM-DD."""
    return root / f"week-{week_start.isoformat()}"


def find_previous_roster(root: Path, week_start: dt.date) -> Path | None:
    """The roster.csv of the nearest earlier run in the default layout (<root>/week-YYYY-MM-DD, 1 to 4 weeks before
    week_start, nearest first: a multi-week run started up to four weeks back), or None."""
    for back in range(1, PREVIOUS_WEEKS_BACK + 1):
        path = run_folder(root, week_start - dt.timedelta(days=7 * back)) / "roster.csv"
        if path.is_file():
            return path
    return None


def write_week_plan(plan: WeekPlan, config: Config, inputs: SiteInputs, out_dir: str | Path) -> dict[str, Path]:
    """Write forecast.csv, forecast_daily.csv, requirements.csv and the roster files (slots, coverage, summaries, xlsx)."""
    out = Path(out_dir)
    paths = {
        "forecast": write_table(plan.forecast, out / "forecast.csv"),
        **({"forecast_daily": write_table(plan.forecast_daily, out / "forecast_daily.csv")}
           if plan.forecast_daily is not None else {}),
        "requirements": write_table(plan.requirements, out / "requirements.csv"),
    }
    paths.update(write_outputs(plan.roster, config, inputs.agents, plan.requirements, out, bound=plan.bound,
                               week_start=plan.week_start, previous_roster=inputs.previous_roster, coverage=plan.coverage,
                               summary_extra=run_summary(plan, inputs)))
    return paths
