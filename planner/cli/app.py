"""The `planner` command: global options, command discovery and the one place errors become exit codes."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import sys
import traceback
from collections.abc import Callable

import typer

from planner.cli import commands
from planner.cli.common import STATE, err_console, planner_warnings_printed, print_error
from planner.errors import PlannerError

# Help lists commands in the order a planner uses them; a module not named here comes last.
COMMAND_ORDER = ["sample", "validate", "aggregate", "forecast", "staff", "leave", "schedule", "replan", "run", "whatif",
                 "sweep", "publish", "diff", "report", "demo"]
DEBUG_HELP = "Show the Python traceback of an error."
QUIET_HELP = "No progress lines or tables; for scripts."

app = typer.Typer(
    name="planner",
    help="Contact-centre workforce planner: forecast contacts, staff them with Erlang models, "
    "roster named agents with CP-SAT and report the KPIs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # click's plain help: boolean options read as flags (--verify), not `--verify <bool>`, and fit 80 columns
    rich_markup_mode=None,
)


@app.callback()
def _global(
    debug: bool = typer.Option(False, "--debug", help=DEBUG_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
) -> None:
    """Contact-centre workforce planner."""
    STATE.debug = debug
    STATE.quiet = quiet


def with_global_options(command: Callable) -> Callable:
    """The command with --debug and --quiet added, so they work after the command name as well as before it."""
    signature = inspect.signature(command)
    extra = [
        inspect.Parameter("debug", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                          default=typer.Option(False, "--debug", help=DEBUG_HELP)),
        inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, annotation=bool,
                          default=typer.Option(False, "--quiet", "-q", help=QUIET_HELP)),
    ]

    @functools.wraps(command)
    def wrapper(*args, debug: bool = False, quiet: bool = False, **kwargs):
        STATE.debug = STATE.debug or debug
        STATE.quiet = STATE.quiet or quiet
        with planner_warnings_printed():
            return command(*args, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *extra])
    wrapper.__annotations__ = {**command.__annotations__, "debug": bool, "quiet": bool}
    return wrapper


def _register_commands() -> None:
    names = [m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    for name in sorted(names, key=lambda n: (rank.get(n, len(rank)), n)):
        importlib.import_module(f"{commands.__name__}.{name}").register(app)
    for info in app.registered_commands:
        info.callback = with_global_options(info.callback)
    for group in app.registered_groups:  # sub-apps (planner leave …): their commands take the global options too
        for info in group.typer_instance.registered_commands:
            info.callback = with_global_options(info.callback)


_register_commands()


def _first_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: run the app, turning user errors into exit code 2 and bugs into 1."""
    args = sys.argv[1:] if argv is None else argv
    # seen before parsing, so an error while parsing the options still honours --debug anywhere on the line
    STATE.debug = "--debug" in args[: args.index("--")] if "--" in args else "--debug" in args
    try:
        app(args=args, prog_name="planner")  # standalone: usage errors exit 2 and --help exits 0 here
    except PlannerError as exc:
        if STATE.debug:
            err_console.print(traceback.format_exc(), markup=False, highlight=False, soft_wrap=True, end="")
        print_error("Error", str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("Interrupted: no output was written partially.", markup=False)
        sys.exit(130)
    except Exception as exc:  # an internal error: one line, the traceback only with --debug
        if STATE.debug:
            err_console.print(traceback.format_exc(), markup=False, highlight=False, soft_wrap=True, end="")
        detail = _first_line(str(exc))
        print_error("Internal error", f"{type(exc).__name__}" + (f": {detail}" if detail else ""))
        if not STATE.debug:
            err_console.print("This is a bug in the planner; run again with --debug and report the traceback.",
                              markup=False, highlight=False)
        sys.exit(1)
