"""The roster's cost model: every objective term, its weight (config.solver.weights) and its unit, defined once.

CP-SAT's objective (coverage.py, model.py), the ranking of first rosters (solve.py), the greedy's marginal values
(hint.py) and the reported figures (solve._result) all evaluate these functions, so a term added here is optimised
and reported everywhere. Costs are integers in SCALE units of the planner's objective (CP-SAT needs integers).

Late contacts: the staffing model's late-contacts curve, as a convex piecewise-linear cost of the number u of agents
missing in a slot. It is only ever evaluated where u can be: from required − (agents who could possibly serve the
channel in that slot) to required, so its breakpoints, and the curve samples behind them, are bounded by the number
of agents, never by the number required (a requirement of 10,000 agents on a 3-agent site has at most 4 points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from planner.staffing.channel_models import late_contacts_curve

SCALE = 100  # objective units per planner unit


@dataclass(frozen=True)
class Term:
    """One objective term: its name, the solver.weights field that weighs it and the unit it counts."""

    name: str
    weight: str
    unit: str


TERMS = (
    Term("late_contacts", "late_contact", "expected contact answered later than its target, from the staffing curve"),
    Term("shortfall", "shortfall_agent_slot", "agent-slot below the requirement of a channel"),
    Term("overstaff", "overstaff_agent_slot", "agent-slot above the requirement of a channel"),
    Term("soft_rules", "soft_rule", "soft-rule violation, times the rule's weight in labour_rules.soft"),
    Term("paid_hours", "paid_hour", "paid hour on shift"),
    Term("changed_shifts", "changed_shift", "agent-day differing from the published roster (planner replan only)"),
)


def unit_cost(weights, term: str) -> int:
    """Scaled cost of one unit of a term (late contacts are rounded per slot instead, see slot_costs)."""
    by_name = {t.name: t for t in TERMS}
    return round(getattr(weights, by_name[term].weight) * SCALE)


def paid_cost(weights, paid_min: int) -> int:
    """Scaled cost of one shift's paid minutes."""
    return round(paid_min * weights.paid_hour * SCALE / 60)


def soft_cost(weights, rule_weight: float) -> int:
    """Scaled cost of one violation of a soft rule of weight rule_weight."""
    return round(rule_weight * weights.soft_rule * SCALE)


@dataclass
class LateCurve:
    """The late-contacts curve of one slot sampled at whole productive agents (linear in between)."""

    agents: np.ndarray  # increasing productive-agent counts
    late: np.ndarray  # expected late contacts at each

    def at(self, productive: float) -> float:
        """Late contacts at a fractional number of productive agents."""
        return float(np.interp(productive, self.agents, self.late))


def late_at(curve: LateCurve, agents: float) -> float:
    """The late-contacts curve at a fractional number of productive agents (linear between whole agents)."""
    return curve.at(agents)


@dataclass
class SlotCost:
    """Demand cost of one channel and slot as a function of the agents covering it (scaled units)."""

    required: int
    lowest: int  # fewest agents possibly missing: required − agents who could serve here (≥ 0)
    points: list[tuple[int, int]]  # late-contacts breakpoints (u missing, scaled cost), convex, u over lowest..required
    short_w: int
    over_w: int

    def late(self, u: int) -> int:
        """The model's late cost at u missing agents: the least integer every segment cut allows (as CP-SAT's z)."""
        if len(self.points) < 2:
            return int(self.points[0][1]) if self.points else 0
        need = max(math.ceil(((u1 - u0) * c0 + (c1 - c0) * (u - u0)) / (u1 - u0))
                   for (u0, c0), (u1, c1) in zip(self.points, self.points[1:], strict=False))
        return int(max(0, need))

    def top(self) -> int:
        """Upper bound of the late cost over u in lowest..required (the z variable's domain)."""
        return max([self.late(self.required)] + [self.late(self.lowest)])

    def cost(self, cover: int) -> int:
        """Shortfall, late contacts and overstaffing cost of `cover` agents on the channel in this slot."""
        u = max(0, self.required - int(cover))
        return self.short_w * u + (self.late(u) if self.required else 0) + self.over_w * max(0, int(cover) - self.required)

    def gain(self, u: int) -> float:
        """Cost saved by one more agent when u are missing (minus the overstaffing weight when none is)."""
        if u <= 0:
            return -self.over_w
        if u <= self.lowest:
            return self.short_w  # cannot happen in a roster: fewer agents could ever be here
        return self.cost(self.required - u) - self.cost(self.required - u + 1)


