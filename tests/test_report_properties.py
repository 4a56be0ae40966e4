"""Properties of the KPI engine on random contact sets: totals are conserved across periods and slot splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_kpis import make_config

from planner.reports.kpis import SUM_COLUMNS, contact_outcomes, contact_sums, kpi_table
from planner.reports.occupancy import workload_by_slot

contact_strategy = st.tuples(
    st.sampled_from(["voice", "chat", "callback"]),
    st.integers(0, 3 * 24 * 3600),  # arrival second within three days
    st.booleans(),  # abandoned
    st.floats(0, 900),  # wait or time to abandon, s
    st.floats(1, 3000),  # talk, s
    st.one_of(st.none(), st.floats(0, 300)),  # wrap, s
)


def _contacts(rows) -> pd.DataFrame:
    start = pd.Timestamp("2026-11-02")
    records = []
    for i, (channel, second, abandoned, wait, talk, wrap) in enumerate(rows):
        arrived = start + pd.Timedelta(seconds=second)
        moment = arrived + pd.Timedelta(seconds=wait)
        records.append({"contact_id": f"c{i}", "channel": channel, "arrived_at": arrived,
                        "answered_at": pd.NaT if abandoned else moment,
                        "ended_at": moment if abandoned else moment + pd.Timedelta(seconds=talk),
                        "abandoned": abandoned, "handle_s": np.nan if abandoned else talk,
                        "wrap_s": np.nan if abandoned or wrap is None else wrap})
    return pd.DataFrame(records)


@settings(max_examples=25, deadline=None)
@given(st.lists(contact_strategy, min_size=1, max_size=60))
def test_periods_conserve_sums_and_ratios_stay_in_range(rows):
    cfg = make_config()
    contacts = _contacts(rows)
    sums = contact_sums(contacts, cfg)
    assert sums["offered"].sum() == len(contacts)
    for period in ("slot", "hour", "day", "week", "month"):
        table = kpi_table(sums, period, cfg)
        assert table[SUM_COLUMNS].sum().to_dict() == pytest.approx(sums[SUM_COLUMNS].sum().to_dict())
        for col in ("handled_rate", "abandon_rate", "service_level"):
            assert table[col].dropna().between(0, 1).all()
        assert (table["handled"] + table["abandoned"] <= table["offered"]).all()


@settings(max_examples=25, deadline=None)
@given(st.lists(contact_strategy, min_size=1, max_size=60))
def test_slot_split_conserves_workload(rows):
    cfg = make_config()
    outcomes = contact_outcomes(_contacts(rows), cfg)
    concurrency = outcomes["channel"].map({"voice": 1, "chat": 2, "callback": 1})
    busy = (outcomes["talk_s"] + outcomes["wrap_s"].fillna(0)) / concurrency
    expected = busy[outcomes["handled"]].sum()
    work = workload_by_slot(outcomes, cfg)
    assert work["workload_s"].sum() == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert (work["workload_s"] <= cfg.site.interval_s * 60 + 1e-6).all()
