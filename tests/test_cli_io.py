"""`planner validate` and `planner aggregate` from the command line: exit code 2 with file/line/column, never a traceback."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from planner.cli import common
from planner.cli.app import main
from planner.config import load_config
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setattr(common.console, "width", 200)
    monkeypatch.setattr(common.err_console, "width", 200)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


def _history(tmp_path, edit=None):
    lines = ["interval_start,channel,offered,handled"]
    for i in range(20):
        ts = pd.Timestamp("2026-11-23 08:00") + pd.Timedelta(minutes=15 * i)
        lines.append(f"{ts:%Y-%m-%dT%H:%M:%S},voice,{5 + i},{5 + i}")
    if edit:
        edit(lines)
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_misspelt_config_key(tmp_path, demo_config_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(demo_config_path.read_text().replace("  slot_minutes: 15", "  slot_minutez: 15"))
    code, _, err = run(["validate", "--config", str(bad)], capsys)
    assert code == 2
    assert "site.slot_minutez (line" in err and "did you mean 'slot_minutes'?" in err
    assert "Traceback" not in err


def test_negative_offered_on_line_17(tmp_path, demo_config_path, capsys):
    def negative(lines):
        lines[16] = lines[16].replace(",voice,20,", ",voice,-20,")

    path = _history(tmp_path, negative)
    code, _, err = run(["validate", "--config", str(demo_config_path), "--history", str(path)], capsys)
    assert code == 2
    assert f"{path}, line 17, column 'offered': got '-20'; expected an integer ≥ 0" in err
    assert "Traceback" not in err


def test_duplicate_slot(tmp_path, demo_config_path, capsys):
    path = _history(tmp_path, lambda lines: lines.append(lines[3]))
    code, _, err = run(["validate", "--config", str(demo_config_path), "--history", str(path)], capsys)
    assert code == 2
    assert f"{path}, line 22, column 'interval_start, channel'" in err and "already on line 4" in err
    assert "Traceback" not in err


def test_leave_for_unknown_agent(tmp_path, demo_config_path, capsys):
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,skills,contract\nA1,Ann,voice;chat,full_time\nA2,Bob,email,part_time\n")
    leave = tmp_path / "leave.csv"
    leave.write_text("agent_id,start_date,end_date,kind,status\nA1,2026-11-23,2026-11-24,annual,approved\n"
                     "A3,2026-11-25,2026-11-25,annual,requested\n")
    code, _, err = run(["validate", "--config", str(demo_config_path), "--agents", str(agents), "--leave", str(leave)], capsys)
    assert code == 2
    assert f"{leave}, line 3, column 'agent_id': got 'A3'; expected an agent_id listed in the agents file" in err
    assert "Traceback" not in err


def test_validate_summarises_good_inputs(tmp_path, demo_config_path, capsys):
    # A copy of the config in tmp_path, so its default inputs (../runs/demo/data) never exist here.
    demo_config_path = tmp_path / "demo.yaml"
    demo_config_path.write_text((REPO / "configs" / "demo.yaml").read_text())
    agents = tmp_path / "agents.csv"
    agents.write_text("agent_id,name,skills,contract\nA1,Ann,voice;chat,full_time\nA2,Bob,voice,part_time\n")
    code, out, err = run(["validate", "--config", str(demo_config_path), "--history", str(_history(tmp_path)),
                          "--agents", str(agents)], capsys)
    assert code == 0, err
    assert "80% within 20 s" in out and "90% within 24 h" in out
    assert "2026-11-23 08:00" in out and "2026-11-23 12:45" in out  # history date range
    assert "OK:" in out
    voice = next(line for line in out.splitlines() if line.strip("│ ").startswith("voice") and "immediate" not in line)
    assert "290" in voice and "2" in voice  # offered 5+…+24 = 290; two agents skilled in voice


def test_missing_input_file_is_a_user_error(tmp_path, demo_config_path, capsys):
    code, _, err = run(["validate", "--config", str(demo_config_path), "--history", str(tmp_path / "nope.csv")], capsys)
    assert code == 2 and "file not found" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "aggregate"])
def test_help_has_an_example(command, capsys):
    code, out, _ = run([command, "--help"], capsys)
    assert code == 0 and "Example: planner " + command in " ".join(out.split())


@pytest.mark.slow
def test_aggregate_bank_log_per_queue_totals(tmp_path, repo, bank_log, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    out_path = tmp_path / "h.csv"
    code, out, err = run(["aggregate", "--config", "configs/anonymous_bank.yaml",
                          "--contacts", "configs/data/anonymous_bank_1999_02_calls.tsv.gz", "--out", str(out_path)], capsys)
    assert code == 0, err
    history = pd.read_csv(out_path)
    log = pd.read_csv(bank_log, sep="\t", dtype=str)
    log = log[log.outcome != "PHANTOM"]
    queued = log.q_start != "0:00:00"
    queues = {"PS": "retail", "PE": "english", "IN": "internet", "NE": "stocks", "NW": "new_customers", "TT": "callback"}
    expected = log[(log.outcome == "AGENT") | queued].type.map(queues).value_counts().sort_index()
    got = history.groupby("channel")["offered"].sum().sort_index()
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    assert "dropped 278 record(s): outcome = PHANTOM" in out and f"Wrote {out_path}" in out
    assert not list(tmp_path.glob(".h.csv.*"))  # no temp file left


def test_aggregate_needs_contacts(tmp_path, demo_config_path, capsys):
    code, _, err = run(["aggregate", "--config", str(demo_config_path), "--contacts", str(tmp_path / "c.csv"),
                        "--out", str(tmp_path / "h.csv")], capsys)
    assert code == 2 and "file not found" in err and not (tmp_path / "h.csv").exists()


def test_aggregate_contract_contacts_to_parquet(tmp_path, demo_config_path, capsys):
    from planner.io.tables import read_history

    contacts = tmp_path / "contacts.csv"
    contacts.write_text("contact_id,channel,arrived_at,answered_at,abandoned,handle_s\n"
                        "c1,voice,2026-11-23T09:01:00,2026-11-23T09:01:10,false,240\n"
                        "c2,voice,2026-11-23T09:02:00,,true,\n"
                        "c3,chat,2026-11-23T09:20:00,2026-11-23T09:21:00,false,600\n")
    out_path = tmp_path / "history.parquet"
    code, out, err = run(["aggregate", "--config", str(demo_config_path), "--contacts", str(contacts), "--out", str(out_path)],
                         capsys)
    assert code == 0, err
    history = read_history(out_path, load_config(demo_config_path))
    voice = history[(history.channel == "voice") & (history.interval_start == pd.Timestamp("2026-11-23 09:00"))].iloc[0]
    assert (voice.offered, voice.handled, voice.abandoned, voice.answered_within_target, voice.aht_s) == (1 + 1, 1, 1, 1, 240.0)
    assert "3 contacts read" in out
    assert "nan" not in out  # email and social had no contacts: their mean waits and handle times read '–'


def _wall_clock_history(path, years: int = 3, slot: str = "60min", tz: str = "Europe/London"):
    """A seeded history as an ACD in tz exports it: no spring-forward hour, the autumn hour twice (summer first)."""
    start = pd.Timestamp("2023-01-02", tz=tz)
    utc = pd.date_range(start, start + pd.Timedelta(weeks=52 * years), freq=slot, inclusive="left").tz_convert("UTC")
    local = utc.tz_convert(tz).tz_localize(None)
    offered = (pd.Series(local.hour).between(8, 19).to_numpy() * 10) + (pd.Series(range(len(local))) % 3).to_numpy()
    frame = pd.DataFrame({"interval_start": local, "channel": "voice", "offered": offered, "aht_s": 240.0})
    frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    return frame


def test_forecast_without_config_on_years_of_wall_clock_history(tmp_path, capsys):
    history = tmp_path / "h.csv"
    frame = _wall_clock_history(history)
    assert frame["interval_start"].duplicated().sum() == 3  # one repeated autumn hour per year
    code, out, err = run(["forecast", "--history", str(history), "--start", "2025-12-29", "--weeks", "1",
                          "--out", str(tmp_path / "f.csv")], capsys)
    assert code == 0, out + err
    assert len(pd.read_csv(tmp_path / "f.csv")) == 7 * 24


@pytest.mark.parametrize("extra", ["2023-06-04 01:00", "2023-10-29 05:00", "2023-10-28 01:00"])
def test_repeat_outside_an_autumn_sunday_night_is_still_a_duplicate(tmp_path, extra):
    from planner.errors import DataError
    from planner.io.tables import read_history

    history = tmp_path / "h.csv"
    frame = _wall_clock_history(history, years=1)
    twin = frame[frame["interval_start"] == pd.Timestamp(extra)]  # June Sunday; autumn Sunday 05:00; a Saturday
    pd.concat([frame, twin]).to_csv(history, index=False, date_format="%Y-%m-%dT%H:%M:%S")
    with pytest.raises(DataError, match="one row per \\(interval_start, channel\\)"):
        read_history(history)


def test_aggregate_totals_fit_80_columns_without_cutting_a_number():
    from rich.console import Console

    from planner.cli.commands.aggregate import _totals_table

    history = pd.DataFrame({"channel": ["new_customers", "retail"], "offered": [6_959_123, 20_027_456],
                            "handled": [4_990_000, 18_349_321], "abandoned": [1_969_123, 1_678_135],
                            "answered_within_target": [2_887_000, 11_235_000], "asa_s": [55.0, 35.0],
                            "aht_s": [107.0, 185.0]})
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(_totals_table(history, ["new_customers", "retail"], "A bank, a month"))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for number in ("6,959,123", "20,027,456", "18,349,321", "1,969,123", "28.3%"):
        assert number in text, number


def test_unknown_columns_are_one_warning_and_a_misspelt_one_an_error(tmp_path, demo_config_path, capsys):
    def extra(lines):
        lines[0] += ",queue,Skill Group"
        for i in range(1, len(lines)):
            lines[i] += ",Q1,retail"

    path = _history(tmp_path, extra)
    code, _, err = run(["validate", "--config", str(demo_config_path), "--history", str(path)], capsys)
    assert code == 0
    assert err.count("Warning:") == 1
    assert f"Warning: {path}: 2 column(s) outside the history table's contract, not used: 'queue', 'Skill Group'" in err
    typo = _history(tmp_path, lambda lines: lines.__setitem__(0, lines[0].replace("handled", "handeld")))
    code, _, err = run(["validate", "--config", str(demo_config_path), "--history", str(typo)], capsys)
    assert code == 2
    assert f"{typo}, line 1, column 'handeld'; expected a column of the history table: did you mean handled?" in err


@pytest.mark.parametrize("command", [
    ["forecast", "--start", "2026-11-23"], ["backtest"], ["staff", "--forecast", "missing.csv"],
    ["aggregate", "--contacts", "missing.csv"]])
def test_an_unsupported_out_format_fails_before_reading_anything(tmp_path, demo_config_path, capsys, command):
    name, *rest = command
    out = tmp_path / "table.xlsx"
    code, printed, err = run([name, "--config", str(demo_config_path), *rest, "--out", str(out)], capsys)
    assert code == 2 and printed == ""
    assert f"{out}: unknown table format '.xlsx'; use .csv, .tsv or .parquet" in err  # not 'missing.csv: file not found'
