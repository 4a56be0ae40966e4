"""Every command has help with a one-line description and an example; user errors exit 2 without a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from planner.cli.app import app, main

runner = CliRunner()


def _command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_top_level_help_lists_every_command():
    result = runner.invoke(app, ["--help"], terminal_width=120)
    assert result.exit_code == 0
    for name in _command_names():
        assert name in result.output


@pytest.mark.parametrize("name", _command_names())
def test_each_command_help_has_an_example(name):
    result = runner.invoke(app, [name, "--help"], terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"planner {name}" in result.output


def test_user_error_exits_2_without_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--config", str(tmp_path / "missing.yaml")])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert "config file not found" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_debug_shows_the_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--debug", "validate", "--config", str(tmp_path / "missing.yaml")])
    assert info.value.code == 2
    assert "Traceback" in capsys.readouterr().err
