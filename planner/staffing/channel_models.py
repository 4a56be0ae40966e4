"""Which queueing model serves a channel, and its figures per slot: agents, service level, ASA, occupancy, late contacts.

- `erlang_c`: immediate channel, no patience configured (voice default).
- `erlang_a`: immediate channel with `patience_s` (exponential patience): fewer agents, reports the abandon rate.
- chat (`concurrency` k > 1): each agent is k servers of one M/M/c queue (c = k × agents, Erlang C or A), with the
  channel's aht_s read as the handle time of one chat while the agent works k at once (what chat platforms log as
  chat duration). Chosen because it needs no extra parameter the planner cannot measure, is exact for the usual
  pooled routing (a chat goes to any agent with a free seat), and reduces to the voice model at k = 1; a slowdown
  for concurrency is already inside a measured concurrent handle time. Occupancy is then the share of seats busy.
- `deferred`: email, social — see planner.staffing.deferred.

The waiting figures reported for a plan or a roster (`day_measures`: service level, ASA, P(wait), abandon rate)
follow the queue from slot to slot through the day (planner.staffing.transient: the same Erlang C / A chain, not a
steady state per slot); the staffing rule (`immediate_agents`), occupancy and the roster's late-contacts curve stay
per slot, steady state.

An ASA target (`AsaTarget`) needs no answer threshold; the service level reported for it is the share answered
within asa_s seconds, and "late" means answered later than asa_s.
"""

from __future__ import annotations

import numpy as np

from planner.config.schema import AsaTarget, Channel
from planner.staffing import deferred, erlang_a, erlang_c, transient


def model_name(channel: Channel) -> str:
    """'deferred', 'erlang_a' or 'erlang_c' for a channel, from its kind and patience_s."""
    if channel.kind == "deferred":
        return "deferred"
    return "erlang_a" if channel.patience_s is not None else "erlang_c"


def answer_within_s(channel: Channel) -> float:
    """The answer-time threshold of the channel's target, in seconds (asa_s for an ASA target)."""
    return channel.target.asa_s if isinstance(channel.target, AsaTarget) else channel.target.answer_within_s


