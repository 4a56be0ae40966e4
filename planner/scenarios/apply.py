"""Apply a scenario's changes, in order, to the config, the staffing input (forecast) and the agents and leave.

Rules, in plain words:
- campaign: offered × (1 + uplift × strength(day)) on its channels, strength ramping over ramp_days from the start
  and fading over decay_days after the end; handle time × (1 + aht_change × strength(day)).
- volume: offered × factor on its channels and days, plus add_per_day contacts per day spread like that day's
  forecast (evenly over the day's open slots when the forecast is 0); never below 0.
- aht: handle time × factor, or set to aht_s, on its channels and days (a forecast without handle time takes the
  channel's configured aht_s first).
- channel_shift: share of from_channel's contacts per slot move to to_channel in the same slot; they take
  to_channel's handle time there.
- target, shrinkage, opening_hours, contract: change the config, which is validated again as a whole (a channel's
  hours must stay inside the site's, on the slot grid; a contract's minimum hours at most its maximum). A contract's
  terms shape only the roster: the fixed mode's roster keeps its shifts, so they show when re-rostered.
- headcount: hires become agents (ids H001, …) on leave (kind `not_started`) before start and on `training` for
  training_days from it; leavers and the attrition's agents are on leave (kind `left`) after their last day. With
  attrition_per_month r, by day d the expected number gone is n × (1 − (1 − r)^(months since the history ended)); the
  least senior (then the first by agent_id) go first.
Only days of the staffing input change: the warm-up week of actual history is left as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import ValidationError

from planner.config import Config
from planner.errors import ConfigError
from planner.scenarios.overlay import Change, Headcount, Scenario
from planner.staffing.open_hours import open_slots

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class ScenarioInputs:
    """What a scenario changes: the config, the staffing input over the horizon, the agents and the leave table."""

    config: Config
    staffing_input: pd.DataFrame  # interval_start, channel, offered, aht_s
    agents: pd.DataFrame
    leave: pd.DataFrame | None
    gone: dict[str, dt.date]  # agent_id → last day worked (leavers and attrition)
    contracts_changed: tuple[str, ...] = ()  # contracts whose shape (hours, days, lengths) differs: only a roster shows it


def apply_scenario(scenario: Scenario, config: Config, staffing_input: pd.DataFrame, agents: pd.DataFrame,
                   leave: pd.DataFrame | None, first_day: dt.date, last_day: dt.date, history_end: dt.date
                   ) -> ScenarioInputs:
    """The scenario's inputs; first_day..last_day are the evaluated days (headcount leave is written for them)."""
    frame = staffing_input.copy()
    frame["interval_start"] = pd.to_datetime(frame["interval_start"])
    frame["offered"] = frame["offered"].astype(float)
    defaults = frame["channel"].map({c.name: float(c.aht_s) for c in config.channels})
    frame["aht_s"] = frame["aht_s"].astype(float).fillna(defaults)
    forecast_from = pd.Timestamp(history_end + dt.timedelta(days=1))
    gone: dict[str, dt.date] = {}
    contracts: list[str] = []
    for change in scenario.changes:
        if change.kind in ("target", "shrinkage", "opening_hours", "contract"):
            before = config
            config = _config_change(config, change)
            name = change.contract.name if change.kind == "contract" else None
            if name is not None and name not in contracts and _shape(before, name) != _shape(config, name):
                contracts.append(name)
        elif change.kind == "headcount":
            agents, leave, more = _headcount(change.headcount, agents, leave, first_day, last_day, history_end)
            gone.update(more)
        else:
            frame = _forecast_change(frame, change, config, forecast_from)
    return ScenarioInputs(config, frame, agents, leave, gone, tuple(contracts))


