"""What-if scenarios: overlay files validated like the config, each change touching what it names and nothing else,
the fixed-roster evaluation replayed against its definition, and `planner whatif` end to end."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from planner.cli.app import main
from planner.cli.commands.demo import write_demo_config
from planner.config import load_config
from planner.errors import ConfigError
from planner.io.files import write_table
from planner.io.tables import read_agents, read_history, read_leave
from planner.sample import write_site
from planner.scenarios.apply import apply_scenario, untouched_changes
from planner.scenarios.evaluate import baseline_week, day_table, evaluate, fixed_roster, reroster, scenario_inputs
from planner.scenarios.overlay import parse_scenario

WEEK = dt.date(2026, 11, 23)
CHANNELS = ["voice", "chat", "email", "social"]
CONTRACTS = ["full_time", "part_time", "weekend"]


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_site):
    """A 12-week sample site with its first 40 agents, a site.yaml naming it, and the baseline week."""
    folder = tmp_path_factory.mktemp("whatif")
    config_path = write_demo_config(folder)
    cfg = load_config(config_path)
    generated = sample_site(12)
    write_site(generated, folder / "data")
    write_table(generated.agents.head(40), folder / "data" / "agents.csv")
    agents = read_agents(folder / "data" / "agents.csv", cfg)
    kept = generated.leave[generated.leave["agent_id"].isin(agents["agent_id"])]
    write_table(kept, folder / "data" / "leave.csv")
    leave = read_leave(folder / "data" / "leave.csv", agents, cfg)
    history = read_history(folder / "data" / "history.csv", cfg)
    week = baseline_week(cfg, history, agents, leave, WEEK)
    return folder, config_path, cfg, week


def _scenario(changes: str, name: str = "S"):
    return parse_scenario(f"name: {name}\nchanges:\n{changes}", "s.yaml", CHANNELS, CONTRACTS)


def _apply(week, changes: str):
    return apply_scenario(_scenario(changes), week.config, week.staffing_input, week.agents, week.leave, WEEK,
                          WEEK + dt.timedelta(days=6), week.history_end)


def _base(week) -> pd.DataFrame:
    return scenario_inputs(week, None).staffing_input.assign(interval_start=lambda d: pd.to_datetime(d["interval_start"]))


def _roster_from_requirement(week) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A stand-in roster: as many named agents per slot and channel as the baseline requires (its coverage is exact)."""
    from planner.staffing import requirements

    req = requirements(week.staffing_input, week.config)
    req = req[(req["interval_start"] >= pd.Timestamp(WEEK)) & (req["interval_start"] < pd.Timestamp(WEEK) + pd.Timedelta(days=7))]
    rows = [(f"{ch}{k}", t, ch) for t, ch, n in zip(req["interval_start"], req["channel"], req["agents_required"],
                                                   strict=True) for k in range(int(n))]
    slots = pd.DataFrame(rows, columns=["agent_id", "interval_start", "activity"])
    shifts = pd.DataFrame({"agent_id": sorted(set(slots["agent_id"])), "date": WEEK, "paid_hours": 8.0})
    return slots, shifts


@pytest.fixture(scope="module")
def stand_in(site):
    """The stand-in roster (slots, shifts) and the baseline week against it, made once for the module's tests."""
    *_, week = site
    slots, shifts = _roster_from_requirement(week)
    return slots, shifts, fixed_roster(week, "S", scenario_inputs(week, None), slots, shifts)


