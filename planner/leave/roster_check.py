"""The staffing check for days already rostered: re-project the service level without the agent's slots.

A request fails when, on a rostered day, some slot's projected service level falls from at least its channel's target
minus leave.tolerance to below it once the agent's rostered slots are taken away (a slot already below the line is
the roster's problem, not the request's). The projection is staffing.projected_coverage, the one the schedule's
coverage.csv uses, on the roster's requirements; channels with an ASA target are not checked.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from planner.config import Config, ServiceLevelTarget
from planner.staffing import projected_coverage

KEYS = ["interval_start", "channel"]


class RosterCheck:
    """A published roster's coverage and projected service level, able to drop one agent's days and re-project."""

    def __init__(self, config: Config, roster_slots: pd.DataFrame, requirements_df: pd.DataFrame) -> None:
        self.config = config
        self.slots = roster_slots.assign(interval_start=pd.to_datetime(roster_slots["interval_start"]),
                                         agent_id=roster_slots["agent_id"].astype(str))
        self.slots = self.slots[self.slots["activity"].isin(config.channel_names)]
        self.slots = self.slots.assign(date=self.slots["interval_start"].dt.date)
        self.req = requirements_df.assign(interval_start=pd.to_datetime(requirements_df["interval_start"]))
        self.days = set(self.slots["date"])
        self.line = {c.name: c.target.service_level - config.leave.tolerance for c in config.channels
                     if isinstance(c.target, ServiceLevelTarget)}
        self.base = self._project(self._coverage(self.slots), list(self.line))

    def _coverage(self, slots: pd.DataFrame) -> pd.DataFrame:
        counts = slots.groupby(["interval_start", "activity"], as_index=False).size()
        counts = counts.rename(columns={"activity": "channel", "size": "scheduled"})
        cov = self.req[KEYS + ["agents_required"]].merge(counts, on=KEYS, how="left")
        cov = cov.assign(scheduled=cov["scheduled"].fillna(0).astype(float), required=cov["agents_required"].astype(float))
        return cov.assign(gap=cov["scheduled"] - cov["required"])[KEYS + ["required", "scheduled", "gap"]]

    def _project(self, coverage: pd.DataFrame, channels: list[str]) -> pd.DataFrame:
        cov = coverage[coverage["channel"].isin(channels)]
        req = self.req[self.req["channel"].isin(channels)]
        if cov.empty:
            return pd.DataFrame(columns=KEYS + ["service_level_projected"])
        out = projected_coverage(cov, req, self.config, agents_are="scheduled")
        return out[KEYS + ["service_level_projected"]]

    def failures(self, agent_id: str, days: list[dt.date]) -> tuple[list[dt.date], str] | None:
        """The rostered days whose slots fall below target − tolerance without the agent, and the worst slots, or None."""
        rostered = [d for d in days if d in self.days]
        mine = self.slots[(self.slots["agent_id"] == str(agent_id)) & self.slots["date"].isin(rostered)]
        if mine.empty:
            return None
        channels = sorted(set(mine["activity"]) & set(self.line))
        if not channels:
            return None
        after = self._project(self._coverage(self.slots.drop(index=mine.index)), channels)
        both = self.base[self.base["channel"].isin(channels)].merge(after, on=KEYS, suffixes=("_before", "_after"))
        line = both["channel"].map(self.line).to_numpy(float)
        before = both["service_level_projected_before"].to_numpy(float)
        now = both["service_level_projected_after"].to_numpy(float)
        fell = np.isfinite(before) & np.isfinite(now) & (before >= line - 1e-9) & (now < line - 1e-9)
        bad = both[fell].assign(before=before[fell], after=now[fell], line=line[fell])
        if bad.empty:
            return None
        dates = sorted(set(bad["interval_start"].dt.date))
        worst = bad.sort_values("after").head(3)
        detail = ", ".join(f"{t:%Y-%m-%d %H:%M} {c} {b:.0%} → {a:.0%} (line {ln:.0%})"
                           for t, c, b, a, ln in zip(worst["interval_start"], worst["channel"], worst["before"],
                                                     worst["after"], worst["line"], strict=True))
        return dates, f"{len(bad)} slot(s) fall below target − tolerance without {agent_id}: {detail}"