def untouched_changes(scenario: Scenario, first_day: dt.date, last_day: dt.date) -> list[str]:
    """One description per change of the scenario that touches no day of first_day..last_day (so changes nothing):
    a dated change whose days (a campaign's decay included) all fall outside, or a headcount change whose hires start
    after last_day and whose leavers all work past it, without attrition. Config changes always apply."""
    untouched = []
    for i, change in enumerate(scenario.changes, start=1):
        value = change.value
        if change.kind in ("campaign", "volume", "aht", "channel_shift"):
            last = value.end + dt.timedelta(days=value.decay_days if change.kind == "campaign" else 0)
            if last < first_day or value.start > last_day:
                untouched.append(f"change {i} ({change.kind}, {value.start} to {last})")
        elif change.kind == "headcount":
            starts = [h.start for h in value.hires]
            last_days = [leaver.last_day for leaver in value.leavers]
            if (value.attrition_per_month == 0 and all(d > last_day for d in starts)
                    and all(d >= last_day for d in last_days)):
                dates = ", ".join([f"hires from {d}" for d in starts] + [f"leaver after {d}" for d in last_days])
                untouched.append(f"change {i} (headcount: {dates or 'no one'})")
    return untouched


def _days(frame: pd.DataFrame, span_start: dt.date, span_end: dt.date, forecast_from: pd.Timestamp) -> pd.Series:
    day = frame["interval_start"].dt.date
    return (day >= span_start) & (day <= span_end) & (frame["interval_start"] >= forecast_from)


def _forecast_change(frame: pd.DataFrame, change: Change, config: Config, forecast_from: pd.Timestamp) -> pd.DataFrame:
    frame = frame.copy()
    value = change.value
    if change.kind == "campaign":
        last = value.end + dt.timedelta(days=value.decay_days)
        rows = _days(frame, value.start, last, forecast_from) & frame["channel"].isin(value.channels)
        strength = frame.loc[rows, "interval_start"].dt.date.map(value.strength).astype(float)
        frame.loc[rows, "offered"] *= 1 + value.uplift * strength
        frame.loc[rows, "aht_s"] *= 1 + value.aht_change * strength
    elif change.kind == "volume":
        rows = _days(frame, value.start, value.end, forecast_from) & frame["channel"].isin(value.channels)
        frame.loc[rows, "offered"] *= value.factor
        if value.add_per_day:
            frame = _add_per_day(frame, rows, value.add_per_day, config)
    elif change.kind == "aht":
        rows = _days(frame, value.start, value.end, forecast_from) & frame["channel"].isin(value.channels)
        frame.loc[rows, "aht_s"] = value.aht_s if value.aht_s is not None else frame.loc[rows, "aht_s"] * value.factor
    elif change.kind == "channel_shift":
        span = _days(frame, value.start, value.end, forecast_from)
        src = frame[span & (frame["channel"] == value.from_channel)]
        moved = src["offered"] * value.share
        frame.loc[src.index, "offered"] -= moved
        dst = frame[span & (frame["channel"] == value.to_channel)].reset_index().merge(
            pd.DataFrame({"interval_start": src["interval_start"].to_numpy(), "moved": moved.to_numpy()}),
            on="interval_start", how="inner")
        if len(dst) < len(src):
            missing = sorted(set(src["interval_start"]) - set(dst["interval_start"]))[:1]
            raise ConfigError(f"channel_shift to {value.to_channel}: the forecast has no {value.to_channel} row at "
                              f"{missing[0]} to move contacts into")
        frame.loc[dst["index"], "offered"] += dst["moved"].to_numpy()
    frame["offered"] = frame["offered"].clip(lower=0.0)
    return frame


def _add_per_day(frame: pd.DataFrame, rows: pd.Series, per_day: float, config: Config) -> pd.DataFrame:
    part = frame[rows]
    for (channel, _day), g in part.groupby([part["channel"], part["interval_start"].dt.date]):
        base = g["offered"].to_numpy(float)
        if base.sum() > 0:
            weights = base / base.sum()
        else:
            is_open = open_slots(config, channel, g["interval_start"]).astype(float)
            weights = is_open / is_open.sum() if is_open.sum() > 0 else np.full(len(g), 1 / len(g))
        frame.loc[g.index, "offered"] = base + per_day * weights
    return frame


def _shape(config: Config, name: str) -> dict:
    """A contract's terms that shape a roster (all but its name and hourly cost)."""
    return config.contract(name).model_dump(exclude={"name", "cost_per_paid_hour"})


