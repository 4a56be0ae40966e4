"""A yearly bid round in one call: the capacity plan over the bids' days, the balances, the allocation, the leave after.

The rules, in plain words:
- A round covers one leave year (leave.year_start): bids in two leave years are refused with the count in each.
- The plan runs from the Monday of the first bid day (or the first Monday after the history, when later) to the week
  of the last bid day, at most MAX_PLAN_WEEKS; bids starting inside the history are refused.
- Approved leave already in the leave table is taken off the allowance and the balances first; `requested` rows are
  not: a round comes before the year's requests are decided.
- A bid that shares a day with the agent's approved leave (OVERLAPS_APPROVED_LEAVE), or has a day outside the agent's
  employment (OUTSIDE_EMPLOYMENT), is refused before the allocation, with the dates in its detail.
- A bid costs what the same leave request would, and is checked as `leave decide` checks one: its charge
  (hours.leave_charge: open days while employed, at most a contract week per calendar week) against the agent's
  balance, and that charge as the group's capacity loses it (Capacity.spread: on each leave day what the agent would
  have worked there, the rest of the week's charge on the week's other days) against the group's allowance in hours
  per day. Like decide, the round counts hours, not heads.
- Balance: the leave year's entitlement minus the leave already booked in it. Carried-over hours are not offered in a
  round (they expire on leave.carry_over_expires, usually before the bid periods); they stay for requests.
- Granted bids become approved rows of the leave table (kind: the first of leave.balance_kinds, request_id: the
  bid_id, requested_at: submitted_at), which `schedule`, `run` and `leave decide` then take.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from planner.config import Config
from planner.errors import RequestError
from planner.leave.balances import entitlement_h, leave_year
from planner.leave.bids import BidAllocation, Mode, allocate_bids
from planner.leave.decide import initial_state
from planner.leave.horizon import MAX_PLAN_WEEKS
from planner.leave.hours import OpenDays, leave_charge, monday
from planner.leave.plan import LeavePlan, leave_plan

LEAVE_COLUMNS = ["agent_id", "start_date", "end_date", "kind", "status", "request_id", "requested_at"]


@dataclass(frozen=True)
class BidRound:
    """The plan the round used, its leave year, the allocation, and the leave table with the granted bids approved."""

    plan: LeavePlan
    year: tuple[dt.date, dt.date]
    allocation: BidAllocation
    leave: pd.DataFrame


def round_span(config: Config, history: pd.DataFrame, bids: pd.DataFrame) -> tuple[tuple[dt.date, dt.date], dt.date, int]:
    """(leave year, plan start Monday, plan weeks) of a round over bids, refusing bids it cannot plan."""
    if bids.empty:
        raise RequestError("the bids table has no rows: nothing to allocate")
    starts, ends = [_day(d) for d in bids["start_date"]], [_day(d) for d in bids["end_date"]]
    years: dict[tuple[dt.date, dt.date], int] = {}
    for first, last in zip(starts, ends, strict=True):
        for year in {leave_year(first, config.leave.year_start), leave_year(last, config.leave.year_start)}:
            years[year] = years.get(year, 0) + 1
    if len(years) > 1:
        shown = "; ".join(f"{a}..{b}: {n} bid(s)" for (a, b), n in sorted(years.items()))
        raise RequestError(f"a bid round covers one leave year (leave.year_start {config.leave.year_start}); these bids "
                           f"touch {len(years)}: {shown}. Split the file by leave year, or cut the bids crossing it")
    last_history = pd.to_datetime(history["interval_start"]).max().date()
    forecast_from = last_history + dt.timedelta(days=1)
    early = [(a, r, s) for a, r, s in zip(bids["agent_id"], bids["rank"], starts, strict=True) if s < forecast_from]
    if early:
        a, r, s = min(early, key=lambda t: t[2])
        raise RequestError(f"{len(early)} bid(s) start inside the history (which runs to {last_history}), e.g. {a} rank "
                           f"{r} on {s}: a round allocates days after the history")
    first_monday = forecast_from + dt.timedelta(days=(7 - forecast_from.weekday()) % 7)
    if min(starts) < first_monday:
        raise RequestError(f"bids start on {min(starts)}, before {first_monday}, the first Monday after the history "
                           f"(which runs to {last_history}): a plan starts on a Monday after the history")
    start = monday(min(starts))
    weeks = (monday(max(ends)) - start).days // 7 + 1
    if weeks > MAX_PLAN_WEEKS:
        raise RequestError(f"the bids run from {min(starts)} to {max(ends)}: a plan from {start} would need {weeks} weeks, "
                           f"at most {MAX_PLAN_WEEKS} are forecast; bid for a later leave year once more history is in")
    return next(iter(years)), start, weeks


def bid_round(config: Config, history: pd.DataFrame, agents: pd.DataFrame, leave: pd.DataFrame | None,
              bids: pd.DataFrame, *, mode: Mode = "fair", time_limit_s: float = 60.0, seed: int = 0,
              workers: int = 1, model: str | None = None) -> BidRound:
    """Allocate a leave year's bids (read_bids table) on the forecast's allowance and the agents' balances (hours)."""
    year, start, weeks = round_span(config, history, bids)
    plan = leave_plan(config, history, agents, leave, weeks, start, model)
    state = initial_state(config, plan.agents, plan.capacity, leave)
    balance_h = {aid: max(0.0, entitlement_h(config, agent, year) - state.ledger.used_h(aid, year))
                 for aid, agent in plan.agents.items()}
    is_open = OpenDays(config)

    cap = plan.capacity

    def charge(agent_id: str, first: dt.date, last: dt.date) -> dict[dt.date, float]:
        return leave_charge(first, last, plan.agents[agent_id], is_open)

    def group_charge(agent_id: str, first: dt.date, last: dt.date) -> dict[dt.date, float]:
        agent = plan.agents[agent_id]
        spread = cap.spread(agent.group, charge(agent_id, first, last), agent.week_h)
        return {cap.start + dt.timedelta(days=col): h for col, h in spread.items()}

    refused = _refused_up_front(bids, plan.agents, leave)
    ok = ~bids.index.isin(list(refused))
    allowance = plan.tables()[1][["group", "date", "allowance_h"]]  # hours only, as decide checks
    allocation = allocate_bids(bids[ok], agents, allowance, balance_h, {}, mode=mode, time_limit_s=time_limit_s,
                               seed=seed, workers=workers, charge_h=group_charge)
    allocation = _with_refused(allocation, bids, refused, plan, charge)
    granted = allocation.preferences[allocation.preferences["granted"]]
    submitted = dict(zip(_bid_ids(bids), bids["submitted_at"], strict=True)) if "submitted_at" in bids else {}
    kind = config.leave.balance_kinds[0] if config.leave.balance_kinds else "annual"
    rows = []
    for bid_id, aid, first, last in zip(granted["bid_id"], granted["agent_id"], granted["start_date"],
                                        granted["end_date"], strict=True):
        agent = plan.agents[aid]
        plan.capacity.add_leave(agent.group, charge(aid, first, last), agent.week_h)
        rows.append({"agent_id": aid, "start_date": first, "end_date": last, "kind": kind, "status": "approved",
                     "request_id": bid_id, "requested_at": submitted.get(bid_id)})
    return BidRound(plan, year, allocation, _leave_after(leave, pd.DataFrame(rows, columns=LEAVE_COLUMNS)))