def immediate_agents(channel: Channel, offered, aht_s, interval_s: float) -> np.ndarray:
    """Fewest productive agents per slot meeting the target and max occupancy of an immediate channel."""
    k = channel.concurrency
    a = erlang_c.traffic(offered, aht_s, interval_s)
    target = channel.target
    if channel.patience_s is None:
        if isinstance(target, AsaTarget):
            servers = erlang_c.agents_for_asa(offered, aht_s, interval_s, target.asa_s, channel.max_occupancy)
        else:
            servers = erlang_c.agents(offered, aht_s, interval_s, target.service_level, target.answer_within_s,
                                      channel.max_occupancy)
        if k == 1:
            return servers
        # seats come in blocks of k: the fewest agents whose k·N seats meet the target (monotone, so ceil is exact)
        return np.where(a <= 0, 0, -(-servers // k))
    if isinstance(target, AsaTarget):
        servers = erlang_a.agents_for_asa(offered, aht_s, interval_s, target.asa_s, channel.patience_s,
                                          channel.max_occupancy).agents
    else:
        servers = erlang_a.agents(offered, aht_s, interval_s, target.service_level, target.answer_within_s,
                                  channel.patience_s, channel.max_occupancy).agents
    return np.where(a <= 0, 0, -(-servers // k))


def immediate_measures(channel: Channel, agents, offered, aht_s, interval_s: float) -> dict[str, np.ndarray]:
    """service_level, asa_s, occupancy, p_wait (+ abandon_rate for Erlang A) with `agents` productive agents."""
    servers = np.asarray(agents) * channel.concurrency
    t = answer_within_s(channel)
    if channel.patience_s is not None:
        return erlang_a.measures(servers, offered, aht_s, interval_s, channel.patience_s, t)
    a = erlang_c.traffic(offered, aht_s, interval_s)
    return {
        "p_wait": erlang_c.p_wait_erlangs(servers, a),
        "service_level": erlang_c.service_level_erlangs(servers, a, aht_s, t),
        "asa_s": erlang_c.asa_erlangs(servers, a, aht_s),
        "occupancy": erlang_c.occupancy_erlangs(servers, a),
    }


def day_measures(channel: Channel, agents, offered, aht_s, interval_s: float, interval_start=None, open_mask=None,
                 opens=None, wanted=None) -> dict[str, np.ndarray]:
    """immediate_measures with the queue carried from slot to slot (planner.staffing.transient) through each run of
    consecutive open slots (time order; a gap in `interval_start` or a closed slot ends a run). A run starts empty
    where the channel opens (`opens`, bool per slot: closed in the slot before; default: the row before is a closed
    slot) and in the steady state of its first slot otherwise (the table starts, or resumes, while the channel is
    open). Contacts arriving while the channel is closed (open_mask False) do not queue: their slot keeps
    immediate_measures. Occupancy stays the slot's own (its work over its seats, what max_occupancy caps).
    `wanted` (bool per slot, default all): a run with no wanted slot is not followed and keeps immediate_measures;
    a run with one is followed from its own start, so the wanted slots get the same figures as without `wanted`."""
    agents = np.atleast_1d(np.asarray(agents, dtype=float))
    offered = np.atleast_1d(np.asarray(offered, dtype=float))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    is_open = np.ones(offered.size, dtype=bool) if open_mask is None else np.asarray(open_mask, dtype=bool)
    out = {k: np.array(v, dtype=float) for k, v in immediate_measures(channel, agents, offered, aht, interval_s).items()}
    contiguous = np.r_[False, np.ones(max(offered.size - 1, 0), dtype=bool)]  # row i follows row i − 1 directly
    if interval_start is not None and offered.size > 1:
        step_s = np.diff(np.asarray(interval_start, dtype="datetime64[ns]")).astype(np.int64) / 1e9
        contiguous[1:] = np.abs(step_s - interval_s) < 1e-6
    joined = contiguous & np.r_[False, is_open[:-1]] & is_open  # slot i continues the run of slot i − 1
    empty = contiguous & ~np.r_[False, is_open[:-1]] if opens is None else np.asarray(opens, dtype=bool)
    want = np.ones(offered.size, dtype=bool) if wanted is None else np.asarray(wanted, dtype=bool)
    spans, runs = [], []
    for a in np.flatnonzero(is_open & ~joined):
        b = a + 1
        while b < offered.size and joined[b]:
            b += 1
        if not want[a:b].any():
            continue  # nobody reads these slots' figures: the chain is not followed
        if transient.work(agents[a:b] * channel.concurrency, offered[a:b], aht[a:b], interval_s,
                          channel.patience_s) > transient.WORK_BUDGET:
            continue  # too large a chain to follow: the slots keep their steady state (see transient.WORK_BUDGET)
        spans.append((a, b))
        runs.append((agents[a:b] * channel.concurrency, offered[a:b], aht[a:b], "empty" if empty[a] else "steady"))
    # the runs are independent (each starts empty or steady), so they are followed side by side
    for (a, b), m in zip(spans, transient.measures_runs(runs, interval_s, answer_within_s(channel), channel.patience_s),
                         strict=True):
        for k in out:
            if k != "occupancy":
                out[k][a:b] = m[k]
    return out


def late_contacts_curve(offered, aht_s, interval_s: float, channel: Channel, max_agents: int,
                        open_mask=None, agents=None, backlog_clear_s: float = 0.0) -> np.ndarray:
    """Expected contacts per slot answered later than the target (or abandoned) with 0..max_agents productive agents.

    Returns an array [slots, max_agents + 1]. Immediate channels: offered × (1 − service level at n agents).
    Deferred channels: the contacts the plan (planner.staffing.deferred.plan, with `open_mask`, default all slots
    open, and `backlog_clear_s`) handles in the slot that n agents could not handle, i.e. max(0, planned − n × contacts
    per agent). `agents` ([slots, k] productive agents), if given, replaces 0..max_agents: the curve is computed only there.
    """
    offered = np.atleast_1d(np.asarray(offered, dtype=float))
    aht = np.broadcast_to(np.asarray(aht_s, dtype=float), offered.shape)
    n = np.arange(max_agents + 1)[None, :] if agents is None else np.asarray(agents, dtype=float)
    if channel.kind == "deferred":
        mask = np.ones(offered.shape, dtype=bool) if open_mask is None else np.asarray(open_mask, dtype=bool)
        t = answer_within_s(channel)
        planned = deferred.plan(offered, aht, interval_s, mask, t, channel.max_occupancy, channel.min_agents,
                                backlog_clear_s)
        handled = deferred.serve(planned, offered, aht, interval_s, t, channel.max_occupancy, mask, backlog_clear_s).handled
        per_agent = interval_s * channel.max_occupancy / aht
        return np.maximum(handled[:, None] - n * per_agent[:, None], 0.0)
    sl = immediate_measures(channel, n, offered[:, None], aht[:, None], interval_s)["service_level"]
    return offered[:, None] * (1.0 - sl)
