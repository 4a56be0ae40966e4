"""Yearly bids: hand-checkable instances per rule, an independent replay of every allocation, reasons, determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.errors import DataError, RequestError
from planner.io import tables
from planner.leave import bids as bids_module
from planner.leave import bids_model
from planner.leave.bids import allocate_bids, weekday_hours_h

MON = dt.date(2027, 8, 2)  # a Monday in the summer crunch
YEAR = pd.date_range("2027-01-01", "2027-12-31").date


def day(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def agents_table(ids: list[str], seniority: list[float] | None = None, skills: list[list[str]] | None = None):
    table = pd.DataFrame({"agent_id": ids, "skills": skills or [["voice"]] * len(ids)})
    if seniority is not None:
        table["seniority"] = seniority
    return table


def bids_table(rows: list[tuple[str, int, dt.date, dt.date]], submitted: list[str] | None = None) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["agent_id", "rank", "start_date", "end_date"])
    if submitted is not None:
        table["submitted_at"] = pd.to_datetime(submitted)
    return table


def allowance_table(hours_h: float, heads: int | None = None, group: str = "voice", dates=YEAR) -> pd.DataFrame:
    table = pd.DataFrame({"group": group, "date": list(dates), "allowance_h": hours_h})
    if heads is not None:
        table["allowance_heads"] = heads
    return table


def allocate(bids, agents, allowance, balance_h=200.0, day_h=8.0, **kw):
    ids = list(agents["agent_id"])
    balance = balance_h if isinstance(balance_h, dict) else dict.fromkeys(ids, balance_h)
    hours = day_h if isinstance(day_h, dict) else dict.fromkeys(ids, day_h)
    result = allocate_bids(bids, agents, allowance, balance, hours, time_limit_s=10, **kw)
    check_allocation(result, bids, agents, allowance, balance, hours, kw.get("closed", ()))
    return result


def granted(result) -> set[str]:
    return set(result.preferences.loc[result.preferences["granted"], "bid_id"])


def reason_of(result, bid_id: str) -> tuple[str, str]:
    row = result.preferences.set_index("bid_id").loc[bid_id]
    return row["reason"], row["detail"]


# --- the independent checker -----------------------------------------------------------------------------------------


def check_allocation(result, bids, agents, allowance, balance_h, day_hours_h, closed=()) -> None:
    """Replay the granted bids against allowance (hours and heads), balances and overlaps, from the inputs alone; then
    re-evaluate every refused bid alone against the grants: its reason must be one that holds."""
    group = {a: "+".join(sorted(set(s))) for a, s in zip(agents["agent_id"], agents["skills"], strict=True)}
    cap = {(g, d): h for g, d, h in zip(allowance["group"], allowance["date"], allowance["allowance_h"], strict=True)}
    heads_cap = {(g, d): n for g, d, n in zip(allowance["group"], allowance["date"], allowance["allowance_heads"],
                                              strict=True) if pd.notna(n)} if "allowance_heads" in allowance else {}

    def cost(agent, d) -> float:
        per_day = day_hours_h[agent]
        week = [per_day] * 5 + [0.0, 0.0] if np.isscalar(per_day) else list(per_day)
        return 0.0 if d in closed else week[d.weekday()]

    def dates(row):
        return [row.start_date + dt.timedelta(days=k) for k in range((row.end_date - row.start_date).days + 1)]

    prefs = result.preferences
    assert len(prefs) == len(bids)
    used_h, used_heads, agent_h, taken = {}, {}, {}, {}
    for row in prefs[prefs["granted"]].itertuples():
        for d in dates(row):
            c = cost(row.agent_id, d)
            assert (row.agent_id, d) not in taken, f"{row.bid_id} overlaps {taken[(row.agent_id, d)]}"
            taken[(row.agent_id, d)] = row.bid_id
            if c > 0:
                key = (group[row.agent_id], d)
                used_h[key] = used_h.get(key, 0.0) + c
                used_heads[key] = used_heads.get(key, 0) + 1
                agent_h[row.agent_id] = agent_h.get(row.agent_id, 0.0) + c
    for key, h in used_h.items():
        assert h <= cap.get(key, 0.0) + 1e-6, f"{key}: {h} h granted, allowance {cap.get(key, 0.0)} h"
        if key in heads_cap:
            assert used_heads[key] <= heads_cap[key], f"{key}: {used_heads[key]} heads, allowance {heads_cap[key]}"
    for agent, h in agent_h.items():
        assert h <= balance_h[agent] + 1e-6, f"{agent}: {h} h granted, balance {balance_h[agent]} h"
    for row in prefs[~prefs["granted"]].itertuples():
        overlap = any((row.agent_id, d) in taken for d in dates(row))
        hours = sum(cost(row.agent_id, d) for d in dates(row))
        over_balance = agent_h.get(row.agent_id, 0.0) + hours > balance_h[row.agent_id] + 1e-6
        full = any(cost(row.agent_id, d) > 0 and (
            used_h.get((group[row.agent_id], d), 0.0) + cost(row.agent_id, d) > cap.get((group[row.agent_id], d), 0) + 1e-6
            or used_heads.get((group[row.agent_id], d), 0) + 1 > heads_cap.get((group[row.agent_id], d), np.inf))
            for d in dates(row))
        assert overlap or over_balance or full, f"{row.bid_id} refused though it fits: {row.reason}"
        if row.reason.startswith("OVERLAPS_GRANTED_RANK_"):
            assert overlap
        elif row.reason == "INSUFFICIENT_BALANCE":
            assert over_balance
        else:
            assert row.reason in ("GROUP_ALLOWANCE_FULL", "GROUP_HEADS_FULL", "LOST_TO_FAIRNESS", "LOST_TO_SENIORITY",
                                  "ALLOWANCE_TAKEN") and full, (row.bid_id, row.reason)


# --- fairness and seniority ------------------------------------------------------------------------------------------

# A wants Mon–Wed as rank 1. B, C and D each have a rank 1 and a rank 3 elsewhere, uncontested, and want Monday (B),
# Tuesday (C) or Wednesday (D) as rank 2. One head a day. Points with three ranks: 4, 2, 1.
# Total points alone prefer B, C and D (their rank 2s: 2 + 2 + 2 = 6 > A's 4); max-min gives A their rank 1.
CONTESTED = [("A", 1, day(0), day(2)),
             ("B", 1, day(14), day(14)), ("B", 2, day(0), day(0)), ("B", 3, day(21), day(21)),
             ("C", 1, day(15), day(15)), ("C", 2, day(1), day(1)), ("C", 3, day(22), day(22)),
             ("D", 1, day(16), day(16)), ("D", 2, day(2), day(2)), ("D", 3, day(23), day(23))]
FOUR = ["A", "B", "C", "D"]


def test_fair_gives_the_unserved_agent_their_first_choice_over_others_second():
    result = allocate(bids_table(CONTESTED), agents_table(FOUR), allowance_table(8.0))
    assert granted(result) == {"A#1", "B#1", "B#3", "C#1", "C#3", "D#1", "D#3"}
    assert reason_of(result, "B#2") == ("LOST_TO_FAIRNESS", "GROUP_ALLOWANCE_FULL 2027-08-02: voice 8.0 h over; "
                                                            "granted to A")
    assert reason_of(result, "C#2")[0] == reason_of(result, "D#2")[0] == "LOST_TO_FAIRNESS"
    assert result.status == "OPTIMAL" and result.gap == 0.0
    points = result.agents.set_index("agent_id")["points"].to_dict()
    assert points == {"A": 4, "B": 5, "C": 5, "D": 5}


def test_seniority_serves_the_senior_agents_second_choices_first():
    result = allocate(bids_table(CONTESTED), agents_table(FOUR, seniority=[1, 5, 5, 5]), allowance_table(8.0),
                      mode="seniority")
    assert granted(result) == {f"{a}#{r}" for a in "BCD" for r in (1, 2, 3)}
    code, detail = reason_of(result, "A#1")
    assert code == "LOST_TO_SENIORITY"
    assert detail == "GROUP_ALLOWANCE_FULL 2027-08-02, 2027-08-03, 2027-08-04: voice 8.0 h over; granted to B, C, D"


def test_seniority_follows_the_column_not_the_agent_order():
    result = allocate(bids_table(CONTESTED), agents_table(FOUR, seniority=[9, 5, 5, 5]), allowance_table(8.0),
                      mode="seniority")
    assert "A#1" in granted(result)
    assert reason_of(result, "B#2")[0] == "LOST_TO_SENIORITY"


def test_seniority_is_strict_across_levels_even_one_stage_per_level(monkeypatch):
    # Stages of one level each (tiny weight budget) must give the same allocation as strict weights in one stage.
    agents = agents_table(FOUR, seniority=[1, 5, 3, 3])
    one = allocate(bids_table(CONTESTED), agents, allowance_table(8.0), mode="seniority")
    monkeypatch.setattr(bids_model, "MAX_STAGE_WEIGHT", 1)
    split = allocate(bids_table(CONTESTED), agents, allowance_table(8.0), mode="seniority")
    assert len(one.stages) == 1 and len(split.stages) == 3
    assert granted(one) == granted(split) == {f"{a}#{r}" for a in "BCD" for r in (1, 2, 3)}


def test_seniority_mode_needs_the_column():
    with pytest.raises(RequestError, match="seniority"):
        allocate_bids(bids_table(CONTESTED), agents_table(FOUR), allowance_table(8.0),
                      dict.fromkeys(FOUR, 100.0), dict.fromkeys(FOUR, 8.0), mode="seniority")


def test_fair_raises_the_minimum_before_the_capped_sum():
    # A wants Mon–Tue; B wants Monday, C Tuesday (one head a day); B and C have a rank 3 elsewhere (1 point).
    # A served: A 4, B 1, C 1 → minimum 1, capped sum 6. B and C served: A 0, B 4, C 4 → minimum 0, capped sum 8.
    rows = [("A", 1, day(0), day(1)), ("B", 1, day(0), day(0)), ("B", 3, day(14), day(14)),
            ("C", 1, day(1), day(1)), ("C", 3, day(15), day(15))]
    result = allocate(bids_table(rows), agents_table(["A", "B", "C"]), allowance_table(8.0))
    assert granted(result) == {"A#1", "B#3", "C#3"}


# Two parts that share no allowance: Z (alone) can only have a rank 3, so the overall minimum is 1. A, B and C
# compete for Mon–Tue: A served gives A 4 (capped), B 2, C 2 (minimum 2 within the part, capped sum 8); B and C
# served gives A 1, B 4, C 4 (minimum 1, capped sum 9). With the overall minimum at 1, the second is optimal: the
# part's own max-min (2) must not be kept.
SPLIT = [("A", 1, day(0), day(1)), ("A", 3, day(21), day(21)),
         ("B", 1, day(0), day(0)), ("B", 2, day(14), day(14)),
         ("C", 1, day(1), day(1)), ("C", 2, day(15), day(15)),
         ("Z", 1, day(28), day(29)), ("Z", 3, day(35), day(35))]


def split_allowance():
    allowance = allowance_table(8.0)
    allowance.loc[allowance["date"] == day(29), "allowance_h"] = 0.0  # Z's rank 1 cannot fit at all
    return allowance


def test_fair_parts_solved_apart_keep_the_overall_minimum():
    result = allocate(bids_table(SPLIT), agents_table(["A", "B", "C", "Z"]), split_allowance())
    assert granted(result) == {"A#3", "B#1", "B#2", "C#1", "C#2", "Z#3"}
    assert bids_model.components(bids_module._instance(
        bids_table(SPLIT), agents_table(["A", "B", "C", "Z"]), split_allowance(), dict.fromkeys("ABCZ", 200.0),
        dict.fromkeys("ABCZ", 8.0), "fair", set())) == [["A", "B", "C"], ["Z"]]
    assert [s.label for s in result.stages] == ["voice: 3 agents: max-min", "voice: 1 agent: max-min",
                                                 "voice: 3 agents: capped sum at the overall minimum 1"]


@pytest.mark.parametrize("mode", ["fair", "seniority"])
def test_parts_solved_apart_match_one_model(mode, monkeypatch):
    bids, agents, allowance, balance = random_instance(24, seed=8)
    apart = allocate(bids, agents, allowance, balance_h=balance, mode=mode)
    monkeypatch.setattr(bids_model, "components", lambda inst: [list(inst.agents)])
    whole = allocate(bids, agents, allowance, balance_h=balance, mode=mode)
    assert len(whole.stages) < len(apart.stages)

    def tiers(result):
        per_agent = result.agents.set_index("agent_id")
        levels = sorted(per_agent["seniority"].unique(), reverse=True) if mode == "seniority" else [None]
        out = []
        for level in levels:
            chosen = per_agent if level is None else per_agent[per_agent["seniority"] == level]
            out += [int(chosen["points"].clip(upper=8).sum()), int(chosen["points"].sum())]
        return out

    assert tiers(apart) == tiers(whole)


# --- allowance, heads, balance, overlaps -----------------------------------------------------------------------------


def test_allowance_binds_per_day_and_a_range_is_all_or_nothing():
    allowance = allowance_table(16.0)
    allowance.loc[allowance["date"] == day(2), "allowance_h"] = 8.0  # Wednesday holds one agent only
    rows = [("A", 1, day(2), day(2)), ("B", 1, day(0), day(4)), ("B", 2, day(14), day(18)), ("C", 1, day(0), day(1))]
    result = allocate(bids_table(rows), agents_table(["A", "B", "C"]), allowance)
    # B's week needs Wednesday, which only one agent can take: A has no other bid, so max-min gives it to A and B gets
    # their second choice; B's Monday and Tuesday would have fitted beside C, but the week is all or nothing.
    assert granted(result) == {"A#1", "B#2", "C#1"}
    assert reason_of(result, "B#1") == ("LOST_TO_FAIRNESS", "GROUP_ALLOWANCE_FULL 2027-08-04: voice 8.0 h over; "
                                                            "granted to A")


def test_allowance_too_small_on_its_own():
    allowance = allowance_table(8.0)
    allowance.loc[allowance["date"] == day(1), "allowance_h"] = 4.0
    result = allocate(bids_table([("A", 1, day(0), day(1)), ("A", 2, day(7), day(7))]), agents_table(["A"]), allowance)
    assert granted(result) == {"A#2"}
    assert reason_of(result, "A#1") == ("GROUP_ALLOWANCE_FULL", "GROUP_ALLOWANCE_FULL 2027-08-03: voice 4.0 h over "
                                                                "(even with no other leave granted)")


def test_heads_bind_even_with_hours_to_spare():
    rows = [("A", 1, day(0), day(0)), ("B", 1, day(0), day(0))]
    result = allocate(bids_table(rows), agents_table(["A", "B"], seniority=[2, 1]), allowance_table(100.0, heads=1),
                      mode="seniority")
    assert granted(result) == {"A#1"}
    code, detail = reason_of(result, "B#1")
    assert code == "LOST_TO_SENIORITY" and detail.startswith("GROUP_HEADS_FULL 2027-08-02: voice 1 head(s)")


def test_groups_have_their_own_allowance():
    agents = agents_table(["A", "B"], skills=[["voice"], ["chat", "voice"]])
    allowance = pd.concat([allowance_table(8.0), allowance_table(0.0, group="chat+voice")])
    result = allocate(bids_table([("A", 1, day(0), day(0)), ("B", 1, day(0), day(0))]), agents, allowance)
    assert granted(result) == {"A#1"}
    assert reason_of(result, "B#1")[1].startswith("GROUP_ALLOWANCE_FULL 2027-08-02: chat+voice 8.0 h over")


def test_balance_binds():
    rows = [("A", 1, day(0), day(1)), ("A", 2, day(7), day(8)), ("A", 3, day(14), day(18))]
    result = allocate(bids_table(rows), agents_table(["A"]), allowance_table(8.0), balance_h=24.0)
    assert granted(result) == {"A#1"}
    assert reason_of(result, "A#2") == ("INSUFFICIENT_BALANCE", "needs 16.0 h, 8.0 h left of 24.0 h after 16.0 h granted")
    assert reason_of(result, "A#3") == ("INSUFFICIENT_BALANCE", "needs 40.0 h, balance 24.0 h")
    assert result.agents.loc[0, "remaining_h"] == 8.0


def test_a_first_choice_outweighs_second_and_third_together():
    # The balance holds either the rank 1 (two days) or the ranks 2 and 3 (a day each): rank 1 wins (4 > 2 + 1).
    rows = [("A", 1, day(0), day(1)), ("A", 2, day(7), day(7)), ("A", 3, day(14), day(14))]
    result = allocate(bids_table(rows), agents_table(["A"]), allowance_table(8.0), balance_h=16.0)
    assert granted(result) == {"A#1"}
    assert reason_of(result, "A#2")[0] == reason_of(result, "A#3")[0] == "INSUFFICIENT_BALANCE"


def test_at_most_ten_ranks():
    rows = [("A", r, day(7 * r), day(7 * r)) for r in range(1, 12)]
    with pytest.raises(RequestError, match="at most 10 ranked preferences"):
        allocate_bids(bids_table(rows), agents_table(["A"]), allowance_table(8.0), {"A": 400.0}, {"A": 8.0})


def test_overlapping_preferences_are_never_both_granted():
    rows = [("A", 1, day(0), day(4)), ("A", 2, day(3), day(9)), ("A", 3, day(8), day(11))]
    result = allocate(bids_table(rows), agents_table(["A"]), allowance_table(8.0))
    assert granted(result) == {"A#1", "A#3"}
    assert reason_of(result, "A#2") == ("OVERLAPS_GRANTED_RANK_1", "shares dates with the granted rank 1 "
                                                                   "(2027-08-02 – 2027-08-06)")


def test_weekends_and_closed_days_cost_nothing_and_need_no_allowance():
    allowance = allowance_table(8.0, dates=[day(k) for k in range(5)])  # weekdays only
    rows = [("A", 1, day(4), day(7)), ("B", 1, day(5), day(6)), ("C", 1, day(3), day(3))]
    result = allocate(bids_table(rows), agents_table(["A", "B", "C"]), allowance, balance_h=8.0,
                      closed={day(7)})  # Monday day(7) is a site holiday
    assert granted(result) == {"A#1", "B#1", "C#1"}
    assert result.preferences.set_index("bid_id")["hours_h"].to_dict() == {"A#1": 8.0, "B#1": 0.0, "C#1": 8.0}


def test_seven_day_pattern_charges_the_weekend():
    hours = {"A": (6.0, 6.0, 6.0, 6.0, 6.0, 5.0, 5.0)}
    result = allocate(bids_table([("A", 1, day(5), day(6))]), agents_table(["A"]), allowance_table(8.0),
                      day_h=hours, balance_h=10.0)
    assert granted(result) == {"A#1"}
    assert result.agents.loc[0, "granted_h"] == 10.0


def test_weekday_hours_spread_a_week_of_leave_over_the_contract_hours():
    assert weekday_hours_h(40.0, 5) == (8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0)
    assert weekday_hours_h(24.0, 3) == (4.8, 4.8, 4.8, 4.8, 4.8, 0.0, 0.0)
    assert weekday_hours_h(36.0, 6) == (6.0, 6.0, 6.0, 6.0, 6.0, 6.0, 0.0)


def test_missing_inputs_are_named():
    agents = agents_table(["A"])
    with pytest.raises(RequestError, match="missing from the agents table: Z"):
        allocate_bids(bids_table([("Z", 1, day(0), day(0))]), agents, allowance_table(8.0), {"Z": 8.0}, {"Z": 8.0})
    with pytest.raises(RequestError, match="no balance_h for bidding agent"):
        allocate_bids(bids_table([("A", 1, day(0), day(0))]), agents, allowance_table(8.0), {}, {"A": 8.0})
    with pytest.raises(RequestError, match="seven"):
        allocate_bids(bids_table([("A", 1, day(0), day(0))]), agents, allowance_table(8.0), {"A": 8.0}, {"A": (8.0,)})


# --- leftovers --------------------------------------------------------------------------------------------------------


def test_leftovers_go_first_come_first_served():
    rows = [("A", 1, day(0), day(0)), ("B", 1, day(0), day(0)), ("C", 1, day(1), day(1))]
    bids = bids_table(rows, submitted=["2026-12-02 10:00", "2026-12-01 09:00", "2026-12-03 08:00"])
    inst = bids_module._instance(bids, agents_table(["A", "B", "C"]), allowance_table(8.0),
                                 dict.fromkeys("ABC", 100.0), dict.fromkeys("ABC", 8.0), "fair", set())
    assert bids_module._grant_leftovers(inst, set()) == {1, 2}  # B submitted before A; C is alone on its day
    assert bids_module._grant_leftovers(inst, {0}) == {0, 2}  # what the solve granted stays


# --- a random instance: replay, determinism --------------------------------------------------------------------------


def random_instance(n_agents: int, seed: int):
    rng = np.random.default_rng(seed)
    ids = [f"A{i:02d}" for i in range(n_agents)]
    skills = [["voice"] if rng.random() < 0.6 else ["chat", "voice"] for _ in ids]
    agents = agents_table(ids, seniority=list(rng.integers(0, 4, n_agents)), skills=skills)
    rows = []
    for a in ids:
        starts = rng.choice(np.arange(0, 40), size=4, replace=False)
        for rank, s in enumerate(starts, start=1):
            rows.append((a, rank, day(int(s)), day(int(s + rng.integers(0, 7)))))
    allowance = pd.concat([allowance_table(16.0), allowance_table(8.0, heads=1, group="chat+voice")])
    balance = {a: float(rng.choice([24.0, 40.0, 80.0])) for a in ids}
    return bids_table(rows), agents, allowance, balance


@pytest.mark.parametrize("mode", ["fair", "seniority"])
def test_random_instance_replays_and_is_deterministic(mode):
    bids, agents, allowance, balance = random_instance(24, seed=3)
    first = allocate(bids, agents, allowance, balance_h=balance, mode=mode, seed=5, workers=2)
    second = allocate(bids, agents, allowance, balance_h=balance, mode=mode, seed=5, workers=2)
    pd.testing.assert_frame_equal(first.preferences, second.preferences)
    assert first.status == "OPTIMAL" and not first.cut_by_wall_clock
    assert set(first.preferences.loc[~first.preferences["granted"], "reason"]) - {""}  # the crunch binds
    assert first.preferences["granted"].any()


def test_fair_mode_raises_the_minimum_against_seniority():
    bids, agents, allowance, balance = random_instance(24, seed=3)
    fair = allocate(bids, agents, allowance, balance_h=balance, mode="fair")
    senior = allocate(bids, agents, allowance, balance_h=balance, mode="seniority")

    def worst_capped(result) -> int:
        # Every bid fits the allowance alone here (one head's day); an agent can be served if one bid fits the balance.
        prefs = result.preferences
        able = set(prefs.loc[prefs["hours_h"] <= prefs["agent_id"].map(balance), "agent_id"])
        points = result.agents.set_index("agent_id")["points"]
        return int(points[sorted(able)].clip(upper=8).min())

    assert worst_capped(fair) >= worst_capped(senior)
    assert fair.agents["points"].sum() > 0 and senior.agents["points"].sum() > 0


# --- reader -----------------------------------------------------------------------------------------------------------


BIDS_HEAD = "agent_id,rank,start_date,end_date,submitted_at"


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "bids.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_read_bids_types(tmp_path):
    path = _write(tmp_path, [BIDS_HEAD, "A1,1,2027-08-02,2027-08-13,2026-12-01T09:00:00", "A1,2,2027-12-20,2027-12-24,"])
    df = tables.read_bids(path, agents=["A1"])
    assert df["rank"].tolist() == [1, 2]
    assert df["end_date"].tolist() == [dt.date(2027, 8, 13), dt.date(2027, 12, 24)]
    assert df["submitted_at"].iloc[0] == pd.Timestamp("2026-12-01 09:00") and pd.isna(df["submitted_at"].iloc[1])


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("A7,2,2027-08-02,2027-08-03,", "agent_id", "an agent_id listed in the agents file"),
        ("A1,1,2027-09-01,2027-09-03,", "agent_id, rank", "one row per (agent_id, rank); the same key is already on line 2"),
        ("A1,2,2027-08-05,2027-08-03,", "end_date", "a date on or after start_date 2027-08-05"),
        ("A1,0,2027-08-02,2027-08-03,", "rank", "an integer ≥ 1"),
        ("A1,-2,2027-08-02,2027-08-03,", "rank", "an integer ≥ 1"),
        ("A1,1.5,2027-08-02,2027-08-03,", "rank", "a whole number ≥ 1"),
        ("A1,first,2027-08-02,2027-08-03,", "rank", "an integer ≥ 1"),
        ("A1,11,2027-08-02,2027-08-03,", "rank", "an integer from 1 to 10 (at most 10 ranked preferences per agent are "
         "allocated; drop or merge the lowest ranks)"),
        ("A1,2,2027-02-30,2027-08-03,", "start_date", "a date YYYY-MM-DD"),
        ("A1,2,2027-08-02,2027-08-03,tomorrow", "submitted_at", "an ISO 8601 timestamp"),
    ],
)
def test_read_bids_bad_row(tmp_path, row, column, expected):
    path = _write(tmp_path, [BIDS_HEAD, "A1,1,2027-08-02,2027-08-13,", row])
    with pytest.raises(DataError) as info:
        tables.read_bids(path, agents=["A1"])
    err = info.value
    assert [(p.file, p.line, p.column) for p in err.problems] == [(str(path), 3, column)]
    assert expected in err.problems[0].expected


def test_read_bids_missing_column_and_duplicate_bid_id(tmp_path):
    path = _write(tmp_path, ["agent_id,rank,start", "A1,1,2027-08-02"])
    with pytest.raises(DataError, match="a column named 'start_date'"):
        tables.read_bids(path)
    path = _write(tmp_path, ["agent_id,rank,start_date,end_date,bid_id", "A1,1,2027-08-02,2027-08-02,b1",
                             "A2,1,2027-08-02,2027-08-02,b1"])
    with pytest.raises(DataError) as info:
        tables.read_bids(path)
    assert [(p.line, p.column) for p in info.value.problems] == [(3, "bid_id")]