def slot_costs(inst, most_cover: dict[tuple[int, int], int]) -> tuple[dict[tuple[int, int], SlotCost],
                                                                         dict[tuple[int, int], LateCurve]]:
    """Cost of every channel and slot with a requirement or possible cover, and its sampled late-contacts curve.

    most_cover[(channel, slot)] is the most agents who could serve it (0 when absent); the curve is sampled only
    at the productive agents those can be, and at the requirement.
    """
    w = inst.config.solver.weights
    short_w, over_w = unit_cost(w, "shortfall"), unit_cost(w, "overstaff")
    interval_s = inst.slot_min * 60
    out: dict[tuple[int, int], SlotCost] = {}
    curves: dict[tuple[int, int], LateCurve] = {}
    for c, name in enumerate(inst.channels):
        channel = inst.config.channel(name)
        slots = sorted({s for (cc, s) in most_cover if cc == c} | set(np.flatnonzero(inst.required[c]).tolist()))
        if not slots:
            continue
        req = inst.required[c, slots].astype(int)
        most = np.array([int(most_cover.get((c, s), 0)) for s in slots])
        prod = inst.productive[c, slots]
        ratio = np.where((req > 0) & (prod > 0), prod / np.maximum(req, 1), 1.0)
        grid = _grid(most, req, ratio)
        late = late_contacts_curve(inst.offered[c, slots], inst.aht_s[c, slots], interval_s, channel,
                                   int(grid.max()), open_mask=inst.channel_open[c, slots], agents=grid)
        for i, s in enumerate(slots):
            curve = LateCurve(grid[i], late[i])
            curves[(c, s)] = curve
            r = int(req[i])
            lowest = max(0, r - int(most[i]))
            points = late_cost_points(curve, r, lowest, float(ratio[i]), w.late_contact)
            out[(c, s)] = SlotCost(r, lowest, points, short_w, over_w)
    return out, curves


def _grid(most: np.ndarray, req: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Whole productive agents to sample per slot: 0 .. what the possible cover gives, and around the requirement."""
    width = int(np.ceil((most * ratio).max())) + 2 if len(most) else 2
    grid = np.broadcast_to(np.arange(width), (len(most), width)).astype(float)
    at_req = np.floor(req * ratio)
    grid = np.concatenate([grid, at_req[:, None], at_req[:, None] + 1], axis=1)
    return np.sort(grid, axis=1)


def late_cost_points(curve: LateCurve, required: int, lowest: int, ratio: float, weight: float) -> list[tuple[int, int]]:
    """Scaled (u, cost) breakpoints of the convex envelope of the extra late contacts of u = lowest..required missing.

    A scheduled agent counts as productive/required productive agents (shrinkage). The envelope is the tightest
    convex function below the curve, so one agent short where it hurts most weighs most and the model stays linear.
    """
    if required <= 0:
        return [(0, 0)]
    u = np.arange(lowest, required + 1)
    base = curve.at(required * ratio)
    values = np.maximum(0.0, np.interp((required - u) * ratio, curve.agents, curve.late) - base)
    hull: list[tuple[int, float]] = []
    for p in zip(u.tolist(), values.tolist(), strict=True):  # lower convex hull (monotone chain), sorted by u
        while len(hull) >= 2 and _cross(hull[-2], hull[-1], p) <= 0:
            hull.pop()
        hull.append(p)
    return [(int(a), round(b * weight * SCALE)) for a, b in hull]


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def demand_cost(costs: dict[tuple[int, int], SlotCost], cover: np.ndarray) -> int:
    """Late contacts, shortfall and overstaffing (scaled units) of a cover per channel and slot."""
    return sum(sc.cost(int(cover[c, s])) for (c, s), sc in costs.items())


def roster_cost(weights, costs: dict[tuple[int, int], SlotCost], cover: np.ndarray, paid_mins: list[int],
                soft: list[tuple[float, int]], changed: int = 0) -> dict[str, int]:
    """Every term of the objective (scaled units) of a roster: its cover per channel and slot, the paid minutes of
    each shift, (rule weight, violation count) per soft-rule penalty and, when re-planning, the agent-days changed
    from the published roster; 'total' is what CP-SAT minimises."""
    short = sum(sc.short_w * max(0, sc.required - int(cover[c, s])) for (c, s), sc in costs.items())
    over = sum(sc.over_w * max(0, int(cover[c, s]) - sc.required) for (c, s), sc in costs.items())
    late = sum(sc.late(max(0, sc.required - int(cover[c, s]))) for (c, s), sc in costs.items() if sc.required)
    out = {"late_contacts": late, "shortfall": short, "overstaff": over,
           "soft_rules": sum(soft_cost(weights, rw) * n for rw, n in soft),
           "paid_hours": sum(paid_cost(weights, m) for m in paid_mins),
           "changed_shifts": unit_cost(weights, "changed_shifts") * changed}
    out["total"] = sum(out.values())
    return out
