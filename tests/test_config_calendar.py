"""Channel opening hours: validated like the site's, and every stage reads the same open slots from planner.calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from schedule_instances import agents_table, no_leave

from forecasts.calendar import mask_from_hours
from planner.calendar import open_mask, slot_starts
from planner.config import parse_config
from planner.errors import ConfigError
from planner.forecasting import spec_from_config
from planner.scheduling.instance import build_instance
from planner.staffing import requirements

WEEK = dt.date(2027, 3, 22)  # Friday 26 March is Good Friday, a public holiday in England

YAML = """
site:
  name: Calendar
  timezone: UTC
  slot_minutes: 30
  opening_hours:
    monday: {open: "06:00", close: "22:00"}
    tuesday: {open: "06:00", close: "22:00"}
    wednesday: {open: "06:00", close: "22:00"}
    thursday: {open: "06:00", close: "22:00"}
    friday: {open: "06:00", close: "22:00"}
    saturday: {open: "18:00", close: "03:00"}
    sunday: {open: "06:00", close: "22:00"}
  holidays: {country: GB, subdivision: ENG, hours: closed}
channels:
  - name: voice
    target: {service_level: 0.8, answer_within_s: 20}
    aht_s: 300
    min_agents: 1
    opening_hours:
VOICE_HOURS
  - {name: chat, target: {service_level: 0.8, answer_within_s: 30}, aht_s: 600, min_agents: 1}
contracts:
  - {name: std, weekly_hours_min: 0, weekly_hours_max: 40, days_per_week_max: 5, shift_lengths_h: [4]}
shift_rules: {start_step_min: 30, lunch: null, short_breaks: null}
"""

# Monday and Friday (a holiday) named; Saturday runs past midnight; every other day is closed
VOICE = """      monday: {open: "08:30", close: "17:30"}
      friday: {open: "09:00", close: "12:00"}
      saturday: {open: "20:00", close: "01:30"}
"""


def _config(voice_hours: str = VOICE):
    return parse_config(YAML.replace("VOICE_HOURS\n", voice_hours), source="calendar.yaml")


def test_override_naming_one_day_closes_the_others():
    cfg = _config('      monday: {open: "08:00", close: "12:00"}\n')
    assert cfg.hours_on(WEEK, "voice").open == "08:00"
    assert cfg.hours_on(WEEK + dt.timedelta(days=6), "voice") is None  # Sunday: not named, so closed
    assert cfg.hours_on(WEEK + dt.timedelta(days=6), "chat").open == "06:00"  # chat keeps the site's hours


def test_override_with_unknown_day_is_rejected_like_the_site():
    line = YAML.splitlines().index("    opening_hours:") + 1
    with pytest.raises(ConfigError, match=rf"channels\[0\]\.opening_hours \(line {line}, column 5\): unknown weekday"):
        _config('      mondy: {open: "08:00", close: "12:00"}\n')


def test_override_off_the_slot_grid_is_rejected_at_its_day():
    text = '      monday: {open: "08:15", close: "17:45"}\n'
    with pytest.raises(ConfigError) as info:
        _config(text)
    line = YAML.splitlines().index("VOICE_HOURS") + 1
    assert (f"channels[0].opening_hours.monday (line {line}, column 7): 08:15–17:45 is not on 30-minute slots"
            in str(info.value))


def test_every_stage_agrees_on_the_open_slots():
    cfg = _config()
    days, per_day = 7, 48
    starts = slot_starts(WEEK, days * per_day, 30)
    expected = np.zeros(days * per_day, dtype=bool)
    expected[17:35] = True  # Monday 08:30–17:30
    expected[5 * per_day + 40: 6 * per_day + 3] = True  # Saturday 20:00 to Sunday 01:30; Friday is a holiday
    assert (open_mask(cfg, "voice", starts) == expected).all()

    spec = spec_from_config(cfg)
    forecast_open = mask_from_hours(spec.open_hours["voice"], np.datetime64(WEEK), days, 30).ravel()
    assert (forecast_open == expected).all()

    frame = pd.DataFrame({"interval_start": np.concatenate([starts, starts]), "channel": ["voice"] * len(starts)
                          + ["chat"] * len(starts), "offered": 5.0, "aht_s": 300.0})
    req = requirements(frame, cfg)
    staffed = req[req["channel"] == "voice"]["agents_required"].to_numpy() > 0
    assert (staffed == expected).all()

    agents = agents_table([{"agent_id": "A1", "skills": ["voice", "chat"], "contract": "std"}])
    inst = build_instance(cfg, req, agents, no_leave(), WEEK, weeks=1)
    assert (inst.channel_open[inst.channels.index("voice"), : days * per_day] == expected).all()

    # chat keeps the site's hours in every stage, and voice is never open while the site is closed
    site = open_mask(cfg, None, starts)
    assert (open_mask(cfg, "chat", starts) == site).all() and not (expected & ~site).any()
    assert ((req[req["channel"] == "chat"]["agents_required"].to_numpy() > 0) == site).all()
    assert (inst.channel_open[inst.channels.index("chat"), : days * per_day] == site).all()


def test_a_channel_is_never_open_while_the_site_is_closed_even_without_the_loader():
    cfg = _config()
    wide = {day: {"open": "05:00", "close": "23:00"} for day in ("monday", "tuesday")}
    voice = cfg.channels[0].model_copy(update={"opening_hours": {**cfg.channels[0].opening_hours, **{
        day: type(cfg.site.opening_hours["monday"])(**hours) for day, hours in wide.items()}}})
    loose = cfg.model_copy(update={"channels": [voice, *cfg.channels[1:]]})  # skips the loader's refusal
    starts = slot_starts(WEEK, 7 * 48, 30)
    mask = open_mask(loose, "voice", starts)
    assert not (mask & ~open_mask(loose, None, starts)).any()
    assert mask[12] and not mask[11] and mask[43] and not mask[44]  # Monday 06:00–22:00, the site's hours
    frame = pd.DataFrame({"interval_start": starts, "channel": "voice", "offered": 5.0, "aht_s": 300.0})
    agents = agents_table([{"agent_id": "A1", "skills": ["voice", "chat"], "contract": "std"}])
    inst = build_instance(loose, requirements(frame, loose), agents, no_leave(), WEEK, weeks=1)
    assert (inst.channel_open[inst.channels.index("voice"), : len(starts)] == mask).all()


def test_override_open_while_the_site_is_closed_is_refused_naming_the_day_and_times():
    line = YAML.splitlines().index("VOICE_HOURS") + 1
    with pytest.raises(ConfigError) as info:
        _config('      monday: {open: "08:00", close: "12:00"}\n      tuesday: {open: "05:00", close: "23:00"}\n')
    assert (f"channels[0].opening_hours.tuesday (line {line + 1}, column 7): voice is open 05:00–23:00 on tuesday, "
            "but the site is closed at 05:00 (its hours that day are 06:00–22:00)" in str(info.value))
    with pytest.raises(ConfigError, match=r"opening_hours\.friday .*the site is closed at 22:00"):
        _config('      friday: {open: "20:00", close: "23:00"}\n')
    # the site's Saturday runs to 03:00, so a Sunday window before it closes is inside the site's hours
    assert _config('      sunday: {open: "00:00", close: "02:00"}\n').hours_on(WEEK + dt.timedelta(days=6), "voice")
