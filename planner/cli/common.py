"""Shared CLI pieces: consoles, --quiet state, literal messages, progress (rich or plain lines) and config loading."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from planner.config import Config, load_config
from planner.errors import ConfigError, PlannerWarning

# A piped or logged run prints a progress line at least this often during a long phase.
PLAIN_PROGRESS_INTERVAL_S = 10.0


@dataclass
class CliState:
    """Global options (--debug, --quiet), given before or after the command name."""

    debug: bool = False
    quiet: bool = False


STATE = CliState()
console = Console()
err_console = Console(stderr=True)


def out(*objects, **kwargs) -> None:
    """Print to the terminal unless --quiet; plain strings are printed literally (no rich markup)."""
    if not STATE.quiet:
        console.print(*(Text(o) if isinstance(o, str) else o for o in objects), **kwargs)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Text from literal pieces, each a string or (string, rich style); data is never parsed as markup."""
    return Text.assemble(*parts)


def wrote(path: Path | str, detail: str = "") -> None:
    """Print 'Wrote <path> <detail>' (path and detail literally) unless --quiet."""
    out(styled(("Wrote", "green"), f" {path}" + (f" {detail}" if detail else "")))


def warn(message: str) -> None:
    """Print 'Warning: <message>' on stderr, literally; shown even with --quiet because it changes what was done."""
    err_console.print(styled(("Warning:", "bold yellow"), f" {message}"), highlight=False, soft_wrap=True)


@contextmanager
def planner_warnings_printed() -> Iterator[None]:
    """Inside the block, every PlannerWarning the library raises is printed at once with warn() (each time it is
    raised); other warnings go to Python's usual display."""
    usual = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, PlannerWarning):
            warn(str(message))
        else:
            usual(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.simplefilter("always", PlannerWarning)
        warnings.showwarning = show
        yield


def print_error(label: str, message: str) -> None:
    """Print '<label>: <message>' on stderr in red, the message literally (any [..] in it is kept as typed)."""
    err_console.print(styled((f"{label}:", "bold red"), f" {message}"), highlight=False, soft_wrap=True)


def add_row(table: Table, *cells: object, **kwargs) -> None:
    """Add a table row whose string cells are shown literally (a channel, path or reason is never markup)."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells), **kwargs)


def counted(n: int, one: str, many: str | None = None) -> str:
    """'1 team page', '2 team pages', '1,204 calendars' (many defaults to one + 's')."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def breakable(text: str) -> Text:
    """A table cell (literal) that a narrow column wraps between list items, never inside one: a space after each ';'
    and around each '+' ('voice;chat' shows as 'voice; chat', the skill group 'chat+email' as 'chat + email'); the
    files keep the compact form."""
    return Text(re.sub(r"\s*\+\s*", " + ", re.sub(r";\s*", "; ", text)).strip())


class _StatusColumn(ProgressColumn):
    """A progress column whose text comes from a callable at each refresh (a solver's best roster so far)."""

    def __init__(self, status: Callable[[], str]) -> None:
        super().__init__()
        self.status = status

    def render(self, task) -> Text:
        return Text(self.status())


class PlainProgress:
    """Timestamped progress lines for a pipe or log: a start line, one per tick, and a closing line."""

    def __init__(self, description: str, total: int | None, write: Callable[[str], None],
                 status: Callable[[], str] | None = None, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self.description, self.total, self.write, self.status = description, total, write, status
        self.clock, self.now = clock, now
        self.done = 0
        self.started = clock()
        self._lock = threading.Lock()

    def _line(self, tail: str) -> str:
        return f"{self.now():%H:%M:%S} {self.description} {tail}"

    def _counts(self) -> str:
        extra = self.status() if self.status is not None else ""
        counts = f", {self.done}/{self.total}" if self.total else ""
        return counts + (f", {extra}" if extra else "")

    def start(self) -> None:
        """Say the phase started."""
        self.write(self._line("…"))

    def advance(self, n: int = 1, description: str | None = None, total: int | None = None) -> None:
        """Count n more steps done; a new description or total (the steps that will in fact run) from the next line on."""
        with self._lock:
            self.done += n
            if description:
                self.description = description
            if total is not None:
                self.total = total

    def tick(self) -> None:
        """One line: elapsed seconds, steps done and the status text."""
        with self._lock:
            self.write(self._line(f"… {self.clock() - self.started:.0f} s{self._counts()}"))

    def finish(self) -> None:
        """Say the phase ended and how long it took."""
        with self._lock:
            self.write(self._line(f"done in {self.clock() - self.started:.0f} s{self._counts()}"))


@contextmanager
def _ticker(interval_s: float, tick: Callable[[], None]) -> Iterator[None]:
    """Call tick every interval_s seconds from a background thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            tick()

    thread = threading.Thread(target=loop, name="planner-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def progress(description: str, total: int | None = None, *, status: Callable[[], str] | None = None,
             interval_s: float | None = None) -> Iterator[Callable[..., None]]:
    """Progress of a long phase on stderr; yields advance(n=1, description=None, total=None).

    A rich bar on a terminal; otherwise a plain timestamped line at the start, every interval_s seconds
    (default PLAIN_PROGRESS_INTERVAL_S) and at the end; nothing with --quiet. status() adds live text.
    """
    if STATE.quiet:
        yield lambda n=1, description=None, total=None: None
        return
    if not err_console.is_terminal:
        plain = PlainProgress(description, total, lambda line: err_console.print(Text(line), highlight=False,
                                                                                   soft_wrap=True), status)
        plain.start()
        with _ticker(PLAIN_PROGRESS_INTERVAL_S if interval_s is None else interval_s, plain.tick):
            yield plain.advance
        plain.finish()
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}", markup=False)]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns.append(TimeElapsedColumn())
    if status is not None:
        columns.append(_StatusColumn(status))
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1, description: str | None = None, total: int | None = None) -> None:
            bar.update(task, advance=n, **({"description": description} if description else {}),
                       **({"total": total} if total is not None else {}))

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
