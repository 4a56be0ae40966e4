"""The planner's exceptions: one base class the CLI catches at its edge (exit code 2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One validation failure: where it is (file, 1-based line as an editor counts it, column) and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: object
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        value = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{value}; expected {self.expected}"


class PlannerError(Exception):
    """Base of every error a user can cause and fix; the CLI prints it and exits with code 2."""

    exit_code = 2


class ConfigError(PlannerError):
    """The configuration file is missing, unreadable or invalid."""


class DataError(PlannerError):
    """An input table is missing, unreadable or fails validation; carries every problem found."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.problems = list(problems)
        self.summary = message
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.problems:
            return self.summary
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        lines = [self.summary] + [f"  - {p}" for p in shown]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            lines.append(f"  … and {hidden} more problem(s) of the same kind")
        return "\n".join(lines)


class RequestError(PlannerError):
    """A request cannot be served as asked (start before history, unknown model, horizon too long, …)."""


class InfeasibleError(PlannerError):
    """Hard rules cannot all hold; the message names the agent(s) and rule(s) in conflict."""


class PlannerWarning(UserWarning):
    """Something a user should know that did not stop the work (the CLI prints it as 'Warning: …' on stderr)."""


class DataWarning(PlannerWarning):
    """An input table is usable but carries something the planner ignores (columns outside its contract)."""
