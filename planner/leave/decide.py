"""Decisions on leave requests: an ordered pipeline, all or nothing per request, every answer with a reason code.

Steps, in order; the first that fails decides:
1. UNKNOWN_AGENT, INVALID_PERIOD (starts before it was asked for, longer than a year, or outside the agent's
   employment), OVERLAP (with the
   agent's approved leave or a request granted, held for review or waitlisted earlier in this run) → denied;
2. NO_ENTITLEMENT, INSUFFICIENT_BALANCE (balances.Ledger.fits; skipped with override = true) → denied, never
   waitlisted;
3. NOTICE_TOO_SHORT, NOTICE_TOO_LONG, BLACKOUT, MAX_CONSECUTIVE_DAYS, TEAM_CONCURRENCY (policy) → denied;
4. OUTSIDE_PLAN (a day beyond the capacity plan) or INSUFFICIENT_GROUP_ALLOWANCE (a day, or the week, of the
   agent's skill group would keep less than its requirement × (1 + leave.margin)) → waitlisted, or denied with
   leave.over_allowance: deny;
5. ROSTER_SHORTFALL (roster_check, days of a published roster) → denied;
6. within leave.threshold of every day's allowance → approved (APPROVED), else review (ABOVE_AUTO_APPROVE: fits the
   allowance, a planner confirms). Approved and review requests take their hours from the allowance, balance and team
   count at once, so later requests see them.

Order: leave.order fcfs (requested_at, then file order) or seniority (priority, then seniority, both larger
first, then requested_at). Leave of kinds outside leave.balance_kinds (training, …) skips the balance.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.config import Config
from planner.leave import policy
from planner.leave.balances import Ledger, entitlement_h, leave_year
from planner.leave.capacity import Capacity
from planner.leave.hours import AgentHours, OpenDays, leave_charge
from planner.leave.policy import Request
from planner.leave.roster_check import RosterCheck

DECISION_COLUMNS = ["request_id", "agent_id", "group", "start_date", "end_date", "kind", "requested_at", "hours",
                    "decision", "reason_code", "failing_dates", "detail", "rank"]
MAX_REQUEST_DAYS = 366
EPS_H = 1e-6
GRANTED = ("approved", "review")


@dataclass(frozen=True)
class Decision:
    """The outcome of one request: decision, reason code, the dates that failed and the hours it costs."""

    decision: str  # approved | review | waitlisted | denied
    code: str
    failing: tuple[dt.date, ...] = ()
    detail: str = ""
    charge: dict[dt.date, float] = field(default_factory=dict)


@dataclass
class State:
    """What the decisions so far have committed: capacity (with its leave), balances, team counts, busy periods."""

    config: Config
    agents: dict[str, AgentHours]
    capacity: Capacity
    ledger: Ledger
    team_on_leave: Counter
    busy: dict[str, list[tuple[dt.date, dt.date, str]]]  # agent → (start, end, what) of approved or held leave
    leave_days: dict[str, set[dt.date]]  # agent → days of approved leave (any kind), for the consecutive-days rule
    is_open: OpenDays
    roster: RosterCheck | None = None


def initial_state(config: Config, agents: dict[str, AgentHours], capacity: Capacity, leave: pd.DataFrame | None,
                  roster: RosterCheck | None = None) -> State:
    """The state before any request: the leave table's approved rows booked (capacity already holds their hours)."""
    records_from = min(leave["start_date"]) if leave is not None and len(leave) else None
    state = State(config, agents, capacity, Ledger(config, agents, records_from), Counter(), {}, {}, OpenDays(config),
                  roster)
    if leave is not None:
        rows = leave[leave["status"] == "approved"]
        overrides = rows["override"].fillna(False).astype(bool) if "override" in rows else pd.Series(False, index=rows.index)
        for aid, first, last, kind, over in zip(rows["agent_id"].astype(str), rows["start_date"], rows["end_date"],
                                                rows["kind"].astype(str), overrides, strict=True):
            if aid in agents:
                commit(state, Request("", aid, first, last, kind, first, bool(over)), None, in_capacity=True)
    return state


