"""Weighted sums of a birth–death chain's uniformization steps, Σ_k c_k · q P^k, for many chains side by side.

Both transient (immediate channels) and deferred_queue (email, social) solve a slot of a birth–death chain by
uniformization: with P = I + Q/Λ the state at the slot's end is Σ_k Poisson(k; Λτ) q P^k and its time average
Σ_k P(X > k) q P^k / Λτ. Stepping q → qP one step at a time costs a few numpy calls per step, and a busy slot takes
hundreds of steps, so the calls (not the arithmetic) are the cost. Here the steps go BLOCK at a time: q P^BLOCK is
one banded product (P^BLOCK is a band of 2·BLOCK + 1 diagonals, built once per slot), the vectors q P^(j·BLOCK) are
weighted into BLOCK partial sums S_i = Σ_j c_(j·BLOCK+i) q P^(j·BLOCK), and the result Σ_i S_i P^i is taken once by
Horner's rule. Every product is of non-negative numbers, so nothing cancels.

A chain's figures do not depend on the chains beside it: BLOCK is fixed, every sum runs in the same order for every
chain, and the zero padding only ever adds exact zeros (tests/test_uniformization.py checks it bit for bit).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided
from scipy import special

TAIL = 1e-13  # probability mass below which a chain is cut (uniformization steps, states)

# Steps per banded product (2·BLOCK + 1 diagonals). A fixed-roster projection of the demo week (three later
# scenarios in one process, each value its own run) took about 0.70 s with 4, 0.8 s with 2 or 8 and 1.06 s with 12:
# a wider band costs more to build than its fewer calls save.
BLOCK = 4


def poisson(m: float) -> tuple[np.ndarray, np.ndarray]:
    """(pmf, survival function) of Poisson(m) at 0..k_max, k_max far in its upper tail (the values scipy.stats.poisson
    gives, without its per-call argument checks)."""
    ks = np.arange(int(math.ceil(m + 12.0 * math.sqrt(m) + 30.0)) + 1)
    weight = np.clip(np.exp(special.xlogy(ks, m) - special.gammaln(ks + 1) - m), 0.0, 1.0)
    return weight, special.pdtrc(ks, m)


def slot_weights(m: float) -> tuple[np.ndarray, np.ndarray]:
    """(Poisson(k; m), P(X > k)) for k = 0 up to the slot's last uniformization step, m = Λτ: the step after which
    less than TAIL of the Poisson mass is left."""
    weight, tail = poisson(m)
    below = np.flatnonzero(tail[1:] < TAIL)
    last = int(below[0]) + 1 if below.size else tail.size - 1
    return weight[: last + 1], tail[: last + 1]


def _step(q: np.ndarray, up: np.ndarray, stay: np.ndarray, down: np.ndarray) -> np.ndarray:
    """q P for rows of state vectors q, P tridiagonal: up[i] = P[i, i+1], stay[i] = P[i, i], down[i] = P[i, i−1]."""
    nxt = stay * q
    nxt[..., 1:] += up[..., :-1] * q[..., :-1]
    nxt[..., :-1] += down[..., 1:] * q[..., 1:]
    return nxt


def _band(up: np.ndarray, stay: np.ndarray, down: np.ndarray, block: int) -> np.ndarray:
    """P^block by columns: band[d, r, i] = P_r^block[i + d − block, i], d = 0..2·block (0 off the chain)."""
    rows, width = up.shape
    band = np.zeros((2 * block + 1, rows, width))
    band[block] = 1.0  # P^0
    for j in range(block):
        # P^(j+1)[a, i] = P^j[a, i−1]·up[i−1] + P^j[a, i]·stay[i] + P^j[a, i+1]·down[i+1], a = i + d − block;
        # P^j has 2j + 1 diagonals, block − j .. block + j
        lo, hi = block - j, block + j + 1
        old = band[lo:hi].copy()
        band[lo:hi] *= stay[None]
        band[lo - 1: hi - 1, :, 1:] += old[:, :, :-1] * up[None, :, :-1]
        band[lo + 1: hi + 1, :, :-1] += old[:, :, 1:] * down[None, :, 1:]
    return band


def power_sums(q: np.ndarray, up: np.ndarray, down: np.ndarray, coefs: np.ndarray) -> np.ndarray:
    """Σ_k coefs[c, r, k] · q[r] P_r^k for each set c, as an array [sets, rows, width]; q, up, down are [rows, width]
    (up[r, i] = P_r[i, i+1], down[r, i] = P_r[i, i−1], P_r[i, i] = 1 − up − down), coefs [sets, rows, steps + 1].
    The callers keep up + down ≤ 1 (P is stochastic, nothing cancels) and up = 0 at each chain's last state and in
    its padding (no mass reaches the padding, so a chain's result does not depend on the rows beside it)."""
    sets, rows, count = coefs.shape
    width = q.shape[1]
    stay = 1.0 - up - down
    blocks = -(-count // BLOCK)
    padded = np.zeros((sets, rows, blocks * BLOCK))
    padded[:, :, :count] = coefs
    by_block = padded.reshape(sets, rows, blocks, BLOCK)
    band = _band(up, stay, down, BLOCK)
    held = np.zeros((rows, width + 2 * BLOCK))  # q with BLOCK empty states either side
    item = held.itemsize
    shifted = as_strided(held, (2 * BLOCK + 1, rows, width), (item, held.strides[0], item))  # shifted[d, r, i] = q[i + d − B]
    starts = np.empty((rows, blocks, width))  # q P^(j·BLOCK)
    starts[:, 0] = q
    for j in range(1, blocks):
        held[:, BLOCK: BLOCK + width] = starts[:, j - 1]
        np.einsum("dri,dri->ri", band, shifted, out=starts[:, j])
    # S_i = Σ_j coefs[j·BLOCK + i] q P^(j·BLOCK), summed over j in order by elementwise products: a BLAS product
    # (matmul) picks its kernel and its order of summing by the arrays' shapes, so a chain beside longer ones (more
    # blocks, wider) came out a last bit apart from itself alone (numpy 2.4.6's OpenBLAS)
    weights = np.moveaxis(by_block, 0, 1).transpose(0, 1, 3, 2).reshape(rows, sets * BLOCK, blocks)
    partial = np.zeros((rows, sets * BLOCK, width))
    for j in range(blocks):
        partial += weights[:, :, j, None] * starts[:, j, None, :]
    partial = partial.reshape(rows, sets, BLOCK, width).transpose(1, 2, 0, 3)
    total = partial[:, BLOCK - 1]
    for i in range(BLOCK - 2, -1, -1):  # Σ_i S_i P^i = (…(S_(B−1) P + S_(B−2)) P + …) P + S_0
        total = _step(total, up[None], stay[None], down[None]) + partial[:, i]
    return total
