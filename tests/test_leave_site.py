"""Leave planning on a sample site (12 weeks of history, a 52-week plan): independent consistency checks and the CLI."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

import planner.leave.plan
from planner.cli.app import main
from planner.cli.commands.demo import write_demo_config
from planner.config import load_config
from planner.errors import RequestError
from planner.io.files import write_table
from planner.io.tables import read_agents, read_bids, read_history, read_leave
from planner.leave.bid_round import bid_round
from planner.leave.decide import Request, State, commit, decide, evaluate, initial_state, requests_from
from planner.leave.plan import leave_plan
from planner.sample import write_site

WEEKS = 52
REPRODUCED = 80  # denials re-evaluated (the first ones in decision order)
ALONE_CODES = {"UNKNOWN_AGENT", "INVALID_PERIOD", "NO_ENTITLEMENT", "NOTICE_TOO_SHORT", "NOTICE_TOO_LONG", "BLACKOUT",
               "OUTSIDE_PLAN"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_site):
    folder = tmp_path_factory.mktemp("leave_site")
    config_path = write_demo_config(folder)
    cfg = load_config(config_path)
    write_site(sample_site(12), folder / "data")
    agents = read_agents(folder / "data" / "agents.csv", cfg)
    leave = read_leave(folder / "data" / "leave.csv", agents, cfg)
    history = read_history(folder / "data" / "history.csv", cfg)
    return folder, config_path, cfg, history, agents, leave


@pytest.fixture(scope="module")
def decided(site):
    _, _, cfg, history, agents, leave = site
    plan = leave_plan(cfg, history, agents, leave, WEEKS)
    base = copy.deepcopy(plan.capacity)
    as_of = pd.Timestamp(leave["requested_at"].max()).date()
    outcome = decide(cfg, plan.agents, plan.capacity, leave, as_of)
    return plan, base, outcome, as_of


def _independent_leave_h(cfg, agents: pd.DataFrame, rows: pd.DataFrame, pool: pd.DataFrame) -> dict:
    """(group, day) → leave hours, recomputed here from the written rules: one contract day per open day, at most a
    contract week per calendar week; on each leave day what the agent would have worked there (their week shaped like
    the group's pool that week), the rest of the week's charge on its other days in proportion to the pool."""
    info = agents.set_index("agent_id")
    weight = pool.set_index(["group", "date"])["pool_h"].to_dict()
    out: dict = {}
    for row in rows.itertuples(index=False):
        a = info.loc[row.agent_id]
        contract = cfg.contract(a["contract"])
        week_h = (contract.weekly_hours_min + contract.weekly_hours_max) / 2
        if a["available_from"] is not None and not pd.isna(a["available_from"]):
            start_h = int(a["available_from"][:2]) + int(a["available_from"][3:]) / 60
            end_h = int(a["available_to"][:2]) + int(a["available_to"][3:]) / 60
            week_h = min(week_h, contract.days_per_week_max * (end_h - start_h))
        day_h = week_h / contract.days_per_week_max
        group = "+".join(sorted(a["skills"]))
        days = [row.start_date + dt.timedelta(days=i) for i in range((row.end_date - row.start_date).days + 1)]
        employed = [d for d in days if cfg.hours_on(d) is not None
                    and (pd.isna(a["employed_from"]) or d >= a["employed_from"])
                    and (pd.isna(a["employed_to"]) or d <= a["employed_to"])]
        weeks: dict = {}
        for d in employed:
            weeks.setdefault(d - dt.timedelta(days=d.weekday()), []).append(d)
        for monday, leave_days in weeks.items():
            week = [monday + dt.timedelta(days=i) for i in range(7)]
            if (group, monday) not in weight:
                continue  # outside the plan
            w = {d: weight[(group, d)] for d in week}
            total_w = sum(w.values())
            share = {d: (w[d] / total_w if total_w > 0 else 1 / 7) for d in week}
            charge = min(len(leave_days) * day_h, week_h)
            on_leave = {d: week_h * share[d] for d in leave_days}
            if sum(on_leave.values()) > charge:
                on_leave = {d: h * charge / sum(on_leave.values()) for d, h in on_leave.items()}
            rest = charge - sum(on_leave.values())
            others = [d for d in week if d not in on_leave and share[d] > 0] or list(on_leave)
            mass = sum(share[d] for d in others)
            for d in others:
                on_leave[d] = on_leave.get(d, 0.0) + rest * (share[d] / mass if mass > 0 else 1 / len(others))
            for d, h in on_leave.items():
                out[(group, d)] = out.get((group, d), 0.0) + h
    return out


def test_no_granted_leave_takes_a_group_below_its_requirement_plus_margin(site, decided):
    _, _, cfg, _, agents, leave = site
    plan, base, outcome, _ = decided
    from planner.leave.capacity import day_table

    before = day_table(base)  # pool and requirement do not depend on the decisions
    d = outcome.decisions
    granted = d[d["decision"].isin(["approved", "review"])]
    assert len(granted) > 50
    rows = pd.concat([leave[leave["status"] == "approved"][["agent_id", "start_date", "end_date", "kind"]],
                      granted[["agent_id", "start_date", "end_date", "kind"]]], ignore_index=True)
    used = _independent_leave_h(cfg, agents, rows, before)
    # every day of every week a granted request touches (the rest of a week's charge lands on its other days)
    touched = {(g, day) for g, s, e in zip(granted["group"], granted["start_date"], granted["end_date"], strict=True)
               for day in (s - dt.timedelta(days=s.weekday()) + dt.timedelta(days=i)
                           for i in range((e - s).days + s.weekday() + 7 - e.weekday()))}
    table = before.set_index(["group", "date"])
    checked = 0
    for key in touched:
        if key not in table.index or used.get(key, 0.0) == 0:
            continue
        row = table.loc[key]
        # the table rounds to 0.01 h
        assert row["pool_h"] - used[key] >= row["required_h"] * (1 + cfg.leave.margin) - 0.02, key
        checked += 1
    assert checked > 100


def _state_before(cfg, plan, base, leave, decisions, rank) -> State:
    state = initial_state(cfg, plan.agents, copy.deepcopy(base), leave)
    earlier = decisions[decisions["rank"] < rank]
    for row in earlier.itertuples(index=False):
        req = Request(f"request {row.request_id}", row.agent_id, row.start_date, row.end_date, row.kind, row.start_date)
        if row.decision in ("approved", "review"):
            commit(state, req, None)
        elif row.decision == "waitlisted":
            state.busy.setdefault(row.agent_id, []).append((row.start_date, row.end_date, req.request_id))
    return state


def test_every_denial_reproduces_when_re_evaluated_alone(site, decided):
    _, _, cfg, _, _, leave = site
    plan, base, outcome, as_of = decided
    d = outcome.decisions
    refused = d[~d["decision"].isin(["approved"])].sort_values("rank").head(REPRODUCED)
    assert {"waitlisted", "denied"} <= set(refused["decision"])
    requests = {r.request_id: r for r in requests_from(leave, as_of)}
    bare = initial_state(cfg, plan.agents, copy.deepcopy(base), leave)
    for row in refused.itertuples(index=False):
        state = _state_before(cfg, plan, base, leave, d, row.rank)
        again = evaluate(state, requests[row.request_id])
        assert (again.decision, again.code) == (row.decision, row.reason_code), row.request_id
        assert ", ".join(str(x) for x in again.failing) == (row.failing_dates if isinstance(row.failing_dates, str) else "")
        if row.reason_code in ALONE_CODES:  # a reason of the request alone holds against the bare site too
            assert evaluate(bare, requests[row.request_id]).code == row.reason_code


def test_balances_never_negative_without_an_override(decided):
    _, _, outcome, as_of = decided
    balances = outcome.state.ledger.table(as_of)
    assert len(balances) >= 150
    plain = balances[balances["override_h"] == 0]
    assert (plain["remaining_h"] >= -1e-6).all(), plain[plain["remaining_h"] < 0]


def test_the_plan_says_a_year_ahead_rests_on_no_yearly_shape(decided):
    plan, _, _, _ = decided
    assert "no yearly shape" in plan.horizon.basis and "12 weeks" in plan.horizon.basis
    weekly, daily = plan.tables()
    assert weekly["week"].nunique() == WEEKS
    assert {"group", "date", "week", "required_h", "available_h", "planned_leave_h", "allowance_h", "allowance_heads",
            "auto_approve_h"} <= set(daily.columns)


def test_cli_plan_and_decide_write_their_tables(site, tmp_path, capsys):
    _, config_path, *_ = site
    with pytest.raises(SystemExit) as done:
        main(["leave", "plan", "--config", str(config_path), "--weeks", "4", "--out", str(tmp_path)])
    assert done.value.code == 0
    assert (tmp_path / "capacity_plan.csv").exists() and (tmp_path / "leave_allowance.csv").exists()
    assert "no yearly shape" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["leave", "decide", "--config", str(config_path), "--out", str(tmp_path), "--weeks", "4", "--quiet",
              "--xlsx", str(tmp_path / "leave.xlsx")])
    assert done.value.code == 0
    assert capsys.readouterr().out == ""  # --quiet after the sub-command name
    decisions = pd.read_csv(tmp_path / "leave_decisions.csv")
    assert {"request_id", "agent_id", "start_date", "end_date", "decision", "reason_code", "failing_dates",
            "detail"} <= set(decisions.columns)
    assert "OUTSIDE_PLAN" in set(decisions["reason_code"])  # requests beyond the 4 weeks
    assert (tmp_path / "balances.csv").exists() and (tmp_path / "leave.csv").exists()
    from openpyxl import load_workbook

    assert set(load_workbook(tmp_path / "leave.xlsx", read_only=True).sheetnames) == {"leave_reasons", "leave_decisions",
                                                                                       "balances"}


def test_cli_decide_names_the_line_of_an_unknown_agent(site, tmp_path, capsys):
    folder, config_path, *_ = site
    bad = tmp_path / "requests.csv"
    text = (folder / "data" / "leave.csv").read_text().splitlines()
    text.insert(3, "A999,2027-02-01,2027-02-02,annual,requested,X1,2026-11-01T09:00:00")
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(SystemExit) as done:
        main(["leave", "decide", "--config", str(config_path), "--requests", str(bad), "--out", str(tmp_path / "o")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "agent_id" in err and "A999" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_decide_rejects_a_misspelt_requested_at_column(site, tmp_path, capsys):
    folder, config_path, *_ = site
    bad = tmp_path / "requests.csv"
    text = (folder / "data" / "leave.csv").read_text()
    assert "requested_at" in text.splitlines()[0]
    bad.write_text(text.replace("requested_at", "requestd_at", 1))
    with pytest.raises(SystemExit) as done:
        main(["leave", "decide", "--config", str(config_path), "--requests", str(bad), "--out", str(tmp_path / "o")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 1, column 'requestd_at'" in err and "did you mean requested_at?" in err
    assert not (tmp_path / "o").exists()


def test_cli_roster_without_its_slots_exits_2(site, tmp_path, capsys):
    _, config_path, *_ = site
    roster = tmp_path / "roster.csv"
    roster.write_text("agent_id,date,shift_start,shift_end,breaks,paid_hours\n")
    with pytest.raises(SystemExit) as done:
        main(["leave", "decide", "--config", str(config_path), "--roster", str(roster), "--out", str(tmp_path / "o")])
    assert done.value.code == 2
    assert "roster_slots.csv" in capsys.readouterr().err


def test_the_group_table_wraps_between_skills_at_80_columns():
    from rich.console import Console

    from planner.cli.commands.leave import _group_table

    weekly = pd.DataFrame({"group": ["chat+email+social+voice", "email+voice", "voice"], "week": dt.date(2026, 11, 23),
                           "agents": [12, 12, 45], "required_h": [291.0, 285, 921], "available_h": [399.0, 390, 1259],
                           "allowance_h": [93.0, 91, 107]})
    shown = {}
    for width in (80, 250):
        console = Console(width=width, record=True)
        console.print(_group_table(weekly, "capacity per skill group"))
        shown[width] = console.export_text()
    narrow = shown[80]
    assert max(len(line) for line in narrow.splitlines()) <= 80
    words = lambda text: sorted(w for w in text.split() if w.strip("─"))  # noqa: E731
    assert words(narrow) == words(shown[250])  # wrapped between skills, never inside one
    assert "chat + email + social + voice" in shown[250]


@pytest.mark.parametrize("name", ["plan", "decide", "bids"])
def test_sub_command_help_has_an_example_the_global_flags_and_fits_80_columns(name):
    from typer.testing import CliRunner

    from planner.cli.app import app

    result = CliRunner().invoke(app, ["leave", name, "--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and f"planner leave {name}" in result.output
    assert "--debug" in result.output and "--quiet" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


# --- the yearly bid round ----------------------------------------------------------------------------------------


def _once(plan_horizon):
    """plan_horizon computed once per argument list and handed out again: a function of its arguments alone."""
    made: dict = {}

    def cached(config, history, weeks, start=None, model=None):
        key = (id(config), id(history), weeks, start, model)
        if key not in made:
            made[key] = plan_horizon(config, history, weeks, start, model)
        return made[key]

    return cached


@pytest.fixture(scope="module")
def bid_rounds(site):
    """The sample's bids allocated fair and by seniority, and the capacity plan before either round."""
    folder, _, cfg, history, agents, leave = site
    bids = read_bids(folder / "data" / "bids.csv", agents, cfg)
    # The three plans cover the same weeks: forecast and staff them once (a year of Erlang days is most of a round's
    # time); each plan still builds its own capacity from the agents and the leave.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(planner.leave.plan, "plan_horizon", _once(planner.leave.plan.plan_horizon))
        fair = bid_round(cfg, history, agents, leave, bids, mode="fair", time_limit_s=60)
        senior = bid_round(cfg, history, agents, leave, bids, mode="seniority", time_limit_s=60)
        before = leave_plan(cfg, history, agents, leave, fair.plan.horizon.weeks, fair.plan.horizon.start).tables()[1]
    return bids, fair, senior, before


def _independent_charge_h(cfg, agent: pd.Series, start: dt.date, end: dt.date) -> float:
    """Hours a leave period costs the agent's balance, from the written rule: a contract day per open day while
    employed, at most a contract week per calendar week."""
    contract = cfg.contract(agent["contract"])
    week_h = (contract.weekly_hours_min + contract.weekly_hours_max) / 2
    if agent["available_from"] is not None and not pd.isna(agent["available_from"]):
        span_h = (int(agent["available_to"][:2]) * 60 + int(agent["available_to"][3:])
                  - int(agent["available_from"][:2]) * 60 - int(agent["available_from"][3:])) / 60
        week_h = min(week_h, contract.days_per_week_max * span_h)
    weeks: dict = {}
    for i in range((end - start).days + 1):
        d = start + dt.timedelta(days=i)
        employed = (pd.isna(agent["employed_from"]) or d >= agent["employed_from"]) and (
            pd.isna(agent["employed_to"]) or d <= agent["employed_to"])
        if cfg.hours_on(d) is not None and employed:
            weeks[d - dt.timedelta(days=d.weekday())] = weeks.get(d - dt.timedelta(days=d.weekday()), 0) + 1
    return sum(min(n * week_h / contract.days_per_week_max, week_h) for n in weeks.values())


@pytest.mark.parametrize("mode", ["fair", "senior"])
def test_bid_round_grants_replay_within_allowance_balance_and_dates(site, bid_rounds, mode):
    _, _, cfg, _, agents, leave = site
    bids, fair, senior, before = bid_rounds
    result = fair if mode == "fair" else senior
    prefs = result.allocation.preferences
    granted = prefs[prefs["granted"]]
    assert len(prefs) == len(bids) and 0.3 < len(granted) / len(bids) < 1.0  # a real round: crunches refuse some
    assert (prefs.loc[~prefs["granted"], "reason"] != "").all()
    # allowance: the granted bids' load per group and day, recomputed from the written rules, fits what was left
    used = _independent_leave_h(cfg, agents, granted.assign(kind="annual"), before)
    table = before.set_index(["group", "date"])
    for key, hours in used.items():
        if hours > 0:
            # 1 minute per grant and day of rounding, the table's 0.01 h
            assert hours <= max(0.0, table.loc[key, "allowance_h"]) + 0.05, key
    # balance: the year's entitlement minus the leave already booked in it
    info = agents.set_index("agent_id")
    for aid, rows in granted.groupby("agent_id"):
        charge = sum(_independent_charge_h(cfg, info.loc[aid], s, e) for s, e in zip(rows["start_date"],
                                                                                     rows["end_date"], strict=True))
        balance = result.allocation.agents.set_index("agent_id").loc[aid, "balance_h"]
        assert charge <= balance + 0.05, aid
    # dates: no agent gets two bids sharing a day, nor a bid on approved leave
    approved = leave[leave["status"] == "approved"]
    for aid, rows in granted.groupby("agent_id"):
        spans = sorted(zip(rows["start_date"], rows["end_date"], strict=True))
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)), aid
        mine = approved[approved["agent_id"] == aid]
        assert not any(s <= e2 and s2 <= e for s, e in spans for s2, e2 in zip(mine["start_date"], mine["end_date"],
                                                                              strict=True)), aid


