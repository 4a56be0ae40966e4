"""Config loader hardening: hostile or odd YAML ends in one ConfigError naming file, line and column."""

from __future__ import annotations

import re

import pytest

from planner.config import parse_config
from planner.errors import ConfigError


@pytest.fixture
def demo(demo_config_path) -> str:
    return demo_config_path.read_text()


def _error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="demo.yaml")
    return str(info.value)


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = text.splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[nth - 1]


@pytest.mark.parametrize("zone", ["Europe", "a" * 300, "../etc", "Europe/London\0"])
def test_bad_time_zone_is_a_config_error_at_its_key(demo, zone):
    text = demo.replace("timezone: Europe/London", f"timezone: {zone!r}".replace("\\x00", "\\0").replace("'", '"'))
    message = _error(text)
    assert f"site.timezone (line {_line_of(text, 'timezone:')}, column 3): unknown IANA time zone" in message


@pytest.mark.parametrize("text", ["site: " + "[" * 1000 + "]" * 1000,
                                  "a:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(1000))])
def test_deep_nesting_is_refused(text):
    # libyaml stops at 1,000 levels by itself; the loader's own limit is far lower
    assert re.search(r"demo\.yaml, line \d+, column \d+: (nested more than \d+ levels deep|"
                     r"not valid YAML \(exceeded maximum nesting depth\))", _error(text))


def test_moderate_nesting_is_refused_by_the_loader():
    text = "site: " + "[" * 100 + "]" * 100
    assert re.search(r"demo\.yaml, line 1, column \d+: nested more than 32 levels deep", _error(text))


def _bomb(levels: int) -> str:
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, levels + 1):
        text += f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    return text


def test_alias_bomb_is_refused_before_expanding(demo):
    # 9**7 (4.8 million) values: expanding it would take minutes and gigabytes
    message = _error("unknown_section:\n" + "".join("  " + line + "\n" for line in _bomb(7).splitlines()) + demo)
    assert "expands (through YAML aliases) to more than 100,000 values" in message
    assert re.match(r"demo\.yaml, line \d+, column \d+:", message)


def test_small_aliases_still_work(demo):
    text = demo.replace("  - name: chat\n    kind: immediate\n    target: {service_level: 0.80, answer_within_s: 30}",
                        "  - name: chat\n    kind: immediate\n    target: *voice_target")
    text = text.replace("target: {service_level: 0.80, answer_within_s: 20}",
                        "target: &voice_target {service_level: 0.80, answer_within_s: 20}")
    assert parse_config(text).channel("chat").target.answer_within_s == 20


def test_recursive_alias_is_refused():
    assert "a config cannot be recursive" in _error("site: &x [*x]\n")


def test_impossible_date_is_a_config_error_at_its_value(demo):
    text = demo + "\nforecast:\n  events:\n    - {name: x, start: 2026-13-45, end: 2026-01-01, multiplier: 2}\n"
    message = _error(text)
    assert f"demo.yaml, line {_line_of(text, '2026-13-45')}, column 24: cannot read this value" in message


@pytest.mark.parametrize(("old", "new", "path"), [
    ("shift_lengths_h: [8, 8.5]", "shift_lengths_h: [.nan]", "contracts[0].shift_lengths_h[0]"),
    ("shift_lengths_h: [8, 8.5]", "shift_lengths_h: [.inf]", "contracts[0].shift_lengths_h[0]"),
    ("aht_s: 300", "aht_s: .nan", "channels[0].aht_s"),
    ("weekly_hours_max: 40", "weekly_hours_max: .inf", "contracts[0].weekly_hours_max"),
])
def test_nan_and_inf_are_rejected(demo, old, new, path):
    assert old in demo
    text = demo.replace(old, new, 1)
    assert f"{path} (line {_line_of(text, new.split(':')[0] + ':')}" in _error(text)
    assert "finite number" in _error(text)


@pytest.mark.parametrize("section", [
    "shift_rules:\n  lunch:\n    window_start_h: .nan\n",
    "solver:\n  weights:\n    paid_hour: .inf\n",
    "labour_rules:\n  soft:\n    fair_weekends: .nan\n",
    "forecast:\n  events:\n    - {name: x, start: 2026-01-01, end: 2026-01-02, multiplier: .inf}\n",
    "forecast:\n  events:\n    - {name: x, start: 2026-01-01, end: 2026-01-02, uplift_pct: .nan}\n",
])
def test_nan_and_inf_rejected_in_windows_weights_multipliers_uplifts(demo, section):
    key = section.splitlines()[0].rstrip(":")
    text = _replace_section(demo, key, section)
    assert "finite number" in _error(text)


def _replace_section(demo: str, key: str, section: str) -> str:
    """Demo text with its top-level `key:` section replaced by section (or section appended)."""
    lines = demo.splitlines(keepends=True)
    if f"{key}:\n" not in lines:
        return demo + "\n" + section
    start = lines.index(f"{key}:\n")
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1] not in (" ", "\n", "#")), len(lines))
    return "".join(lines[:start]) + section + "".join(lines[end:])


