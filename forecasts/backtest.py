"""Rolling-origin backtest: refit at each of the last N weekly origins, forecast H weeks, score open slots and days."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from forecasts import calibration, intervals, metrics
from forecasts.errors import BacktestSkipWarning, ForecastError
from forecasts.models import Model, make_model
from forecasts.prepare import Prepared

Progress = Callable[[int, int], None]
SCORE_COLUMNS = ["model", "channel", "wape", "mase", "bias", "origins", "slot_coverage", "daily_coverage", "days"]


def origins(n_days: int, weeks: int, horizon_weeks: int) -> list[int]:
    """Day indices of the forecast origins, oldest first; the last horizon ends on the last history day."""
    last = n_days - 7 * horizon_weeks
    return [last - 7 * i for i in range(weeks - 1, -1, -1)]


def affordable_origins(n_days: int, min_history_days: int, horizon_weeks: int) -> int:
    """How many weekly origins a history of n_days allows a model needing min_history_days before its first origin."""
    return max(0, (n_days - 7 * horizon_weeks - min_history_days) // 7 + 1)


def plan_origins(n_days: int, models: Sequence[str], weeks: int, horizon_weeks: int) -> tuple[int, list[str], dict[str, str]]:
    """(origins used, models evaluated, {skipped model: why}): as many of `weeks` origins as every evaluated model allows.

    A model the history is too short for even at one origin is skipped; ForecastError when none is left.
    """
    need = {m: make_model(m).min_history_days for m in models}
    can = {m: affordable_origins(n_days, need[m], horizon_weeks) for m in models}
    h = 7 * horizon_weeks
    skipped = {m: f"needs {need[m] + h} days for one origin ({need[m]} days of history before a {h}-day horizon); "
               f"the history has {n_days}" for m in models if can[m] < 1}
    used = [m for m in models if can[m] >= 1]
    if not used:
        shortest = min(models, key=lambda m: need[m])
        raise ForecastError(
            f"the history has {n_days} days, too few to backtest any of {', '.join(models)} with a {h}-day horizon: "
            f"{shortest!r} needs at least {need[shortest] + h} days; give a longer history"
            + (" or a shorter --horizon-weeks" if horizon_weeks > 1 else "")
        )
    return min(weeks, *(can[m] for m in used)), used, skipped


def run_backtest(
    prep: Prepared,
    models: Sequence[str],
    weeks: int,
    horizon_weeks: int,
    on_progress: Progress | None = None,
    coverage: bool = True,
) -> pd.DataFrame:
    """Scores (SCORE_COLUMNS) over up to `weeks` origins of `horizon_weeks` weeks each.

    Models the history is too short for are skipped and the origins reduced to what every other
    model allows; both are said by a BacktestSkipWarning and kept in `result.attrs["skipped"]` and
    `attrs["notes"]`. With `coverage`, each origin also replays the forecast's intervals (dispersion
    calibrated on the days before the origin) and counts how often the actual fell inside, per slot
    and per day (open, fully observed days).
    """
    if weeks < 1 or horizon_weeks < 1:
        raise ForecastError(f"backtest needs weeks ≥ 1 and horizon_weeks ≥ 1; got {weeks} and {horizon_weeks}")
    n = prep.panel.n_days
    n_origins, used, skipped = plan_origins(n, models, weeks, horizon_weeks)
    notes = [f"skipped {m!r}: {why}" for m, why in skipped.items()]
    if n_origins < weeks:
        notes.append(f"used {n_origins} origin(s) instead of {weeks}: the history has {n} days")
    for note in notes:
        warnings.warn(BacktestSkipWarning(f"backtest {note}"), stacklevel=3)
    starts = origins(n, n_origins, horizon_weeks)
    h = 7 * horizon_weeks
    level = prep.spec.interval_level
    sums = {(m, ch): np.zeros(8) for m in used for ch in prep.channels}
    # |e|, e, actual, scaled count, slots in interval, slots scored, days in interval, days scored
    fitted: dict[tuple[str, str, int], Model] = {}  # an origin's calibration fit is the fit of the origin two weeks before

    def fit(name: str, ch: str, n_days: int) -> Model:
        key = (name, ch, n_days)
        if key not in fitted:
            fitted[key] = make_model(name).fit(prep.series[ch].head(n_days))
        return fitted[key]

    done = 0
    for origin in starts:
        day0 = prep.panel.day0 + np.timedelta64(origin, "D")
        for name in used:
            for ch in prep.channels:
                series = prep.series[ch]
                train = series.head(origin)
                horizon = prep.horizon(ch, day0, h)
                mean = fit(name, ch, origin).predict(horizon) * prep.event_factor(ch, day0, h)[:, None]
                actual = series.y[origin : origin + h]
                observed = series.observed[origin : origin + h]
                ok = horizon.open & observed
                scale = metrics.seasonal_naive_scale(train.y, train.open)
                e = mean[ok] - actual[ok]
                row = [np.abs(e).sum(), e.sum(), actual[ok].sum(), ok.sum() * scale if np.isfinite(scale) else 0.0]
                if coverage:
                    k = calibration.dispersion(name, train, prep, ch, lambda days, m=name, c=ch: fit(m, c, days))
                    row += _coverage(k, mean, actual, horizon.open, observed, level)
                else:
                    row += [0] * 4
                sums[(name, ch)] += row
            done += 1
            if on_progress is not None:
                on_progress(done, len(starts) * len(used))
    rows = []
    for (name, ch), (abs_e, e, total, scaled, slot_in, slot_n, day_in, day_n) in sums.items():
        rows.append(
            {
                "model": name,
                "channel": ch,
                "wape": abs_e / total if total > 0 else np.nan,
                "mase": abs_e / scaled if scaled > 0 else np.nan,
                "bias": e / total if total > 0 else np.nan,
                "origins": len(starts),
                "slot_coverage": slot_in / slot_n if slot_n > 0 else np.nan,
                "daily_coverage": day_in / day_n if day_n > 0 else np.nan,
                "days": int(day_n),
            }
        )
    order = {m: i for i, m in enumerate(used)}
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["_m"] = frame["model"].map(order)
    frame = frame.sort_values(["channel", "_m"], kind="stable").drop(columns="_m").reset_index(drop=True)
    frame.attrs["skipped"] = dict(skipped)
    frame.attrs["notes"] = notes
    return frame


def _coverage(k: calibration.Dispersion, mean: np.ndarray, actual: np.ndarray, open_: np.ndarray, observed: np.ndarray,
              level: float) -> list[float]:
    """[slots inside, slots scored, days inside, days scored] of the forecast's intervals against the actuals."""
    ok = open_ & observed
    lo, hi = intervals.count_interval(mean, k.slot, level)
    slot_in = ((actual >= lo) & (actual <= hi) & ok).sum()
    days = open_.any(axis=1) & (observed | ~open_).all(axis=1)
    day_actual = np.where(open_, actual, 0.0).sum(axis=1)
    day_lo, day_hi = intervals.count_interval(mean.sum(axis=1), k.day, level)
    day_in = ((day_actual >= day_lo) & (day_actual <= day_hi) & days).sum()
    return [slot_in, ok.sum(), day_in, days.sum()]


def winners(scores: pd.DataFrame) -> dict[str, str]:
    """Per channel, the model with the lowest WAPE (ties: the first listed)."""
    best = {}
    for ch, group in scores.groupby("channel", sort=True):
        valid = group.dropna(subset=["wape"])
        best[ch] = str((valid if len(valid) else group).sort_values("wape", kind="stable").iloc[0]["model"])
    return best
