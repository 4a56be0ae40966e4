"""`planner diff`: exactly the changes made to a copy of a real roster, nothing for a roster against itself, and a
corrupt file refused with its line named."""

from __future__ import annotations

import pandas as pd
import pytest
from publish_site import read_display, write_publish_site

from planner.cli.app import main
from planner.publish import diff_summary, roster_diff
from planner.scheduling.roster import read_roster


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The solved tiny site (publish_site) in a temporary folder."""
    return write_publish_site(tmp_path_factory.mktemp("diff"))


def _later(clock: str, minutes: int) -> str:
    return f"{pd.Timestamp('2000-01-01 ' + clock) + pd.Timedelta(minutes=minutes):%H:%M}"


@pytest.fixture(scope="module")
def edited(site, tmp_path_factory):
    """A copy of the roster with four edits, and the changes they must give: (agent_id, date, change, old, new, minutes)."""
    df = read_display(site.roster_path)
    moved, dropped, rebreak = df.index[0], df.index[len(df) // 2], df.index[-1]
    assert len({df.at[i, "agent_id"] for i in (moved, dropped, rebreak)}) >= 2
    expected = []
    m = df.loc[moved]
    expected += [(m["agent_id"], m["date"], "start_moved", m["shift_start"], _later(m["shift_start"], 30), 30),
                 (m["agent_id"], m["date"], "end_moved", m["shift_end"], _later(m["shift_end"], 30), 30)]
    df.at[moved, "shift_start"], df.at[moved, "shift_end"] = _later(m["shift_start"], 30), _later(m["shift_end"], 30)
    breaks = df.at[rebreak, "breaks"].split(";")
    first, last = breaks[0].split("-")
    breaks[0] = f"{_later(first, 15)}-{_later(last, 15)}"  # the first short break 15 min later
    expected.append((df.at[rebreak, "agent_id"], df.at[rebreak, "date"], "breaks_changed",
                     f"short {first}-{last}", f"short {breaks[0]}", None))
    df.at[rebreak, "breaks"] = ";".join(breaks)
    d = df.loc[dropped]
    expected.append((d["agent_id"], d["date"], "removed",
                     f"{d['shift_start']}-{d['shift_end']} {float(d['paid_hours']):g} h {d['channels']}", "", None))
    worked = set(df.loc[df["agent_id"] == "A1", "date"])  # before the drop: the added shift is on a day A1 was off
    df = df.drop(index=dropped)
    free = next(day for day in (f"2026-11-{n}" for n in range(23, 30)) if day not in worked)
    df = pd.concat([df, pd.DataFrame([{"agent_id": "A1", "date": free, "shift_start": "12:00", "shift_end": "16:00",
                                       "breaks": "14:00-14:15", "paid_hours": "4.0", "channels": "voice", "team": "red"}])])
    expected.append(("A1", free, "added", "", "12:00-16:00 4 h voice", None))
    path = tmp_path_factory.mktemp("edited") / "roster.csv"
    df.to_csv(path, index=False)
    return path, sorted(expected, key=lambda r: (r[0], r[1]))


def test_diff_finds_exactly_the_edits(site, edited):
    path, expected = edited
    old, new = read_roster(site.roster_path, site.config, slots=False), read_roster(path, site.config, slots=False)
    changes = roster_diff(old, new)
    found = [(r.agent_id, r.date, r.change, r.old, r.new, None if pd.isna(r.minutes) else int(r.minutes))
             for r in changes.itertuples()]
    assert found == expected
    summary = diff_summary(old, new, changes)
    assert (summary.agents_affected, summary.shifts_changed, summary.shifts_added, summary.shifts_removed) == (
        len({e[0] for e in expected}), 4, 1, 1)
    assert summary.paid_hours_delta == pytest.approx(4.0 - float(read_display(site.roster_path).at[
        len(read_display(site.roster_path)) // 2, "paid_hours"]))


def test_cli_prints_sorted_changes_and_the_summary_and_writes_them(site, edited, tmp_path, capsys):
    path, expected = edited
    out = tmp_path / "changes.csv"
    assert _exit_code(["diff", str(site.roster_path), str(path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    agents = len({e[0] for e in expected})
    assert f"{agents} agent(s) affected, 4 shift(s) changed (1 added, 1 removed), paid hours -3.00 h" in text
    assert "+30" in text
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["agent_id", "date", "change", "old", "new", "minutes"]
    assert list(zip(written["agent_id"], written["date"], written["change"], strict=True)) == [e[:3] for e in expected]


def test_a_roster_against_itself_has_no_changes(site, tmp_path, capsys):
    roster = read_roster(site.roster_path, site.config)
    assert roster_diff(roster, roster).empty
    out = tmp_path / "none.csv"
    assert _exit_code(["diff", str(site.roster_path), str(site.roster_path), "-o", str(out)]) == 0
    assert "No changes" in capsys.readouterr().out
    assert out.read_text() == "agent_id,date,change,old,new,minutes\n"


def test_a_corrupt_roster_exits_2_naming_the_line(site, tmp_path, capsys):
    lines = site.roster_path.read_text().splitlines()
    lines[3] = lines[3].replace(":", "h", 1)  # a shift_start of '08h30' on line 4
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert _exit_code(["diff", str(site.roster_path), str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 4, column 'shift_start'" in err
    assert "Traceback" not in err and "Internal error" not in err


def test_a_bad_date_is_one_problem_quoting_the_cell_as_written(site, tmp_path, capsys):
    lines = site.roster_path.read_text().splitlines()
    head = lines[0].split(",")
    cells = lines[3].split(",")
    cells[head.index("date")] = "2026-11-32"
    lines[3] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert _exit_code(["diff", str(site.roster_path), str(bad)]) == 2
    problems = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  - ")]
    assert problems == [f"  - {bad}, line 4, column 'date': got '2026-11-32'; expected a date YYYY-MM-DD"]


def test_a_clock_time_out_of_range_is_quoted_as_written(site, tmp_path, capsys):
    lines = site.roster_path.read_text().splitlines()
    head = lines[0].split(",")
    cells = lines[3].split(",")
    assert len(cells[head.index("shift_start")]) == 5  # the display form: HH:MM on the row's date
    cells[head.index("shift_start")] = "25:00"
    lines[3] = ",".join(cells)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    assert _exit_code(["diff", str(site.roster_path), str(bad)]) == 2
    problems = [line for line in capsys.readouterr().err.splitlines() if line.startswith("  - ")]
    assert problems == [f"  - {bad}, line 4, column 'shift_start': got '25:00'; expected a time of day HH:MM (on the "
                        "row's date) or an ISO 8601 timestamp"]


def test_an_unsupported_out_fails_before_anything_is_printed(site, edited, tmp_path, capsys):
    path, _ = edited
    assert _exit_code(["diff", str(site.roster_path), str(path), "--out", str(tmp_path / "x.xlsx")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "x.xlsx: unknown table format '.xlsx'; use .csv, .tsv or .parquet" in captured.err
    assert not (tmp_path / "x.xlsx").exists()


def test_the_changes_table_wraps_between_words_and_channels_at_80_columns(tmp_path, capsys, monkeypatch):
    from planner.cli import common

    head = "agent_id,date,shift_start,shift_end,breaks,paid_hours,channels"
    old = tmp_path / "old.csv"
    old.write_text(f"{head}\nA001,2026-11-23,22:00,08:30,01:00-01:30,10.5,voice;chat;email;social\n"
                   "A002,2026-11-24,08:00,16:00,12:00-12:30,7.5,voice\n")
    new = tmp_path / "new.csv"
    new.write_text(f"{head}\nA002,2026-11-24,08:00,16:00,12:00-12:30,7.5,voice;chat;email;social\n"
                   "A003,2026-11-25,13:30,22:00,17:00-17:30,8,voice;chat\n")
    printed = {}
    for width in (80, 250):
        monkeypatch.setattr(common.console, "size", (width, 500))
        assert _exit_code(["diff", str(old), str(new)]) == 0
        printed[width] = capsys.readouterr().out
    narrow = printed[80]
    assert max(len(line) for line in narrow.splitlines()) <= 80
    words = lambda text: sorted(w for w in text.split() if w.strip("─"))  # noqa: E731
    assert words(narrow) == words(printed[250])  # nothing cut inside a word
    for whole in ("22:00-08:30 10.5 h", "13:30-22:00 8 h", "channels"):  # a number stays with its unit
        assert any(whole in line for line in narrow.splitlines()), narrow


def test_the_usage_line_names_the_two_rosters_plainly(capsys):
    assert _exit_code(["diff", "--help"]) == 0
    assert "Usage: planner diff [OPTIONS] A B\n" in capsys.readouterr().out
    assert _exit_code(["diff", "only.csv"]) == 2
    err = capsys.readouterr().err
    assert "Usage: planner diff [OPTIONS] A B" in err and "Missing argument 'B'" in err
