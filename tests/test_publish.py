"""`planner publish`: calendars per agent that parse, keep local times across a clock change and are byte-identical on
re-run; team pages that show every agent of the team and render offline in headless Chromium."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from icalendar import Calendar
from publish_site import TEAMS, TIMEZONE, write_publish_site

from planner.cli.app import main
from planner.publish import agent_calendar, agent_teams, team_file_stems
from planner.scheduling.roster import Roster, read_roster, typed_shifts

sys.path.insert(0, str(Path(__file__).parent))
from cdp_browser import chromium_path, inspect_page  # noqa: E402


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The solved tiny site (publish_site) in a temporary folder."""
    return write_publish_site(tmp_path_factory.mktemp("publish"))


@pytest.fixture(scope="module")
def published(site, tmp_path_factory):
    """The folder `planner publish` wrote for the whole site."""
    out = tmp_path_factory.mktemp("published")
    code = _exit_code(["-q", "publish", "--config", str(site.config_path), "--roster", str(site.roster_path),
                       "--agents", str(site.agents_path), "--out", str(out)])
    assert code == 0
    return out


def _events(path: Path) -> list:
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_every_agent_has_a_calendar_that_parses_with_one_event_per_shift(site, published):
    roster = read_roster(site.roster_path, site.config)
    assert sorted(p.name for p in (published / "ics").iterdir()) == [f"{a}.ics" for a in sorted(TEAMS)]
    for aid in TEAMS:
        cal = Calendar.from_ical((published / "ics" / f"{aid}.ics").read_bytes())
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [TIMEZONE]
        own = roster.shifts[roster.shifts["agent_id"] == aid].sort_values("shift_start")
        events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
        assert len(events) == len(own)  # A5 has no shift: a calendar with its zone and no event
        for event, (_, shift) in zip(events, own.iterrows(), strict=True):
            assert event["DTSTART"].params["TZID"] == TIMEZONE
            assert event.decoded("dtstart").replace(tzinfo=None) == shift["shift_start"].to_pydatetime()
            assert event.decoded("dtend").replace(tzinfo=None) == shift["shift_end"].to_pydatetime()
            assert str(event["UID"]) == f"shift-{aid}-{shift['date'].isoformat()}@tiny"
            assert str(event["SUMMARY"]) in {"voice shift", "chat shift"}
            text = str(event["DESCRIPTION"])
            breaks = roster.breaks[(roster.breaks["agent_id"] == aid) & (roster.breaks["start"] >= shift["shift_start"])
                                   & (roster.breaks["start"] < shift["shift_end"])]
            for b in breaks.itertuples():
                label = "Lunch" if b.kind == "lunch" else "Break"
                assert f"{label} {b.start:%H:%M}-{b.end:%H:%M}" in text


def test_the_same_inputs_give_byte_identical_files(site, published, tmp_path):
    again = tmp_path / "again"
    assert _exit_code(["-q", "publish", "-c", str(site.config_path), "-r", str(site.roster_path), "-a",
                       str(site.agents_path), "-o", str(again)]) == 0
    first = {p.relative_to(published): p.read_bytes() for p in published.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second and len(first) == len(TEAMS) + 3


CLOCK_CHANGE_ROSTER = """agent_id,date,shift_start,shift_end,breaks,paid_hours,channels
B1,{before},08:00,16:00,12:00-13:00;10:00-10:15,7,voice
B1,{after},08:00,16:00,12:30-13:30,7,chat
B1,{monday},09:30,17:30,13:00-14:00,7,voice
B2,{night},22:00,06:00,01:00-02:00,7,voice
"""


@pytest.mark.parametrize("before, after, night, monday, offsets_h", [
    ("2026-10-24", "2026-10-25", "2026-10-24", "2026-10-26", (2, 1)),  # clocks go back on Sunday 25 October 2026
    ("2027-03-27", "2027-03-28", "2027-03-27", "2027-03-29", (1, 2)),  # and forward on Sunday 28 March 2027
])
def test_local_times_hold_across_a_clock_change(before, after, night, monday, offsets_h):
    text = CLOCK_CHANGE_ROSTER.format(before=before, after=after, night=night, monday=monday)
    rows = [line.split(",") for line in text.strip().splitlines()]
    shifts, breaks = typed_shifts(pd.DataFrame(rows[1:], columns=rows[0]))
    roster = Roster(shifts, breaks)
    cal = Calendar.from_ical(agent_calendar(roster, "B1", TIMEZONE, site_name="Paris"))
    (vtz,) = cal.walk("VTIMEZONE")
    from_vtimezone = vtz.to_tz()  # the zone as the file itself describes it, not the reader's tz database
    starts = {}
    for event in cal.walk("VEVENT"):
        start = event.decoded("dtstart")
        assert start.tzinfo is not None and event["DTSTART"].params["TZID"] == TIMEZONE
        local = start.astimezone(ZoneInfo(TIMEZONE))
        day = local.date().isoformat()
        assert local.strftime("%H:%M") == {before: "08:00", after: "08:00", monday: "09:30"}[day]
        described = start.replace(tzinfo=None).replace(tzinfo=from_vtimezone)
        starts[day] = (local.utcoffset(), described.utcoffset())
    hour = dt.timedelta(hours=1)
    assert starts[before] == (offsets_h[0] * hour,) * 2
    assert starts[after] == starts[monday] == (offsets_h[1] * hour,) * 2
    assert "Lunch 12:00-13:00" in str(cal.walk("VEVENT")[0]["DESCRIPTION"])
    (night_event,) = Calendar.from_ical(agent_calendar(roster, "B2", TIMEZONE)).walk("VEVENT")
    start, end = night_event.decoded("dtstart"), night_event.decoded("dtend")
    assert (start.strftime("%H:%M"), end.strftime("%H:%M")) == ("22:00", "06:00")
    real_h = (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)) / hour
    assert real_h == 8 + offsets_h[0] - offsets_h[1]  # 9 h when the clocks go back in the night, 7 h when forward