def test_bid_round_modes_differ_as_their_rules_say(bid_rounds):
    _, fair, senior, _ = bid_rounds
    fair_agents, senior_agents = fair.allocation.agents, senior.allocation.agents
    # fair lifts the worst-off agent (max-min over those with a bid that fits alone) at least as high
    assert fair_agents["points"].min() >= senior_agents["points"].min()
    # seniority: the most senior agents are not worse off than under fair
    top = senior_agents.nlargest(10, "seniority")["agent_id"]
    assert (senior_agents.set_index("agent_id").loc[top, "points"].sum()
            >= fair_agents.set_index("agent_id").loc[top, "points"].sum())


def test_bid_round_leave_table_approves_the_granted_bids(site, bid_rounds, tmp_path):
    _, _, cfg, _, agents, leave = site
    _, fair, _, _ = bid_rounds
    granted = fair.allocation.preferences.query("granted")
    after = fair.leave
    new = after[after["request_id"].isin(granted["bid_id"])]
    assert len(new) == len(granted) and (new["status"] == "approved").all() and (new["kind"] == "annual").all()
    assert len(after) == len(leave) + len(granted)
    write_table(after, tmp_path / "leave.csv")
    assert len(read_leave(tmp_path / "leave.csv", agents, cfg)) == len(after)  # schedule/run/decide read it back


