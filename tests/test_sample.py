"""The sample site: deterministic, shaped like a real contact centre, consistent between tables, sized for its agents."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli.app import app
from planner.config import load_config
from planner.io.aggregate import contacts_to_intervals
from planner.io.tables import read_agents, read_bids, read_contacts, read_history, read_leave
from planner.sample import DEFAULT_PARAMS, demo_config_path, generate_site, write_site
from planner.sample.contacts import contacts_frame, intervals_from_contacts
from planner.sample.simulate import simulate_deferred, simulate_immediate
from planner.sample.sizing import sizing
from planner.sample.volumes import channel_slots, slot_axis

END = dt.date(2026, 11, 22)
AUTUMN_CAMPAIGN = (dt.date(2026, 9, 15), dt.date(2026, 9, 27))  # chat and social, +60 % after a 1-day ramp


@pytest.fixture(scope="module")
def config():
    return load_config(demo_config_path())


@pytest.fixture(scope="module")
def site(config):
    """Twelve weeks (from Monday 2026-08-31, a bank holiday, through the autumn campaign and a DST fall-back)."""
    return generate_site(config, seed=7, weeks=12)


def _channel(history: pd.DataFrame, name: str) -> pd.DataFrame:
    h = history[history["channel"] == name].copy()
    h["date"] = h["interval_start"].dt.date
    h["weekday"] = h["interval_start"].dt.weekday
    h["hour"] = h["interval_start"].dt.hour + h["interval_start"].dt.minute / 60
    return h


def _mean_by_time_of_day(h: pd.DataFrame, weekdays: list[int]) -> pd.Series:
    days = h[h["weekday"].isin(weekdays)]
    return days.groupby("hour")["offered"].sum() / days["date"].nunique()


# ---- packaging and CLI -------------------------------------------------------------------------

def test_demo_config_is_packaged_and_is_the_checked_in_one(repo):
    path = demo_config_path()
    assert path.is_file()
    assert path.read_bytes() == (repo / "configs" / "demo.yaml").read_bytes()


def test_cli_twice_gives_byte_identical_files(tmp_path):
    runner = CliRunner()
    outputs = []
    for name in ("a", "b"):
        result = runner.invoke(app, ["sample", "--out", str(tmp_path / name), "--seed", "7", "--weeks", "1"])
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in sorted((tmp_path / name).iterdir())})
    assert set(outputs[0]) == {"history.csv", "contacts.csv", "agents.csv", "leave.csv", "bids.csv"}
    assert outputs[0] == outputs[1]


def test_another_seed_gives_another_site(config):
    one, other = (generate_site(config, seed=seed, weeks=1) for seed in (7, 8))
    assert not one.history.equals(other.history)
    assert not one.agents.equals(other.agents)


def test_cli_help_has_an_example():
    result = CliRunner().invoke(app, ["sample", "--help"], terminal_width=120)
    assert result.exit_code == 0
    assert "Example: planner sample --out" in result.output


@pytest.fixture(scope="module")
def autumn(config):
    """One week ending on the Sunday clocks go back (2026-10-25)."""
    return generate_site(config, weeks=1, end=dt.date(2026, 10, 25))


@pytest.fixture(scope="module")
def written(autumn, tmp_path_factory):
    """The one-week autumn site written as CSV files."""
    return write_site(autumn, tmp_path_factory.mktemp("site"))


def test_written_files_pass_the_io_readers(written, autumn, config):
    history, contacts, agents, leave, bids = written
    assert len(read_history(history, config)) == len(autumn.history)
    assert len(read_contacts(contacts, config)) == len(autumn.contacts)
    typed_agents = read_agents(agents, config)
    assert typed_agents["skills"].map(len).max() == 4
    assert len(read_leave(leave, typed_agents)) == len(autumn.leave)
    typed_bids = read_bids(bids, typed_agents, config)
    assert len(typed_bids) == len(autumn.bids) and typed_bids["rank"].min() == 1


def test_write_site_writes_the_five_tables(autumn, written):
    site, paths = autumn, written
    assert [p.name for p in paths] == ["history.csv", "contacts.csv", "agents.csv", "leave.csv", "bids.csv"]
    history = pd.read_csv(paths[0])
    assert list(history.columns) == ["interval_start", "channel", "offered", "handled", "abandoned", "aht_s",
                                     "answered_within_target", "asa_s", "staffed_agents"]
    assert history["interval_start"].iloc[0] == "2026-10-19T00:00:00"
    assert len(history) == len(site.history)


# ---- history shapes ----------------------------------------------------------------------------

def test_history_covers_the_weeks_up_to_the_end(site, config):
    h = site.history
    assert h["interval_start"].min() == pd.Timestamp("2026-08-31 00:00")
    assert h["interval_start"].max() == pd.Timestamp("2026-11-22 23:45")
    assert set(h["channel"]) == set(config.channel_names)
    assert not h.duplicated(["interval_start", "channel"]).any()
    assert (h["offered"] == h["handled"] + h["abandoned"]).all()
    assert (h["answered_within_target"] <= h["handled"]).all()
    assert (h["offered"] >= 0).all()


def test_voice_monday_busier_than_sunday(site):
    voice = _channel(site.history, "voice")
    per_day = voice.groupby(["date", "weekday"])["offered"].sum().groupby("weekday").mean()
    assert per_day[0] > 2 * per_day[6]
    assert per_day[0] > per_day[2] > per_day[5]


def test_voice_peaks_before_15_and_chat_after_17(site):
    weekdays = [0, 1, 2, 3, 4]
    assert _mean_by_time_of_day(_channel(site.history, "voice"), weekdays).idxmax() < 15
    assert _mean_by_time_of_day(_channel(site.history, "chat"), weekdays).idxmax() >= 17


def test_email_arrives_around_the_clock_with_a_monday_morning_surge(site):
    email = _channel(site.history, "email")
    monday = _mean_by_time_of_day(email, [0])
    midweek = _mean_by_time_of_day(email, [1, 2, 3, 4])
    morning = (monday.index >= 8) & (monday.index < 11)
    assert monday[morning].sum() > 1.8 * midweek[morning].sum()
    night = email[(email["hour"] >= 1) & (email["hour"] < 5)]
    assert night["offered"].sum() > 0.02 * email["offered"].sum()


def test_social_is_spread_through_day_and_evening(site):
    social = _channel(site.history, "social")
    by_hour = social.groupby(social["hour"].astype(int))["offered"].sum() / social["offered"].sum()
    assert by_hour.loc[9:17].sum() > 0.3
    assert by_hour.loc[18:23].sum() > 0.25


def test_immediate_channels_offered_only_when_open(site, config):
    for name in ("voice", "chat"):
        h = _channel(site.history, name)
        closed = []
        for row in h[h["offered"] > 0].itertuples():
            hours = config.hours_on(row.date, name)
            minute = row.interval_start.hour * 60 + row.interval_start.minute
            closed.append(hours is None or not (hours.open_min <= minute < hours.close_min))
        assert not any(closed), name


def test_bank_holiday_closes_immediate_channels_but_email_still_arrives(site, config):
    holiday = dt.date(2026, 8, 31)  # Summer bank holiday (England)
    assert config.hours_on(holiday, "voice") is None
    day = site.history[site.history["interval_start"].dt.date == holiday]
    assert day.loc[day["channel"] == "voice", "offered"].sum() == 0
    assert (day["channel"] == "voice").any()  # the closed day is visible as zero rows in the usual hours
    assert day.loc[day["channel"] == "email", "offered"].sum() > 0


def test_autumn_campaign_lifts_chat_and_social_not_voice(site):
    h = site.history.assign(date=site.history["interval_start"].dt.date)
    daily = h.groupby(["channel", "date"])["offered"].sum()
    campaign = pd.date_range(*AUTUMN_CAMPAIGN).date
    after = pd.date_range("2026-10-12", "2026-11-08").date

    def ratio(channel: str) -> float:
        series = daily[channel]
        return series[series.index.isin(campaign)].mean() / series[series.index.isin(after)].mean()

    assert ratio("chat") > 1.35
    assert ratio("social") > 1.35
    assert 0.85 < ratio("voice") < 1.15


def test_aht_varies_by_hour_of_day(site):
    voice = _channel(site.history, "voice")
    voice = voice[voice["handled"] > 0]
    early = voice[(voice["hour"] >= 8) & (voice["hour"] < 10)]
    evening = voice[(voice["hour"] >= 17) & (voice["hour"] < 20)]
    mean = lambda d: (d["aht_s"] * d["handled"]).sum() / d["handled"].sum()  # noqa: E731
    assert mean(early) > 1.05 * mean(evening)


def test_service_is_plausible_and_abandons_rise_when_busy(site):
    voice = _channel(site.history, "voice")
    totals = voice[["offered", "abandoned", "answered_within_target"]].sum()
    assert 0.01 < totals["abandoned"] / totals["offered"] < 0.12
    assert 0.65 < totals["answered_within_target"] / totals["offered"] < 0.95
    daily = voice.groupby("date")[["offered", "abandoned"]].sum()
    daily = daily[daily["offered"] > 0]
    rate = daily["abandoned"] / daily["offered"]
    assert rate.max() > 2 * rate.median()  # some bad days
    chat = _channel(site.history, "chat")
    in_campaign = chat["date"].between(*AUTUMN_CAMPAIGN)
    rate_of = lambda d: d["abandoned"].sum() / d["offered"].sum()  # noqa: E731
    assert rate_of(chat[in_campaign]) > 1.5 * rate_of(chat[~in_campaign])  # the campaign was under-staffed


def test_dst_changes_follow_the_wall_clock(config, autumn):
    spring = generate_site(config, weeks=1, end=dt.date(2026, 3, 29))
    times = spring.history["interval_start"]
    assert not ((times >= "2026-03-29 01:00") & (times < "2026-03-29 02:00")).any()
    assert not spring.contacts["arrived_at"].between("2026-03-29 01:00", "2026-03-29 01:59:59").any()
    repeated = autumn.history[autumn.history["interval_start"].between("2026-10-25 01:00", "2026-10-25 01:45")]
    assert len(repeated) == 8  # one row per wall-clock slot for email and social
    assert not autumn.history.duplicated(["interval_start", "channel"]).any()


# ---- contacts ----------------------------------------------------------------------------------

def test_contacts_cover_the_last_four_weeks_and_aggregate_to_the_history(site, config):
    c = site.contacts
    assert c["arrived_at"].min() >= pd.Timestamp("2026-10-26")
    assert c["arrived_at"].max() < pd.Timestamp("2026-11-23")
    slot = c["arrived_at"].dt.floor("15min")
    answered = ~c["abandoned"]
    wait = (c["answered_at"] - c["arrived_at"]).dt.total_seconds()
    threshold = c["channel"].map({ch.name: ch.target.answer_within_s for ch in config.channels})
    grouped = pd.DataFrame({
        "interval_start": slot, "channel": c["channel"], "offered": 1, "abandoned": c["abandoned"].astype(int),
        "within": (answered & (wait <= threshold)).astype(int), "wait": wait.where(answered, 0),
        "work": (c["handle_s"] + c["wrap_s"]).fillna(0),
    }).groupby(["interval_start", "channel"]).sum()
    h = site.history[site.history["interval_start"] >= pd.Timestamp("2026-10-26")]
    h = h.set_index(["interval_start", "channel"])
    joined = h.join(grouped, rsuffix="_c").fillna({"offered_c": 0, "abandoned_c": 0, "within": 0})
    assert (joined["offered"] == joined["offered_c"]).all()
    assert (joined["abandoned"] == joined["abandoned_c"]).all()
    assert (joined["answered_within_target"] == joined["within"]).all()
    busy = joined[joined["handled"] > 0]
    assert np.allclose(busy["asa_s"], busy["wait"] / busy["handled"], atol=0.051)
    assert np.allclose(busy["aht_s"], busy["work"] / busy["handled"], atol=0.051)


def test_contact_weeks_of_the_history_are_the_io_aggregation_of_the_contacts(site, config):
    since = pd.Timestamp("2026-10-26")
    derived = contacts_to_intervals(site.contacts, config)
    history = site.history[site.history["interval_start"] >= since].reset_index(drop=True)
    joined = history.merge(derived, on=["interval_start", "channel"], how="right", suffixes=("", "_io"), indicator=True)
    assert (joined["_merge"] != "left_only").all()
    only_io = joined[joined["_merge"] == "right_only"]
    assert (only_io["offered_io"] == 0).all()  # the history leaves out closed slots of immediate channels, nothing else
    both = joined[joined["_merge"] == "both"]
    counted = [c for c in history.columns[2:] if c in derived.columns]  # staffed_agents is not in the contacts
    pd.testing.assert_frame_equal(both[counted].reset_index(drop=True),
                                  both[[f"{c}_io" for c in counted]].set_axis(counted, axis=1)
                                  .reset_index(drop=True), check_dtype=False)


@pytest.mark.parametrize("name", ["voice", "chat", "email"])
def test_array_aggregation_of_older_weeks_agrees_with_io(config, site, name):
    rng = np.random.default_rng(1)
    axis = slot_axis(config, dt.date(2026, 3, 23), 14 + 21)  # includes the spring-forward Sunday
    slots = next(s for s in channel_slots(config, axis, DEFAULT_PARAMS, END) if s.name == name)
    channel, p = config.channel(name), DEFAULT_PARAMS.channel(name, "")
    rate = np.where(np.arange(len(slots.rate)) < 14 * axis.slots_per_day, slots.rate, 0)
    offered = rng.poisson(rate)
    if channel.kind == "immediate":
        arrays = simulate_immediate(rng, axis, slots, offered, channel, p, DEFAULT_PARAMS.queue)
    else:
        arrays = simulate_deferred(rng, axis, slots, offered, channel, p)
    mine = intervals_from_contacts(arrays, axis, slots, channel, 0, 14 * axis.slots_per_day).drop(columns="staffed_agents")
    frame = contacts_frame(rng, config, axis, [arrays], 0, 14 * axis.slots_per_day, site.agents, DEFAULT_PARAMS)
    theirs = contacts_to_intervals(frame, config)
    theirs = mine[["interval_start", "channel"]].merge(theirs, how="left", on=["interval_start", "channel"])
    theirs = theirs.fillna({c: 0 for c in ("offered", "handled", "abandoned", "answered_within_target")})
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs, check_dtype=False)
    assert mine["offered"].sum() == len(frame) > 0


def test_contacts_are_consistent_records(site, config):
    c = site.contacts
    assert c["contact_id"].is_unique
    assert (c["arrived_at"].diff().dropna() >= pd.Timedelta(0)).all()
    answered = c[~c["abandoned"]]
    assert answered["answered_at"].notna().all() and answered["agent_id"].notna().all()
    work = pd.to_timedelta(answered["handle_s"] + answered["wrap_s"], "s")
    assert (answered["ended_at"] == answered["answered_at"] + work).all()
    abandoned = c[c["abandoned"]]
    assert abandoned["answered_at"].isna().all() and abandoned["agent_id"].isna().all()
    assert set(abandoned["channel"]) <= {"voice", "chat"}
    give_up = (abandoned["ended_at"] - abandoned["arrived_at"]).dt.total_seconds()
    voice_target = config.channel("voice").target.answer_within_s
    assert (give_up <= voice_target).sum() > 50 and (give_up > voice_target).sum() > 50  # short and long abandons
    skills = site.agents.set_index("agent_id")["skills"].str.split(";")
    assert all(ch in skills[a] for ch, a in zip(answered["channel"], answered["agent_id"], strict=True))
    approved = site.leave[site.leave["status"] == "approved"]
    on_leave = {(row.agent_id, row.start_date + dt.timedelta(days=i))
                for row in approved.itertuples() for i in range((row.end_date - row.start_date).days + 1)}
    worked = set(zip(answered["agent_id"], answered["arrived_at"].dt.date, strict=True))
    assert not worked & on_leave
    assert set(c["contact_type"]) == {"billing", "technical", "account", "sales"}


def test_customers_repeat_across_channels_so_fcr_is_measurable(site):
    c = site.contacts
    per_customer = len(c) / c["customer_id"].nunique()
    assert 1.3 <= per_customer <= 1.6
    channels = c.groupby("customer_id")["channel"].nunique()
    assert (channels > 1).mean() > 0.05
    single = c.groupby("customer_id")["contact_id"].transform("size") == 1
    assert c.loc[single, "resolved"].mean() > 0.85  # one-contact issues are mostly resolved first time
    assert 0.5 < c["resolved"].mean() < 0.85
    assert c.groupby("customer_id")["contact_type"].nunique().max() >= 1


# ---- agents and leave --------------------------------------------------------------------------

def test_agents_mix(site, config):
    a = site.agents
    assert 140 <= len(a) <= 160
    assert a["agent_id"].is_unique and a["name"].is_unique
    assert set(a["contract"]) == {c.name for c in config.contracts}
    skills = a["skills"].str.split(";")
    assert set(skills.explode()) == set(config.channel_names)
    assert (skills.str.len() == 1).sum() > 20 and (skills.str.len() > 1).sum() > 40
    windows = a.dropna(subset=["available_from"])
    assert 10 <= len(windows) <= 50 and windows["available_to"].notna().all()
    assert (windows["available_from"] < windows["available_to"]).all()
    prefs = a["preferences"].dropna().str.split(";").explode()
    assert set(prefs) == {"no_weekends", "early", "late"}
    assert not (a["preferences"].fillna("").str.contains("no_weekends") & (a["contract"] == "weekend")).any()


def test_leave_is_valid_and_touches_the_planning_week(site):
    lv = site.leave
    assert set(lv["agent_id"]) <= set(site.agents["agent_id"])
    assert (lv["end_date"] >= lv["start_date"]).all()
    assert set(lv["kind"]) == {"annual", "sick", "training"}
    for _, rows in lv.sort_values("start_date").groupby("agent_id"):
        assert (rows["start_date"].iloc[1:].to_numpy() > rows["end_date"].iloc[:-1].to_numpy()).all()
    week = lv[(lv["start_date"] <= dt.date(2026, 11, 29)) & (lv["end_date"] >= dt.date(2026, 11, 23))]
    assert {"approved", "requested"} <= set(week["status"])
    assert (lv.loc[lv["start_date"] <= END, "status"] == "approved").all()


def test_sizing_is_tight_but_feasible(site, config):
    result = sizing(config, site)
    assert result.week_start == dt.date(2026, 11, 23)
    assert 0.85 <= result.share_of_max <= 0.95
    assert result.share_of_min >= 1.0
    assert all(result.skilled_max_h[name] > hours for name, hours in result.required_h.items())


# ---- the full default site -----------------------------------------------------------------------

@pytest.mark.slow
def test_full_default_site_has_seasonality_trend_and_the_spring_campaign(config):
    full = generate_site(config)
    h = full.history.assign(date=full.history["interval_start"].dt.date)
    assert h["interval_start"].min() == pd.Timestamp("2024-11-25")
    assert h["interval_start"].max() == pd.Timestamp("2026-11-22 23:45")
    daily = h.groupby(["channel", "date"])["offered"].sum()

    def mean(channel: str, first: str, last: str) -> float:
        days = pd.date_range(first, last).date
        series = daily[channel]
        return series[series.index.isin(days)].mean()

    assert mean("voice", "2026-01-12", "2026-02-08") > 1.1 * mean("voice", "2025-07-14", "2025-08-10")  # yearly season
    assert mean("chat", "2026-10-05", "2026-11-01") > 1.08 * mean("chat", "2025-10-06", "2025-11-02")  # growth trend
    spring = mean("voice", "2025-03-12", "2025-03-23") / mean("voice", "2026-03-11", "2026-03-22")  # same weeks a year on
    assert spring > 1.3
    assert mean("email", "2025-03-12", "2025-03-23") / mean("email", "2026-03-11", "2026-03-22") < 1.1
    christmas = h[h["date"] == dt.date(2025, 12, 25)]
    assert christmas.loc[christmas["channel"].isin(["voice", "chat"]), "offered"].sum() == 0
    spring_forward = (h["interval_start"] >= "2025-03-30 01:00") & (h["interval_start"] < "2025-03-30 02:00")
    assert not spring_forward.any()
    result = sizing(config, full)
    assert 0.85 <= result.share_of_max <= 0.95


# ---- staffed time: occupancy of the past weeks -----------------------------------------------------

def test_history_records_the_agents_staffed_per_slot(site, config):
    h = site.history
    assert h["staffed_agents"].notna().all() and (h["staffed_agents"] >= 0).all()
    for ch in config.channels:
        rows = h[h["channel"] == ch.name]
        busy = rows[rows["handled"] > 0]
        # the site staffed the channel wherever it handled contacts (deferred: answered while open, arrived any time)
        if ch.kind == "immediate":
            assert (busy["staffed_agents"] >= 1).all(), ch.name
        assert rows["staffed_agents"].sum() > 0, ch.name
    closed = h[(h["channel"] == "email") & (h["interval_start"].dt.hour < 6)]
    assert (closed["staffed_agents"] == 0).all()  # email arrives at night but is not staffed then


def test_sample_report_shows_occupancy_of_the_past_weeks(site, config):
    from planner.reports import build_report

    report = build_report(config, contacts=site.contacts, history=site.history)
    assert "occupancy" not in report.skipped
    occ = report.tables["occupancy_daily"]
    assert occ["period_start"].nunique() == 28  # every day of the four contact weeks
    summary = report.tables["summary"].set_index("channel")
    for ch in config.channels:
        # handled workload / staffed time: busy but below each channel's cap, as a sized site is
        assert 0.4 < summary.loc[ch.name, "occupancy"] <= ch.max_occupancy + 0.05, ch.name


def test_bids_rank_each_agents_wishes_without_overlap_inside_the_next_leave_year(site):
    bids = site.bids
    year = site.end.year + 1
    assert bids["start_date"].min() >= dt.date(year, 1, 1) and bids["end_date"].max() <= dt.date(year, 12, 31)
    for _, rows in bids.groupby("agent_id"):
        assert sorted(rows["rank"]) == list(range(1, len(rows) + 1))  # ranks 1..k, no gaps
        spans = sorted(zip(rows["start_date"], rows["end_date"], strict=True))
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    summer = bids[bids["start_date"].map(lambda d: d.month in (7, 8))]
    assert summer["agent_id"].nunique() > 0.8 * bids["agent_id"].nunique()  # the summer crunch the round must share
    assert (bids["submitted_at"] <= pd.Timestamp(site.end) + pd.Timedelta(days=1)).all()