# --- files ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "expected"), [
    ("  - campain: {channels: [voice]}\n", "changes[0].campain (line 3, column 5): unknown key, did you mean 'campaign'?"),
    ("  - volume: {channels: [vocie], start: 2026-11-23, end: 2026-11-24}\n", "unknown channel 'vocie'"),
    ("  - volume: {channels: [voice], start: 2026-11-25, end: 2026-11-23}\n", "changes[0].volume.end (line 3"),
    ("  - target: {channel: voice, service_level: 1.5, answer_within_s: 20}\n", "less than or equal to 1"),
    ("  - aht: {channels: [voice], start: 2026-11-23, end: 2026-11-24}\n", "exactly one of factor"),
    ("  - {aht: {channels: [voice], start: 2026-11-23, end: 2026-11-24, factor: 1.1}, shrinkage: {channels: [voice], "
     "shrinkage: 0.3}}\n", "a change is exactly one of"),
    ("  - headcount: {hires: [{count: 2, skills: [voice], contract: fulltime, start: 2026-11-23}]}\n",
     "unknown contract 'fulltime'"),
    ("  - contract: {name: fulltime, weekly_hours_min: 30}\n", "unknown contract 'fulltime'"),
    ("  - contract: {name: full_time}\n", "give at least one of weekly_hours_min"),
    ("  - contract: {name: full_time, weekly_hour_min: 30}\n", "unknown key, did you mean 'weekly_hours_min'?"),
    ("  - contract: {name: full_time, shift_lengths_h: [seven]}\n",
     "changes[0].contract.shift_lengths_h[0] (line 3, column 51): Input should be a valid number"),
])
def test_a_bad_scenario_file_names_the_key_line_and_what_was_expected(changes, expected):
    with pytest.raises(ConfigError) as err:
        _scenario(changes)
    assert expected in str(err.value)


def test_the_shipped_scenarios_parse(repo):
    cfg = load_config(repo / "configs" / "demo.yaml")
    for path in sorted((repo / "configs" / "scenarios").glob("*.yaml")):
        if path.name.startswith("sweep_"):  # sweep grids: tests/test_sweep.py
            continue
        from planner.scenarios.overlay import load_scenario

        assert load_scenario(path, cfg.channel_names, [c.name for c in cfg.contracts]).changes, path


# --- each change touches what it names --------------------------------------------------------------------------------


def test_campaign_multiplies_its_channels_and_days_by_the_ramped_uplift_and_nothing_else(site):
    *_, week = site
    base = _base(week)
    got = _apply(week, "  - campaign: {channels: [voice], start: 2026-11-25, end: 2026-11-26, uplift: 0.4, "
                       "ramp_days: 1, decay_days: 2, aht_change: 0.1}\n").staffing_input
    day = base["interval_start"].dt.date
    strength = {dt.date(2026, 11, 25): 0.5, dt.date(2026, 11, 26): 1.0, dt.date(2026, 11, 27): 2 / 3,
                dt.date(2026, 11, 28): 1 / 3}
    s = day.map(strength).fillna(0.0).where(base["channel"] == "voice", 0.0)
    np.testing.assert_allclose(got["offered"], base["offered"] * (1 + 0.4 * s))
    np.testing.assert_allclose(got["aht_s"], base["aht_s"] * (1 + 0.1 * s))
    assert (s > 0).sum() > 0 and ((s == 0) | (base["channel"] == "voice")).all()


def test_a_zero_campaign_is_the_baseline_exactly(site):
    *_, week = site
    got = _apply(week, "  - campaign: {channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, uplift: 0.0}\n")
    pd.testing.assert_frame_equal(got.staffing_input, _base(week))
    assert got.config == week.config


def test_volume_adds_exactly_its_contacts_per_day_in_the_days_shape(site):
    *_, week = site
    base = _base(week)
    got = _apply(week, "  - volume: {channels: [email], start: 2026-11-24, end: 2026-11-24, factor: 2.0, "
                       "add_per_day: 100}\n").staffing_input
    on = (base["channel"] == "email") & (base["interval_start"].dt.date == dt.date(2026, 11, 24))
    assert got.loc[on, "offered"].sum() == pytest.approx(2 * base.loc[on, "offered"].sum() + 100)
    shape = base.loc[on, "offered"] / base.loc[on, "offered"].sum()
    np.testing.assert_allclose(got.loc[on, "offered"], 2 * base.loc[on, "offered"] + 100 * shape)
    np.testing.assert_array_equal(got.loc[~on, "offered"], base.loc[~on, "offered"])


def test_channel_shift_moves_contacts_slot_by_slot_and_keeps_the_total(site):
    *_, week = site
    base = _base(week)
    got = _apply(week, "  - channel_shift: {from_channel: voice, to_channel: chat, share: 0.2, start: 2026-11-23, "
                       "end: 2026-11-29}\n").staffing_input
    both = base["channel"].isin(["voice", "chat"])
    total = lambda f: f[both].groupby("interval_start")["offered"].sum()  # noqa: E731
    pd.testing.assert_series_equal(total(got), total(base))
    voice = base["channel"] == "voice"
    in_week = (base["interval_start"] >= pd.Timestamp(WEEK)) & (base["interval_start"] < pd.Timestamp("2026-11-30"))
    np.testing.assert_allclose(got.loc[voice & in_week, "offered"], 0.8 * base.loc[voice & in_week, "offered"])
    assert (got.loc[~both, "offered"].to_numpy() == base.loc[~both, "offered"].to_numpy()).all()