def _config_change(config: Config, change: Change) -> Config:
    data = config.model_dump()
    value = change.value
    index = {c["name"]: i for i, c in enumerate(data["channels"])}
    if change.kind == "target":
        data["channels"][index[value.channel]]["target"] = value.target()
    elif change.kind == "shrinkage":
        for name in value.channels:
            data["channels"][index[name]]["shrinkage"] = value.shrinkage
    elif change.kind == "contract":
        at = next((i for i, c in enumerate(data["contracts"]) if c["name"] == value.name), None)
        if at is None:  # a scenario built in Python, not read against the site's contract names
            raise ConfigError(f"scenario change contract: unknown contract {value.name!r}; the site's contracts are "
                              f"{', '.join(c['name'] for c in data['contracts'])}")
        data["contracts"][at] = {**data["contracts"][at], **value.terms()}
    else:
        hours = {d: (h if isinstance(h, str) else h.model_dump()) for d, h in value.hours.items()}
        if value.channel is None:
            data["site"]["opening_hours"] = {**data["site"]["opening_hours"], **hours}
        else:
            own = data["channels"][index[value.channel]].get("opening_hours") or data["site"]["opening_hours"]
            data["channels"][index[value.channel]]["opening_hours"] = {**own, **hours}
    try:
        return Config.model_validate({**data, "base_dir": config.base_dir})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"scenario change {change.kind}: the config it makes is invalid: "
                          f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}") from None


def _headcount(change: Headcount, agents: pd.DataFrame, leave: pd.DataFrame | None, first_day: dt.date,
               last_day: dt.date, history_end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, dt.date]]:
    rows: list[dict] = []
    new_agents = []
    taken = set(agents["agent_id"].astype(str))
    n = 0
    for hire in change.hires:
        for _ in range(hire.count):
            n += 1
            while f"H{n:03d}" in taken:
                n += 1
            aid = f"H{n:03d}"
            new_agents.append({"agent_id": aid, "name": f"New hire {n}", "skills": list(hire.skills),
                               "contract": hire.contract, "team": hire.team})
            if hire.start > first_day:
                rows.append(_leave_row(aid, first_day, min(last_day, hire.start - dt.timedelta(days=1)), "not_started"))
            if hire.training_days > 0:
                end = hire.start + dt.timedelta(days=hire.training_days - 1)
                if end >= first_day and hire.start <= last_day:
                    rows.append(_leave_row(aid, max(first_day, hire.start), min(last_day, end), "training"))
    gone = {leaver.agent_id: leaver.last_day for leaver in change.leavers}
    unknown = sorted(set(gone) - taken)
    if unknown:
        raise ConfigError(f"scenario headcount: leaver(s) {', '.join(unknown)} not in the agents table")
    gone.update(_attrition(agents, change.attrition_per_month, first_day, last_day, history_end, set(gone)))
    for aid, last in gone.items():
        if last < last_day:
            rows.append(_leave_row(aid, max(first_day, last + dt.timedelta(days=1)), last_day, "left"))
    if new_agents:
        agents = pd.concat([agents, pd.DataFrame(new_agents)], ignore_index=True)
    if rows:
        extra = pd.DataFrame(rows)
        leave = extra if leave is None else pd.concat([leave, extra], ignore_index=True)
    return agents, leave, gone


def _leave_row(agent_id: str, first: dt.date, last: dt.date, kind: str) -> dict:
    return {"agent_id": agent_id, "start_date": first, "end_date": last, "kind": kind, "status": "approved"}


def _attrition(agents: pd.DataFrame, rate: float, first_day: dt.date, last_day: dt.date, history_end: dt.date,
               already: set[str]) -> dict[str, dt.date]:
    if rate <= 0:
        return {}
    seniority = agents["seniority"] if "seniority" in agents else pd.Series(0.0, index=agents.index)
    order = (agents.assign(_s=pd.to_numeric(seniority, errors="coerce").fillna(0.0))
             .sort_values(["_s", "agent_id"], kind="stable")["agent_id"].astype(str))
    order = [a for a in order if a not in already]
    out: dict[str, dt.date] = {}
    day = first_day
    while day <= last_day:
        months = (day - history_end).days / DAYS_PER_MONTH
        expected = int(np.floor(len(order) * (1 - (1 - rate) ** months) + 1e-9))
        for aid in order[len(out):expected]:
            out[aid] = day - dt.timedelta(days=1)
        day += dt.timedelta(days=1)
    return out