def _refused_up_front(bids: pd.DataFrame, agents: dict, leave: pd.DataFrame | None) -> dict[object, tuple[str, str]]:
    """Bid row label → (reason, detail) for bids clashing with approved leave or outside the agent's employment."""
    approved: dict[str, list[tuple[dt.date, dt.date]]] = {}
    if leave is not None and len(leave):
        rows = leave[leave["status"] == "approved"]
        for aid, first, last in zip(rows["agent_id"].astype(str), rows["start_date"], rows["end_date"], strict=True):
            approved.setdefault(aid, []).append((_day(first), _day(last)))
    out = {}
    for label, aid, first, last in zip(bids.index, bids["agent_id"].astype(str), bids["start_date"], bids["end_date"],
                                       strict=True):
        first, last = _day(first), _day(last)
        clash = [(s, e) for s, e in approved.get(aid, []) if s <= last and first <= e]
        agent = agents.get(aid)
        if clash:
            out[label] = ("OVERLAPS_APPROVED_LEAVE", "shares dates with approved leave " +
                          ", ".join(f"{s}..{e}" for s, e in clash))
        elif agent is not None and not (agent.employed_on(first) and agent.employed_on(last)):
            out[label] = ("OUTSIDE_EMPLOYMENT", f"{aid} is employed {agent.employed_from or 'from before'} to "
                          f"{agent.employed_to or 'open end'}")
    return out


def _with_refused(allocation: BidAllocation, bids: pd.DataFrame, refused: dict[object, tuple[str, str]],
                  plan: LeavePlan, charge) -> BidAllocation:
    """The allocation with the bids refused up front added as not granted, in the bids' order."""
    if not refused:
        return allocation
    ids = dict(zip(bids.index, _bid_ids(bids), strict=True))
    rows = []
    for label, (code, detail) in refused.items():
        bid = bids.loc[label]
        aid, first, last = str(bid["agent_id"]), _day(bid["start_date"]), _day(bid["end_date"])
        agent = plan.agents[aid]
        rows.append({"bid_id": ids[label], "agent_id": aid, "group": agent.group, "rank": int(bid["rank"]),
                     "start_date": first, "end_date": last, "hours_h": round(sum(charge(aid, first, last).values()), 2),
                     "granted": False, "granted_by": "", "reason": code, "detail": detail})
    prefs = pd.concat([allocation.preferences, pd.DataFrame(rows, columns=allocation.preferences.columns)],
                      ignore_index=True)
    order = {bid_id: k for k, bid_id in enumerate(ids.values())}
    prefs = prefs.sort_values("bid_id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    counts = prefs["agent_id"].value_counts()
    agents = allocation.agents.assign(preferences=allocation.agents["agent_id"].map(counts).fillna(0).astype(int))
    return replace(allocation, preferences=prefs, agents=agents)


def _bid_ids(bids: pd.DataFrame) -> list[str]:
    """The ids allocate_bids gives the bids: bid_id when given, else agent#rank."""
    ids = bids["bid_id"] if "bid_id" in bids else [None] * len(bids)
    return [str(i) if i is not None and not pd.isna(i) else f"{a}#{r}"
            for i, a, r in zip(ids, bids["agent_id"], bids["rank"], strict=True)]


def _leave_after(leave: pd.DataFrame | None, granted: pd.DataFrame) -> pd.DataFrame:
    if leave is None or leave.empty:
        return granted.reset_index(drop=True)
    if granted.empty:
        return leave.reset_index(drop=True)
    both = pd.concat([leave, granted.dropna(axis=1, how="all")], ignore_index=True)
    return both.sort_values(["start_date", "agent_id"], kind="stable").reset_index(drop=True)


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()
