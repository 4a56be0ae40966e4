"""KPIs of the real Anonymous Bank log (February 1999) against an independent computation straight from the TSV."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.config import load_config
from planner.io.contacts_import import load_contacts
from planner.reports import build_report

QUEUES = {"PS": "retail", "PE": "english", "IN": "internet", "NE": "stocks", "NW": "new_customers", "TT": "callback"}
DAY_S = 24 * 3600


def _seconds(clock: pd.Series) -> pd.Series:
    parts = clock.str.split(":", expand=True).astype(int)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def independent_kpis(tsv) -> pd.DataFrame:
    """Offered, abandon rate, ASA and AHT per queue with plain pandas, following the data README's definitions."""
    log = pd.read_csv(tsv, sep="\t", dtype=str)
    log = log[log["outcome"] != "PHANTOM"]
    never_queued = log["q_start"] == "0:00:00"
    log = log[~((log["outcome"] == "HANG") & never_queued)].copy()  # hung up in the voice-response unit
    arrival = _seconds(log["q_start"].where(log["q_start"] != "0:00:00", log["vru_exit"]))
    start = log["ser_start"].where(log["ser_start"] != "0:00:00", log["q_exit"].where(log["q_exit"] != "0:00:00",
                                                                                         log["vru_exit"]))
    wait = _seconds(start) - arrival
    wait = wait.where(wait > -DAY_S / 2, wait + DAY_S)  # answered after midnight
    wait = wait.clip(lower=0)  # the switch clock runs a little behind the VRU clock
    served = log["outcome"] == "AGENT"
    ser_time = log["ser_time"].astype(int)
    frame = pd.DataFrame({"queue": log["type"], "abandoned": log["outcome"] == "HANG",
                          "wait": wait.where(served), "handle": ser_time.where(served & (ser_time > 0))})
    table = frame.groupby("queue").agg(offered=("abandoned", "size"), abandoned=("abandoned", "sum"),
                                       asa_s=("wait", "mean"), aht_s=("handle", "mean"))
    table["abandon_rate"] = table["abandoned"] / table["offered"]
    return table.rename(index=QUEUES)


@pytest.mark.slow
def test_bank_log_kpis_match_an_independent_computation(bank_log, repo):
    tsv = bank_log
    cfg = load_config(repo / "configs" / "anonymous_bank.yaml")
    report = build_report(cfg, contacts=load_contacts(tsv, cfg))
    ours = report.tables["summary"].set_index("channel")
    expected = independent_kpis(tsv)
    assert set(expected.index) == set(cfg.channel_names)
    for queue, row in expected.iterrows():
        assert ours.loc[queue, "offered"] == row["offered"], queue
        assert ours.loc[queue, "abandoned"] == row["abandoned"], queue
        assert ours.loc[queue, "abandon_rate"] == pytest.approx(row["abandon_rate"], abs=1e-12), queue
        assert ours.loc[queue, "asa_s"] == pytest.approx(row["asa_s"], rel=1e-9), queue
        assert ours.loc[queue, "aht_s"] == pytest.approx(row["aht_s"], rel=1e-9), queue
    assert ours.loc["all", "offered"] == expected["offered"].sum()


@pytest.mark.slow
def test_planner_report_on_the_bank_config(repo, tmp_path):
    from typer.testing import CliRunner

    from planner.cli.app import app

    out = tmp_path / "bank.html"
    result = CliRunner().invoke(app, ["report", "--config", str(repo / "configs" / "anonymous_bank.yaml"), "--out", str(out)],
                                env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "retail" in result.output and "callback" in result.output
    text = out.read_text(encoding="utf-8")
    assert 'data-chart="heatmap"' in text and 'data-chart="service_level_by_hour"' in text
    assert "Anonymous Bank" in text
