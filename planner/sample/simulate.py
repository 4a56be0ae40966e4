"""One simulated record per contact on a channel: arrival, wait, abandon, handle and wrap times (numpy arrays).

Immediate channels (voice, chat): the past site staffed each slot for the planned volume (Erlang C at
the channel's target, with day-to-day and slot-to-slot slack), then the real volume arrived
(campaigns only partly anticipated, Poisson counts around the true rate); a contact waits with the
Erlang C probability for an exponential time (queue drain rate N/AHT - rate, small when the slot is
over capacity), plus a ring delay, and abandons if its exponential patience
runs out first. Deferred channels (email, social): a contact waits an exponential amount of *open*
time (staffed hours only), so one arriving at night is answered after the next opening; the site
staffed each open slot level for the work it answered that day. The agents staffed per slot go into
the history (`staffed_agents`), so occupancy can be measured on the past weeks.
All times are whole seconds on the naive wall-clock axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.config.schema import AsaTarget, Channel
from planner.sample.params import ChannelParams, QueueParams
from planner.sample.queueing import erlang_c, required_agents
from planner.sample.volumes import ChannelSlots, SlotAxis

DEFERRED_OCCUPANCY = 0.85  # share of the channel's maximum occupancy the past site planned its backlog work at


@dataclass(frozen=True)
class ContactArrays:
    """Contacts of one channel, sorted by arrival: slot index, times in seconds since the axis start, outcome."""

    channel: str
    slot: np.ndarray  # index on the slot axis
    arrived_s: np.ndarray  # seconds since the start of the axis (wall clock)
    wait_s: np.ndarray  # until answered, or until the customer gave up when abandoned
    abandoned: np.ndarray
    handle_s: np.ndarray  # 0 when abandoned
    wrap_s: np.ndarray  # 0 when abandoned
    staffed_agents: np.ndarray  # per slot of the axis (not per contact): agents the past site staffed on the channel


def _handle_times(rng: np.random.Generator, mean_s: np.ndarray, p: ChannelParams) -> tuple[np.ndarray, np.ndarray]:
    """(handle_s, wrap_s) per contact: gamma-distributed total around the slot's AHT, split into talk and wrap."""
    total = np.maximum(np.rint(rng.gamma(p.aht_shape, mean_s / p.aht_shape)), 10).astype(np.int64)
    wrap = np.rint(total * p.wrap_fraction * rng.uniform(0.5, 1.5, len(total))).astype(np.int64)
    return total - wrap, wrap


def _arrivals(rng: np.random.Generator, axis: SlotAxis, offered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(slot index, arrival second since the axis start) of every contact, sorted by time."""
    slot = np.repeat(np.arange(len(offered)), offered)
    interval_s = axis.slot_minutes * 60
    arrived = slot * interval_s + rng.integers(0, interval_s, len(slot))
    order = np.argsort(arrived, kind="stable")
    return slot[order], arrived[order]


def simulate_immediate(rng: np.random.Generator, axis: SlotAxis, slots: ChannelSlots, offered: np.ndarray,
                       channel: Channel, p: ChannelParams, q: QueueParams) -> ContactArrays:
    """Contacts of an immediate channel with Erlang C waits and patience-driven abandons."""
    interval_s = axis.slot_minutes * 60
    aht_eff = slots.aht_s / channel.concurrency  # a chat agent serves `concurrency` chats at once
    planned_load = slots.planned * aht_eff / interval_s
    target = channel.target
    need = required_agents(
        planned_load, aht_eff,
        None if isinstance(target, AsaTarget) else target.service_level,
        None if isinstance(target, AsaTarget) else target.answer_within_s,
        target.asa_s if isinstance(target, AsaTarget) else None,
        channel.max_occupancy, channel.min_agents)
    day_quality = np.repeat(rng.lognormal(0.0, q.day_quality_sd, axis.days), axis.slots_per_day)
    slot_quality = rng.lognormal(0.0, q.slot_quality_sd, len(need))
    agents = np.where(need > 0, np.maximum(np.rint(need * day_quality * slot_quality), 1), 0).astype(np.int64)
    load = slots.rate * aht_eff / interval_s  # the true arrival intensity; the Poisson counts are its noise
    p_wait = erlang_c(agents, load)
    drain = np.where(agents > load, agents - load, q.overload_rate * np.maximum(agents, 1)) / aht_eff

    slot, arrived = _arrivals(rng, axis, offered)
    n = len(slot)
    queued = rng.random(n) < p_wait[slot]
    queue_wait = np.where(queued, rng.exponential(1.0, n) / drain[slot], 0.0)
    wait = rng.integers(q.ring_s[0], q.ring_s[1] + 1, n) + queue_wait
    patience = rng.exponential(channel.patience_s or p.patience_s, n)
    abandoned = patience < wait
    wait_s = np.maximum(np.rint(np.where(abandoned, patience, wait)), 1).astype(np.int64)
    handle, wrap = _handle_times(rng, slots.aht_s[slot], p)
    handle = np.where(abandoned, 0, handle)
    wrap = np.where(abandoned, 0, wrap)
    return ContactArrays(channel.name, slot, arrived, wait_s, abandoned, handle, wrap, agents.astype(float))


def simulate_deferred(rng: np.random.Generator, axis: SlotAxis, slots: ChannelSlots, offered: np.ndarray,
                      channel: Channel, p: ChannelParams) -> ContactArrays:
    """Contacts of a deferred channel, answered after an exponential wait counted in open (staffed) time only."""
    interval_s = axis.slot_minutes * 60
    open_s = slots.open * interval_s
    open_end = np.cumsum(open_s)  # open seconds up to the end of each slot
    open_start = open_end - open_s
    slot, arrived = _arrivals(rng, axis, offered)
    into_slot = arrived - slot * interval_s
    position = open_start[slot] + np.where(slots.open[slot], into_slot, 0)
    answer_at = np.minimum(position + 60 + rng.exponential(p.open_wait_s, len(slot)), open_end[-1] - 1)
    answer_slot = np.searchsorted(open_end, answer_at, side="right")
    answered = answer_slot * interval_s + (answer_at - open_start[answer_slot])
    wait_s = np.maximum(np.rint(answered - arrived), 1).astype(np.int64)
    handle, wrap = _handle_times(rng, slots.aht_s[slot], p)
    return ContactArrays(channel.name, slot, arrived, wait_s, np.zeros(len(slot), dtype=bool), handle, wrap,
                         deferred_staffing(axis, slots, channel, answer_slot, handle + wrap))


def deferred_staffing(axis: SlotAxis, slots: ChannelSlots, channel: Channel, answer_slot: np.ndarray,
                      work_s: np.ndarray) -> np.ndarray:
    """Agents per slot the past site staffed on a deferred channel: the work it answered each day, spread level over
    the day's open slots at DEFERRED_OCCUPANCY of the channel's maximum occupancy (at least one agent while open)."""
    interval_s = axis.slot_minutes * 60
    day = np.arange(len(slots.rate)) // axis.slots_per_day
    answered_s = np.bincount(day[answer_slot], weights=work_s, minlength=axis.days)
    open_s = np.bincount(day, weights=slots.open * interval_s, minlength=axis.days)
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.where(open_s > 0, answered_s / (open_s * DEFERRED_OCCUPANCY * channel.max_occupancy), 0.0)
    return np.where(slots.open, np.maximum(np.ceil(level[day]), 1.0), 0.0)
