"""Yearly leave bids: agents' ranked preferences allocated once with CP-SAT under group allowances and balances.

The rules, in plain words:

- A preference is a date range, granted whole or not at all. An agent may be granted several preferences, never two
  that share a date.
- Cost: each date of a preference costs the agent's leave-day hours for that weekday (`day_hours_h`: one number means
  that many hours Monday to Friday and Saturday/Sunday free; seven numbers give Monday..Sunday). Dates in `closed`
  (the site is shut) cost nothing. Or a `charge_h` function gives each preference's hours per day (the CLI uses the
  leave-request rule of hours.leave_charge, so a bid costs what the same request would). The hours are charged
  against the agent's balance and against the allowance of the agent's skill group (`groups.group_of`) on that date.
  A date that costs nothing needs no allowance and does not count as a head on leave.
  A (group, date) absent from the allowance table has no allowance (0 h, 0 heads).
- Points: rank r is worth 2^(R − r) points, R the largest rank in the bids (with 5 ranks: 16, 8, 4, 2, 1), so a
  better rank outweighs all worse ranks together: nobody's first choice goes for their own second and third. At most
  MAX_RANK ranks (the weights must fit CP-SAT's 64-bit integers). An agent's satisfaction is the sum of the points of
  their granted preferences; capped satisfaction is min(satisfaction, 2^(R − 1)), one rank-1 grant's worth.
- mode "fair", lexicographic: (1) maximise the smallest capped satisfaction over the agents who have a preference
  that fits on its own (max-min), (2) then the sum of capped satisfaction over agents, (3) then total points.
  Tier (2) is there because max-min alone stops helping as soon as one agent's preferences all fall in a full
  crunch: the minimum is then pinned and the other agents' shares would be decided by total points only; the capped
  sum still gives every agent one good grant before anyone gets a second. Weights make the tiers strict (a unit of a
  tier outweighs everything below it), so each solve has one objective, one bound and one gap.
- mode "seniority": agents with higher `seniority` (a number in the agents table, higher = more senior, e.g. years of
  service) come strictly first: the objective is lexicographic over seniority levels, most senior first, and within
  a level tiers (2) and (3) above. Levels are solved in stages, as many adjacent levels per stage as strict weights
  fit in 52 bits; each stage's result is kept as a constraint for the next.
- Agents who never compete for the same allowance are solved apart (`bids_model`, exact for both modes).
- Leftovers: preferences the solve left ungranted are then offered first come first served (`submitted_at`, then
  rank, then agent) and granted if they still fit. At a proven optimum none does; after a solve cut by the time
  limit this pass picks up what the search did not reach.
- Every preference not granted carries a reason, re-checked against the final grants: OVERLAPS_GRANTED_RANK_<k>
  (shares a date with the agent's granted rank k), INSUFFICIENT_BALANCE (would take the agent past their balance),
  GROUP_ALLOWANCE_FULL / GROUP_HEADS_FULL (does not fit the group's allowance even with no other grant),
  LOST_TO_SENIORITY (the allowance it needs went to agents, one at least more senior), LOST_TO_FAIRNESS (went to
  others in fair mode, or to agents of equal seniority), ALLOWANCE_TAKEN (went to less senior agents only: possible
  only when a solve was cut short). The detail names the dates, the hours over and who holds the allowance.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from planner.errors import RequestError
from planner.io.tables import MAX_BID_RANK
from planner.leave.bids_model import (
    STAGE_STATUSES,
    BidInstance,
    Pref,
    SolverSettings,
    SolveStage,
    solve_fair,
    solve_seniority,
)
from planner.leave.groups import agent_groups

Mode = Literal["fair", "seniority"]
ChargeH = Callable[[str, dt.date, dt.date], Mapping[dt.date, float]]  # (agent, start, end) → hours per day
MINUTES_PER_H = 60  # the model counts leave in whole minutes: CP-SAT needs integers
WEEKDAYS_ONLY = 5
MAX_RANK = MAX_BID_RANK  # 2^9 points for a rank 1 keeps the strict tiers of 400+ agents within int64 (read_bids checks it)


@dataclass(frozen=True)
class BidAllocation:
    """The outcome of allocate_bids.

    preferences: one row per bid (bid_id, agent_id, group, rank, start_date, end_date, hours_h, granted, granted_by
    'solver' | 'leftover' | '', reason, detail). agents: one row per bidding agent (agent_id, group, seniority,
    preferences, granted, granted_ranks, points, granted_h, balance_h, remaining_h). remaining: per (group, date) with
    leave asked for: allowance_h, granted_h, remaining_h, allowance_heads, granted_heads.
    """

    mode: Mode
    preferences: pd.DataFrame
    agents: pd.DataFrame
    remaining: pd.DataFrame
    stages: list[SolveStage] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The weakest status over the solve stages (OPTIMAL only when every stage proved its optimum)."""
        return max((s.status for s in self.stages), key=STAGE_STATUSES.index, default="OPTIMAL")

    @property
    def objective(self) -> float:
        """Sum of the stages' objective values (one stage in fair mode), in weighted points."""
        return sum(s.objective for s in self.stages)

    @property
    def best_bound(self) -> float:
        """Sum of the stages' best bounds, in weighted points."""
        return sum(s.best_bound for s in self.stages)

    @property
    def gap(self) -> float:
        """Largest relative optimality gap over the stages (0 = proven optimal)."""
        return max((s.gap for s in self.stages), default=0.0)

    @property
    def cut_by_wall_clock(self) -> bool:
        """True when the wall-clock cap, not an optimum or the deterministic budget, stopped some stage (not reproducible)."""
        return any(s.cut_by_wall_clock for s in self.stages)

    @property
    def solve_s(self) -> float:
        """Wall seconds spent in CP-SAT over all stages."""
        return sum(s.wall_s for s in self.stages)


