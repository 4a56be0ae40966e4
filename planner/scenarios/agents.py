"""The agents a simulation serves with: productive agents per slot and channel, from a roster's coverage."""

from __future__ import annotations

import pandas as pd

from planner.config.schema import Config
from planner.errors import DataError
from planner.staffing.shrinkage import productive_agents


def from_coverage(coverage: pd.DataFrame, config: Config, agents_are: str = "scheduled") -> pd.DataFrame:
    """interval_start, channel, agents (productive) from a coverage table's `scheduled` column.

    agents_are='scheduled' takes the shrinkage the roster covers off (floor(scheduled × (1 − shrinkage)), shrinkage net
    of planned leave: Config.roster_shrinkage), as the roster's projected service level does
    (staffing.projected_coverage); 'productive' keeps the counts as they are.
    """
    if agents_are not in ("productive", "scheduled"):
        raise ValueError("agents_are must be 'productive' or 'scheduled'")
    missing = {"interval_start", "channel", "scheduled"} - set(coverage.columns)
    if missing:
        raise DataError(f"the coverage table needs interval_start, channel and scheduled; it lacks {sorted(missing)}")
    out = coverage[["interval_start", "channel", "scheduled"]].assign(
        interval_start=pd.to_datetime(coverage["interval_start"]))
    unknown = sorted(set(out["channel"].astype(str)) - set(config.channel_names))
    if unknown:
        raise DataError(f"the coverage table has channel(s) {unknown} the config does not define")
    agents = out["scheduled"].fillna(0).to_numpy().astype("int64")
    if agents_are == "scheduled":
        for ch in config.channels:
            at = (out["channel"] == ch.name).to_numpy()
            agents[at] = productive_agents(agents[at], config.roster_shrinkage(ch.name))
    return out.drop(columns="scheduled").assign(agents=agents)
