"""Kernel of the intraday profile: share of a day's contacts per slot, per weekday, pooled and smoothed."""

from __future__ import annotations

import numpy as np


def weekday_profiles(y: np.ndarray, open_: np.ndarray, wd: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Profiles [7, slot] (rows sum to 1 over the weekday's open slots) and open masks [7, slot] from weighted days.

    Each weekday's own profile is shrunk toward the profile of all weekdays pooled, as far as a
    chi-square test says its differences are noise (weight df / chi2).
    """
    slots = y.shape[1]
    counts = np.zeros((7, slots))
    masks = np.zeros((7, slots), dtype=bool)
    eff = np.ones(7)
    vals = np.where(open_, np.nan_to_num(y), 0.0)
    for g in range(7):
        sel = wd == g
        if not sel.any():
            continue
        w = weight[sel]
        counts[g] = w @ vals[sel]
        masks[g] = open_[sel].any(axis=0)
        eff[g] = w.sum() / max((w**2).sum(), 1e-12)
    pooled = counts.sum(axis=0)
    prof = np.zeros((7, slots))
    for g in range(7):
        n = counts[g].sum()
        if n <= 0:
            continue
        base = pooled * masks[g]
        base = base / base.sum() if base.sum() > 0 else masks[g] / masks[g].sum()
        own = counts[g] / n
        on = masks[g] & (base > 0)
        df = max(int(on.sum()) - 1, 1)
        chi2 = eff[g] * float(np.sum((counts[g][on] - n * base[on]) ** 2 / (n * base[on])))
        shrink = min(1.0, df / chi2) if chi2 > 0 else 1.0
        prof[g] = (1 - shrink) * own + shrink * base
    return prof, masks


def smooth(prof: np.ndarray, masks: np.ndarray, sigma_slots: float) -> np.ndarray:
    """Gaussian smoothing of each profile along the day, inside its open slots only (normalised convolution)."""
    if sigma_slots < 0.3:
        return prof
    half = int(np.ceil(3 * sigma_slots))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma_slots) ** 2)
    out = np.zeros_like(prof)
    for g in range(prof.shape[0]):
        m = masks[g].astype(float)
        if m.sum() == 0:
            continue
        num = np.convolve(prof[g] * m, kernel, mode="same")
        den = np.convolve(m, kernel, mode="same")
        row = np.where(masks[g], num / np.maximum(den, 1e-12), 0.0)
        out[g] = row / row.sum() if row.sum() > 0 else row
    return out


def slot_errors(y: np.ndarray, open_: np.ndarray, wd: np.ndarray, prof: np.ndarray) -> float:
    """Σ |y − day total × profile| over open slots: how well a profile shapes known days."""
    vals = np.where(open_, np.nan_to_num(y), 0.0)
    shares = prof[wd] * open_
    norm = shares.sum(axis=1, keepdims=True)
    shares = np.divide(shares, norm, out=np.zeros_like(shares), where=norm > 0)
    return float(np.abs(vals - vals.sum(axis=1, keepdims=True) * shares).sum())


def clip_outliers(y: np.ndarray, open_: np.ndarray, wd: np.ndarray, prof: np.ndarray) -> np.ndarray:
    """y with spikes and dropouts (far outside Poisson noise of the expected slot) replaced by the expectation."""
    vals = np.where(open_, np.nan_to_num(y), 0.0)
    expected = vals.sum(axis=1, keepdims=True) * prof[wd] * open_
    spike = vals > expected + 6 * np.sqrt(expected) + 5
    dropout = (vals == 0) & (expected > 30)
    return np.where(spike | dropout, expected, vals)
