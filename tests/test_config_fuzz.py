"""Property test of the config loader: mutated demo configs load, or fail with one ConfigError naming file, line, column."""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.config import parse_config
from planner.errors import ConfigError

DEMO = (Path(__file__).resolve().parents[1] / "configs" / "demo.yaml").read_text()
DEMO_DATA = yaml.safe_load(DEMO)  # parsed once: reading the demo takes longer than checking a case
LINES = DEMO.splitlines()
WHERE = re.compile(r"demo\.yaml(, line \d+, column \d+:|: invalid configuration\n  - .*\(line \d+, column \d+\))")

# hostile or odd YAML values: non-finite, booleans, huge, negative, wrong type, aliases, broken syntax
TOKENS = [".nan", ".inf", "-.inf", "true", "no", "null", "~", "-1", "-1000", "0", "1.0e+308", "1e12", str(2**63),
          "9" * 400, "Europe", "a" * 300, "'../etc'", '"\\0"', "'[bold]x[/]'", "[]", "{}", "[.nan]", "[-30]",
          "{open: '08:15', close: '17:45'}", "'24:00'", "'7:5'", "2026-13-45", "2026-02-30", "!!binary x", "!!int x",
          "!!python/object:os.system x", "*nothere", "&a [*a]", "[" * 40 + "x" + "]" * 40,
          "'", '"', "[", "{", "|", "? x", "- x", "x: y: z", "\t", "%", "@", "`", "é", "\ud800"]
MUTATIONS = ["value", "value", "value", "delete", "duplicate", "insert", "text", "indent"]
KINDS: Counter = Counter()  # mutation kinds drawn in the current run, and restructured cases


@st.composite
def mutated(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(MUTATIONS))
        KINDS[kind] += 1
        line = lines[i]
        if kind == "value" and ":" in line:
            key = line[: line.index(":") + 1]
            lines[i] = f"{key} {draw(st.sampled_from(TOKENS) | st.text(max_size=12))}"
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "insert":
            lines.insert(i, " " * draw(st.integers(0, 8)) + draw(st.sampled_from(TOKENS)) + ": " + draw(st.sampled_from(TOKENS)))
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(0, 3)) + line
        else:
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.text(max_size=6)) + line[at:]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@st.composite
def restructured(draw) -> str:
    """The demo as data with one value replaced by a generated one, dumped back to YAML."""
    KINDS["restructured"] += 1
    data = copy.deepcopy(DEMO_DATA)
    paths = _leaf_paths(data)
    path = draw(st.sampled_from(paths))
    leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    value = draw(st.recursive(leaf, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids,
                                                                                               max_size=3), max_leaves=8))
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


def _leaf_paths(data, path=()) -> list[tuple]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaf_paths(v, path + (k,))] or [path]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaf_paths(v, path + (i,))] or [path]
    return [path]


COUNTS: Counter = Counter()


def _check(text: str) -> None:
    COUNTS["cases"] += 1
    try:
        parse_config(text, source="demo.yaml")
    except ConfigError as exc:
        assert WHERE.search(str(exc)), f"error without file, line and column: {exc}"
        COUNTS["clean errors"] += 1
    except Exception as exc:  # anything else is a bug: fail and show it
        COUNTS["anything else"] += 1
        raise AssertionError(f"{type(exc).__name__}: {exc}") from exc
    else:
        COUNTS["accepted"] += 1


def _run(examples: int) -> Counter:
    COUNTS.clear()
    KINDS.clear()
    options = settings(max_examples=examples, deadline=None, database=None,
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def check(text: str) -> None:  # a fresh function per run: hypothesis decorates it with this run's settings
        _check(text)

    given(mutated() | restructured())(options(check))()
    print(f"\nconfig fuzz: {dict(COUNTS)}, mutations drawn: {dict(KINDS)}")
    return COUNTS


def test_loader_never_crashes_on_mutated_configs():
    counts = _run(250)
    assert counts["anything else"] == 0 and counts["clean errors"] > 0 and counts["accepted"] > 0


@pytest.mark.slow
def test_loader_never_crashes_on_many_mutated_configs():
    # 3,000 cases (5,000 before): every mutation kind and the restructured cases are still drawn hundreds of times
    counts = _run(3000)
    assert counts["anything else"] == 0 and counts["clean errors"] > 0 and counts["accepted"] > 0
    assert min(KINDS[kind] for kind in [*MUTATIONS, "restructured"]) >= 100, KINDS
