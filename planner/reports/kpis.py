"""Contact-level KPI engine: per-contact outcomes, additive per-slot sums, and KPI ratios per channel and period.

Every KPI is a ratio of sums, so contacts (or an interval history) are first reduced to additive sums per
slot and channel (`contact_sums`, `history_sums`); any coarser period is a sum of those (`kpi_table`).
A contact belongs to the slot in which it arrived (the ACD convention for "offered").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.config.schema import AsaTarget, Config, ServiceLevelTarget
from planner.reports.periods import period_start

SUM_COLUMNS = [
    "offered", "handled", "abandoned", "short_abandoned", "sl_met", "sl_counted",
    "wait_sum_s", "wait_n", "talk_sum_s", "talk_n", "wrap_sum_s", "wrap_n",
]

DEFINITIONS = {
    "offered": "Contacts that arrived (by arrival slot); short abandons (quicker than reports.short_abandon_s) are left out.",
    "handled": "Offered contacts answered by an agent (answered_at present, not abandoned).",
    "handled rate": "handled / offered.",
    "abandoned": "Offered contacts the customer gave up on before an answer.",
    "abandon rate": "abandoned / offered. All channels: over the channels whose customers can abandon, named in the row: "
    "the immediate ones, and the deferred ones whose data record abandons (a withdrawn message); a deferred channel "
    "recording none (email waiting in a backlog) is left out, so it does not dilute the rate.",
    "service level": "Share answered within the channel target time T (wait ≤ T). Default denominator: answered + "
    "abandoned after T (abandons within T are neither met nor missed); reports.service_level_abandons switches to "
    "count_all or met_within_target. From an interval history: answered_within_target / (handled + abandoned).",
    "ASA": "Average speed of answer: mean wait (answered_at − arrived_at) of handled contacts, seconds.",
    "AHT": "Average handle time: mean of handle_s + wrap_s (talk plus after-contact work) of handled contacts, seconds.",
    "ACW": "Mean after-contact work (wrap_s) of handled contacts, seconds.",
    "occupancy": "Handled workload / staffed agent time on the channel, over the slots with staffed time. Workload: "
    "handle_s + wrap_s from answer time, split over the slots it spans, divided by the channel's concurrency (from an "
    "interval history alone: handled × aht_s in the arrival slot). Staffed time: the history's staffed_agents × slot "
    "length for the past weeks; for a planned week the roster's slots on the channel (or coverage `scheduled`).",
    "FCR": "First-contact resolution: share of handled contacts of identified customers after which the customer made no "
    "further contact on any channel within reports.fcr_window_days (and not marked resolved = false). Contacts whose "
    "window runs past the end of the data are left out.",
    "contacts per resolution": "Contacts (any outcome, any channel) in a customer's chain of contacts, each within the FCR "
    "window of the previous, averaged over completed chains.",
    "repeat rate": "Share of identified customers' contacts that follow a previous contact of the same customer within the "
    "FCR window.",
    "by hour of day": "Service level, ASA and AHT per hour of day pool every day in the range; hours with fewer than 10 "
    "contacts in the KPI's denominator are not drawn (nor days with fewer than 10 contacts in the abandon-rate chart).",
    "WAPE": "Weighted absolute percentage error of the forecast: Σ|forecast − actual| / Σ actual over overlapping slots.",
    "bias": "Forecast bias: (Σ forecast − Σ actual) / Σ actual; positive = over-forecast.",
    "cost per contact": "Rostered paid hours × the agent's contract rate (contracts[].cost_per_paid_hour; the flat "
    "reports.cost_per_paid_hour where a contract has none) / contacts over the same dates: handled contacts (actual) or "
    "forecast contacts (projected), in reports.currency. Per channel, each shift's cost is split over the channels the "
    "agent served in proportion to the slots on each; shown against the channel's cost_per_contact_target.",
}


def _col(df: pd.DataFrame, name: str) -> pd.Series | None:
    """A column when present and not entirely empty, else None."""
    if name in df.columns and df[name].notna().any():
        return df[name]
    return None


def _seconds(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds()


def _timedelta_s(seconds: np.ndarray) -> np.ndarray:
    """Seconds as timedelta64[ns], NaT where not finite. Only the finite ones go through pd.to_timedelta: for a NaN
    it rounds a fraction it never set (uninitialised memory), which can overflow and warn."""
    out = np.full(seconds.shape, np.timedelta64("NaT"), dtype="m8[ns]")
    known = np.isfinite(seconds)
    out[known] = pd.to_timedelta(seconds[known], unit="s").to_numpy()
    return out


def contact_outcomes(contacts: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Per-contact outcomes: interval_start, handled, abandoned, wait_s, answered_at, talk_s, wrap_s, sl_met, sl_counted."""
    settings = config.reports
    n = len(contacts)
    out = pd.DataFrame(index=contacts.index)
    out["channel"] = contacts["channel"].astype(str)
    arrived = pd.to_datetime(contacts["arrived_at"])
    out["arrived_at"] = arrived
    out["interval_start"] = period_start(arrived, "slot", config.site.slot_minutes)

    answered_at = _col(contacts, "answered_at")
    ended_at = _col(contacts, "ended_at")
    abandoned_col = _col(contacts, "abandoned")
    if abandoned_col is not None:
        abandoned = abandoned_col.fillna(False).astype(bool).to_numpy()
    elif answered_at is not None:
        abandoned = answered_at.isna().to_numpy()
    else:
        abandoned = np.zeros(n, dtype=bool)
    if answered_at is not None:
        answered_at = pd.to_datetime(answered_at)
        handled = (~abandoned) & answered_at.notna().to_numpy()
        wait = _seconds(answered_at - arrived).to_numpy(dtype=float)
    else:
        handled = ~abandoned
        wait = np.full(n, np.nan)
    # an abandon's wait is the time until the customer hung up
    if ended_at is not None:
        abandon_wait = _seconds(pd.to_datetime(ended_at) - arrived).to_numpy(dtype=float)
        wait = np.where(abandoned, abandon_wait, wait)
    elif "wait_s" in contacts.columns:
        wait = np.where(abandoned, pd.to_numeric(contacts["wait_s"], errors="coerce").to_numpy(dtype=float), wait)
    else:
        wait = np.where(abandoned, np.nan, wait)

    talk = _col(contacts, "handle_s")
    if talk is not None:
        talk = pd.to_numeric(talk, errors="coerce").to_numpy(dtype=float)
    elif answered_at is not None and ended_at is not None:
        talk = _seconds(pd.to_datetime(ended_at) - answered_at).to_numpy(dtype=float)
    else:
        talk = np.full(n, np.nan)
    wrap = _col(contacts, "wrap_s")
    wrap = pd.to_numeric(wrap, errors="coerce").to_numpy(dtype=float) if wrap is not None else np.full(n, np.nan)
    talk = np.where(handled, talk, np.nan)
    wrap = np.where(handled, wrap, np.nan)

    short = abandoned & (np.nan_to_num(wait, nan=np.inf) < settings.short_abandon_s)
    out["offered"] = ~short
    out["handled"] = handled
    out["abandoned"] = abandoned & ~short
    out["short_abandoned"] = short
    out["wait_s"] = wait
    out["answered_at"] = arrived + _timedelta_s(np.where(handled, wait, np.nan))
    out["talk_s"] = talk
    out["wrap_s"] = wrap

    threshold = np.full(n, np.nan)
    for ch in config.channels:
        if isinstance(ch.target, ServiceLevelTarget):
            threshold[out["channel"].to_numpy() == ch.name] = ch.target.answer_within_s
    has_target = ~np.isnan(threshold)
    within = np.nan_to_num(wait, nan=np.inf) <= np.nan_to_num(threshold, nan=-np.inf)
    mode = settings.service_level_abandons
    abandon_counted = out["abandoned"].to_numpy() & (~within if mode == "exclude_within_target" else True)
    abandon_met = out["abandoned"].to_numpy() & within & (mode == "met_within_target")
    out["sl_counted"] = has_target & (handled | abandon_counted)
    out["sl_met"] = has_target & ((handled & within) | abandon_met)
    return out