def commit(state: State, req: Request, charge: dict[dt.date, float] | None, in_capacity: bool = False) -> None:
    """Book a granted (or already approved) request into the state: balance, team count, busy days and, unless
    in_capacity, the group's capacity."""
    agent = state.agents[req.agent_id]
    charge = charge if charge is not None else leave_charge(req.start, req.end, agent, state.is_open)
    if req.kind in state.config.leave.balance_kinds:
        state.ledger.book(req.agent_id, charge, req.override)
        for d in req.days():
            state.team_on_leave[(agent.team, d)] += 1
    state.busy.setdefault(req.agent_id, []).append((req.start, req.end, req.request_id or "approved leave"))
    state.leave_days.setdefault(req.agent_id, set()).update(req.days())
    if not in_capacity:
        state.capacity.add_leave(agent.group, charge, agent.week_h)


def _dates(days) -> tuple[dt.date, ...]:
    return tuple(sorted(set(days)))


def evaluate(state: State, req: Request) -> Decision:
    """The decision on one request against the state (which it does not change)."""
    cfg = state.config
    agent = state.agents.get(req.agent_id)
    if agent is None:
        return Decision("denied", "UNKNOWN_AGENT", (req.start,), f"agent {req.agent_id} is not in the agents table")
    if req.start < req.requested_on:
        return Decision("denied", "INVALID_PERIOD", (req.start,), f"starts {req.start}, before it was requested on "
                        f"{req.requested_on}")
    if (req.end - req.start).days + 1 > MAX_REQUEST_DAYS:
        return Decision("denied", "INVALID_PERIOD", (req.start, req.end), f"longer than {MAX_REQUEST_DAYS} days")
    unemployed = [d for d in req.days() if not agent.employed_on(d)]
    if unemployed:
        return Decision("denied", "INVALID_PERIOD", _dates(unemployed), f"{req.agent_id} is employed "
                        f"{agent.employed_from or 'from before'} to {agent.employed_to or 'open-ended'}")
    clash = [(s, e, what) for s, e, what in state.busy.get(req.agent_id, []) if s <= req.end and req.start <= e]
    if clash:
        s, e, what = clash[0]
        return Decision("denied", "OVERLAP", _dates(d for d in req.days() if s <= d <= e), f"overlaps {what} ({s} to {e})")
    charge = leave_charge(req.start, req.end, agent, state.is_open)
    if req.kind in cfg.leave.balance_kinds and not req.override:
        if cfg.leave.entitlement(agent.contract) is None or entitlement_h(
                cfg, agent, leave_year(req.start, cfg.leave.year_start)) <= 0:
            return Decision("denied", "NO_ENTITLEMENT", (req.start,), f"contract {agent.contract} gives {req.agent_id} "
                            "no leave entitlement in this leave year (leave.entitlements, employment dates)", charge)
        fit = state.ledger.fits(req.agent_id, charge)
        if not fit.ok:
            days = _dates(d for d in charge if fit.year[0] <= d <= fit.year[1])
            return Decision("denied", "INSUFFICIENT_BALANCE", days, f"needs {fit.needed_h:.1f} h in the leave year from "
                            f"{fit.year[0]}, {fit.available_h:.1f} h left ({fit.short_h:.1f} h short)", charge)
    rule = policy.notice(cfg, req)
    if rule is not None:
        return Decision("denied", rule[0], _dates(rule[1][0]), rule[1][1], charge)
    for code, failure in (("BLACKOUT", policy.blackout(cfg, req)),
                          ("MAX_CONSECUTIVE_DAYS", policy.consecutive(cfg, req, state.leave_days.get(req.agent_id, set()))),
                          ("TEAM_CONCURRENCY", policy.team_concurrency(cfg, req, agent.team, state.team_on_leave)
                           if req.kind in cfg.leave.balance_kinds else None)):
        if failure is not None:
            return Decision("denied", code, _dates(failure[0]), failure[1], charge)
    over = "waitlisted" if cfg.leave.over_allowance == "waitlist" else "denied"
    cap = state.capacity
    outside = [d for d in charge if cap.day_index(d) is None]
    if outside:
        last = cap.start + dt.timedelta(days=cap.n_days - 1)
        when = ("these days are before it (the forecast starts after the history)" if min(outside) < cap.start else
                "decide again once it reaches these days")
        return Decision(over, "OUTSIDE_PLAN", _dates(outside), f"the capacity plan covers {cap.start} to {last}; {when}",
                        charge)
    short = _allowance_short(cap, agent, charge)
    if short:
        days, hours = zip(*short, strict=True)
        return Decision(over, "INSUFFICIENT_GROUP_ALLOWANCE", _dates(days),
                        f"{agent.group} group {max(hours):.1f} h over", charge)
    if state.roster is not None:
        fail = state.roster.failures(req.agent_id, req.days())
        if fail is not None:
            return Decision("denied", "ROSTER_SHORTFALL", _dates(fail[0]), fail[1], charge)
    review = _allowance_short(cap, agent, charge, share=cap.threshold)
    if review:
        return Decision("review", "ABOVE_AUTO_APPROVE", _dates(d for d, _ in review),
                        f"within the {agent.group} allowance but above its auto-approved share "
                        f"({cap.threshold:.0%}): a planner confirms", charge)
    return Decision("approved", "APPROVED", (), f"{sum(charge.values()):.1f} h from the {agent.group} allowance", charge)