def weekday_hours_h(weekly_hours_h: float, days_per_week: int) -> tuple[float, ...]:
    """Hours one leave day costs, Monday..Sunday, for a contract (a week of leave costs weekly_hours_h in total).

    Up to 5 days a week the hours are spread over Monday–Friday (weekly/5 each): which weekdays a part-timer works is
    not known a year ahead, so each weekday costs its pro-rata share; 6 days: Monday–Saturday, 7 days: every day."""
    spread = max(WEEKDAYS_ONLY, min(7, int(days_per_week)))
    return tuple(weekly_hours_h / spread if i < spread else 0.0 for i in range(7))


def allocate_bids(bids: pd.DataFrame, agents: pd.DataFrame, allowance: pd.DataFrame, balance_h: Mapping[str, float],
                  day_hours_h: Mapping[str, float | Sequence[float]], *, mode: Mode = "fair",
                  closed: Collection[dt.date] = (), time_limit_s: float = 60.0, seed: int = 0, workers: int = 1,
                  deterministic: bool = True, charge_h: ChargeH | None = None) -> BidAllocation:
    """Grant agents' ranked leave preferences (bids table as read_bids returns it) within the allowance (group, date,
    allowance_h[, allowance_heads]) and balance_h (hours per agent); day_hours_h per agent is the hours one leave day
    costs (see module docstring), unless charge_h gives each preference's hours per day itself (then day_hours_h and
    closed are not used: e.g. the leave-request rule of hours.leave_charge, so bids and requests cost the same).
    time_limit_s caps the wall clock of all solves together; with deterministic each solve also stops on its share of
    time_limit_s deterministic units (shared by number of preferences), so the same inputs, seed and workers give the
    same allocation unless the wall clock cut a solve (cut_by_wall_clock says so). One worker is the default: on these
    models it proves optima faster than two interleaved workers (bench/leave_bench_bids.py)."""
    if mode not in ("fair", "seniority"):
        raise RequestError(f"bids mode {mode!r}: expected 'fair' or 'seniority'")
    inst = _instance(bids, agents, allowance, balance_h, day_hours_h, mode, set(closed), charge_h)
    granted: set[int] = set()
    stages: list[SolveStage] = []
    if inst.prefs:
        settings = SolverSettings(time_limit_s, seed, workers, deterministic)
        granted, stages = (solve_fair if mode == "fair" else solve_seniority)(inst, settings)
    by_solver = set(granted)
    granted = _grant_leftovers(inst, granted)
    return _result(inst, mode, granted, by_solver, stages)


# --- instance ------------------------------------------------------------------------------------------------------