def test_bid_round_refuses_up_front_clashes_and_other_leave_years(site):
    _, _, cfg, history, agents, leave = site
    approved = leave[(leave["status"] == "approved") & (leave["kind"] == "annual")].iloc[0]
    # the first leaver and bids early in the year: a round forecasts from the end of the history to its last bid
    leaver = agents[agents["employed_to"].notna()].sort_values("employed_to").iloc[0]
    gone = leaver["employed_to"] + dt.timedelta(days=3)
    assert gone.year == 2027
    bids = pd.DataFrame({"agent_id": [approved["agent_id"], leaver["agent_id"], agents["agent_id"].iloc[5]],
                         "rank": [1, 1, 1],
                         "start_date": [approved["start_date"], gone, dt.date(2027, 2, 1)],
                         "end_date": [approved["end_date"], gone + dt.timedelta(days=2), dt.date(2027, 2, 3)]})
    if approved["start_date"] < dt.date(2026, 11, 23):
        bids = bids.iloc[1:].reset_index(drop=True)  # inside the history: see the error below
    result = bid_round(cfg, history, agents, leave, bids, time_limit_s=10)
    reasons = dict(zip(result.allocation.preferences["agent_id"], result.allocation.preferences["reason"], strict=True))
    assert reasons[leaver["agent_id"]] == "OUTSIDE_EMPLOYMENT"
    assert reasons[agents["agent_id"].iloc[5]] == ""  # an ordinary February bid is granted
    two_years = bids.assign(start_date=[dt.date(2027, 3, 1)] * (len(bids) - 1) + [dt.date(2027, 12, 30)],
                            end_date=[dt.date(2027, 3, 2)] * (len(bids) - 1) + [dt.date(2028, 1, 2)])
    with pytest.raises(RequestError, match="one leave year"):
        bid_round(cfg, history, agents, leave, two_years)
    with pytest.raises(RequestError, match="inside the history"):
        bid_round(cfg, history, agents, leave, bids.assign(start_date=dt.date(2026, 11, 2), end_date=dt.date(2026, 11, 3)))


