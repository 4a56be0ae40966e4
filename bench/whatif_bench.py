"""What-if speed and agreement: fixed-roster projection, DES of a demo week (100 replications), Monte Carlo (1,000).

Run: /work/venv/bin/python bench/whatif_bench.py   (from the repository root; wall times are the median of 3 runs)
     --replications N sets the DES replications of the agreement table (default 100; its standard error falls as
     1/√N: about 0.9 points on social's busiest day at 100, 0.2 at 2,000); --no-timing skips the wall-time runs.

The demo site (planner.sample.generate_site, 8 weeks of history) is forecast for the week after its history; the
staffing requirement's productive agents per slot are the staffing simulated (no roster solve). The DES-vs-analytic
table simulates the requirement's whole horizon (the warm-up week of actual history before the forecast and the
cool-down week after, as the planner's own deferred projection does) and compares, per channel over the roster week,
the mean over replications of each day's simulated service level with the requirement table's service level
(arrival-weighted per day; for deferred channels staffing.deferred_queue, the projection every roster figure uses).
The fixed-roster projection runs are each the scenario's requirement over the horizon and projected_coverage of the
plan's own staffing as the roster (as planner whatif --mode fixed evaluates a scenario): the first (the deferred
channels' warm-up followed from its start), a later one (the warm-up's state reused) and 20 in a row.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from timing import median_s  # noqa: E402  (bench/ is the script folder)

from planner import pipeline  # noqa: E402
from planner.config import load_config  # noqa: E402
from planner.sample import generate_site  # noqa: E402
from planner.scenarios.simulate import daily, simulate  # noqa: E402
from planner.scenarios.uncertainty import monte_carlo  # noqa: E402
from planner.staffing import deferred_queue, open_slots, projected_coverage, requirements  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "configs" / "demo.yaml"
REPEATS = 3
DES_REPLICATIONS = 100
MC_REPLICATIONS = 1000
RATE_CV = 0.10
AHT_CV = 0.05
TOLERANCE = {"immediate": 0.02, "deferred": 0.03}  # the issue's agreement targets, in service-level points / 100


def demo_week():
    """(config, week requirements, requirements over the whole staffing horizon, the horizon's load)."""
    config = load_config(DEMO)
    site = generate_site(config, weeks=8)
    _, _, req, horizon = pipeline.week_forecast(config, site.history, pipeline.next_monday(site.end))
    return config, req, horizon, horizon[["interval_start", "channel", "offered", "aht_s"]]


def _agents(req: pd.DataFrame) -> pd.DataFrame:
    return req[["interval_start", "channel", "agents_productive"]].rename(columns={"agents_productive": "agents"})


def _analytic_daily(req: pd.DataFrame) -> pd.DataFrame:
    ok = req[np.isfinite(req["service_level"]) & (req["offered"] > 0)]
    ok = ok.assign(date=ok["interval_start"].dt.date, w=ok["offered"] * ok["service_level"])
    g = ok.groupby(["date", "channel"], as_index=False)[["w", "offered"]].sum()
    return g.assign(analytic=g["w"] / g["offered"])[["date", "channel", "analytic"]]


def main(argv: list[str] | None = None) -> None:
    """Print the wall times and the DES-vs-analytic daily service level table of the demo week."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=DES_REPLICATIONS,
                        help="DES replications of the agreement table (default %(default)s)")
    parser.add_argument("--no-timing", action="store_true", help="skip the wall-time runs (the table only)")
    args = parser.parse_args(argv)
    config, req, horizon, staffing_input = demo_week()
    load = req[["interval_start", "channel", "offered", "aht_s"]]
    agents = _agents(req)
    per_week = req.groupby("channel")["offered"].sum()
    print(f"demo week {req['interval_start'].min():%Y-%m-%d}: {per_week.sum():,.0f} expected contacts "
          f"({', '.join(f'{k} {v:,.0f}' for k, v in per_week.items())}), {req['channel'].nunique()} channels")

    rows = []
    with ProcessPoolExecutor(2) as pool:
        if not args.no_timing:
            rows = projection_timings(config, staffing_input, req["interval_start"].min().normalize())
            rows += timings(config, load, agents, pool)
        sim = simulate(_agents(horizon), horizon[["interval_start", "channel", "offered", "aht_s"]], config,
                       args.replications, seed=2, executor=pool, chunks=2)
    if rows:
        print(f"\n{'run':<58} {'wall s':>8}")
        for name, t in rows:
            print(f"{name:<58} {t:>8.2f}")

    week_days = set(req["interval_start"].dt.date)
    days = daily(sim)
    days = days[days["date"].isin(week_days)]
    des = days.groupby(["date", "channel"], as_index=False)["service_level"].agg(des="mean", des_se="sem")
    both = des.merge(_analytic_daily(req), on=["date", "channel"])
    both["diff"] = both["des"] - both["analytic"]
    kinds = {c.name: c.kind for c in config.channels}
    print(f"\nDES ({args.replications} replications over the staffing horizon) vs analytic daily service level, roster week")
    print(f"{'channel':<8} {'kind':<10} {'days':>4} {'DES mean':>9} {'analytic':>9} {'max |diff|':>10} "
          f"{'worst day':>11} {'max SE':>7} {'target':>7} {'within':>7}")
    for name in config.channel_names:
        g = both[both["channel"] == name]
        if g.empty:
            continue
        worst = g.loc[g["diff"].abs().idxmax()]
        tol = TOLERANCE[kinds[name]]
        ok = "yes" if g["diff"].abs().max() <= tol else "no"
        print(f"{name:<8} {kinds[name]:<10} {len(g):>4} {g['des'].mean():>9.3f} {g['analytic'].mean():>9.3f} "
              f"{g['diff'].abs().max():>10.3f} {worst['date']!s:>11} {g['des_se'].max():>7.3f} {tol:>7.2f} {ok:>7}")
    print("\nper day (DES − analytic, points):")
    pivot = both.assign(points=100 * both["diff"]).pivot(index="date", columns="channel", values="points")
    print(pivot[[c for c in config.channel_names if c in pivot]].round(2).to_string())
    if not args.no_timing:
        issue_example(config)


def _plan_as_roster(config, req: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows (interval_start, channel, required, scheduled, gap) with the plan's agents as the roster."""
    parts = []
    for name in config.channel_names:
        part = req[req["channel"] == name]
        is_open = open_slots(config, name, part["interval_start"])
        parts.append(part.loc[is_open, ["interval_start", "channel"]].assign(
            required=part.loc[is_open, "agents_required"], scheduled=part.loc[is_open, "agents_required"]))
    return pd.concat(parts, ignore_index=True).assign(gap=0.0)


def projection_timings(config, staffing_input: pd.DataFrame, week_start: pd.Timestamp) -> list[tuple[str, float]]:
    """(run, wall s) of the fixed-roster projection of the demo week: the first scenario (every deferred chain followed
    from the warm-up's start), a later one (the warm-up's state reused), and 20 scenarios (+0..19% on the week's
    volume, each its requirement and projection, as planner whatif --mode fixed does)."""
    end = week_start + pd.Timedelta(days=7)

    def scenario(uplift: float) -> None:
        in_week = (staffing_input["interval_start"] >= week_start) & (staffing_input["interval_start"] < end)
        load = staffing_input.assign(offered=staffing_input["offered"].where(~in_week, staffing_input["offered"] * uplift))
        horizon = requirements(load, config, measures=False)
        week = horizon[(horizon["interval_start"] >= week_start) & (horizon["interval_start"] < end)]
        week = week.reset_index(drop=True)
        projected_coverage(_plan_as_roster(config, week), week, config, agents_are="scheduled", context=horizon)

    deferred_queue._PREFIXES.clear()
    rows = [("fixed-roster projection of the week, first scenario", median_s(lambda: scenario(1.0), 1))]
    rows.append(("fixed-roster projection of the week, a later scenario", median_s(lambda: scenario(1.0), REPEATS)))
    rows.append(("fixed-roster projection, 20 scenarios (+0..19% volume), total",
                 median_s(lambda: [scenario(1.0 + k / 100) for k in range(20)], 1)))
    return rows


def timings(config, load: pd.DataFrame, agents: pd.DataFrame, pool: ProcessPoolExecutor) -> list[tuple[str, float]]:
    """(run, median wall s) of the DES and Monte Carlo runs, one process and two."""
    rows = []
    t1 = median_s(lambda: simulate(agents, load, config, DES_REPLICATIONS, seed=1), REPEATS)
    rows.append((f"DES {DES_REPLICATIONS} replications of the week, 1 process", t1))
    t2 = median_s(lambda: simulate(agents, load, config, DES_REPLICATIONS, seed=1, executor=pool, chunks=2), REPEATS)
    rows.append((f"DES {DES_REPLICATIONS} replications of the week, 2 processes", t2))
    t3 = median_s(lambda: monte_carlo(load, agents, config, MC_REPLICATIONS, seed=1, rate_cv=RATE_CV, aht_cv=AHT_CV),
                  REPEATS)
    rows.append((f"Monte Carlo {MC_REPLICATIONS:,} replications of the week, 1 process", t3))
    t4 = median_s(lambda: monte_carlo(load, agents, config, MC_REPLICATIONS, seed=1, rate_cv=RATE_CV, aht_cv=AHT_CV,
                                      executor=pool, chunks=2), REPEATS)
    rows.append((f"Monte Carlo {MC_REPLICATIONS:,} replications of the week, 2 processes", t4))
    return rows


def issue_example(config) -> None:
    """The issue's example: 100 calls per 30 min (50 per 15-min slot), AHT 300 s, 21 agents (80/20), rate CV 10%."""
    ts = pd.date_range("2026-11-23 09:00", periods=4, freq="15min")
    load = pd.DataFrame({"interval_start": ts, "channel": "voice", "offered": 50.0, "aht_s": 300.0})
    agents = load[["interval_start", "channel"]].assign(agents=21)
    for dist in ("lognormal", "gamma"):
        r = monte_carlo(load, agents, config, 20_000, seed=3, rate_cv=0.1, distribution=dist)
        d, slot = r.daily.iloc[0], r.slots.iloc[0]
        print(f"\nissue example ({dist}, 20,000 replications): projected {d['service_level_projected']:.4f}, "
              f"expected {d['expected_service_level']:.4f}, P(SL ≥ 80%) {d['p_meets_target']:.3f}, "
              f"agents for P ≥ 0.9: {slot['agents_needed']} (+{slot['extra_agents']})")


if __name__ == "__main__":
    main()