def test_teams_come_from_the_agents_file_and_file_names_stay_unique(site):
    roster = read_roster(site.roster_path, site.config)
    agents = pd.read_csv(site.agents_path, dtype=str, keep_default_na=False)
    teams = agent_teams(roster, agents.assign(team=agents["team"].replace({"blue": "green"})))
    assert teams == {"A1": "red", "A2": "green", "A3": "red", "A4": None, "A5": "red"}
    assert agent_teams(roster)["A2"] == "blue"  # without an agents file: the roster's team column
    assert team_file_stems(["a/b", "a b", None, "no-team"]) == {None: "no-team", "a b": "a-b", "a/b": "a-b-2",
                                                                "no-team": "no-team-2"}


def test_team_option_publishes_one_team_and_refuses_an_unknown_one(site, tmp_path, capsys):
    out = tmp_path / "red"
    capsys.readouterr()
    assert _exit_code(["publish", "-c", str(site.config_path), "-r", str(site.roster_path), "-a",
                       str(site.agents_path), "-o", str(out), "--team", "red"]) == 0
    assert sorted(p.name for p in (out / "ics").iterdir()) == ["A1.ics", "A3.ics", "A5.ics"]
    assert [p.name for p in (out / "teams").iterdir()] == ["red.html"]
    printed = " ".join(capsys.readouterr().out.split())
    assert "(3 calendars in Europe/Paris)" in printed and "(1 team page)" in printed
    assert _exit_code(["publish", "-c", str(site.config_path), "-r", str(site.roster_path), "-a", str(site.agents_path),
                       "-o", str(tmp_path / "x"), "--team", "purple"]) == 2
    err = capsys.readouterr().err
    assert "--team 'purple' is not a team" in err and "blue, red" in err and "Traceback" not in err


PROBE = """(() => {
  const rows = [...document.querySelectorAll('tbody tr[data-agent]')];
  return {
    agents: rows.map(r => r.dataset.agent),
    names: rows.map(r => r.querySelector('th.agent').innerText.split('\\n')[0]),
    days: document.querySelectorAll('thead th').length - 2,
    cells: rows.map(r => r.querySelectorAll('td.shift, td.off, td.leave').length),
    shifts: [...document.querySelectorAll('td.shift')].map(td => [td.closest('tr').dataset.agent,
             td.querySelector('.time').innerText, getComputedStyle(td).backgroundColor]),
    lunch: document.querySelectorAll('td.shift .line').length,
    printRule: [...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText === 'print')),
    resources: performance.getEntriesByType('resource').length,
  };
})()"""


@pytest.mark.browser
def test_team_pages_render_offline_in_chromium_with_every_agent(site, published, tmp_path):
    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    roster = read_roster(site.roster_path, site.config)
    assert sorted(p.name for p in (published / "teams").iterdir()) == ["blue.html", "no-team.html", "red.html"]
    page = published / "teams" / "red.html"
    assert "http://" not in page.read_text() and "https://" not in page.read_text()
    probe, errors = inspect_page(page, tmp_path / "red.png", PROBE, width=1200, height=600)
    assert errors == []
    assert probe["agents"] == ["A1", "A3", "A5"] and probe["names"] == ["Agent 1", "Agent 3", "Agent 5"]
    assert probe["days"] == 7 and probe["cells"] == [7, 7, 7]
    red = roster.shifts[roster.shifts["agent_id"].isin(["A1", "A3"])]
    expected = sorted((r.agent_id, f"{r.shift_start:%H:%M}-{r.shift_end:%H:%M}") for r in red.itertuples())
    assert sorted((a, t) for a, t, _ in probe["shifts"]) == expected
    assert all(colour not in ("", "rgba(0, 0, 0, 0)") for _, _, colour in probe["shifts"])  # channel colours
    assert probe["lunch"] >= len(red) and probe["printRule"] and probe["resources"] == 0


def test_an_agent_id_never_names_a_file_outside_the_folder():
    from planner.publish.ics import calendar_file_name

    assert [calendar_file_name(a) for a in ("A001", "../etc", "a/b", ".x")] == ["A001.ics", "_.._etc.ics", "a_b.ics",
                                                                                  "_.x.ics"]
