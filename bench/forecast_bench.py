"""Forecast accuracy and speed: seasonal vs the planners' baselines (naive, mean4) and statsforecast MSTL.

Run from the repository root: python bench/forecast_bench.py [--repeats 3] [--no-mstl] [--seeds 7]

Accuracy: rolling-origin backtest, 8 weekly origins, 1-week horizon, open slots only, on
  - the sample site (planner.sample.generate_site on configs/demo.yaml, 104 weeks, 15-minute slots, with the config),
  - a synthetic four-channel site (104 weeks, 15-minute slots, no config: everything inferred),
  - bank-like synthetic sites: weekdays only, 07:00–21:00, 5- and 6-minute slots, 52 weeks, no config,
  - the real Anonymous Bank call log of February 1999 (configs/data, shipped): only four weeks, so
    2 origins and no mean4 (it needs four weeks before the first origin); MSTL needs three.
  Targets: seasonal WAPE ≥ 15% below naive, below mean4, and not above MSTL, on every channel.
Interval coverage (seasonal): share of held-out open slots, and of held-out open days, whose actual fell inside
  the 80% interval the forecast would have given at each origin (daily target 75–85%).
Speed (median of --repeats runs, with the load average): fit + 4-week forecast of 104 weeks × 15 min × 4 channels,
  and the 8-origin backtest of the built-in models, with and without the MSTL adapter; ratio = time / peer's time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from timing import median_s  # noqa: E402  (bench/ is the script folder)

import forecasts  # noqa: E402
from forecasts import synthetic  # noqa: E402

console = Console(width=150)
START = dt.date(2026, 11, 23)


def sites(seed: int) -> list[tuple[str, pd.DataFrame, object]]:
    """(name, history, config or None) for every benchmark site."""
    out = []
    try:
        from planner.config import load_config
        from planner.sample import generate_site

        config = load_config(Path(__file__).resolve().parents[1] / "configs" / "demo.yaml")
        out.append((f"sample site (demo.yaml, seed {seed})", generate_site(config, seed=seed, weeks=104).history, config))
    except ImportError:
        console.print("[yellow]planner.sample is not available: the sample site is skipped[/]")
    out.append((f"synthetic 4 channels, 15 min (seed {seed})", synthetic.generate(synthetic.four_channel_site(104), seed), None))
    for slot in (5, 6):
        history = synthetic.generate(synthetic.bank_like(slot_minutes=slot, weeks=52), seed)
        out.append((f"bank-like weekdays 07-21, {slot} min (seed {seed})", history, None))
    return out


def run_backtest(history, config, models, weeks=8, horizon_weeks=1):
    if config is None:
        return forecasts.backtest(history, weeks, horizon_weeks, models=models)
    from planner.forecasting import backtest_stage

    return backtest_stage(config, history, weeks, horizon_weeks, models)


def run_forecast(history, config, model, weeks=4):
    if config is None:
        return forecasts.forecast(history, START, weeks, model=model)
    from planner.forecasting import forecast_stage

    return forecast_stage(config, history, START, weeks, model)


def real_bank(path: Path | None = None) -> None:
    """Seasonal vs naive on the real bank log at 5, 6 and 15 minutes (2 origins: the log has four weeks)."""
    path = path or Path(__file__).resolve().parents[1] / "configs" / "data" / "anonymous_bank_1999_02_calls.tsv.gz"
    if not path.exists():
        console.print(f"[yellow]{path} is absent: the real bank check is skipped[/]")
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from bank_history import bank_history

    table = Table(title="Real bank calls, February 1999 (Sun–Thu + short Fri): WAPE, 2 origins × 1 week, open slots")
    for col in ("slot", "channel", "seasonal", "naive", "seasonal vs naive", "mstl (1 origin)", "80% in slot range",
                "80% in day range"):
        table.add_column(col, justify="left" if col in ("slot", "channel") else "right")
    for slot in (5, 6, 15):
        history = bank_history(path, slot)
        scores = forecasts.backtest(history, weeks=2, horizon_weeks=1, models=("seasonal", "naive"))
        cover = scores[scores["model"] == "seasonal"].set_index("channel")
        mstl = forecasts.backtest(history, weeks=1, horizon_weeks=1, models=("seasonal", "mstl"))
        wape = scores.pivot(index="channel", columns="model", values="wape")
        w1 = mstl.pivot(index="channel", columns="model", values="wape")
        for ch, row in wape.iterrows():
            one_origin = f"{w1.loc[ch, 'mstl']:.1%} (seasonal {w1.loc[ch, 'seasonal']:.1%})"
            table.add_row(f"{slot} min", ch, f"{row['seasonal']:.1%}", f"{row['naive']:.1%}",
                          f"{row['seasonal'] / row['naive'] - 1:+.1%}", one_origin, f"{cover.loc[ch, 'slot_coverage']:.1%}",
                          _days(cover.loc[ch]))
    console.print(table)


def accuracy(seeds: list[int], with_mstl: bool) -> bool:
    models = ("seasonal", "mean4", "naive", "mstl") if with_mstl else ("seasonal", "mean4", "naive")
    ok_all = True
    coverage_days: list[tuple[float, float]] = []
    for seed in seeds:
        for name, history, config in sites(seed):
            t0 = time.perf_counter()
            scores = run_backtest(history, config, models)
            took = time.perf_counter() - t0
            wape = scores.pivot(index="channel", columns="model", values="wape")
            mase = scores.pivot(index="channel", columns="model", values="mase")
            cover = scores[scores["model"] == "seasonal"].set_index("channel")
            day_in = (cover["daily_coverage"] * cover["days"]).sum()
            coverage_days.append((day_in, cover["days"].sum()))
            table = Table(title=f"{name}: WAPE, 8 origins × 1 week, open slots ({took:.1f} s)")
            table.add_column("channel")
            for m in models:
                table.add_column(f"{m}", justify="right")
            table.add_column("seasonal vs naive", justify="right")
            table.add_column("vs mean4", justify="right")
            if with_mstl:
                table.add_column("vs mstl", justify="right")
            table.add_column("MASE seasonal", justify="right")
            table.add_column("80% in slot range", justify="right")
            table.add_column("80% in day range", justify="right")
            table.add_column("targets", justify="center")
            for ch, row in wape.iterrows():
                gain_naive = 1 - row["seasonal"] / row["naive"]
                gain_mean4 = 1 - row["seasonal"] / row["mean4"]
                ok = gain_naive >= 0.15 and gain_mean4 > 0
                cells = [f"{row[m]:.1%}" for m in models] + [f"{-gain_naive:+.1%}", f"{-gain_mean4:+.1%}"]
                if with_mstl:
                    gain_mstl = 1 - row["seasonal"] / row["mstl"]
                    ok = ok and gain_mstl >= 0
                    cells.append(f"{-gain_mstl:+.1%}")
                ok_all &= ok
                table.add_row(ch, *cells, f"{mase.loc[ch, 'seasonal']:.3f}", f"{cover.loc[ch, 'slot_coverage']:.1%}",
                              _days(cover.loc[ch]), "[green]PASS[/]" if ok else "[red]FAIL[/]")
            console.print(table)
            share = day_in / cover["days"].sum()
            ok_cover = 0.75 <= share <= 0.85
            console.print(f"  seasonal daily 80% interval, all channels: {share:.1%} of {int(cover['days'].sum())} held-out "
                          f"days inside (target 75–85%) " + ("[green]PASS[/]" if ok_cover else "[yellow]outside target[/]"))
    inside = sum(a for a, _ in coverage_days)
    total = sum(b for _, b in coverage_days)
    console.print(f"seasonal daily 80% interval over every site: {inside / total:.1%} of {int(total)} held-out days inside")
    return ok_all


def _days(row) -> str:
    return f"{row['daily_coverage']:.1%} of {int(row['days'])} d"


def speed(repeats: int, with_mstl: bool) -> None:
    name, history, config = sites(7)[0]
    console.print(f"Speed on {name}: {len(history):,} history rows, {history['channel'].nunique()} channels")
    rows = []
    load_before = _load()
    peer = median_s(lambda: run_forecast(history, config, "mean4"), repeats)
    rows.append(("fit + 4-week forecast, mean4 (peer)", peer, 1.0, "—"))
    for model in ("seasonal", "naive"):
        t = median_s(lambda m=model: run_forecast(history, config, m), repeats)
        rows.append((f"fit + 4-week forecast, {model}", t, t / peer, "< 10 s" if model == "seasonal" else "—"))
    base = median_s(lambda: run_backtest(history, config, ("mean4",)), repeats)
    rows.append(("8-origin backtest, mean4 only (peer)", base, 1.0, "—"))
    t = median_s(lambda: run_backtest(history, config, ("seasonal", "mean4", "naive")), repeats)
    rows.append(("8-origin backtest, seasonal+mean4+naive", t, t / base, "< 60 s"))
    if with_mstl:
        t = median_s(lambda: run_backtest(history, config, ("seasonal", "mean4", "naive", "mstl")), repeats)
        rows.append(("8-origin backtest, + mstl adapter", t, t / base, "< 60 s"))
        t = median_s(lambda: run_forecast(history, config, "auto"), repeats)
        rows.append(("fit + 4-week forecast, auto (4-origin pick)", t, t / peer, "—"))
    table = Table(title=f"Speed, median of {repeats} run(s); load average before: {load_before}")
    for col in ("what", "seconds", "ratio to peer", "target"):
        table.add_column(col, justify="left" if col == "what" else "right")
    for what, secs, ratio, target in rows:
        table.add_row(what, f"{secs:.2f}", f"{ratio:.1f}×", target)
    console.print(table)
    console.print(f"load average after: {_load()} on {os.cpu_count()} cores")


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--no-mstl", action="store_true", help="skip the statsforecast MSTL adapter (slow)")
    parser.add_argument("--only", choices=("accuracy", "speed"), default=None)
    parser.add_argument("--bank", type=Path, default=None, help="the February 1999 bank call log (TSV), if elsewhere")
    args = parser.parse_args()
    console.print(f"load average at start: {_load()}")
    ok = True
    if args.only in (None, "accuracy"):
        ok = accuracy(args.seeds, not args.no_mstl)
        real_bank(args.bank)
        console.print("[green]accuracy targets met on every channel[/]" if ok else "[red]an accuracy target was missed[/]")
    if args.only in (None, "speed"):
        speed(args.repeats, not args.no_mstl)


if __name__ == "__main__":
    main()
