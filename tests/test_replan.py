"""planner replan: an absence repaired with few changes, the change cost's effect, the checker, changes.csv and bad files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from schedule_instances import TINY_YAML, WEEK, agents_table, no_leave, tiny_config, tiny_requirements
from typer.testing import CliRunner

from planner.cli.app import app, main
from planner.scheduling import check_roster, solve_roster
from planner.scheduling.replan import Change, replan_roster, with_change_cost

runner = CliRunner()
WED = WEEK + dt.timedelta(days=2)
VALUES = dict(open="06:00", close="22:00", hmin=0, hmax=40, days=5, lengths="[8]", step=60, earliest="06:00",
              latest="22:00", lunch="null", short="null", rest=11, consec=6)


def _site():
    """Four voice agents, one agent needed 06–22 every day: 14 shifts of a capacity of 20, so an absence can be covered."""
    cfg = tiny_config(**VALUES)
    req = tiny_requirements(cfg, default={"voice": 1})
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in range(1, 5)])
    return cfg, req, agents


@pytest.fixture(scope="module")
def published():
    cfg, req, agents = _site()
    return solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)


def _absent_on_wednesday(published) -> list[Change]:
    who = str(published.roster.loc[published.roster["date"] == WED, "agent_id"].iloc[0])
    return [Change(2, "absent", WED, agent_id=who, note="sick")]


def _replan(published, changes, cost=None):
    cfg, req, agents = _site()
    return replan_roster(with_change_cost(cfg, cost), published.roster, published.roster_slots, req, agents, None,
                         changes, WEEK, time_limit_s=5)


def _days(roster) -> dict:
    return {(str(r.agent_id), r.date): (r.shift_start, r.shift_end) for r in roster.itertuples(index=False)}


def test_absent_agent_has_no_shift_and_only_the_repair_moves(published):
    changes = _absent_on_wednesday(published)
    done = _replan(published, changes)
    who = changes[0].agent_id
    new = _days(done.result.roster)
    assert (who, WED) not in new
    moved = done.changes[done.changes["agent_id"] != who]
    assert len(moved) <= 1 and set(moved["change"]) <= {"added"}  # one other agent takes the day, nothing else moves
    assert done.summary["shortfall_after_repair"] == done.summary["shortfall_before_changes"] == 0
    assert done.summary["shortfall_without_repair"] == 8
    old = _days(published.roster)
    assert {k: v for k, v in new.items() if k[0] != who and k in old} == {k: v for k, v in old.items() if k[0] != who}


def test_high_change_cost_moves_nothing_else_zero_cost_may(published):
    changes = _absent_on_wednesday(published)
    who = changes[0].agent_id
    locked = _replan(published, changes, cost=1e6)
    assert set(locked.changes["agent_id"]) == {who}
    assert locked.summary["shortfall_after_repair"] == locked.summary["shortfall_without_repair"]
    free = _replan(published, changes, cost=0)
    assert free.result.objective_terms["changed_shifts"] == 0
    assert free.summary["shortfall_after_repair"] == 0  # free to move anyone, the solver repairs coverage


def test_the_new_roster_passes_the_independent_checker(published):
    cfg, req, agents = _site()
    done = _replan(published, _absent_on_wednesday(published))
    assert check_roster(done.result, cfg, agents, no_leave(), done.requirements, week_start=WEEK) == []


def test_changed_shifts_are_a_term_of_the_one_cost_model(published):
    done = _replan(published, _absent_on_wednesday(published), cost=7)
    terms = done.result.objective_terms
    shifts = int(done.changes["change"].isin(["added", "removed", "moved"]).sum())
    assert terms["changed_shifts"] == pytest.approx(7 * shifts)
    assert terms["total"] == pytest.approx(sum(v for k, v in terms.items() if k != "total"))


def test_requirement_factor_and_leave_rows_apply(published):
    who = str(published.roster.loc[published.roster["date"] == WED, "agent_id"].iloc[0])
    changes = [Change(2, "leave", WED, agent_id=who), Change(3, "requirement", WED + dt.timedelta(days=1),
                                                             channel="voice", from_min=10 * 60, to_min=12 * 60, factor=2)]
    done = _replan(published, changes)
    assert (who, WED) not in _days(done.result.roster)
    req = done.requirements[done.requirements["channel"] == "voice"]
    thu = req[pd.to_datetime(req["interval_start"]).dt.date == WED + dt.timedelta(days=1)]
    assert sorted(set(thu["agents_required"])) == [1, 2]
    assert done.changes.loc[done.changes["agent_id"] == who, "reason"].str.contains("line 2: leave").all()


# --- the command --------------------------------------------------------------------------------------------------


@pytest.fixture
def run_folder(tmp_path, published):
    cfg, req, agents = _site()
    (tmp_path / "tiny.yaml").write_text(TINY_YAML.format(**VALUES))
    agents.assign(skills=agents["skills"].str.join(";")).to_csv(tmp_path / "agents.csv", index=False)
    from planner.scheduling.outputs import write_outputs

    run = tmp_path / "run"
    write_outputs(published, cfg, agents, req, run, week_start=WEEK)
    req.to_csv(run / "requirements.csv", index=False, date_format="%Y-%m-%dT%H:%M:%S")
    return tmp_path


def _args(folder, changes_text: str, *extra):
    (folder / "changes.csv").write_text(changes_text)
    return ["--quiet", "replan", "--config", str(folder / "tiny.yaml"), "--roster", str(folder / "run" / "roster.csv"),
            "--agents", str(folder / "agents.csv"), "--changes", str(folder / "changes.csv"),
            "--out", str(folder / "new"), "--time-limit", "5", *extra]


def test_cli_writes_the_run_folder_and_changes_csv_lists_exactly_the_moved_shifts(run_folder, published):
    who = _absent_on_wednesday(published)[0].agent_id
    result = runner.invoke(app, _args(run_folder, f"agent_id,date,from,to,kind,note\n{who},{WED},,,absent,sick\n",
                                      "--verify")[1:], terminal_width=120)
    assert result.exit_code == 0, result.output
    new = run_folder / "new"
    for name in ("roster.csv", "roster_slots.csv", "coverage.csv", "agent_summary.csv", "schedule_summary.json",
                 "roster.xlsx", "changes.csv", "replan_summary.json"):
        assert (new / name).is_file(), name
    assert "Re-plan" in result.output and "Verified" in result.output

    def shifts(path):
        df = pd.read_csv(path)
        return {(r.agent_id, r.date): (r.shift_start, r.shift_end) for r in df.itertuples(index=False)}

    old, now = shifts(run_folder / "run" / "roster.csv"), shifts(new / "roster.csv")
    differ = {k for k in set(old) | set(now) if old.get(k) != now.get(k)}
    listed = pd.read_csv(new / "changes.csv")
    assert set(zip(listed["agent_id"], listed["date"], strict=True)) == differ
    assert (listed.loc[listed["agent_id"] == who, "reason"] == "line 2: absent (sick)").all()


@pytest.mark.parametrize(("row", "column"), [
    ("A9,2026-11-25,,,absent,", "agent_id"),
    ("A1,2026-13-01,,,absent,", "date"),
    ("A1,2026-12-25,,,absent,", "date"),
    ("A1,2026-11-25,,,holiday,", "kind"),
])
def test_bad_changes_file_exits_2_naming_the_line(run_folder, capsys, row, column):
    with pytest.raises(SystemExit) as info:
        main(_args(run_folder, f"agent_id,date,from,to,kind,note\nA1,2026-11-24,,,absent,\n{row}\n"))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "changes.csv, line 3" in err and f"column '{column}'" in err
    assert not (run_folder / "new").exists()


def test_whole_day_absences_lower_the_weekly_minimum_like_leave():
    values = {**VALUES, "hmin": 32}  # at least 4 shifts a week: absent Wednesday to Sunday leaves only 2 days
    cfg = tiny_config(**values)
    req = tiny_requirements(cfg, default={"voice": 1})
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in range(1, 5)])
    published = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    changes = [Change(2 + d, "absent", WED + dt.timedelta(days=d), agent_id="A1") for d in range(5)]
    done = replan_roster(cfg, published.roster, published.roster_slots, req, agents, None, changes, WEEK, time_limit_s=5)
    days = {d for (a, d) in _days(done.result.roster) if a == "A1"}
    assert all(d < WED for d in days)
    assert check_roster(done.result, cfg, agents, done.leave, done.requirements, week_start=WEEK) == []


def test_an_absence_window_only_takes_the_shifts_overlapping_it(published):
    who = str(published.roster.loc[published.roster["date"] == WED, "agent_id"].iloc[0])
    row = published.roster[(published.roster["agent_id"] == who) & (published.roster["date"] == WED)].iloc[0]
    lo = pd.Timestamp(row.shift_start).hour
    done = _replan(published, [Change(2, "absent", WED, agent_id=who, from_min=lo * 60, to_min=lo * 60 + 60)])
    for r in done.result.roster[(done.result.roster["agent_id"] == who)].itertuples(index=False):
        start, end = pd.Timestamp(r.shift_start), pd.Timestamp(r.shift_end)
        window = pd.Timestamp(WED) + pd.Timedelta(hours=lo)
        assert end <= window or start >= window + pd.Timedelta(hours=1)


def test_a_change_that_moves_nothing_leaves_hours_and_channels_as_published():
    cfg = tiny_config(**VALUES)
    req = tiny_requirements(cfg, default={"voice": 1, "chat": 1})
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice", "chat"], "contract": "std"} for i in range(1, 7)])
    published = solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)
    same = [Change(2, "requirement", WED, channel="voice", from_min=600, to_min=720, factor=1.0)]
    done = replan_roster(cfg, published.roster, published.roster_slots, req, agents, None, same, WEEK, time_limit_s=5)
    assert done.changes.empty


# --- the start is the published roster with the edits the changes force; breaks and lunch are kept -----------------

LUNCH = "{min_shift_h: 6, durations_min: [60], window_start_h: 3, window_end_h: 5, paid: false}"
# 8 h shifts with a 1 h unpaid lunch, at least 35 paid h: every agent works exactly 5 of the 7 days
LUNCH_VALUES = {**VALUES, "lunch": LUNCH, "hmin": 35, "hmax": 40}


def _lunch_site():
    cfg = tiny_config(**LUNCH_VALUES)
    req = tiny_requirements(cfg, need={"voice": {h: 2 for h in range(10, 16)}}, default={"voice": 1})
    agents = agents_table([{"agent_id": f"A{i}", "skills": ["voice"], "contract": "std"} for i in range(1, 6)])
    return cfg, req, agents


@pytest.fixture(scope="module")
def lunch_published():
    cfg, req, agents = _lunch_site()
    return solve_roster(cfg, req, agents, no_leave(), WEEK, time_limit_s=5)


def _lunch_replan(published, changes, cost=None, time_limit_s=5.0):
    cfg, req, agents = _lunch_site()
    return replan_roster(with_change_cost(cfg, cost), published, published.roster_slots, req, agents, None,
                         changes, WEEK, time_limit_s=time_limit_s)


def _diff(old, new) -> pd.DataFrame:
    from planner.publish import roster_diff
    from planner.scheduling.roster import as_roster

    return roster_diff(as_roster(old), as_roster(new))  # RosterResults: shifts with their breaks


def _wednesday_worker(published) -> str:
    return str(published.roster.loc[published.roster["date"] == WED, "agent_id"].iloc[0])


def test_a_partial_absence_that_breaks_the_weekly_minimum_returns_the_forced_edits_even_without_search(lunch_published):
    # every Wednesday shift overlaps 10:00-18:00, so the agent loses the day and, to keep 35 h, must work another;
    # the published roster minus that day breaks a hard rule, so it cannot be the start as it is. With 1 s there is no
    # time for a search: what comes back is the start, the published roster with exactly those two edits.
    who = _wednesday_worker(lunch_published)
    changes = [Change(2, "absent", WED, agent_id=who, from_min=600, to_min=1080, note="appointment")]
    done = _lunch_replan(lunch_published, changes, time_limit_s=1)
    diff = _diff(lunch_published, done.result)
    assert set(diff["agent_id"]) == {who}
    assert sorted(diff["change"]) == ["added", "removed"]
    assert diff.loc[diff["change"] == "removed", "date"].tolist() == [WED.isoformat()]
    cfg, req, agents = _lunch_site()
    assert check_roster(done.result, cfg, agents, done.leave, done.requirements, week_start=WEEK) == []
    assert done.result.objective_terms["changed_shifts"] == pytest.approx(2 * cfg.solver.weights.changed_shift)
    assert done.changes.loc[done.changes["change"] == "added", "reason"].str.contains("line 2: absent").all()


def test_a_published_week_that_breaks_a_rule_of_todays_inputs_is_repaired_not_searched_from_scratch(lunch_published):
    # A1's week as published has 4 days (as if around leave since withdrawn): below today's weekly minimum, though no
    # change row names A1. The start gives A1 a fifth day and keeps the rest.
    from planner.scheduling.roster import Roster

    cfg, req, agents = _lunch_site()
    old = lunch_published.tables()
    day = sorted(old.shifts.loc[old.shifts["agent_id"] == "A1", "date"])[0]
    gone = (old.shifts["agent_id"] == "A1") & (old.shifts["date"] == day)
    in_day = lambda ts: pd.to_datetime(ts).dt.date == day  # noqa: E731
    breaks = old.breaks[~((old.breaks["agent_id"] == "A1") & in_day(old.breaks["start"]))]
    slots = old.activity[~((old.activity["agent_id"] == "A1") & in_day(old.activity["interval_start"]))]
    published = Roster(old.shifts[~gone].reset_index(drop=True), breaks.reset_index(drop=True), slots)
    same = [Change(2, "requirement", WED, channel="voice", from_min=600, to_min=720, factor=1.0)]
    done = replan_roster(cfg, published, slots, req, agents, None, same, WEEK, time_limit_s=1)
    diff = _diff(published, done.result)
    assert set(diff["agent_id"]) == {"A1"} and diff["change"].tolist() == ["added"]
    assert check_roster(done.result, cfg, agents, None, done.requirements, week_start=WEEK) == []


def test_a_replan_never_costs_more_than_its_start(lunch_published):
    who = _wednesday_worker(lunch_published)
    done = _lunch_replan(lunch_published, [Change(2, "absent", WED, agent_id=who, from_min=600, to_min=1080)])
    start = next(p for p in done.result.phases if p.name == "start_check")
    assert start.objective is not None
    assert done.result.objective <= start.objective + 1e-6


def test_no_changes_return_the_published_roster_as_it_is(lunch_published):
    done = _lunch_replan(lunch_published, [])
    assert _diff(lunch_published, done.result).empty  # hours, breaks, paid hours and channels
    assert done.changes.empty
    assert done.result.objective == pytest.approx(lunch_published.objective)
    # no search ran: the solve with every value fixed proves only this roster's own cost, not that it is the best
    assert done.result.status == "FEASIBLE" and done.result.best_bound == 0.0 and done.result.gap == 1.0


def test_unchanged_shifts_keep_their_breaks_and_lunch(lunch_published):
    who = _wednesday_worker(lunch_published)
    done = _lunch_replan(lunch_published, [Change(2, "leave", WED, agent_id=who)], cost=1e6)
    diff = _diff(lunch_published, done.result)
    assert set(diff["agent_id"]) <= {who}  # nobody else's hours, lunch or breaks move when changes cost a lot


def test_changes_csv_lists_every_agent_day_planner_diff_lists_and_the_cost_counts_them(lunch_published):
    who = _wednesday_worker(lunch_published)
    done = _lunch_replan(lunch_published, [Change(2, "absent", WED, agent_id=who)], cost=7)
    diff = _diff(lunch_published, done.result)
    table = done.changes
    assert set(zip(table["agent_id"], table["date"].astype(str), strict=True)) == \
        set(zip(diff["agent_id"], diff["date"], strict=True))
    breaks_or_hours = diff[diff["change"] != "channels_changed"].drop_duplicates(["agent_id", "date"])
    assert int((table["change"] != "channel").sum()) == len(breaks_or_hours)
    assert done.result.objective_terms["changed_shifts"] == pytest.approx(7 * len(breaks_or_hours))


def test_a_changed_lunch_or_break_is_a_change_row_with_both_sides():
    from planner.scheduling.replan import changes_table

    t = pd.Timestamp(WED)
    old = pd.DataFrame({"agent_id": ["A1"], "date": [WED], "shift_start": [t + pd.Timedelta(hours=8)],
                        "shift_end": [t + pd.Timedelta(hours=16)],
                        "breaks": [[(t + pd.Timedelta(hours=12), t + pd.Timedelta(hours=13), "lunch")]],
                        "paid_hours": [7.0], "team": [""], "channels": [["voice"]]})
    new = old.assign(breaks=[[(t + pd.Timedelta(hours=11), t + pd.Timedelta(hours=11, minutes=30), "lunch")]],
                     paid_hours=[7.5])
    table = changes_table(old, new, [])
    assert table[["change", "old_breaks", "new_breaks", "old_paid_hours", "new_paid_hours", "reason"]].values.tolist() == \
        [["breaks", "12:00-13:00", "11:00-11:30", 7.0, 7.5, "coverage"]]


def test_the_share_of_other_agents_shifts_changed_is_at_most_one():
    from planner.scheduling.replan import change_counts, changes_table

    def roster(days):
        return pd.DataFrame({"agent_id": ["A1"] * len(days), "date": days,
                             "shift_start": [pd.Timestamp(d) + pd.Timedelta(hours=8) for d in days],
                             "shift_end": [pd.Timestamp(d) + pd.Timedelta(hours=16) for d in days],
                             "breaks": [[] for _ in days], "paid_hours": [8.0] * len(days), "team": [""] * len(days),
                             "channels": [["voice"]] * len(days)})

    old = roster([WEEK, WEEK + dt.timedelta(days=1)])
    new = roster([WEEK + dt.timedelta(days=d) for d in (2, 3, 4)])
    counts = change_counts(changes_table(old, new, []), old, new, [])
    assert (counts["other_agents_shifts_changed"], counts["other_agents_shifts"]) == (5, 5)
    assert counts["other_agents_shifts_changed_share"] == 1.0


def test_missing_files_are_named_as_given(run_folder, capsys):
    args = _args(run_folder, "agent_id,date,kind\n")
    at = args.index("--roster") + 1
    gone = [*args[:at], str(run_folder / "nothere" / "roster.csv"), *args[at + 1:]]
    with pytest.raises(SystemExit) as info:
        main(gone)
    assert info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "roster.csv not found" in err and "roster_slots.csv" not in err
    with pytest.raises(SystemExit) as info:
        main([*args, "--requirements", str(run_folder / "nope.csv")])
    assert info.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "nope.csv not found" in err and "beside" not in err


def test_a_bad_cell_of_the_changes_file_gets_one_message(run_folder, capsys):
    rows = "agent_id,date,kind,from,to,channel,factor\n,2026-11-25,requirement,10:00,12:00,voice,abc\n" \
           "A1,2026-11-25,absent,1x:00,14:00,,\n"
    with pytest.raises(SystemExit) as info:
        main(_args(run_folder, rows))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "2 problem(s)" in err
    assert err.count("line 2") == 1 and "got 'abc'" in err
    assert err.count("line 3") == 1 and "got '1x:00'" in err
