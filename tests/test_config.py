"""Config loading: the demo config is valid; typos and bad values fail with key path and line."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.config import load_config, parse_config
from planner.errors import ConfigError


def test_demo_config_loads(demo_config_path):
    cfg = load_config(demo_config_path)
    assert cfg.site.slot_minutes == 15
    assert cfg.channel_names == ["voice", "chat", "email", "social"]
    assert cfg.channel("email").kind == "deferred"
    assert cfg.input_path("history") == demo_config_path.parent / "../runs/demo/data/history.csv"


def test_holidays_close_the_site(demo_config_path):
    cfg = load_config(demo_config_path)
    assert cfg.hours_on(dt.date(2025, 12, 25)) is None
    assert cfg.hours_on(dt.date(2025, 12, 22), "voice").close == "20:00"


def _demo_text(demo_config_path) -> str:
    return demo_config_path.read_text()


def test_misspelt_key_names_path_line_and_suggestion(demo_config_path):
    text = _demo_text(demo_config_path).replace("  - name: chat\n", "  - name: chat\n    targte: 1\n", 1)
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="demo.yaml")
    message = str(info.value)
    line = text.splitlines().index("    targte: 1") + 1
    assert f"channels[1].targte (line {line}, column 5): unknown key, did you mean 'target'?" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("slot_minutes: 15", "slot_minutes: 7", "slot_minutes must divide the hour"),
        ("shrinkage: 0.30", "shrinkage: 1.0", "channels[0].shrinkage"),
        ("service_level: 0.80, answer_within_s: 20", "service_level: 1.5, answer_within_s: 20", "service_level"),
        ("timezone: Europe/London", "timezone: Mars/Olympus", "unknown IANA time zone"),
        ('monday:    {open: "08:00", close: "22:00"}', 'monday:    {open: "08:00", close: "25:00"}', "out of range"),
        ("weekly_hours_min: 35", "weekly_hours_min: 45", "weekly_hours_min 45.0 > weekly_hours_max 40.0"),
        ("shift_lengths_h: [8, 8.5]", "shift_lengths_h: [8, 7.3]",
         "contracts[0].shift_lengths_h[1] (line 77, column 26): a 7.3 h shift is not a whole number of 15-minute slots"),
        ("days_per_week_max: 5\n    shift_lengths_h: [8, 8.5]", "days_per_week_max: 4\n    shift_lengths_h: [8, 8.5]",
         "contracts[0].weekly_hours_min (line 74, column 5): weekly_hours_min 35 cannot be worked: at most 4 shift(s) "
         "a week of at most 8.5 h is 34 h"),
    ],
)
def test_bad_values_are_rejected(demo_config_path, old, new, expected):
    text = _demo_text(demo_config_path)
    assert old in text
    with pytest.raises(ConfigError) as info:
        parse_config(text.replace(old, new, 1), source="demo.yaml")
    assert expected in str(info.value)


def test_not_yaml_reports_line():
    with pytest.raises(ConfigError) as info:
        parse_config("site: [unclosed\n", source="x.yaml")
    assert "x.yaml, line" in str(info.value)


def test_overrides_apply(demo_config_path):
    cfg = load_config(demo_config_path, overrides={"solver.time_limit_s": 5})
    assert cfg.solver.time_limit_s == 5
