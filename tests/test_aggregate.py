"""Contacts → interval history: hand-checked slot values, the DST grid, and the real bank log against plain counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.config import load_config
from planner.errors import DataError
from planner.io.aggregate import HISTORY_COLUMNS, contacts_to_intervals
from planner.io.contacts_import import import_contacts
from planner.io.tables import validate_contacts, validate_history


@pytest.fixture(scope="module")
def demo(demo_config_path):
    return load_config(demo_config_path)


def _t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def test_one_slot_by_hand(demo):
    contacts = validate_contacts(pd.DataFrame({
        "contact_id": ["a", "b", "c", "d"],
        "channel": ["voice", "voice", "voice", "chat"],
        "arrived_at": [_t("2026-11-23 08:00:10"), _t("2026-11-23 08:05:00"), _t("2026-11-23 08:14:59"),
                       _t("2026-11-23 08:20:00")],
        "answered_at": [_t("2026-11-23 08:00:15"), _t("2026-11-23 08:05:30"), pd.NaT, _t("2026-11-23 08:20:20")],
        "abandoned": [False, False, True, False],
        "handle_s": [200.0, 300.0, np.nan, 500.0],
        "wrap_s": [30.0, np.nan, np.nan, 0.0],
    }), "t", demo)
    history = contacts_to_intervals(contacts, demo)
    assert list(history.columns) == HISTORY_COLUMNS
    row = history[(history.interval_start == _t("2026-11-23 08:00")) & (history.channel == "voice")].iloc[0]
    assert (row.offered, row.handled, row.abandoned) == (3, 2, 1)
    assert row.aht_s == pytest.approx((230 + 300) / 2)  # wrap added where known; the abandon has no handle time
    assert row.asa_s == pytest.approx((5 + 30) / 2)
    assert row.answered_within_target == 1  # 5 s ≤ 20 s; 30 s is late; the abandon is never within target
    chat = history[(history.interval_start == _t("2026-11-23 08:15")) & (history.channel == "chat")].iloc[0]
    assert (chat.offered, chat.answered_within_target, chat.asa_s) == (1, 1, 20.0)  # chat target is 30 s
    # the grid is complete: 96 slots x 4 channels on the one day, zeros where nothing arrived
    assert len(history) == 96 * 4
    empty = history[(history.interval_start == _t("2026-11-23 12:00")) & (history.channel == "email")].iloc[0]
    assert empty.offered == 0 and np.isnan(empty.aht_s) and np.isnan(empty.asa_s)
    validate_history(history, "aggregated", demo)  # the output honours the history contract


def test_grid_skips_the_spring_forward_hour_and_notes_fall_back(demo):
    def one(day: str) -> pd.DataFrame:
        return validate_contacts(pd.DataFrame({"contact_id": ["x"], "channel": ["voice"], "arrived_at": [_t(f"{day} 09:00")]}),
                                 "t", demo)

    spring = contacts_to_intervals(one("2026-03-29"), demo)
    assert len(spring) == (96 - 4) * 4 and not (spring.interval_start.dt.hour == 1).any()
    assert spring.attrs["notes"] == []
    autumn = contacts_to_intervals(one("2026-10-25"), demo)
    assert len(autumn) == 96 * 4
    assert "clocks go back on 2026-10-25" in autumn.attrs["notes"][0]


def test_unknown_channel_is_refused(demo):
    contacts = pd.DataFrame({"contact_id": ["x"], "channel": ["fax"], "arrived_at": [_t("2026-11-23 09:00")]})
    with pytest.raises(DataError, match="fax"):
        contacts_to_intervals(contacts, demo)


# --- the real log ---------------------------------------------------------------------------------

QUEUES = {"PS": "retail", "PE": "english", "IN": "internet", "NE": "stocks", "NW": "new_customers", "TT": "callback"}


@pytest.fixture(scope="module")
def bank(repo, bank_log):
    cfg = load_config(repo / "configs" / "anonymous_bank.yaml")
    result = import_contacts(bank_log, cfg)
    return cfg, result, contacts_to_intervals(result.contacts, cfg)


@pytest.fixture(scope="module")
def log(bank_log) -> pd.DataFrame:
    """The log read plainly, with the facts computed here independently of the importer."""
    raw = pd.read_csv(bank_log, sep="\t", dtype=str)
    raw["queued"] = raw["q_start"] != "0:00:00"
    raw["arrival_hour"] = raw["q_start"].where(raw["queued"], raw["vru_exit"]).str.split(":").str[0].astype(int)
    return raw


def test_bank_totals_per_queue_match_the_log(bank, log):
    cfg, result, history = bank
    real = log[log.outcome != "PHANTOM"]
    agent_calls = real[(real.outcome == "AGENT") | ((real.outcome == "HANG") & real.queued)]
    totals = history.groupby("channel")[["offered", "handled", "abandoned"]].sum()
    for queue, channel in QUEUES.items():
        mine = real[real.type == queue]
        assert totals.loc[channel, "handled"] == (mine.outcome == "AGENT").sum(), queue
        assert totals.loc[channel, "abandoned"] == ((mine.outcome == "HANG") & mine.queued).sum(), queue
        assert totals.loc[channel, "offered"] == (agent_calls.type == queue).sum(), queue
    assert len(log) == 33_344 and (log.outcome == "PHANTOM").sum() == 278
    vru_hangups = ((real.outcome == "HANG") & ~real.queued).sum()
    assert totals["offered"].sum() == len(real) - vru_hangups == 31_125
    assert result.dropped == {"outcome = PHANTOM": 278, "outcome = HANG and q_start empty": vru_hangups}
    assert totals.loc["retail", "offered"] == 20_027  # 18,349 served + 1,678 hung up in the queue


def test_bank_slots_follow_the_arrival_clock(bank, log):
    cfg, _, history = bank
    real = log[(log.outcome == "AGENT") | ((log.outcome == "HANG") & log.queued)]
    expected = real.groupby([real.type.map(QUEUES), "arrival_hour"]).size()
    got = history.groupby(["channel", history.interval_start.dt.hour])["offered"].sum()
    got = got[got > 0]
    got.index.names = expected.index.names
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False, check_dtype=False,
                                   check_index_type=False)


def test_bank_history_is_a_valid_complete_month(bank, log):
    cfg, result, history = bank
    assert history.interval_start.min() == _t("1999-02-01 00:00") and history.interval_start.max() == _t("1999-02-28 23:45")
    assert len(history) == 28 * 96 * 6
    assert (history.answered_within_target <= history.handled).all()
    validate_history(history, "bank", cfg)
    served = result.contacts[result.contacts.answered_at.notna()]
    assert (served.answered_at >= served.arrived_at).all()
    # served calls with ser_time 0 (50 of them without any service start) have no handle time, not 0 s
    assert served.handle_s.isna().sum() == ((log.outcome == "AGENT") & (log.ser_time == "0")).sum() == 85
    assert 0 < result.clamped < 11_000


# --- properties -----------------------------------------------------------------------------------

DEMO = load_config(Path(__file__).resolve().parents[1] / "configs" / "demo.yaml")
ROWS = st.lists(st.tuples(st.integers(0, 3 * 86_400 - 1), st.sampled_from(["voice", "chat", "email"]),
                          st.one_of(st.none(), st.integers(0, 600)), st.floats(1, 2_000)), min_size=1, max_size=60)


@settings(max_examples=25, deadline=None)
@given(ROWS)
def test_counts_are_conserved(rows):
    start = pd.Timestamp("2026-11-23")
    arrived = [start + pd.Timedelta(seconds=s) for s, *_ in rows]
    waits = [w for _, _, w, _ in rows]
    contacts = pd.DataFrame({
        "contact_id": [str(i) for i in range(len(rows))],
        "channel": [c for _, c, _, _ in rows],
        "arrived_at": arrived,
        "answered_at": [a + pd.Timedelta(seconds=w) if w is not None else pd.NaT for a, w in zip(arrived, waits, strict=True)],
        "handle_s": [h for *_, h in rows],
    })
    history = contacts_to_intervals(validate_contacts(contacts, "t", DEMO), DEMO)
    answered = [w for w in waits if w is not None]
    assert history["offered"].sum() == len(rows)
    assert history["handled"].sum() == len(answered)
    assert (history["handled"] + history["abandoned"] == history["offered"]).all()
    assert (history["answered_within_target"] <= history["handled"]).all()
    target_s = {"voice": 20, "chat": 30, "email": 86_400}
    in_target = sum(1 for _, c, w, _ in rows if w is not None and w <= target_s[c])
    assert history["answered_within_target"].sum() == in_target
    days = (max(arrived).normalize() - min(arrived).normalize()).days + 1
    assert len(history) == days * 96 * len(DEMO.channels)
    total_wait = (history["asa_s"].fillna(0) * history["handled"]).sum()
    assert total_wait == pytest.approx(sum(answered), abs=0.05 * len(answered) + 1e-9)  # asa_s is rounded to 0.1 s
