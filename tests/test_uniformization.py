"""uniformization.power_sums against the plain one-step-at-a-time sums, and its independence of the chains beside it."""

import numpy as np
import pytest

from planner.staffing import uniformization


def _plain(q, up, down, coefs):
    """Σ_k coefs[c, k] q P^k by stepping q → qP once per term (the definition)."""
    stay = 1.0 - up - down
    total = np.zeros((coefs.shape[0], q.size))
    for k in range(coefs.shape[1]):
        if k:
            nxt = stay * q
            nxt[1:] += up[:-1] * q[:-1]
            nxt[:-1] += down[1:] * q[1:]
            q = nxt
        total += coefs[:, k, None] * q[None]
    return total


def _chain(rng, width):
    q = rng.random(width)
    q[width // 2:] = 0.0
    up = rng.uniform(0.0, 0.5, width)
    down = rng.uniform(0.0, 0.5, width)
    up[-1] = 0.0  # nothing leaves the top, as the callers keep it
    return q / q.sum(), up, down


@pytest.mark.parametrize("steps", [1, 2, uniformization.BLOCK, uniformization.BLOCK + 1, 7 * uniformization.BLOCK + 3, 400])
def test_power_sums_are_the_plain_sums(steps):
    rng = np.random.default_rng(steps)
    q, up, down = _chain(rng, 60)
    coefs = rng.random((2, steps))
    got = uniformization.power_sums(q[None], up[None], down[None], coefs[:, None, :])[:, 0]
    np.testing.assert_allclose(got, _plain(q, up, down, coefs), rtol=1e-12, atol=1e-15)


def test_a_chain_gives_the_same_bits_beside_others():
    rng = np.random.default_rng(3)
    chains = [_chain(rng, width) for width in (30, 80, 55)]
    counts = (37, 250, 5)
    coefs = [rng.random((2, n)) for n in counts]
    width, count = 80, max(counts)
    q, up, down = (np.zeros((3, width)) for _ in range(3))
    together = np.zeros((2, 3, count))
    for r, ((qr, ur, dr), cr) in enumerate(zip(chains, coefs, strict=True)):
        q[r, : qr.size], up[r, : qr.size], down[r, : qr.size] = qr, ur, dr
        together[:, r, : cr.shape[1]] = cr
    both = uniformization.power_sums(q, up, down, together)
    for r, ((qr, ur, dr), cr) in enumerate(zip(chains, coefs, strict=True)):
        alone = uniformization.power_sums(qr[None], ur[None], dr[None], cr[:, None, :])[:, 0]
        np.testing.assert_array_equal(both[:, r, : qr.size], alone)
        assert (both[:, r, qr.size:] == 0).all()
