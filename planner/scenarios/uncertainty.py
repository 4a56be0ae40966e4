"""Monte Carlo over forecast uncertainty: the service a fixed staffing gives when the day's volume is not the forecast.

Each replication draws, per channel and day, a multiplicative factor on the arrival rate (mean 1, coefficient of
variation rate_cv, lognormal or gamma), shared by every slot of that day (forecast errors are correlated within a
day: a busy morning means a busy afternoon), and optionally a day factor on the handle time (aht_cv). A forecast's
daily negative binomial dispersion k (Var = μ + kμ², forecasts.calibration) is a rate CV of √k (`rate_cv_from_k`):
the Poisson part of the variance is already inside the queueing models. Factors are independent across channels.

Service per slot comes from the planner's analytic models at the drawn rate (channel_models.immediate_measures for
immediate channels, vectorised over replications, plus the difference the day model (channel_models.day_measures:
the queue carried from slot to slot) makes at the forecast; deferred.serve, one fluid replay per replication, for
deferred ones, plus the difference the queue's randomness (deferred_queue) makes at the forecast), so zero dispersion
gives exactly staffing.project. A day's service level is the slot service levels weighted by
the slot's arrivals. Per day and channel: the projection at the forecast, the expected service level (mean over
replications), and P(service level ≥ target). Per slot: the fewest agents with P(slot meets target) ≥ p_target:
immediate channels, the p_target quantile (inverted CDF) over replications of the agents each replication needs, which
is exact because a slot meets its target exactly when it has at least that many; deferred channels, the planner's
deferred plan for the day volumes at the p_target quantile of the factors (a backlog plan, not a per-slot guarantee).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from planner.config.schema import AsaTarget, Channel, Config
from planner.staffing import channel_models, deferred, deferred_queue
from planner.staffing.open_hours import open_slots, openings
from planner.staffing.requirements import backlog_clear_s, channel_rows

Distribution = Literal["lognormal", "gamma"]
DAILY_COLUMNS = ["date", "channel", "offered", "target", "service_level_projected", "expected_service_level",
                 "p_meets_target"]
SLOT_COLUMNS = ["interval_start", "channel", "agents", "agents_needed", "extra_agents"]


@dataclass(frozen=True)
class UncertaintyResult:
    """Per day and channel (DAILY_COLUMNS) and per slot (SLOT_COLUMNS, productive agents) results."""

    daily: pd.DataFrame
    slots: pd.DataFrame


def rate_cv_from_k(k_day: float) -> float:
    """CV of the day's rate implied by a negative binomial dispersion k of daily totals (Var = μ + kμ²): √k."""
    return float(np.sqrt(max(k_day, 0.0)))


def day_factors(rng: np.random.Generator, shape: tuple[int, ...], cv: float, distribution: Distribution) -> np.ndarray:
    """Multiplicative factors with mean 1 and coefficient of variation cv (all ones at cv = 0)."""
    if cv < 0:
        raise ValueError(f"a coefficient of variation cannot be negative, got {cv}")
    if cv == 0:
        return np.ones(shape)
    if distribution == "lognormal":
        s2 = np.log1p(cv**2)
        return rng.lognormal(-s2 / 2, np.sqrt(s2), shape)
    if distribution == "gamma":
        return rng.gamma(1 / cv**2, cv**2, shape)
    raise ValueError(f"distribution must be 'lognormal' or 'gamma', got {distribution!r}")


def _mean_over_replications(x: np.ndarray) -> np.ndarray:
    """Mean over axis 0 ignoring NaN; NaN (without a warning) where every replication is NaN."""
    count = np.isfinite(x).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, np.nansum(x, axis=0) / count, np.nan)