def contact_sums(contacts: pd.DataFrame, config: Config, outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Additive KPI sums per (interval_start, channel) from a contacts table (or its outcomes); columns SUM_COLUMNS."""
    o = outcomes if outcomes is not None else contact_outcomes(contacts, config)
    handled = o["handled"].to_numpy()
    frame = pd.DataFrame({
        "interval_start": o["interval_start"],
        "channel": o["channel"],
        "offered": o["offered"].astype(int),
        "handled": o["handled"].astype(int),
        "abandoned": o["abandoned"].astype(int),
        "short_abandoned": o["short_abandoned"].astype(int),
        "sl_met": o["sl_met"].astype(int),
        "sl_counted": o["sl_counted"].astype(int),
        "wait_sum_s": np.where(handled, np.nan_to_num(o["wait_s"].to_numpy()), 0.0),
        "wait_n": (handled & o["wait_s"].notna().to_numpy()).astype(int),
        "talk_sum_s": np.nan_to_num(o["talk_s"].to_numpy()),
        "talk_n": o["talk_s"].notna().astype(int),
        "wrap_sum_s": np.nan_to_num(o["wrap_s"].to_numpy()),
        "wrap_n": o["wrap_s"].notna().astype(int),
    })
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)[SUM_COLUMNS].sum()


def history_sums(history: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Additive KPI sums per (interval_start, channel) from an interval history (DESIGN.md history columns)."""
    h = history
    offered = pd.to_numeric(h["offered"]).fillna(0)
    abandoned = pd.to_numeric(h["abandoned"]).fillna(0) if _col(h, "abandoned") is not None else None
    if _col(h, "handled") is not None:
        handled = pd.to_numeric(h["handled"]).fillna(0)
    elif abandoned is not None:
        handled = offered - abandoned
    else:
        handled = None
    zeros = pd.Series(0.0, index=h.index)
    frame = pd.DataFrame({
        "interval_start": pd.to_datetime(h["interval_start"]),
        "channel": h["channel"].astype(str),
        "offered": offered,
        "handled": handled if handled is not None else np.nan,
        "abandoned": abandoned if abandoned is not None else np.nan,
        "short_abandoned": zeros,
    })
    channel = h["channel"].astype(str)
    has_sl_target = channel.map({c: _has_sl_target(config, c) for c in channel.unique()}).astype(bool)
    if _col(h, "answered_within_target") is not None and handled is not None:
        frame["sl_met"] = pd.to_numeric(h["answered_within_target"]).fillna(0).where(has_sl_target, 0)
        frame["sl_counted"] = (handled + (abandoned if abandoned is not None else 0)).where(has_sl_target, 0)
    else:
        frame["sl_met"] = frame["sl_counted"] = zeros
    for name, src in (("wait", "asa_s"), ("talk", "aht_s")):
        if _col(h, src) is not None and handled is not None:
            value = pd.to_numeric(h[src])
            known = value.notna() & (handled > 0)
            frame[f"{name}_sum_s"] = (value.fillna(0) * handled).where(known, 0.0)
            frame[f"{name}_n"] = handled.where(known, 0)
        else:
            frame[f"{name}_sum_s"] = frame[f"{name}_n"] = zeros
    frame["wrap_sum_s"] = frame["wrap_n"] = zeros
    return frame.groupby(["interval_start", "channel"], as_index=False, sort=True)[SUM_COLUMNS].sum(min_count=1)


def _has_sl_target(config: Config, channel: str) -> bool:
    try:
        return isinstance(config.channel(channel).target, ServiceLevelTarget)
    except KeyError:
        return False


def _safe_div(num: pd.Series, den: pd.Series) -> pd.Series:
    num = pd.to_numeric(num, errors="coerce").astype(float)
    den = pd.to_numeric(den, errors="coerce").astype(float)
    return (num / den.where(den > 0)).astype(float)


def ratios(sums: pd.DataFrame) -> pd.DataFrame:
    """Add the KPI ratio columns (handled_rate, abandon_rate, service_level, asa_s, aht_s, talk_s, acw_s) to summed rows."""
    k = sums.copy()
    k["handled_rate"] = _safe_div(k["handled"], k["offered"])
    k["abandon_rate"] = _safe_div(k["abandoned"], k["offered"])
    k["service_level"] = _safe_div(k["sl_met"], k["sl_counted"])
    k["asa_s"] = _safe_div(k["wait_sum_s"], k["wait_n"])
    k["talk_s"] = _safe_div(k["talk_sum_s"], k["talk_n"])
    k["acw_s"] = _safe_div(k["wrap_sum_s"], k["wrap_n"])
    k["aht_s"] = k["talk_s"] + k["acw_s"].fillna(0)
    return k


def kpi_table(sums: pd.DataFrame, period: str, config: Config, by_channel: bool = True) -> pd.DataFrame:
    """KPIs per period start (slot|hour|day|week|month) and channel (or all channels) from per-slot sums."""
    frame = sums.copy()
    frame["period_start"] = period_start(frame["interval_start"], period, config.site.slot_minutes)
    keys = ["period_start", "channel"] if by_channel else ["period_start"]
    grouped = frame.groupby(keys, as_index=False, sort=True)[SUM_COLUMNS].sum(min_count=1)
    if not by_channel:
        grouped.insert(1, "channel", "all")
    return ratios(grouped)


def channel_totals(sums: pd.DataFrame, config: Config) -> pd.DataFrame:
    """KPIs per channel over the whole range, plus an 'all' row, in config channel order."""
    per = sums.groupby("channel", as_index=False)[SUM_COLUMNS].sum(min_count=1)
    allrow = per[SUM_COLUMNS].sum(min_count=1).to_frame().T
    allrow.insert(0, "channel", "all")
    order = {name: i for i, name in enumerate(config.channel_names)}
    per = per.sort_values("channel", key=lambda s: s.map(lambda c: order.get(c, len(order))))
    table = ratios(pd.concat([per, allrow], ignore_index=True))
    table["channel_share"] = _safe_div(table["offered"], pd.Series(float(allrow["offered"].iloc[0]), index=table.index))
    # deferred contacts wait in a backlog and cannot abandon: the all-channel rate covers the channels that can
    can = [c for c in per["channel"] if can_abandon(config, c, float(per.loc[per["channel"] == c, "abandoned"].fillna(0).sum()))]
    total = table["channel"] == "all"
    scope = per[per["channel"].isin(can)]
    table.loc[total, "abandon_rate"] = float(_safe_div(pd.Series([scope["abandoned"].sum(min_count=1)]),
                                                       pd.Series([scope["offered"].sum()])).iloc[0])
    table.loc[~total & ~table["channel"].isin(can), "abandon_rate"] = np.nan
    table["abandon_scope"] = np.where(total, ", ".join(can), np.where(table["channel"].isin(can), table["channel"], ""))
    return table


def abandon_scope_text(summary: pd.DataFrame) -> str:
    """Which channels the all-channel abandon rate covers, for display: 'every channel' or the names."""
    rows = summary[summary["channel"] != "all"]
    total = summary.loc[summary["channel"] == "all", "abandon_scope"]
    scope = str(total.iloc[0]) if len(total) else ""
    if not scope:
        return "no channel"
    return "every channel" if len(scope.split(", ")) == len(rows) else scope


def can_abandon(config: Config, channel: str, abandoned: float = 0.0) -> bool:
    """Whether a channel's customers can abandon: immediate, or deferred with abandons in the data (unknown: yes)."""
    try:
        return config.channel(channel).kind == "immediate" or abandoned > 0
    except KeyError:
        return True


def target_text(config: Config, channel: str) -> str:
    """The channel target as text, e.g. '80% within 20 s' or 'ASA ≤ 30 s'."""
    try:
        target = config.channel(channel).target
    except KeyError:
        return ""
    if isinstance(target, AsaTarget):
        return f"ASA ≤ {format_duration(target.asa_s)}"
    return f"{target.service_level:.0%} within {format_duration(target.answer_within_s)}"


def format_duration(seconds: float) -> str:
    """Seconds as '20 s', '5 min', '1 h' or '24 h' (rounded)."""
    if seconds is None or not np.isfinite(seconds):
        return "–"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min" if seconds % 60 == 0 or seconds >= 600 else f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.0f} h" if seconds >= 36000 else f"{seconds / 3600:.1f} h"
