"""What the README says the code does: the files `planner demo` writes and the all-channel abandon rule."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from planner.config import parse_config
from planner.reports import build_report
from planner.reports.kpis import DEFINITIONS
from planner.sample.site import FILES

# every module whose writers the demo calls, and the sample site it writes into data/
DEMO_WRITERS = ["planner/cli/commands/demo.py", "planner/cli/commands/leave.py", "planner/cli/commands/run.py",
                "planner/run_files.py", "planner/scheduling/outputs.py", "planner/scheduling/roster.py",
                "planner/cli/commands/whatif.py"]
FILE_NAME = r"[\w.]+\.(?:csv|json|xlsx|html|yaml)"


def _readme(repo) -> str:
    return " ".join((repo / "README.md").read_text(encoding="utf-8").split())


def test_readme_lists_exactly_the_files_the_demo_writes(repo):
    written = {name for rel in DEMO_WRITERS for name in re.findall(rf'/ "({FILE_NAME})"', (repo / rel).read_text())}
    written |= {f"data/{name}.csv" for name in FILES}
    text = _readme(repo)
    sentence = text[text.index("runs every stage on it into `runs/demo/`"):text.index("The second runs the test suite")]
    data = re.search(r"`data/` \(([^)]*)\)", sentence)  # the sample site's files, named inside the parentheses
    inside = set(re.findall(rf"`({FILE_NAME})`", data[1])) if data else set()
    listed = set(re.findall(rf"`({FILE_NAME})`", sentence.replace(data[0], "") if data else sentence))
    assert listed | {f"data/{name}" for name in inside} == written


ABANDON_RULE = "and the deferred ones whose data record abandons"


def test_the_all_channel_abandon_rule_is_stated_as_the_code_applies_it(repo):
    cfg = parse_config("""
site: {name: Test site, slot_minutes: 15}
channels:
  - {name: voice, target: {service_level: 0.8, answer_within_s: 20}, aht_s: 300}
  - {name: email, kind: deferred, target: {service_level: 0.9, answer_within_s: 86400}, aht_s: 400}
  - {name: social, kind: deferred, target: {service_level: 0.9, answer_within_s: 3600}, aht_s: 400}
""")
    history = pd.DataFrame({"interval_start": pd.Timestamp("2026-11-02 09:00"), "channel": ["voice", "email", "social"],
                            "offered": [10, 160, 30], "handled": [8, 160, 27], "abandoned": [2, 0, 3]})
    summary = build_report(cfg, history=history).tables["summary"].set_index("channel")
    # social records withdrawn messages, so they count; email records none and would only dilute the rate
    assert summary.loc["all", "abandon_scope"] == "voice, social"
    assert summary.loc["all", "abandon_rate"] == pytest.approx(5 / 40)
    assert ABANDON_RULE in " ".join(DEFINITIONS["abandon rate"].split())
    assert ABANDON_RULE in _readme(repo)