def test_bid_round_overlapping_approved_leave_is_refused_with_its_dates(site):
    _, _, cfg, history, agents, leave = site
    aid = agents.loc[agents["skills"].map(lambda s: list(s) == ["voice"]), "agent_id"].iloc[3]  # the largest group
    # early in the year: a round forecasts from the end of the history to its last bid
    own = pd.DataFrame({"agent_id": [aid], "start_date": [dt.date(2027, 2, 1)], "end_date": [dt.date(2027, 2, 5)],
                        "kind": ["annual"], "status": ["approved"]})
    bids = pd.DataFrame({"agent_id": [aid, aid], "rank": [1, 2], "start_date": [dt.date(2027, 2, 4), dt.date(2027, 1, 19)],
                         "end_date": [dt.date(2027, 2, 8), dt.date(2027, 1, 20)]})
    result = bid_round(cfg, history, agents, pd.concat([leave, own], ignore_index=True), bids, time_limit_s=10)
    prefs = result.allocation.preferences.set_index("rank")
    assert prefs.loc[1, "reason"] == "OVERLAPS_APPROVED_LEAVE" and "2027-02-01..2027-02-05" in prefs.loc[1, "detail"]
    assert bool(prefs.loc[2, "granted"])


def test_cli_bids_writes_its_tables_the_same_each_run(site, tmp_path, capsys):
    folder, config_path, *_ = site
    # The bids of January and February only: a round forecasts from the end of the history to its last bid, so the
    # year's bids would cost each run a year of staffing; these still crunch (some are refused).
    bids = pd.read_csv(folder / "data" / "bids.csv")
    early = tmp_path / "bids.csv"
    bids[bids["start_date"] < "2027-03-01"].to_csv(early, index=False)
    for run in ("a", "b"):
        with pytest.raises(SystemExit) as done:
            main(["leave", "bids", "--config", str(config_path), "--bids", str(early), "--out", str(tmp_path / run),
                  "--quiet"])
        assert done.value.code == 0
    assert capsys.readouterr().out == ""
    assert not pd.read_csv(tmp_path / "a" / "bid_results.csv")["granted"].all()
    for name in ("bid_results.csv", "bid_agents.csv", "leave.csv", "leave_allowance.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    with pytest.raises(SystemExit) as done:
        main(["leave", "bids", "--config", str(config_path), "--out", str(tmp_path / "c"), "--mode", "lottery"])
    assert done.value.code == 2 and "fair or seniority" in capsys.readouterr().err


@pytest.mark.parametrize("rank", ["0", "11"])
def test_cli_bids_names_the_file_line_and_column_of_a_bad_rank(site, tmp_path, capsys, rank):
    folder, config_path, *_ = site
    bad = tmp_path / "bids.csv"
    text = (folder / "data" / "bids.csv").read_text().splitlines()
    assert text[0].split(",")[2] == "rank"
    text[4] = ",".join(text[4].split(",")[:2] + [rank] + text[4].split(",")[3:])
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(SystemExit) as done:
        main(["leave", "bids", "--config", str(config_path), "--bids", str(bad), "--out", str(tmp_path / "o")])
    assert done.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{bad}, line 5, column 'rank': got '{rank}'" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