def test_duplicate_key_names_both_lines(demo):
    text = demo.replace("  slot_minutes: 15\n", "  slot_minutes: 15\n  slot_minutes: 30\n", 1)
    first = _line_of(text, "slot_minutes:")
    message = _error(text)
    assert message.startswith(f"demo.yaml, line {first + 1}, column 3: duplicate key site.slot_minutes "
                              f"(first at line {first}, column 3)")


@pytest.mark.parametrize(("section", "path", "expected"), [
    ("labour_rules:\n  soft:\n    fair_weekends: -1\n", "labour_rules.soft.fair_weekends", "greater than or equal to 0"),
    ("solver:\n  weights:\n    late_contact: -5\n", "solver.weights.late_contact", "greater than or equal to 0"),
    ("shift_rules:\n  short_breaks:\n    duration_min: -15\n", "shift_rules.short_breaks.duration_min", "greater than 0"),
    ("shift_rules:\n  lunch:\n    durations_min: [-30]\n", "shift_rules.lunch.durations_min[0]", "greater than 0"),
    ("shift_rules:\n  lunch:\n    min_shift_h: -6\n", "shift_rules.lunch.min_shift_h", "greater than or equal to 0"),
    ("forecast:\n  events:\n    - {name: x, start: 2026-01-01, end: 2026-01-02, uplift_pct: -1000}\n",
     "forecast.events[0].uplift_pct", "greater than or equal to -100"),
])
def test_negative_weights_breaks_and_uplifts_are_rejected(demo, section, path, expected):
    message = _error(_replace_section(demo, section.splitlines()[0].rstrip(":"), section))
    assert path in message and expected in message


def test_uplift_may_remove_all_volume(demo):
    text = _replace_section(demo, "forecast", "forecast:\n  events:\n"
                            "    - {name: x, start: 2026-01-01, end: 2026-01-02, uplift_pct: -100}\n")
    assert parse_config(text).forecast.events[0].factor == 0


@pytest.mark.parametrize(("old", "new", "path", "expected"), [
    ("aht_s: 300", "aht_s: true", "channels[0].aht_s", "valid number"),
    ("min_agents: 2", "min_agents: yes", "channels[0].min_agents", "valid integer"),
    ("aht_s: 300", "aht_s: 1.0e+12", "channels[0].aht_s", "must be at most 86,400 (one day; durations are in seconds)"),
    ("min_agents: 2", "min_agents: 1.0e+30", "channels[0].min_agents", "valid integer"),
    ("min_agents: 2", "min_agents: 100000000", "channels[0].min_agents", "at most 10,000 (agents in one slot"),
    ("shrinkage: 0.30", "shrinkage: true", "channels[0].shrinkage", "valid number"),
])
def test_booleans_are_not_numbers_and_absurd_values_are_bounded(demo, old, new, path, expected):
    assert old in demo
    message = _error(demo.replace(old, new, 1))
    assert path in message and expected in message


def test_huge_horizon_is_bounded(demo):
    message = _error(_replace_section(demo, "forecast", f"forecast:\n  horizon_weeks: {2**63}\n"))
    assert "forecast.horizon_weeks" in message and "must be at most 104 (two years ahead)" in message


def test_duplicate_channel_is_reported_at_its_name(demo):
    text = demo.replace("  - name: chat\n", "  - name: voice\n", 1)
    line = _line_of(text, "  - name: voice", 2)
    assert f"channels[1].name (line {line}, column 5): channel 'voice' appears more than once" in _error(text)


def test_event_with_unknown_channel_is_reported_at_that_channel(demo):
    text = _replace_section(demo, "forecast", "forecast:\n  events:\n    - name: promo\n      start: 2026-01-01\n"
                            "      end: 2026-01-02\n      multiplier: 2\n      channels: [voice, fax]\n")
    line = _line_of(text, "channels: [voice, fax]")
    message = _error(text)
    assert f"forecast.events[0].channels[1] (line {line}, column 25): event 'promo' names unknown channel 'fax'" in message


@pytest.mark.parametrize(("new", "hint"), [
    ("aht_s: 3e2", "YAML reads this exponent as text: write 3.0e+02"),
    ('aht_s: "300"', "it is text in YAML: write the number without quotes"),
])
def test_numbers_written_as_text_say_why(demo, new, hint):
    message = _error(demo.replace("aht_s: 300", new, 1))
    assert "channels[0].aht_s" in message and hint in message


def test_a_bad_target_value_is_one_error_against_the_target_written(demo):
    text = demo.replace("answer_within_s: 20}", "answer_within_s: 2e1}", 1)
    message = _error(text)
    assert "channels[0].target.answer_within_s" in message and "3.0e" not in message
    # the other branch of the target (asa_s) does not add 'missing' or 'unknown key' noise
    assert "asa_s" not in message and "unknown key" not in message
    asa = _error(demo.replace("target: {service_level: 0.80, answer_within_s: 20}", "target: {asa_s: -5}", 1))
    assert "channels[0].target.asa_s" in asa and "service_level" not in asa
