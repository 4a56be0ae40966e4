"""CLI output habits: literal error text, global options anywhere, flag help, 80-column tables, progress in a pipe."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.table import Table
from typer.testing import CliRunner

from planner.cli import common
from planner.cli.app import app, main
from planner.cli.schedule_view import live_progress, result_table, solve_time_text, summary_renderable
from planner.errors import ConfigError
from planner.scheduling.bound import BoundResult
from planner.scheduling.phases import PhaseReport, choose_phases
from planner.scheduling.result import RosterResult
from tests.conftest import REPO

runner = CliRunner()
COMMANDS = ["sample", "validate", "aggregate", "forecast", "backtest", "staff", "schedule", "run", "whatif", "publish", "diff",
            "report", "demo"]


def _exit(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    captured = capsys.readouterr()
    return info.value.code, captured.out, captured.err


@pytest.fixture(autouse=True)
def fresh_state():
    """Global options are module state; every test starts without them."""
    common.STATE.debug = common.STATE.quiet = False
    yield
    common.STATE.debug = common.STATE.quiet = False


@pytest.fixture
def pinned(request):
    """Pin both consoles to a width (default 80 columns); restored after the test."""
    saved = [(c, c._width, c._height) for c in (common.console, common.err_console)]

    def pin(width: int = 80) -> None:
        for c in (common.console, common.err_console):
            c.size = (width, 500)

    pin()
    yield pin
    for c, width, height in saved:
        c._width, c._height = width, height


# --- 1. text is printed literally ------------------------------------------------------------------

printable = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(text=printable | st.sampled_from(["[/]", "[bold]x", "[red]a[/red] b", "\\[x]", ":smile:", "[link=x]y", "a\\"]))
def test_error_printer_prints_any_text_literally(text):
    with common.err_console.capture() as cap:
        common.print_error("Error", text)
    assert cap.get() == f"Error: {text}\n"


@settings(max_examples=100, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")), min_size=1, max_size=60))
def test_warnings_and_table_cells_are_literal(text):
    table = Table(title=text)
    table.add_column("value")
    common.add_row(table, text)
    with common.console.capture() as cap:
        common.console.print(table, width=200)
    with common.err_console.capture() as err:
        common.warn(text)
    assert err.get() == f"Warning: {text}\n"
    assert cap.get().count(text) >= 1


def test_a_rejected_path_with_markup_is_printed_as_typed(tmp_path, capsys):
    missing = tmp_path / "[/]odd [bold]x.yaml"
    code, _, err = _exit(["validate", "--config", str(missing)], capsys)
    assert code == 2
    assert "[/]odd [bold]x.yaml" in err and "MarkupError" not in err and "Traceback" not in err


MARKUP_SITE = "Demo [/] [bold]x"
MARKUP_HISTORY = ("interval_start,channel,offered,handled,abandoned\n"
                  "2026-11-02T08:00:00,voice,10,9,1\n2026-11-02T08:15:00,voice,12,12,0\n")


@pytest.fixture
def markup_site(tmp_path):
    """The demo config with a site name full of rich markup, and a two-row history."""
    config = tmp_path / "site.yaml"
    config.write_text((REPO / "configs" / "demo.yaml").read_text().replace("name: Demo Contact Centre",
                                                                          f'name: "{MARKUP_SITE}"'))
    history = tmp_path / "history.csv"
    history.write_text(MARKUP_HISTORY)
    return config, history


def test_report_prints_a_site_name_with_markup_literally(pinned, markup_site, tmp_path):
    pinned(200)
    config, history = markup_site
    result = runner.invoke(app, ["report", "--config", str(config), "--history", str(history),
                                 "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert f"{MARKUP_SITE}: KPIs per channel" in result.stdout
    assert "skipped Forecast: no forecast given" in result.stdout


def test_validate_and_staff_print_a_site_name_with_markup_literally(pinned, markup_site, forecast_csv, tmp_path):
    pinned(200)
    config, history = markup_site
    checked = runner.invoke(app, ["validate", "--config", str(config), "--history", str(history)])
    staffed = runner.invoke(app, ["staff", "--config", str(config), "--forecast", str(forecast_csv),
                                  "--out", str(tmp_path / "req.csv")])
    assert checked.exit_code == staffed.exit_code == 0, checked.output + staffed.output
    assert f"{MARKUP_SITE}: channels" in checked.stdout
    assert f"{MARKUP_SITE}: agents required" in staffed.stdout


def test_forecast_and_backtest_print_channel_names_with_markup_literally(pinned, tmp_path):
    pinned(200)
    slots = pd.date_range("2026-10-05", periods=96 * 7 * 3, freq="15min").strftime("%Y-%m-%dT%H:%M:%S")
    names = ["[/]", "[bold]x"]
    history = tmp_path / "history.csv"
    pd.concat([pd.DataFrame({"interval_start": slots, "channel": n, "offered": 5}) for n in names]).to_csv(history,
                                                                                                        index=False)
    forecast = runner.invoke(app, ["forecast", "--history", str(history), "--start", "2026-10-26",
                                   "--out", str(tmp_path / "f.csv")])
    backtest = runner.invoke(app, ["backtest", "--history", str(history), "--weeks", "1", "--models", "naive",
                                   "--out", str(tmp_path / "b.csv")])
    assert forecast.exit_code == backtest.exit_code == 0, forecast.output + backtest.output
    for name in names:
        assert f"│ {name} " in forecast.stdout and f"│ {name} " in backtest.stdout


# --- 2 and 8. global options after the command; internal errors --------------------------------------

def test_debug_after_the_command_shows_the_traceback(tmp_path, capsys):
    code, _, err = _exit(["validate", "--config", str(tmp_path / "missing.yaml"), "--debug"], capsys)
    assert code == 2
    assert "Traceback" in err and "No such option" not in err
    assert err.rstrip().splitlines()[-1] == f"Error: {tmp_path / 'missing.yaml'}: config file not found"


def test_quiet_after_the_command_silences_tables(demo_config_path):
    loud = runner.invoke(app, ["validate", "--config", str(demo_config_path)])
    quiet = runner.invoke(app, ["validate", "--config", str(demo_config_path), "--quiet"])
    short = runner.invoke(app, ["validate", "-q", "--config", str(demo_config_path)])
    assert loud.exit_code == quiet.exit_code == short.exit_code == 0, quiet.output
    assert "channels" in loud.output
    assert quiet.output == short.output == ""


def _boom(*args, **kwargs):
    raise ValueError("boom happened\nsecond line of detail")


def test_internal_error_is_one_line_and_exit_1(demo_config_path, monkeypatch, capsys):
    monkeypatch.setattr("planner.cli.commands.validate.config_from", _boom)
    code, _, err = _exit(["validate", "--config", str(demo_config_path)], capsys)
    assert code == 1
    assert err.splitlines() == ["Internal error: ValueError: boom happened",
                                "This is a bug in the planner; run again with --debug and report the traceback."]


def test_internal_error_with_debug_after_the_command_shows_the_traceback(demo_config_path, monkeypatch, capsys):
    monkeypatch.setattr("planner.cli.commands.validate.config_from", _boom)
    code, _, err = _exit(["validate", "--config", str(demo_config_path), "--debug"], capsys)
    assert code == 1
    assert "Traceback (most recent call last)" in err and "_boom" in err
    assert err.rstrip().splitlines()[-1] == "Internal error: ValueError: boom happened"


def test_user_error_is_one_message_exit_2(monkeypatch, capsys, demo_config_path):
    def refuse(*args, **kwargs):
        raise ConfigError("site.timezone 'Mars/Olympus' is not a time zone; use e.g. Europe/London")

    monkeypatch.setattr("planner.cli.commands.validate.config_from", refuse)
    code, out, err = _exit(["validate", "--config", str(demo_config_path)], capsys)
    assert code == 2 and out == ""
    assert err == "Error: site.timezone 'Mars/Olympus' is not a time zone; use e.g. Europe/London\n"


# --- 3. boolean options read as flags -------------------------------------------------------------

@pytest.mark.parametrize("name", COMMANDS)
def test_help_shows_flags_as_flags_and_fits_80_columns(name):
    result = runner.invoke(app, [name, "--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "/ --no-" not in result.output and "/--no-" not in result.output
    assert "--debug" in result.output and "--quiet" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_verify_and_no_bound_are_plain_flags():
    text = runner.invoke(app, ["schedule", "--help"], terminal_width=100).output
    assert "  --verify " in text and "  --no-bound " in text
    assert "--no-report " in runner.invoke(app, ["run", "--help"], terminal_width=100).output


# --- 4. tables fit 80 columns -----------------------------------------------------------------------

def assert_fits(narrow: str, wide: str) -> None:
    """Every line within 80 columns, and nothing cut: the same words as the wide rendering, no ellipsis added."""
    assert max(len(line) for line in narrow.splitlines()) <= 80, narrow
    assert narrow.count("…") == wide.count("…"), narrow
    words = lambda text: sorted(w for w in text.split() if set(w) - set("─━┃│┏┓┗┛┡┩╇┳┻╋┣┫━┼├┤┬┴└┘┌┐"))  # noqa: E731
    assert words(narrow) == words(wide)


def _twice(pinned, args: list[str]) -> tuple[str, str]:
    outputs = []
    for width in (80, 250):
        pinned(width)
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    return outputs[0], outputs[1]


@pytest.fixture
def forecast_csv(tmp_path):
    import numpy as np

    idx = pd.date_range("2026-11-23", periods=96 * 7, freq="15min")
    rng = np.random.default_rng(3)
    parts = [pd.DataFrame({"interval_start": idx.strftime("%Y-%m-%dT%H:%M:%S"), "channel": ch,
                           "offered": rng.poisson(base, idx.size).astype(float), "aht_s": ""})
             for ch, base in [("voice", 20), ("chat", 10), ("email", 8), ("social", 3)]]
    path = tmp_path / "forecast.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path


def test_staff_table_fits_80_columns(pinned, forecast_csv, tmp_path, demo_config_path):
    narrow, wide = _twice(pinned, ["staff", "--config", str(demo_config_path), "--forecast", str(forecast_csv),
                                   "--out", str(tmp_path / "req.csv")])
    assert "total" in narrow and "erlang_c" in narrow
    assert_fits(narrow, wide)


def test_validate_tables_fit_80_columns(pinned, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths: a folded long path would split a word
    (tmp_path / "demo.yaml").write_text((REPO / "configs" / "demo.yaml").read_text())
    (tmp_path / "agents.csv").write_text("agent_id,name,skills,contract\nA1,Ann,voice;chat,full_time\n")
    narrow, wide = _twice(pinned, ["validate", "--config", "demo.yaml", "--agents", "agents.csv"])
    assert "agents skilled" in narrow
    assert_fits(narrow, wide)


def test_backtest_table_fits_80_columns(pinned, tmp_path):
    from forecasts import synthetic

    history = tmp_path / "history.csv"
    synthetic.generate(synthetic.four_channel_site(weeks=4), seed=3).to_csv(history, index=False)
    narrow, wide = _twice(pinned, ["backtest", "--history", str(history), "--weeks", "1", "--models", "seasonal,naive",
                                   "--out", str(tmp_path / "b.csv")])
    assert "WAPE" in narrow
    assert_fits(narrow, wide)


def _roster_result() -> tuple[RosterResult, BoundResult, pd.DataFrame]:
    empty = pd.DataFrame()
    result = RosterResult(status="FEASIBLE", roster=empty, roster_slots=empty, coverage=empty, objective=123456.0,
                          best_bound=100000.0, solve_s=90.4,
                          shortfall_agent_slots={"voice": 310, "chat": 120, "email": 40, "social": 92},
                          overstaff_agent_slots={"voice": 1200, "chat": 300, "email": 0, "social": 15},
                          late_contacts=812.3)
    bound = BoundResult(total=480.0, per_channel={"voice": 300.0, "chat": 100.0, "email": 30.0, "social": 50.0},
                        required_agent_slots={"voice": 30000.0, "chat": 12000.0, "email": 4000.0, "social": 2000.0},
                        lp_objective=480.0, solve_s=3.0, groups=5, templates=100, solver="highs")
    days = pd.date_range("2026-11-23", periods=7, freq="D")
    daily = pd.DataFrame([{"channel": ch, "date": d, "required_h": 456.25, "scheduled_h": 450.0, "shortfall_h": 6.25,
                           "service_level_projected": 0.8123} for ch in ("voice", "chat") for d in days])
    return result, bound, daily


def test_solver_summary_speaks_shortfall_floor_and_distance():
    result, bound, _ = _roster_result()
    with common.console.capture() as cap:
        common.console.print(result_table(result, bound), width=80)
    text = cap.get()
    assert "shortfall" in text and "562 agent-slots" in text  # 310 + 120 + 40 + 92
    assert "proven floor" in text and "480 agent-slots" in text
    assert "82 agent-slots = 0.2% of 48,000 required" in text  # (562 - 480) / 48,000
    assert "overstaffing" in text and "1,515 agent-slots" in text
    assert "gap" not in text and "objective" not in text and "123,456" not in text


def test_solve_time_past_the_limit_says_what_took_it_there_and_a_wall_cut_says_so():
    result, _, _ = _roster_result()
    result.solve_plan = choose_phases(5.0, 10_000)
    result.phases = [PhaseReport("build", 2.9, "done"), PhaseReport("greedy_start", 7.2, "done"),
                     PhaseReport("trim", 2.3, "deterministic_budget"), PhaseReport("search", 0.0, "wall_cap"),
                     PhaseReport("fallback", 0.4, "optimal")]
    result.solve_s = 13.3
    assert solve_time_text(result).plain == ("13.3 s (over the 5 s limit: the model and first roster took 12.4 s on "
                                             "this site; the search was skipped; the phases are in "
                                             "schedule_summary.json)")
    result.solve_s = 5.8  # within a second of the limit: extraction's rounding, nothing to explain but the cut
    assert solve_time_text(result).plain == ("5.8 s (the wall clock stopped search early: the same inputs may give "
                                             "another roster on a quieter machine or with a longer limit)")
    result.phases[1:1] = [PhaseReport("hand_out", 0.0, "wall_cap"), PhaseReport("hand_out", 0.0, "wall_cap")]
    assert "stopped hand_out, search early" in solve_time_text(result).plain  # each phase named once
    del result.phases[1:3]
    result.phases[3] = PhaseReport("search", 2.0, "deterministic_budget")
    assert solve_time_text(result).plain == "5.8 s"
    result.solve_plan = None
    result.solve_s = 13.3
    assert solve_time_text(result).plain == "13.3 s"


def test_schedule_summary_fits_80_columns():
    result, bound, daily = _roster_result()
    rendered = []
    for width in (80, 250):
        with common.console.capture() as cap:
            common.console.print(summary_renderable(result, bound, daily, {"max_consecutive_days": 2}), width=width)
        rendered.append(cap.get())
    assert_fits(*rendered)


# --- 5. progress lines in a pipe ------------------------------------------------------------------

def test_plain_progress_lines_with_a_fake_clock():
    lines, now = [], [100.0]
    bar = common.PlainProgress("Backtesting", 4, lines.append, status=lambda: "seasonal",
                               clock=lambda: now[0], now=lambda: pd.Timestamp("2026-11-23 09:00:05").to_pydatetime())
    bar.start()
    now[0] = 115.0
    bar.advance(2)
    bar.tick()
    now[0] = 131.0
    bar.advance(2, description="Backtest done")
    bar.finish()
    assert lines == ["09:00:05 Backtesting …", "09:00:05 Backtesting … 15 s, 2/4, seasonal",
                     "09:00:05 Backtest done done in 31 s, 4/4, seasonal"]


def test_ticker_calls_back_until_the_block_ends():
    ticked = threading.Event()
    calls = []

    def tick():
        calls.append(1)
        if len(calls) >= 3:
            ticked.set()

    with common._ticker(0.001, tick):
        assert ticked.wait(10)
    after = len(calls)
    assert after >= 3 and len(calls) == after  # stopped with the block


def test_progress_in_a_pipe_prints_lines_and_quiet_silences_them(monkeypatch):
    ticks = threading.Event()
    original = common.PlainProgress.tick

    def tick(self):
        original(self)
        ticks.set()

    monkeypatch.setattr(common.PlainProgress, "tick", tick)
    monkeypatch.setattr(common, "PLAIN_PROGRESS_INTERVAL_S", 0.001)
    assert not common.err_console.is_terminal
    with common.err_console.capture() as cap, live_progress(90) as on_progress:
        on_progress(1234.0, 1000.0, 1.0)
        assert ticks.wait(10)
    lines = cap.get().splitlines()
    assert lines[0].endswith("Solving roster …") and "done in" in lines[-1]
    assert any("1 roster(s) found, best cost 1,234 (solver limit 90 s)" in line for line in lines[1:])
    common.STATE.quiet = True
    with common.err_console.capture() as cap, common.progress("Reading", total=2) as advance:
        advance()
    assert cap.get() == ""
