"""Bench `planner report` on the sample site's four weeks of contacts (plus its four weeks of history).

Prints the median of 3 runs of each stage, and the ratio of the whole report against a peer measured in the
same run: plain pandas reading the same CSV and computing offered / abandon rate / ASA / AHT per channel and hour
(the least any KPI report must do). Target: the whole report (HTML + Excel) under 15 s.

    python bench/report_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.config import load_config  # noqa: E402
from planner.io.tables import read_contacts, read_history  # noqa: E402
from planner.reports import build_report  # noqa: E402
from planner.reports.excel import write_excel  # noqa: E402
from planner.reports.html import write_html  # noqa: E402
from planner.sample import generate_site, write_site  # noqa: E402

TARGET_S = 15.0


def peer(contacts_csv: Path) -> pd.DataFrame:
    """Plain pandas: offered, abandon rate, ASA and AHT per channel and hour straight from the CSV."""
    c = pd.read_csv(contacts_csv, parse_dates=["arrived_at", "answered_at"])
    c["hour"] = c["arrived_at"].dt.floor("h")
    c["wait_s"] = (c["answered_at"] - c["arrived_at"]).dt.total_seconds()
    c["busy_s"] = c["handle_s"] + c["wrap_s"].fillna(0)
    return c.groupby(["hour", "channel"]).agg(offered=("contact_id", "size"), abandoned=("abandoned", "mean"),
                                              asa_s=("wait_s", "mean"), aht_s=("busy_s", "mean"))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    cfg = load_config(root / "configs" / "demo.yaml")
    site = generate_site(cfg, seed=7, weeks=4)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_site(site, folder)
        contacts_csv, history_csv = folder / "contacts.csv", folder / "history.csv"
        stages: dict[str, list[float]] = {k: [] for k in ("read inputs", "KPI tables", "HTML", "Excel", "whole report",
                                                          "peer: pandas KPIs")}
        for _ in range(args.runs):
            t0 = time.perf_counter()
            contacts, history = read_contacts(contacts_csv, cfg), read_history(history_csv, cfg)
            t1 = time.perf_counter()
            report = build_report(cfg, contacts=contacts, history=history)
            t2 = time.perf_counter()
            write_html(report, folder / "report.html")
            t3 = time.perf_counter()
            write_excel(report, folder / "kpis.xlsx")
            t4 = time.perf_counter()
            for name, value in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=False):
                stages[name].append(value)
            stages["peer: pandas KPIs"].append(timed(lambda: peer(contacts_csv)))
        size_mb = (folder / "report.html").stat().st_size / 1e6
    medians = {k: statistics.median(v) for k, v in stages.items()}
    print(f"planner report bench: {len(site.contacts):,} contacts over 4 weeks, {len(site.history):,} history rows, "
          f"median of {args.runs} runs; HTML {size_mb:.1f} MB")
    print(f"{'stage':<22}{'median s':>10}{'ratio vs peer':>16}")
    for name, value in medians.items():
        print(f"{name:<22}{value:>10.2f}{value / medians['peer: pandas KPIs']:>16.1f}")
    verdict = "OK" if medians["whole report"] < TARGET_S else "OVER TARGET"
    print(f"whole report {medians['whole report']:.2f} s vs target {TARGET_S:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
