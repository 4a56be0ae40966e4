"""Leave balances in hours: entitlement per leave year (pro-rata), carry-over with a cap and an expiry, taken and booked.

Rules:
- The leave year starts on leave.year_start (MM-DD). A contract's entitlement is leave.entitlements' days (each one
  leave day of the agent: hours.AgentHours.day_h, so part-time contracts get proportionally fewer hours) or hours,
  times the share of the leave year the agent is employed (employed_from/employed_to). No entry: no entitlement.
- Only leave of leave.balance_kinds (annual by default) is charged, with hours.leave_charge.
- Carry-over into a year: what the previous year left unused, at most leave.carry_over_max_days leave days; it can
  only pay for leave on or before leave.carry_over_expires (MM-DD) of the new year, and pays for that leave first.
  It is counted only when the leave records reach back to the start of the previous year (records_from): an agent
  whose previous year is not on file carries nothing over, rather than a whole unused year.
- A booking fits when, in every leave year it touches, used ≤ entitlement + min(carry-over, used up to the expiry).
  A balance never goes below zero unless the leave row carries override = true (a planner's recorded decision).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from planner.config import Config
from planner.leave.hours import AgentHours

BALANCE_COLUMNS = ["agent_id", "contract", "year_start", "year_end", "entitlement_h", "carry_over_h", "carry_expires",
                   "taken_h", "booked_h", "override_h", "remaining_h", "remaining_days"]
EPS_H = 1e-6


def _month_day(text: str, year: int) -> dt.date:
    month, day = int(text[:2]), int(text[3:])
    if month == 2 and day == 29:  # a leap day in a common year is the last day of February
        return dt.date(year, 3, 1) - dt.timedelta(days=1)
    return dt.date(year, month, day)


def leave_year(day: dt.date, year_start: str) -> tuple[dt.date, dt.date]:
    """First and last day of the leave year containing day (leave.year_start as MM-DD)."""
    start = _month_day(year_start, day.year)
    if day < start:
        start = _month_day(year_start, day.year - 1)
    return start, _month_day(year_start, start.year + 1) - dt.timedelta(days=1)


def entitlement_h(config: Config, agent: AgentHours, year: tuple[dt.date, dt.date]) -> float:
    """The agent's entitlement in a leave year, hours, pro-rata to the days employed in it."""
    ent = config.leave.entitlement(agent.contract)
    if ent is None:
        return 0.0
    full = ent.hours_per_year if ent.hours_per_year is not None else ent.days_per_year * agent.day_h
    first, last = year
    lo = max(first, agent.employed_from or first)
    hi = min(last, agent.employed_to or last)
    return full * max(0, (hi - lo).days + 1) / ((last - first).days + 1)


@dataclass
class Fit:
    """Whether a booking fits the balance, and, when not, the year and hours short."""

    ok: bool
    year: tuple[dt.date, dt.date] | None = None
    short_h: float = 0.0
    available_h: float = 0.0
    needed_h: float = 0.0


