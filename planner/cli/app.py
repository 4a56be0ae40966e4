"""The `planner` command: global options, command discovery and the one place errors become exit codes."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from planner.cli import commands
from planner.cli.common import STATE, err_console
from planner.errors import PlannerError

# Help lists commands in the order a planner uses them; a module not named here comes last.
COMMAND_ORDER = ["sample", "validate", "aggregate", "forecast", "staff", "schedule", "run", "report", "demo"]

app = typer.Typer(
    name="planner",
    help="Contact-centre workforce planner: forecast contacts, staff them with Erlang models, "
    "roster named agents with CP-SAT and report the KPIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


@app.callback()
def _global(
    debug: bool = typer.Option(False, "--debug", help="Show the Python traceback of an error."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars or tables; for scripts."),
) -> None:
    """Contact-centre workforce planner."""
    STATE.debug = debug
    STATE.quiet = quiet


def _register_commands() -> None:
    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    for name in sorted(names, key=lambda n: (rank.get(n, len(rank)), n)):
        importlib.import_module(f"{commands.__name__}.{name}").register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: run the app, turning user errors into exit code 2."""
    args = sys.argv[1:] if argv is None else argv
    STATE.debug = "--debug" in args
    try:
        app(args=args, prog_name="planner")  # standalone: usage errors exit 2 and --help exits 0 here
    except PlannerError as exc:
        if STATE.debug:
            err_console.print_exception()
        err_console.print(f"[bold red]Error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted: no output was written partially.")
        sys.exit(130)
    except Exception as exc:  # an internal error: say so plainly, traceback only with --debug
        if STATE.debug:
            raise
        err_console.print(
            f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}\n"
            "This is a bug in the planner; run again with --debug and report the traceback.",
            highlight=False,
        )
        sys.exit(1)
