"""Rolling-origin backtest: refit at each of the last N weekly origins, forecast H weeks, score open slots."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from forecasts import metrics
from forecasts.errors import ForecastError
from forecasts.models import make_model
from forecasts.prepare import Prepared

Progress = Callable[[int, int], None]


def origins(n_days: int, weeks: int, horizon_weeks: int) -> list[int]:
    """Day indices of the forecast origins, oldest first; the last horizon ends on the last history day."""
    last = n_days - 7 * horizon_weeks
    return [last - 7 * i for i in range(weeks - 1, -1, -1)]


def run_backtest(
    prep: Prepared,
    models: Sequence[str],
    weeks: int,
    horizon_weeks: int,
    on_progress: Progress | None = None,
) -> pd.DataFrame:
    """Scores (model, channel, wape, mase, bias, origins) over `weeks` origins of `horizon_weeks` weeks each."""
    if weeks < 1 or horizon_weeks < 1:
        raise ForecastError(f"backtest needs weeks ≥ 1 and horizon_weeks ≥ 1; got {weeks} and {horizon_weeks}")
    n = prep.panel.n_days
    starts = origins(n, weeks, horizon_weeks)
    for name in models:
        need = make_model(name).min_history_days
        if starts[0] < need:
            raise ForecastError(
                f"the history has {n} days; a backtest of {name!r} over {weeks} origin(s) with a {horizon_weeks}-week horizon "
                f"needs at least {need + n - starts[0]} days; use fewer --weeks or a longer history"
            )
    h = 7 * horizon_weeks
    sums = {(m, ch): np.zeros(4) for m in models for ch in prep.channels}  # |e|, e, actual, scaled count
    done = 0
    for origin in starts:
        day0 = prep.panel.day0 + np.timedelta64(origin, "D")
        for name in models:
            for ch in prep.channels:
                series = prep.series[ch]
                train = series.head(origin)
                horizon = prep.horizon(ch, day0, h)
                mean = make_model(name).fit(train).predict(horizon) * prep.event_factor(ch, day0, h)[:, None]
                actual = series.y[origin : origin + h]
                ok = horizon.open & np.isfinite(actual)
                scale = metrics.seasonal_naive_scale(train.y, train.open)
                e = mean[ok] - actual[ok]
                sums[(name, ch)] += [np.abs(e).sum(), e.sum(), actual[ok].sum(), ok.sum() * scale if np.isfinite(scale) else 0.0]
            done += 1
            if on_progress is not None:
                on_progress(done, len(starts) * len(models))
    rows = []
    for (name, ch), (abs_e, e, total, scaled) in sums.items():
        rows.append(
            {
                "model": name,
                "channel": ch,
                "wape": abs_e / total if total > 0 else np.nan,
                "mase": abs_e / scaled if scaled > 0 else np.nan,
                "bias": e / total if total > 0 else np.nan,
                "origins": len(starts),
            }
        )
    order = {m: i for i, m in enumerate(models)}
    frame = pd.DataFrame(rows, columns=["model", "channel", "wape", "mase", "bias", "origins"])
    frame["_m"] = frame["model"].map(order)
    return frame.sort_values(["channel", "_m"], kind="stable").drop(columns="_m").reset_index(drop=True)


def winners(scores: pd.DataFrame) -> dict[str, str]:
    """Per channel, the model with the lowest WAPE (ties: the first listed)."""
    best = {}
    for ch, group in scores.groupby("channel", sort=True):
        valid = group.dropna(subset=["wape"])
        best[ch] = str((valid if len(valid) else group).sort_values("wape", kind="stable").iloc[0]["model"])
    return best