def _instance(bids: pd.DataFrame, agents: pd.DataFrame, allowance: pd.DataFrame, balance_h: Mapping[str, float],
              day_hours_h: Mapping[str, float | Sequence[float]], mode: Mode, closed: set[dt.date],
              charge_h: ChargeH | None = None) -> BidInstance:
    groups = agent_groups(agents)
    bidders = sorted({str(a) for a in bids["agent_id"]})
    _require_known("bids name agents missing from the agents table", [a for a in bidders if a not in groups])
    _require_known("no balance_h for bidding agent(s)", [a for a in bidders if a not in balance_h])
    if charge_h is None:
        _require_known("no day_hours_h for bidding agent(s)", [a for a in bidders if a not in day_hours_h])
    seniority = _seniority(agents, bidders, mode)
    week_h = {} if charge_h is not None else {a: _week_hours(a, day_hours_h[a]) for a in bidders}
    max_rank = int(bids["rank"].max()) if len(bids) else 1
    if max_rank > MAX_RANK:
        raise RequestError(f"bids rank up to {max_rank}: at most {MAX_RANK} ranked preferences per agent are allocated; "
                           "drop or merge the lowest ranks")
    has_submitted = "submitted_at" in bids.columns
    has_id = "bid_id" in bids.columns
    prefs = []
    for i, row in enumerate(bids.itertuples(index=False)):
        agent, rank = str(row.agent_id), int(row.rank)
        start, end = _as_date(row.start_date), _as_date(row.end_date)
        if end < start:
            raise RequestError(f"bid of {agent} rank {rank}: end_date {end} is before start_date {start}")
        if charge_h is not None:
            cost = {day: m for day, h in sorted(charge_h(agent, start, end).items())
                    if (m := round(float(h) * MINUTES_PER_H)) > 0}
        else:
            cost = {}
            for offset in range((end - start).days + 1):
                day = start + dt.timedelta(days=offset)
                minutes = 0 if day in closed else round(week_h[agent][day.weekday()] * MINUTES_PER_H)
                if minutes > 0:
                    cost[day] = minutes
        submitted = row.submitted_at if has_submitted else None
        prefs.append(Pref(i, str(row.bid_id) if has_id and pd.notna(row.bid_id) else f"{agent}#{rank}", agent,
                           groups[agent], rank, start, end, None if pd.isna(submitted) else pd.Timestamp(submitted),
                           cost, 2 ** (max_rank - rank)))
    cap_min, cap_heads = _capacity(allowance)
    balance_min = {a: max(0, math.floor(float(balance_h[a]) * MINUTES_PER_H + 1e-6)) for a in bidders}
    return BidInstance(prefs, bidders, {a: groups[a] for a in bidders}, seniority, balance_min, cap_min, cap_heads,
                     2 ** (max_rank - 1))