def _weighted_by_day(values: np.ndarray, weights: np.ndarray, day: np.ndarray, n_days: int) -> np.ndarray:
    """[reps, days] weighted means of [reps, slots] values per day (NaN for a day without weight)."""
    w = np.where(np.isfinite(values), weights, 0.0)
    num = np.zeros((values.shape[0], n_days))
    den = np.zeros((values.shape[0], n_days))
    for d in range(n_days):  # a week has 7 days: a loop over days, vectorised over replications and slots
        at = day == d
        num[:, d] = (np.nan_to_num(values[:, at]) * w[:, at]).sum(axis=1)
        den[:, d] = w[:, at].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _immediate(ch: Channel, offered, aht, agents, interval_s: float, f_rate, f_aht, day, n_days, p_target,
               carried=0.0):
    """([reps, days] service level, [slots] agents needed) for an immediate channel; `carried` ([slots]) is added to
    each slot's steady-state service level (the day model's difference from it at the forecast, see monte_carlo)."""
    rate = offered[None, :] * f_rate[:, day]
    handle = aht[None, :] * f_aht[:, day]
    m = channel_models.immediate_measures(ch, agents[None, :], rate, handle, interval_s)
    sl = _weighted_by_day(np.clip(m["service_level"] + carried, 0.0, 1.0), rate, day, n_days)
    busy = offered > 0
    needed = np.zeros(offered.size, dtype=np.int64)
    if busy.any():
        uncapped = ch.model_copy(update={"max_occupancy": 1.0, "min_agents": 0})  # the target alone decides
        per_rep = channel_models.immediate_agents(uncapped, rate[:, busy], handle[:, busy], interval_s)
        needed[busy] = np.quantile(per_rep, p_target, axis=0, method="inverted_cdf").astype(np.int64)
    return sl, needed


def _deferred_shares(ch: Channel, offered, aht, agents, interval_s: float, f_rate, f_aht, day, mask, clear_s,
                     carried=0.0) -> np.ndarray:
    """[reps, slots] share of each slot's arrivals answered within target, one fluid replay per replication plus
    `carried` ([slots]: the queue's randomness, see _randomness)."""
    t = channel_models.answer_within_s(ch)
    out = np.empty(f_rate.shape[:1] + offered.shape)
    for r in range(f_rate.shape[0]):  # the backlog couples the slots: no vectorising over replications
        rate = offered * f_rate[r, day]
        res = deferred.serve(agents, rate, aht * f_aht[r, day], interval_s, t, ch.max_occupancy, mask, clear_s)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[r] = np.where(rate > 0, np.clip(res.within_target / rate + carried, 0.0, 1.0), np.nan)
    return out


def _deferred_star(args: tuple) -> np.ndarray:
    return _deferred_shares(*args)


def _deferred(ch: Channel, offered, aht, agents, interval_s: float, f_rate, f_aht, day, n_days, p_target, mask, clear_s,
              carried, executor: Executor | None = None, chunks: int = 1):
    """([reps, days] service level, [slots] agents planned at the p_target volume) for a deferred channel."""
    parts = np.array_split(np.arange(f_rate.shape[0]), max(chunks, 1))
    args = [(ch, offered, aht, agents, interval_s, f_rate[p], f_aht[p], day, mask, clear_s, carried)
            for p in parts if p.size]
    mapper = map if executor is None else executor.map
    within = np.concatenate(list(mapper(_deferred_star, args)))
    sl = _weighted_by_day(within, offered[None, :] * f_rate[:, day], day, n_days)
    q_rate = np.quantile(f_rate, p_target, axis=0)[day]
    q_aht = np.quantile(f_aht, p_target, axis=0)[day]
    needed = deferred.plan(offered * q_rate, aht * q_aht, interval_s, mask, channel_models.answer_within_s(ch),
                           ch.max_occupancy, ch.min_agents, clear_s)
    return sl, needed


