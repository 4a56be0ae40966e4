"""Staffing speed: required agents for a year of 15-minute slots × 4 channels, and a week against pyworkforce.

Run: /work/venv/bin/python bench/staffing_bench.py   (median of 5 runs per row; the pyworkforce ratio is measured
in the same run on the same slots).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from pyworkforce.queuing import ErlangC  # noqa: E402
from timing import median_s  # noqa: E402  (bench/ is the script folder)

from planner.config import load_config  # noqa: E402
from planner.staffing import deferred, erlang_a, erlang_c, requirements  # noqa: E402

DEMO = Path(__file__).resolve().parents[1] / "configs" / "demo.yaml"

INTERVAL_S = 900
SLOTS_PER_DAY = 96
REPEATS = 5


def volumes(days: int, channels: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Contacts per 15-min slot with a daily curve (about 0–120 per slot), and the open mask 08:00–20:00."""
    rng = np.random.default_rng(seed)
    slot = np.arange(days * SLOTS_PER_DAY) % SLOTS_PER_DAY
    hour = slot / 4
    curve = 5 + 100 * np.exp(-(((hour - 11.5) / 3.5) ** 2)) + 60 * np.exp(-(((hour - 16) / 2.5) ** 2))
    scale = rng.uniform(0.3, 1.2, size=(channels, 1))
    offered = rng.poisson(curve[None, :] * scale).astype(float)
    return offered, ((hour >= 8) & (hour < 20))


def pyworkforce_loop(offered: np.ndarray) -> list[int]:
    """pyworkforce's ErlangC, one slot at a time (minutes as it wants them); zero slots skipped (it raises on them)."""
    out = []
    for v in offered.ravel():
        if v <= 0:
            out.append(0)
            continue
        out.append(ErlangC(transactions=v, aht=3.0, asa=20 / 60, interval=15, shrinkage=0.0)
                   .required_positions(service_level=0.8, max_occupancy=0.85)["raw_positions"])
    return out


def main() -> None:
    year, open_year = volumes(365, 4)
    week = year[:, : 7 * SLOTS_PER_DAY]
    rows = []

    def ours(x):
        return erlang_c.agents(x, 180.0, INTERVAL_S, 0.8, 20.0, 0.85)

    t_year = median_s(lambda: ours(year), REPEATS)
    rows.append(("Erlang C agents, year × 4 channels", year.size, t_year, "< 0.25 s", ""))
    t_week = median_s(lambda: ours(week), REPEATS)
    t_pwf = median_s(lambda: pyworkforce_loop(week), REPEATS)
    rows.append(("Erlang C agents, week × 4 channels", week.size, t_week, "≥ 40× pyworkforce",
                 f"pyworkforce {t_pwf:.3f} s → {t_pwf / t_week:.0f}×"))
    t_a = median_s(lambda: erlang_a.agents(year, 180.0, INTERVAL_S, 0.8, 20.0, 300.0, 0.85), REPEATS)
    rows.append(("Erlang A agents, year × 4 channels", year.size, t_a, "< 5 s", ""))

    def deferred_year():
        for ch, (aht, within) in enumerate([(420.0, 86400.0), (240.0, 3600.0)]):
            v = year[ch] / 4
            agents = deferred.plan(v, aht, INTERVAL_S, open_year, within, 0.9)
            deferred.serve(agents, v, aht, INTERVAL_S, within, 0.9)

    t_d = median_s(deferred_year, REPEATS)
    rows.append(("Deferred plan + FIFO, year × 2 channels", 2 * year.shape[1], t_d, "< 5 s", ""))

    cfg = load_config(DEMO)
    starts = pd.date_range("2025-11-24", periods=year.shape[1], freq="15min")
    forecast = pd.concat([pd.DataFrame({"interval_start": starts, "channel": name, "offered": year[i] * [1, 0.6, 0.3, 0.15][i],
                                        "aht_s": np.nan}) for i, name in enumerate(cfg.channel_names)], ignore_index=True)
    t_req = median_s(lambda: requirements(forecast, cfg), REPEATS)
    rows.append(("requirements(), demo config, year × 4 channels", len(forecast), t_req, "(end to end)",
                 "voice C, chat C×2, email+social deferred"))

    agree = np.array_equal(ours(week).ravel(), np.array(pyworkforce_loop(week)))
    print(f"{'case':44} {'slots':>8} {'median s':>9}  {'target':18} note")
    for name, n, t, target, note in rows:
        print(f"{name:44} {n:>8} {t:>9.4f}  {target:18} {note}")
    print(f"identical agents to pyworkforce on the week: {agree}")


if __name__ == "__main__":
    main()