def _allowance_short(cap: Capacity, agent: AgentHours, charge: dict[dt.date, float], share: float = 1.0
                     ) -> list[tuple[dt.date, float]]:
    """(day, hours over) where the charge exceeds share × the group's allowance on a day it lands on or in its week."""
    group = agent.group
    g = cap.groups.index(group)
    allowance = cap.allowance_h()[g]
    out: dict[dt.date, float] = {}
    per_week: dict[int, float] = {}
    for col, h in cap.spread(group, charge, agent.week_h).items():
        room = share * max(0.0, allowance[col])
        if h > room + EPS_H:
            out[cap.start + dt.timedelta(days=col)] = h - room
        per_week[col - col % 7] = per_week.get(col - col % 7, 0.0) + h
    for first, h in per_week.items():
        room = share * max(0.0, float(allowance[first:first + 7].sum()))
        if h > room + EPS_H:
            for col in range(first, first + 7):
                day = cap.start + dt.timedelta(days=col)
                if day in charge:
                    out[day] = max(out.get(day, 0.0), h - room)
    return sorted(out.items())


def requests_from(leave: pd.DataFrame, as_of: dt.date) -> list[Request]:
    """The `requested` rows of a typed leave table as Requests (request_id R<row> when missing; made on as_of when
    requested_at is empty)."""
    rows = leave.reset_index(drop=True)
    out = []
    for i, row in enumerate(rows.to_dict("records")):
        if row["status"] != "requested":
            continue
        rid = row.get("request_id")
        at = row.get("requested_at")
        out.append(Request(
            request_id=str(rid) if rid is not None and not pd.isna(rid) else f"R{i + 1}",
            agent_id=str(row["agent_id"]), start=row["start_date"], end=row["end_date"], kind=str(row["kind"]),
            requested_on=pd.Timestamp(at).date() if at is not None and not pd.isna(at) else as_of,
            override=bool(row.get("override")) if row.get("override") is not None and not pd.isna(row.get("override"))
            else False))
    return out