def test_config_changes_touch_only_their_channel_and_stay_valid(site):
    *_, week = site
    got = _apply(week, "  - target: {channel: voice, service_level: 0.9, answer_within_s: 30}\n"
                       "  - shrinkage: {channels: [chat], shrinkage: 0.4}\n"
                       "  - opening_hours: {channel: chat, hours: {sunday: closed}}\n").config
    assert got.channel("voice").target.service_level == 0.9 and got.channel("voice").target.answer_within_s == 30
    assert got.channel("chat").shrinkage == 0.4 and got.channel("voice").shrinkage == week.config.channel("voice").shrinkage
    assert got.hours_on(dt.date(2026, 11, 29), "chat") is None
    assert got.hours_on(dt.date(2026, 11, 28), "chat") == week.config.hours_on(dt.date(2026, 11, 28), "chat")
    assert got.channel("email") == week.config.channel("email")
    with pytest.raises(ConfigError, match="opening_hours"):  # a channel open when the site is closed
        _apply(week, "  - opening_hours: {channel: chat, hours: {monday: {open: '00:00', close: '24:00'}}}\n")


def test_a_contract_change_sets_only_its_terms_and_an_inconsistent_one_is_refused(site):
    *_, week = site
    got = _apply(week, "  - contract: {name: full_time, weekly_hours_min: 30, shift_lengths_h: [6, 7, 8, 8.5]}\n")
    before, after = week.config.contract("full_time"), got.config.contract("full_time")
    assert after.weekly_hours_min == 30 and after.shift_lengths_h == [6, 7, 8, 8.5]
    assert after.weekly_hours_max == before.weekly_hours_max and after.days_per_week_max == before.days_per_week_max
    assert got.config.contract("part_time") == week.config.contract("part_time")
    assert got.contracts_changed == ("full_time",)
    unread = parse_scenario("name: S\nchanges:\n  - contract: {name: night, weekly_hours_min: 30}\n", "s.yaml", CHANNELS,
                            CONTRACTS + ["night"])  # a name this site does not have
    with pytest.raises(ConfigError, match="unknown contract 'night'; the site's contracts are full_time"):
        apply_scenario(unread, week.config, week.staffing_input, week.agents, week.leave, WEEK,
                       WEEK + dt.timedelta(days=6), week.history_end)
    with pytest.raises(ConfigError, match=r"change contract: .*contracts\.0: weekly_hours_min 45\.0 > weekly_hours_max 40\.0"):
        _apply(week, "  - contract: {name: full_time, weekly_hours_min: 45}\n")


@pytest.mark.parametrize(("terms", "expected"), [
    ("weekly_hours_min: 45", "changes[0].contract.weekly_hours_min (line 3, column 33): weekly_hours_min 45.0 > "
                             "weekly_hours_max 40.0 (with full_time's other terms)"),
    ("shift_lengths_h: [8, 7.3]", "changes[0].contract.shift_lengths_h[1] (line 3, column 54): a 7.3 h shift is not a "
                                  "whole number of 15-minute slots"),
    ("weekly_hours_min: -1", "changes[0].contract.weekly_hours_min (line 3, column 33): Input should be greater than or "
                             "equal to 0"),
    ("days_per_week_max: 8", "Input should be less than or equal to 7"),
    ("shift_lengths_h: []", "List should have at least 1 item"),
    ("shift_lengths_h: [30]", "shift_lengths_h must be in (0, 16] hours, got 30"),
    ("weekly_hours_min: 39, days_per_week_max: 4, shift_lengths_h: [6]",
     "changes[0].contract.weekly_hours_min (line 3, column 33): weekly_hours_min 39 cannot be worked: at most 4 "
     "shift(s) a week of at most 6 h is 24 h (with full_time's other terms)"),
    ("days_per_week_max: 4", "weekly_hours_min 35 cannot be worked: at most 4 shift(s) a week of at most 8.5 h is 34 h"),
])
def test_a_contract_change_is_checked_against_the_contract_it_edits_when_the_file_is_read(site, terms, expected):
    *_, week = site
    with pytest.raises(ConfigError) as err:
        parse_scenario(f"name: S\nchanges:\n  - contract: {{name: full_time, {terms}}}\n", "s.yaml", CHANNELS,
                       CONTRACTS, week.config)
    assert expected in str(err.value)