class Ledger:
    """Charged leave hours per agent and day (balance kinds only), and the balance rules over them."""

    def __init__(self, config: Config, agents: dict[str, AgentHours], records_from: dt.date | None = None) -> None:
        self.config = config
        self.agents = agents
        self.records_from = records_from  # first day the leave records cover
        self.used: dict[str, dict[dt.date, float]] = defaultdict(dict)
        self.override: dict[str, dict[dt.date, float]] = defaultdict(dict)

    def book(self, agent_id: str, charge: dict[dt.date, float], override: bool = False) -> None:
        """Add a booking's charge (day → hours)."""
        days = self.used[agent_id]
        for day, hours in charge.items():
            days[day] = days.get(day, 0.0) + hours
            if override:
                self.override[agent_id][day] = self.override[agent_id].get(day, 0.0) + hours

    def used_h(self, agent_id: str, year: tuple[dt.date, dt.date]) -> float:
        """Hours of balance leave booked for the agent in the leave year (taken or still to come)."""
        return self._sum(agent_id, *year)

    def _sum(self, agent_id: str, first: dt.date, last: dt.date, extra: dict[dt.date, float] | None = None) -> float:
        own = sum(h for d, h in self.used.get(agent_id, {}).items() if first <= d <= last)
        return own + sum(h for d, h in (extra or {}).items() if first <= d <= last)

    def carry_over_h(self, agent_id: str, year: tuple[dt.date, dt.date]) -> float:
        """Hours carried into a leave year from the previous one (capped)."""
        agent = self.agents[agent_id]
        cap = self.config.leave.carry_over_max_days * agent.day_h
        if cap <= 0:
            return 0.0
        previous = leave_year(year[0] - dt.timedelta(days=1), self.config.leave.year_start)
        if self.records_from is None or self.records_from > previous[0]:
            return 0.0
        return min(cap, max(0.0, entitlement_h(self.config, agent, previous) - self._sum(agent_id, *previous)))

    def expiry(self, year: tuple[dt.date, dt.date]) -> dt.date:
        """Last day carried-over hours can pay for, in a leave year."""
        expires = _month_day(self.config.leave.carry_over_expires, year[0].year)
        return expires if expires >= year[0] else _month_day(self.config.leave.carry_over_expires, year[0].year + 1)

    def limit_h(self, agent_id: str, year: tuple[dt.date, dt.date], extra: dict[dt.date, float] | None = None) -> float:
        """Hours the agent may use in the leave year with the extra booking: entitlement + the carry-over it can use."""
        before_expiry = self._sum(agent_id, year[0], min(year[1], self.expiry(year)), extra)
        return entitlement_h(self.config, self.agents[agent_id], year) + min(self.carry_over_h(agent_id, year), before_expiry)

    def fits(self, agent_id: str, charge: dict[dt.date, float]) -> Fit:
        """Whether the charge (day → hours) fits the agent's balance in every leave year it touches."""
        years = sorted({leave_year(d, self.config.leave.year_start) for d in charge})
        for year in years:
            needed = sum(h for d, h in charge.items() if year[0] <= d <= year[1])
            used_after = self._sum(agent_id, *year, extra=charge)
            limit = self.limit_h(agent_id, year, charge)
            if used_after > limit + EPS_H:
                return Fit(False, year, used_after - limit, max(0.0, limit - (used_after - needed)), needed)
        return Fit(True)

    def table(self, as_of: dt.date, years: dict[str, set[tuple[dt.date, dt.date]]] | None = None) -> pd.DataFrame:
        """balances rows (BALANCE_COLUMNS): per agent, the leave year of as_of and every year with leave booked (hours)."""
        rows = []
        this_year = leave_year(as_of, self.config.leave.year_start)
        for aid in sorted(self.agents):
            agent = self.agents[aid]
            wanted = {this_year} | {leave_year(d, self.config.leave.year_start) for d in self.used.get(aid, {})}
            wanted |= (years or {}).get(aid, set())
            for year in sorted(wanted):
                ent = entitlement_h(self.config, agent, year)
                carry = self.carry_over_h(aid, year)
                expires = self.expiry(year)
                taken = self._sum(aid, year[0], min(year[1], as_of))
                booked = self._sum(aid, max(year[0], as_of + dt.timedelta(days=1)), year[1])
                usable = carry if as_of <= expires else min(carry, self._sum(aid, year[0], min(year[1], expires)))
                remaining = ent + usable - taken - booked
                over = sum(h for d, h in self.override.get(aid, {}).items() if year[0] <= d <= year[1])
                rows.append({"agent_id": aid, "contract": agent.contract, "year_start": year[0], "year_end": year[1],
                             "entitlement_h": ent, "carry_over_h": carry, "carry_expires": expires if carry > 0 else None,
                             "taken_h": taken, "booked_h": booked, "override_h": over, "remaining_h": remaining,
                             "remaining_days": remaining / agent.day_h if agent.day_h > 0 else 0.0})
        out = pd.DataFrame(rows, columns=BALANCE_COLUMNS)
        hours = [c for c in BALANCE_COLUMNS if c.endswith("_h") or c.endswith("_days")]
        return out.assign(**{c: out[c].astype(float).round(2) for c in hours})