def _require_known(what: str, missing: list[str]) -> None:
    if missing:
        shown = ", ".join(missing[:10]) + (f" … and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise RequestError(f"{what}: {shown}")


def _seniority(agents: pd.DataFrame, bidders: list[str], mode: Mode) -> dict[str, float]:
    if "seniority" not in agents.columns:
        if mode == "seniority":
            raise RequestError("bids mode 'seniority' needs a 'seniority' column in the agents table "
                               "(a number, higher = more senior, e.g. years of service)")
        return dict.fromkeys(bidders, 0.0)
    values = pd.to_numeric(agents["seniority"], errors="coerce")
    by_agent = dict(zip(agents["agent_id"].astype(str), values, strict=True))
    bad = [a for a in bidders if pd.isna(by_agent.get(a))]
    if bad and mode == "seniority":
        _require_known("agents' seniority must be a number (higher = more senior); missing or not a number for", bad)
    return {a: 0.0 if pd.isna(by_agent.get(a)) else float(by_agent[a]) for a in bidders}


def _week_hours(agent: str, hours: float | Sequence[float]) -> tuple[float, ...]:
    if isinstance(hours, int | float):
        week = tuple(float(hours) if i < WEEKDAYS_ONLY else 0.0 for i in range(7))
    else:
        week = tuple(float(h) for h in hours)
    if len(week) != 7 or any(not math.isfinite(h) or h < 0 for h in week):
        raise RequestError(f"day_hours_h of {agent}: expected one number of hours ≥ 0 (Monday–Friday) or seven "
                           f"(Monday..Sunday), got {hours!r}")
    return week


def _capacity(allowance: pd.DataFrame) -> tuple[dict, dict]:
    missing = [c for c in ("group", "date", "allowance_h") if c not in allowance.columns]
    if missing:
        raise RequestError(f"the allowance table lacks column(s) {', '.join(missing)} "
                           "(expected group, date, allowance_h[, allowance_heads] as in leave_allowance.csv)")
    heads = allowance["allowance_heads"] if "allowance_heads" in allowance.columns else [None] * len(allowance)
    cap_min, cap_heads = {}, {}
    for g, d, h, n in zip(allowance["group"], allowance["date"], allowance["allowance_h"], heads, strict=True):
        key = (str(g), _as_date(d))
        cap_min[key] = max(0, math.floor(float(h) * MINUTES_PER_H + 1e-6)) if pd.notna(h) else 0
        cap_heads[key] = None if n is None or pd.isna(n) else max(0, math.floor(float(n) + 1e-9))
    return cap_min, cap_heads


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


# --- leftovers and reasons -----------------------------------------------------------------------------------------


class _Usage:
    """Minutes and heads granted per (group, date), minutes per agent, and each agent's granted preferences."""

    def __init__(self, inst: BidInstance, granted: set[int]) -> None:
        self.inst = inst
        self.minutes: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.heads: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.holders: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
        self.agent_min: dict[str, int] = defaultdict(int)
        self.agent_prefs: dict[str, list[Pref]] = defaultdict(list)
        for i in sorted(granted):
            self.add(inst.prefs[i])

    def add(self, p: Pref) -> None:
        for d, c in p.cost_min.items():
            self.minutes[(p.group, d)] += c
            self.heads[(p.group, d)] += 1
            self.holders[(p.group, d)].append(p.agent)
        self.agent_min[p.agent] += p.minutes
        self.agent_prefs[p.agent].append(p)

    def overlapping(self, p: Pref) -> list[Pref]:
        return sorted((q for q in self.agent_prefs[p.agent] if q.overlaps(p)), key=lambda q: q.rank)

    def over_balance(self, p: Pref) -> bool:
        return self.agent_min[p.agent] + p.minutes > self.inst.balance_min[p.agent]

    def full_days(self, p: Pref) -> list[tuple[dt.date, int, bool]]:
        """Dates where p does not fit the group's allowance: (date, minutes over (0 if only heads), heads full)."""
        out = []
        for d, c in sorted(p.cost_min.items()):
            key = (p.group, d)
            over = self.minutes[key] + c - self.inst.cap_min.get(key, 0)
            heads = self.inst.cap_heads.get(key)
            heads_full = heads is not None and self.heads[key] + 1 > heads
            if over > 0 or heads_full:
                out.append((d, max(over, 0), heads_full))
        return out

    def fits(self, p: Pref) -> bool:
        return not self.overlapping(p) and not self.over_balance(p) and not self.full_days(p)


def _grant_leftovers(inst: BidInstance, granted: set[int]) -> set[int]:
    """Offer what the solve left ungranted first come first served (submitted_at, rank, agent) and grant what fits."""
    usage = _Usage(inst, granted)
    out = set(granted)
    never = pd.Timestamp.max
    for p in sorted((p for p in inst.prefs if p.index not in granted),
                    key=lambda p: (p.submitted_at if p.submitted_at is not None else never, p.rank, p.agent, p.index)):
        if usage.fits(p):
            usage.add(p)
            out.add(p.index)
    return out


def _reason(p: Pref, usage: _Usage, inst: BidInstance, mode: Mode) -> tuple[str, str]:
    """Why p is not granted, re-checked alone against the final grants: (reason code, detail)."""
    overlapping = usage.overlapping(p)
    if overlapping:
        q = overlapping[0]
        return f"OVERLAPS_GRANTED_RANK_{q.rank}", f"shares dates with the granted rank {q.rank} ({q.start} – {q.end})"
    if p.minutes > inst.balance_min[p.agent]:
        return "INSUFFICIENT_BALANCE", f"needs {_h(p.minutes)} h, balance {_h(inst.balance_min[p.agent])} h"
    if usage.over_balance(p):
        left = inst.balance_min[p.agent] - usage.agent_min[p.agent]
        return "INSUFFICIENT_BALANCE", (f"needs {_h(p.minutes)} h, {_h(left)} h left of {_h(inst.balance_min[p.agent])} h "
                                        f"after {_h(usage.agent_min[p.agent])} h granted")
    full = usage.full_days(p)
    if not full:
        return "", ""
    text = _full_text(p, full, usage, inst)
    if not inst.fits_alone(p):
        return ("GROUP_HEADS_FULL" if all(o == 0 for _, o, _ in full) else "GROUP_ALLOWANCE_FULL"), \
            text + " (even with no other leave granted)"
    holders = sorted({a for d, _, _ in full for a in usage.holders[(p.group, d)]})
    mine = inst.seniority[p.agent]
    if mode == "seniority" and any(inst.seniority[a] > mine for a in holders):
        code = "LOST_TO_SENIORITY"
    elif mode == "fair" or any(inst.seniority[a] == mine for a in holders):
        code = "LOST_TO_FAIRNESS"
    else:
        code = "ALLOWANCE_TAKEN"
    shown = ", ".join(holders[:8]) + (f" and {len(holders) - 8} more" if len(holders) > 8 else "")
    return code, f"{text}; granted to {shown}"


def _full_text(p: Pref, full: list[tuple[dt.date, int, bool]], usage: _Usage, inst: BidInstance) -> str:
    """'GROUP_ALLOWANCE_FULL 2027-08-09, 2027-08-10: chat+voice 4.0 h over' style text, heads separately."""
    parts = []
    by_over: dict[int, list[dt.date]] = defaultdict(list)
    for d, over, _ in full:
        if over > 0:
            by_over[over].append(d)
    for over, days in sorted(by_over.items(), key=lambda kv: kv[1][0]):
        parts.append(f"GROUP_ALLOWANCE_FULL {', '.join(map(str, days))}: {p.group} {_h(over)} h over")
    heads_days = [d for d, _, h in full if h]
    if heads_days:
        caps = sorted({inst.cap_heads[(p.group, d)] for d in heads_days})
        parts.append(f"GROUP_HEADS_FULL {', '.join(map(str, heads_days))}: {p.group} "
                     f"{'/'.join(map(str, caps))} head(s) already on leave")
    return "; ".join(parts)


def _h(minutes: int) -> str:
    return f"{minutes / MINUTES_PER_H:.1f}"


# --- result tables -------------------------------------------------------------------------------------------------


def _result(inst: BidInstance, mode: Mode, granted: set[int], by_solver: set[int], stages: list[SolveStage]) -> BidAllocation:
    usage = _Usage(inst, granted)
    rows = []
    for p in inst.prefs:
        ok = p.index in granted
        code, detail = ("", "") if ok else _reason(p, usage, inst, mode)
        rows.append({"bid_id": p.bid_id, "agent_id": p.agent, "group": p.group, "rank": p.rank, "start_date": p.start,
                     "end_date": p.end, "hours_h": p.minutes / MINUTES_PER_H, "granted": ok,
                     "granted_by": ("solver" if p.index in by_solver else "leftover") if ok else "",
                     "reason": code, "detail": detail})
    columns = ["bid_id", "agent_id", "group", "rank", "start_date", "end_date", "hours_h", "granted", "granted_by",
               "reason", "detail"]
    prefs = pd.DataFrame(rows, columns=columns)
    agent_rows = []
    for a in inst.agents:
        mine = [p for p in inst.prefs if p.agent == a]
        got = sorted(p.rank for p in mine if p.index in granted)
        agent_rows.append({"agent_id": a, "group": inst.group[a], "seniority": inst.seniority[a],
                           "preferences": len(mine), "granted": len(got), "granted_ranks": ",".join(map(str, got)),
                           "points": sum(p.points for p in mine if p.index in granted),
                           "granted_h": usage.agent_min[a] / MINUTES_PER_H,
                           "balance_h": inst.balance_min[a] / MINUTES_PER_H,
                           "remaining_h": (inst.balance_min[a] - usage.agent_min[a]) / MINUTES_PER_H})
    agents = pd.DataFrame(agent_rows, columns=["agent_id", "group", "seniority", "preferences", "granted",
                                               "granted_ranks", "points", "granted_h", "balance_h", "remaining_h"])
    cells = sorted({(p.group, d) for p in inst.prefs for d in p.cost_min})
    remaining = pd.DataFrame([{"group": g, "date": d, "allowance_h": inst.cap_min.get((g, d), 0) / MINUTES_PER_H,
                               "granted_h": usage.minutes[(g, d)] / MINUTES_PER_H,
                               "remaining_h": (inst.cap_min.get((g, d), 0) - usage.minutes[(g, d)]) / MINUTES_PER_H,
                               "allowance_heads": inst.cap_heads.get((g, d)), "granted_heads": usage.heads[(g, d)]}
                              for g, d in cells],
                             columns=["group", "date", "allowance_h", "granted_h", "remaining_h", "allowance_heads",
                                      "granted_heads"])
    return BidAllocation(mode, prefs, agents, remaining, stages)