def test_a_cost_only_contract_change_needs_no_re_roster(site, stand_in):
    *_, week = site
    slots, shifts, _ = stand_in
    inputs = scenario_inputs(week, _scenario("  - contract: {name: full_time, cost_per_paid_hour: 30}\n"))
    assert inputs.config.contract("full_time").cost_per_paid_hour == 30 and inputs.contracts_changed == ()
    assert "contract" not in fixed_roster(week, "S", inputs, slots, shifts).note
    same = scenario_inputs(week, _scenario("  - contract: {name: full_time, weekly_hours_min: 35}\n"))
    assert same.contracts_changed == ()  # the config's own value: nothing changes


def test_a_contract_change_shapes_the_re_roster_and_the_fixed_roster_says_it_does_not_follow(site, stand_in):
    *_, week = site
    slots, shifts, _ = stand_in
    sc = _scenario("  - contract: {name: full_time, weekly_hours_min: 30, shift_lengths_h: [7]}\n")
    inputs = scenario_inputs(week, sc)
    assert "contract full_time changed" in fixed_roster(week, "S", inputs, slots, shifts).note
    outcome = reroster(week, "S", inputs, time_limit_s=5)
    roster = outcome.roster.roster.merge(week.agents[["agent_id", "contract"]], on="agent_id")
    full = roster[roster["contract"] == "full_time"]
    hours = (pd.to_datetime(full["shift_end"]) - pd.to_datetime(full["shift_start"])).dt.total_seconds() / 3600
    assert len(full) > 0 and set(hours.round(2)) == {7.0}  # every full-time shift has the scenario's only length


def test_headcount_adds_hires_with_training_and_blocks_leavers_after_their_last_day(site):
    *_, week = site
    got = _apply(week, "  - headcount: {hires: [{count: 3, skills: [voice], contract: full_time, start: 2026-11-25, "
                       "training_days: 2}], leavers: [{agent_id: A001, last_day: 2026-11-26}]}\n")
    hires = got.agents[got.agents["agent_id"].str.startswith("H")]
    assert list(hires["agent_id"]) == ["H001", "H002", "H003"]
    rows = got.leave[got.leave["agent_id"].isin(["H001", "A001"]) & got.leave["kind"].isin(["not_started", "training",
                                                                                            "left"])]
    spans = {(a, k): (s, e) for a, k, s, e in zip(rows["agent_id"], rows["kind"], rows["start_date"], rows["end_date"],
                                                  strict=True)}
    assert spans[("H001", "not_started")] == (WEEK, dt.date(2026, 11, 24))
    assert spans[("H001", "training")] == (dt.date(2026, 11, 25), dt.date(2026, 11, 26))
    assert spans[("A001", "left")] == (dt.date(2026, 11, 27), dt.date(2026, 11, 29))
    assert got.gone == {"A001": dt.date(2026, 11, 26)}


# --- fixed-roster evaluation -------------------------------------------------------------------------------------------


def test_fixed_roster_service_level_falls_as_the_campaign_grows(site, stand_in):
    *_, week = site
    slots, shifts, baseline = stand_in
    levels = []
    for uplift in (0.0, 0.1, 0.3):
        sc = _scenario(f"  - campaign: {{channels: [voice, chat], start: 2026-11-23, end: 2026-11-29, uplift: {uplift}}}\n")
        days = day_table(fixed_roster(week, "S", scenario_inputs(week, sc), slots, shifts))
        imm = days[days["channel"].isin(["voice", "chat"])]
        levels.append((imm["service_level"] * imm["offered"]).sum() / imm["offered"].sum())
    assert levels[0] > levels[1] > levels[2]
    base = day_table(baseline)
    zero = day_table(fixed_roster(week, "S", scenario_inputs(week, _scenario(
        "  - campaign: {channels: [voice], start: 2026-11-23, end: 2026-11-29, uplift: 0.0}\n")), slots, shifts))
    pd.testing.assert_frame_equal(zero, base)  # +0 % equals the baseline exactly