def _randomness(ch: Channel, offered, aht, agents, interval_s: float, mask, clear_s) -> np.ndarray:
    """Per slot: the expected share within target with Poisson arrivals and random handle times (deferred_queue, as
    staffing.project reports it) minus the fluid replay's, at the forecast. The replications add it to their fluid
    replays, as immediate channels add _carried: the queue at every drawn rate would cost a chain per replication."""
    t = channel_models.answer_within_s(ch)
    fluid = deferred.serve(agents, offered, aht, interval_s, t, ch.max_occupancy, mask, clear_s).within_target
    within = deferred_queue.within_expected(agents, offered, aht, interval_s, t, mask, clear_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(offered > 0, (within - fluid) / offered, 0.0)


def _carried(ch: Channel, offered, aht, agents, interval_s: float, interval_start, is_open, opens) -> np.ndarray:
    """Per slot: the day model's service level (queue carried from slot to slot, as staffing.project reports it)
    minus the steady-state one, at the forecast. The replications add it to their steady-state figures: the day
    model at every drawn rate would cost a chain per replication, and the correction moves little with the rate."""
    day = channel_models.day_measures(ch, agents, offered, aht, interval_s, interval_start, is_open, opens)
    day = day["service_level"]
    steady = channel_models.immediate_measures(ch, agents, offered, aht, interval_s)["service_level"]
    return np.nan_to_num(day - steady)


def _cv_for(value: float | Mapping[str, float], name: str) -> float:
    return float(value.get(name, 0.0)) if isinstance(value, Mapping) else float(value)


def monte_carlo(load: pd.DataFrame, agents: pd.DataFrame, config: Config, replications: int = 1000, seed: int = 0, *,
                rate_cv: float | Mapping[str, float] = 0.1, aht_cv: float | Mapping[str, float] = 0.0,
                distribution: Distribution = "lognormal", p_target: float = 0.9, executor: Executor | None = None,
                chunks: int = 1) -> UncertaintyResult:
    """Service of `agents` (interval_start, channel, agents: productive) under `load` (interval_start, channel,
    offered, aht_s; deferred channels with their closed hours) when each day's rate (and handle time) is off the
    forecast by a random factor; rate_cv and aht_cv per channel name or for all. Deferred replays run in `chunks`
    tasks on `executor` (same result however split: the factors are drawn first). See the module docstring."""
    if not 0 < p_target < 1:
        raise ValueError(f"p_target must be between 0 and 1, got {p_target}")
    interval_s = float(config.site.interval_s)
    given = agents.assign(interval_start=pd.to_datetime(agents["interval_start"]))
    given = given.groupby(["interval_start", "channel"], as_index=False)["agents"].sum()
    rows_by_channel = channel_rows(load, config)
    streams = dict(zip(config.channel_names, np.random.SeedSequence(seed).spawn(len(config.channel_names)), strict=True))
    daily_parts, slot_parts = [], []
    for name, rows in rows_by_channel.items():
        ch = config.channel(name)
        n = rows.merge(given[given["channel"] == name], on=["interval_start", "channel"], how="left")["agents"]
        n = np.floor(n.fillna(0).to_numpy(float) + 1e-9).astype(np.int64)
        offered = rows["offered"].to_numpy(float)
        aht = rows["aht_s"].to_numpy(float)
        dates = rows["interval_start"].dt.date.to_numpy()
        day, days = pd.factorize(dates, sort=True)
        rng = np.random.default_rng(streams[name])
        f_rate = day_factors(rng, (replications, len(days)), _cv_for(rate_cv, name), distribution)
        f_aht = day_factors(rng, (replications, len(days)), _cv_for(aht_cv, name), distribution)
        ones = np.ones((1, len(days)))
        if ch.kind == "deferred":
            mask = open_slots(config, name, rows["interval_start"])
            clear_s = backlog_clear_s(config)
            carried = _randomness(ch, offered, aht, n, interval_s, mask, clear_s)
            args = (interval_s, f_rate, f_aht, day, len(days), p_target, mask, clear_s, carried)
            sl, needed = _deferred(ch, offered, aht, n, *args, executor=executor, chunks=chunks)
            base = _deferred(ch, offered, aht, n, interval_s, ones, ones, day, len(days), 0.5, mask, clear_s,
                             carried)[0][0]
        else:
            starts = rows["interval_start"]
            carried = _carried(ch, offered, aht, n, interval_s, starts, open_slots(config, name, starts),
                               openings(config, name, starts))
            sl, needed = _immediate(ch, offered, aht, n, interval_s, f_rate, f_aht, day, len(days), p_target, carried)
            base = _immediate(ch, offered, aht, n, interval_s, ones, ones, day, len(days), 0.5, carried)[0][0]
        target = np.nan if isinstance(ch.target, AsaTarget) else ch.target.service_level
        with np.errstate(invalid="ignore"):
            meets = np.where(np.isfinite(sl), sl >= target - 1e-12, np.nan)
        daily_parts.append(pd.DataFrame({
            "date": days, "channel": name, "offered": np.bincount(day, weights=offered, minlength=len(days)),
            "target": target, "service_level_projected": base, "expected_service_level": _mean_over_replications(sl),
            "p_meets_target": _mean_over_replications(meets),
        }))
        slot_parts.append(pd.DataFrame({"interval_start": rows["interval_start"].to_numpy(), "channel": name,
                                        "agents": n, "agents_needed": needed,
                                        "extra_agents": np.maximum(needed - n, 0)}))
    return UncertaintyResult(pd.concat(daily_parts, ignore_index=True)[DAILY_COLUMNS],
                             pd.concat(slot_parts, ignore_index=True)[SLOT_COLUMNS])