def ordered(requests: list[Request], agents: dict[str, AgentHours], order: str, requested_at: dict[str, pd.Timestamp]
            ) -> list[Request]:
    """Requests in decision order: fcfs by requested_at then file order, or seniority (priority, seniority first)."""
    def when(r: Request) -> float:
        t = requested_at.get(r.request_id)
        return pd.Timestamp(t).value if t is not None and not pd.isna(t) else float(np.iinfo(np.int64).max)

    position = {id(r): i for i, r in enumerate(requests)}
    if order == "seniority":
        def key(r: Request):
            a = agents.get(r.agent_id)
            return (-(a.priority if a else 0), -(a.seniority if a else 0.0), when(r), position[id(r)])
    else:
        def key(r: Request):
            return (when(r), position[id(r)])
    return sorted(requests, key=key)


@dataclass
class Outcome:
    """Decisions (one row per request, DECISION_COLUMNS), the leave table after them, and the final state."""

    decisions: pd.DataFrame
    leave: pd.DataFrame
    state: State


def decide(config: Config, agents: dict[str, AgentHours], capacity: Capacity, leave: pd.DataFrame,
           as_of: dt.date, roster: RosterCheck | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Decide every `requested` row of the leave table in order; capacity is updated in place with the granted hours."""
    state = initial_state(config, agents, capacity, leave, roster)
    requests = requests_from(leave, as_of)
    stamps = _stamps(leave)
    rows = []
    queue = ordered(requests, agents, config.leave.order, stamps)
    for rank, req in enumerate(queue, start=1):
        outcome = evaluate(state, req)
        if outcome.decision in GRANTED:
            commit(state, Request(f"request {req.request_id}", req.agent_id, req.start, req.end, req.kind,
                                  req.requested_on, req.override), outcome.charge)
        elif outcome.decision == "waitlisted":
            # a waitlisted request keeps its place: the agent cannot ask again for the same days meanwhile
            state.busy.setdefault(req.agent_id, []).append((req.start, req.end, f"request {req.request_id}"))
        agent = agents.get(req.agent_id)
        rows.append({"request_id": req.request_id, "agent_id": req.agent_id, "group": agent.group if agent else None,
                     "start_date": req.start, "end_date": req.end, "kind": req.kind,
                     "requested_at": stamps.get(req.request_id), "hours": round(sum(outcome.charge.values()), 2),
                     "decision": outcome.decision, "reason_code": outcome.code,
                     "failing_dates": ", ".join(str(d) for d in outcome.failing), "detail": outcome.detail, "rank": rank})
        if on_progress is not None:
            on_progress(rank, len(queue))
    decisions = pd.DataFrame(rows, columns=DECISION_COLUMNS)
    return Outcome(decisions, leave_after(leave, decisions, as_of), state)


def _stamps(leave: pd.DataFrame) -> dict[str, pd.Timestamp]:
    rows = leave.reset_index(drop=True)
    ids = rows["request_id"] if "request_id" in rows else pd.Series([None] * len(rows))
    at = rows["requested_at"] if "requested_at" in rows else pd.Series([None] * len(rows))
    out = {}
    for i, (rid, t, status) in enumerate(zip(ids, at, rows["status"], strict=True)):
        if status == "requested":
            out[str(rid) if rid is not None and not pd.isna(rid) else f"R{i + 1}"] = t
    return out


def leave_after(leave: pd.DataFrame, decisions: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The leave table for the roster: approved decisions become approved, review and waitlisted stay requested,
    denied ones are dropped (they are reported in the decisions, not left for the roster to weigh)."""
    rows = leave.reset_index(drop=True)
    ids = [r.request_id for r in requests_from(rows, as_of)]
    requested = np.flatnonzero((rows["status"] == "requested").to_numpy())
    verdict = dict(zip(decisions["request_id"], decisions["decision"], strict=True))
    status = rows["status"].copy()
    keep = np.ones(len(rows), dtype=bool)
    for pos, rid in zip(requested, ids, strict=True):
        if verdict.get(rid) == "approved":
            status.iloc[pos] = "approved"
        elif verdict.get(rid) == "denied":
            keep[pos] = False
    return rows.assign(status=status)[keep].reset_index(drop=True)