def test_fixed_roster_day_figures_replay_from_the_slots(stand_in):
    *_, outcome = stand_in
    days = day_table(outcome)
    cov = outcome.coverage.assign(date=pd.to_datetime(outcome.coverage["interval_start"]).dt.date)
    voice = cov[(cov["channel"] == "voice") & (cov["date"] == WEEK)]
    row = days[(days["channel"] == "voice") & (days["date"] == WEEK)].iloc[0]
    # the stand-in roster has exactly the requirement: no shortfall, scheduled = required hours
    assert row["short_h"] == 0 and row["scheduled_h"] == pytest.approx(row["required_h"])
    assert row["scheduled_h"] == pytest.approx(voice["scheduled"].sum() * 0.25)
    sl = voice["service_level_projected"]
    w = voice["offered"].where(sl.notna(), 0)
    assert row["service_level"] == pytest.approx((sl.fillna(0) * w).sum() / w.sum())
    assert row["late_contacts"] == pytest.approx((voice["offered"] * (1 - sl.fillna(1))).sum())
    assert row["service_level"] >= 0.8 - 1e-9  # the plan's staffing meets the 80 % target on the day


def test_a_leaver_s_shifts_leave_the_fixed_roster_after_the_last_day(site, stand_in):
    *_, week = site
    slots, shifts, base = stand_in
    gone = slots["agent_id"].iloc[0]
    sc = _scenario("  - headcount: {leavers: [{agent_id: A001, last_day: 2026-11-24}]}\n")
    inputs = scenario_inputs(week, sc)
    inputs.gone[gone] = dt.date(2026, 11, 24)
    outcome = fixed_roster(week, "S", inputs, slots, shifts)
    late = pd.to_datetime(slots["interval_start"]).dt.date > dt.date(2026, 11, 24)
    removed = int((late & (slots["agent_id"] == gone)).sum())
    assert removed > 0 and outcome.coverage["scheduled"].sum() == base.coverage["scheduled"].sum() - removed


def test_changes_outside_the_week_are_named_and_noted_in_the_summary(site, stand_in):
    *_, week = site
    sc = _scenario("  - campaign: {channels: [voice], start: 2026-11-25, end: 2026-11-27, uplift: 0.2}\n"
                   "  - volume: {channels: [chat], start: 2026-12-01, end: 2026-12-03, factor: 2.0}\n"
                   "  - campaign: {channels: [chat], start: 2026-11-20, end: 2026-11-21, uplift: 0.2, decay_days: 2}\n"
                   "  - headcount: {hires: [{count: 2, skills: [voice], contract: full_time, start: 2026-12-07}]}\n"
                   "  - target: {channel: voice, service_level: 0.9, answer_within_s: 20}\n")
    assert untouched_changes(sc, WEEK, WEEK + dt.timedelta(days=6)) == [
        "change 2 (volume, 2026-12-01 to 2026-12-03)", "change 4 (headcount: hires from 2026-12-07)"]
    slots, shifts, _ = stand_in
    outcomes = evaluate(week, [sc], ("fixed",), slots, shifts)
    assert outcomes[0].note == ""
    assert outcomes[1].note == ("not applied, no day in the week: change 2 (volume, 2026-12-01 to 2026-12-03); "
                                "change 4 (headcount: hires from 2026-12-07)")


# --- CLI ----------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_whatif_writes_the_comparison(site, tmp_path, repo, capsys):
    folder, config_path, *_ = site
    with pytest.raises(SystemExit) as done:
        main(["whatif", "--config", str(config_path), "--scenario", str(repo / "configs/scenarios/campaign.yaml"),
              "--out", str(tmp_path), "--time-limit", "5", "--mode", "both", "--replications", "50", "--simulate", "3"])
    assert done.value.code == 0, capsys.readouterr().err
    days = pd.read_csv(tmp_path / "scenarios.csv")
    assert set(days["scenario"]) == {"baseline", "Black Friday campaign"} and set(days["mode"]) == {"fixed", "reroster"}
    assert days[["expected_service_level", "p_meets_target", "simulated_service_level"]].notna().any().all()
    summary = pd.read_csv(tmp_path / "scenario_summary.csv").set_index(["scenario", "mode"])
    assert summary.loc[("Black Friday campaign", "fixed"), "service_level"] < summary.loc[("baseline", "fixed"),
                                                                                         "service_level"]
    assert (tmp_path / "whatif.html").stat().st_size > 100_000 and (tmp_path / "whatif.xlsx").exists()


