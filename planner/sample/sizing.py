"""Is the sample site sized right? Required paid agent-hours in the planning week versus what its agents can work.

Required: per slot, pyworkforce's Erlang C positions at each immediate channel's target and occupancy cap
(chat's handle time divided by its concurrency, at least min_agents while open), plus each deferred
channel's workload divided by its maximum occupancy; each channel's hours then divided by (1 - shrinkage).
Available: every agent's contract weekly maximum (and minimum), scaled down by the share of their
working days taken by approved leave in the week.

Run `python -m planner.sample.sizing [--weeks N]` to print the numbers for the demo site.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyworkforce.queuing import ErlangC

from planner.config import Config
from planner.config.schema import AsaTarget
from planner.sample.params import DEFAULT_PARAMS, SiteParams
from planner.sample.queueing import required_agents
from planner.sample.site import SampleSite
from planner.sample.volumes import channel_slots, slot_axis


@dataclass(frozen=True)
class Sizing:
    """Required and available paid agent-hours in one week."""

    week_start: dt.date
    required_h: dict[str, float]  # per channel, after shrinkage
    skilled_max_h: dict[str, float]  # per channel, contract maxima of the agents with that skill
    available_max_h: float
    available_min_h: float

    @property
    def required_total_h(self) -> float:
        """Required paid hours over all channels."""
        return float(sum(self.required_h.values()))

    @property
    def share_of_max(self) -> float:
        """Required hours as a fraction of the agents' contract maxima (after leave)."""
        return self.required_total_h / self.available_max_h

    @property
    def share_of_min(self) -> float:
        """Required hours as a fraction of the agents' contract minima (after leave)."""
        return self.required_total_h / self.available_min_h


def _erlang_positions(offered: float, aht_s: float, within_s: float, service_level: float, slot_min: int,
                      max_occupancy: float) -> int:
    """pyworkforce Erlang C positions for one slot (its units are minutes; asa is the answer-time threshold)."""
    if offered <= 0:
        return 0
    erlang = ErlangC(transactions=offered, aht=aht_s / 60, asa=within_s / 60, interval=slot_min)
    return int(erlang.required_positions(service_level=service_level, max_occupancy=max_occupancy)["raw_positions"])


def required_hours(config: Config, week_start: dt.date, end: dt.date, params: SiteParams = DEFAULT_PARAMS) -> dict[str, float]:
    """Paid agent-hours each channel needs in the 7 days from week_start at the generator's expected volumes."""
    axis = slot_axis(config, week_start, 7)
    slot_h = axis.slot_minutes / 60
    out = {}
    for slots in channel_slots(config, axis, params, end):
        ch = config.channel(slots.name)
        aht = slots.aht_s / ch.concurrency
        if ch.kind == "deferred":
            productive_h = float((slots.rate * slots.aht_s).sum()) / 3600 / ch.max_occupancy
        elif isinstance(ch.target, AsaTarget):
            load = slots.rate * aht / (axis.slot_minutes * 60)
            agents = required_agents(load, aht, None, None, ch.target.asa_s, ch.max_occupancy, ch.min_agents)
            productive_h = float(np.where(slots.open, np.maximum(agents, ch.min_agents), 0).sum()) * slot_h
        else:
            agents = [max(_erlang_positions(r, a, ch.target.answer_within_s, ch.target.service_level, axis.slot_minutes,
                                            ch.max_occupancy), ch.min_agents) if is_open else 0
                      for r, a, is_open in zip(slots.rate, aht, slots.open, strict=True)]
            productive_h = sum(agents) * slot_h
        out[ch.name] = productive_h / (1 - ch.shrinkage)
    return out


def available_hours(config: Config, agents: pd.DataFrame, leave: pd.DataFrame, week_start: dt.date) -> pd.DataFrame:
    """Per agent: contract min and max hours in the week after approved leave and holiday closures, a contract day
    (the week / days_per_week_max) off for each such day, as in the roster's weekly minimum (agent_id, skills, min_h, max_h)."""
    week = [week_start + dt.timedelta(days=i) for i in range(7)]
    approved = leave[leave["status"] == "approved"]
    closed = {d for d in week if config.closed_for_holiday(d)}
    days_off: dict[str, set[dt.date]] = {}
    for row in approved.itertuples():
        days_off.setdefault(row.agent_id, set()).update(d for d in week if row.start_date <= d <= row.end_date)
    rows = []
    for agent in agents.itertuples():
        contract = config.contract(agent.contract)
        share = max(0.0, 1 - len(days_off.get(agent.agent_id, set()) | closed) / contract.days_per_week_max)
        rows.append((agent.agent_id, agent.skills, contract.weekly_hours_min * share, contract.weekly_hours_max * share))
    return pd.DataFrame(rows, columns=["agent_id", "skills", "min_h", "max_h"])


def sizing(config: Config, site: SampleSite, params: SiteParams = DEFAULT_PARAMS) -> Sizing:
    """Required versus available paid hours in the week after the site's history (the planning week)."""
    week_start = site.end + dt.timedelta(days=1)
    need = required_hours(config, week_start, site.end, params)
    hours = available_hours(config, site.agents, site.leave, week_start)
    skilled = {name: float(hours.loc[hours["skills"].str.split(";").apply(lambda s, n=name: n in s), "max_h"].sum())
               for name in config.channel_names}
    return Sizing(week_start, need, skilled, float(hours["max_h"].sum()), float(hours["min_h"].sum()))


def main(argv: list[str] | None = None) -> None:
    """Print the sizing of the demo sample site."""
    from planner.config import load_config
    from planner.sample import demo_config_path, generate_site

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    config = load_config(demo_config_path())
    result = sizing(config, generate_site(config, seed=args.seed, weeks=args.weeks))
    print(f"planning week {result.week_start}")
    for name, hours in result.required_h.items():
        print(f"  {name:<8} required {hours:8.1f} h   skilled agents' max {result.skilled_max_h[name]:8.1f} h")
    print(f"  total    required {result.required_total_h:8.1f} h")
    print(f"available max {result.available_max_h:.1f} h  min {result.available_min_h:.1f} h (after approved leave)")
    print(f"required / max = {result.share_of_max:.3f}   required / min = {result.share_of_min:.3f}")


if __name__ == "__main__":
    main()
