"""Shared CLI pieces: consoles, --quiet state, progress bars and config loading."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from planner.config import Config, load_config
from planner.errors import ConfigError


@dataclass
class CliState:
    """Options given before the command name."""

    debug: bool = False
    quiet: bool = False


STATE = CliState()
console = Console()
err_console = Console(stderr=True)


def out(*objects, **kwargs) -> None:
    """Print to the terminal unless --quiet."""
    if not STATE.quiet:
        console.print(*objects, **kwargs)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[callable]:
    """A rich progress bar on stderr (silent with --quiet); yields advance(n=1, description=None)."""
    if STATE.quiet:
        yield lambda n=1, description=None: None
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1, description: str | None = None) -> None:
            bar.update(task, advance=n, **({"description": description} if description else {}))

        yield advance


def config_from(path: Path | None, required: bool = True) -> Config | None:
    """Load the --config file, or explain that one is needed."""
    if path is None:
        if required:
            raise ConfigError("this command needs --config C (for example --config configs/demo.yaml)")
        return None
    return load_config(path)


def input_or_config(given: Path | None, config: Config | None, name: str) -> Path | None:
    """The path given on the command line, else the config's inputs.<name>, else None."""
    if given is not None:
        return given
    return config.input_path(name) if config is not None else None