def test_cli_whatif_bad_scenario_or_mode_exits_2_with_one_message(site, tmp_path, capsys):
    _, config_path, *_ = site
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nchanges:\n  - volume: {channels: [voice], start: 2026-11-23, end: 2026-11-24, factr: 2}\n")
    with pytest.raises(SystemExit) as done:
        main(["whatif", "--config", str(config_path), "--scenario", str(bad), "--out", str(tmp_path / "o")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "factr" in err and "did you mean 'factor'" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as done:
        main(["whatif", "--config", str(config_path), "--scenario", str(bad), "--out", str(tmp_path / "o"),
              "--mode", "sometimes"])
    assert done.value.code == 2 and "fixed, reroster or both" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def _stand_in_roster_files(stand_in, folder):
    """The stand-in roster as a run folder's roster.csv and roster_slots.csv (for --roster)."""
    slots, shifts, _ = stand_in
    write_table(slots, folder / "roster_slots.csv")
    write_table(shifts.assign(shift_start="08:00", shift_end="16:00", breaks="", channels="voice"), folder / "roster.csv")
    return folder / "roster.csv"


def test_cli_whatif_warns_of_a_change_outside_the_week_and_refuses_a_scenario_wholly_outside(site, stand_in, tmp_path,
                                                                                              capsys):
    _, config_path, *_ = site
    roster = _stand_in_roster_files(stand_in, tmp_path)
    partly = tmp_path / "partly.yaml"
    partly.write_text("name: Partly\nchanges:\n  - campaign: {channels: [voice], start: 2026-11-25, end: 2026-11-27, "
                      "uplift: 0.2}\n  - volume: {channels: [chat], start: 2026-12-01, end: 2026-12-03, factor: 2.0}\n")
    args = ["whatif", "--config", str(config_path), "--roster", str(roster), "--mode", "fixed", "--replications", "0"]
    with pytest.raises(SystemExit) as done:
        main([*args, "--scenario", str(partly), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert done.value.code == 0, captured.err
    err, printed = " ".join(captured.err.split()), " ".join(captured.out.split())
    assert err.count("Warning:") == 1
    assert (f"Warning: {partly} ('Partly'): change 2 (volume, 2026-12-01 to 2026-12-03) touches no day of the week "
            "2026-11-23 to 2026-11-29; it is not applied") in err
    assert "Partly (fixed): not applied, no day in the week: change 2 (volume, 2026-12-01 to 2026-12-03)" in printed
    summary = pd.read_csv(tmp_path / "o" / "scenario_summary.csv").set_index("scenario")
    assert "change 2 (volume" in summary.loc["Partly", "note"]
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: Later\nchanges:\n  - campaign: {channels: [voice], start: 2026-12-02, end: 2026-12-04, "
                       "uplift: 0.25}\n")
    with pytest.raises(SystemExit) as done:
        main([*args, "--scenario", str(outside), "--out", str(tmp_path / "o2")])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2
    assert ("no change of these scenarios touches a day of the week 2026-11-23 to 2026-11-29" in err
            and f"{outside} ('Later'): change 1 (campaign, 2026-12-02 to 2026-12-04)" in err)
    assert not (tmp_path / "o2").exists()


def test_uncertainty_with_no_dispersion_is_the_projection_and_lowers_it_with_some(site, stand_in):
    import dataclasses

    from planner.scenarios.evaluate import with_uncertainty

    *_, week = site
    *_, outcome = stand_in
    days = day_table(outcome)
    exact = with_uncertainty(days, outcome, dataclasses.replace(week, day_dispersion={}), 50, 1)
    imm = exact[exact["channel"].isin(["voice", "chat"])]
    np.testing.assert_allclose(imm["expected_service_level"], imm["service_level"], rtol=1e-9)
    assert set(imm["p_meets_target"]) <= {0.0, 1.0}  # one possible day per draw: it meets the target or not
    noisy = with_uncertainty(days, outcome, dataclasses.replace(week, day_dispersion={"voice": 0.02, "chat": 0.02}),
                             400, 1)
    v_exact = exact[exact["channel"] == "voice"]
    v_noisy = noisy[noisy["channel"] == "voice"]
    assert (v_noisy["expected_service_level"].to_numpy() < v_exact["expected_service_level"].to_numpy()).all()
