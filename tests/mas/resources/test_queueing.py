"""Queueing formulas: golden values, stability, identities."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mas.errors import InputError
from mas.resources.queueing import UnstableQueueError, mm1, mmc


def test_mm1_golden():
    q = mm1(16, 20)
    assert q.rho == pytest.approx(0.8)
    assert pytest.approx(0.2) == q.P0  # 1 - rho, not the seed's rho / (rho + 1)
    assert pytest.approx(4.0) == q.L
    assert q.Lq == pytest.approx(3.2)
    assert pytest.approx(0.25) == q.W  # 1 / (mu - lambda), not the seed's mu / (2 (1 - rho))
    assert q.Wq == pytest.approx(0.2)


def test_mm2_golden():
    q = mmc(2, 3, 2)
    assert pytest.approx(0.5) == q.P0
    assert q.erlang_c == pytest.approx(1 / 6)
    assert q.Wq == pytest.approx(1 / 24)
    assert pytest.approx(0.375) == q.W
    assert q.Lq == pytest.approx(2 / 24)
    assert pytest.approx(0.75) == q.L


@pytest.mark.parametrize("lam, mu, c", [(20, 20, 1), (25, 20, 1), (6, 3, 2), (7, 3, 2)])
def test_rho_at_least_one_is_unstable(lam, mu, c):
    with pytest.raises(UnstableQueueError, match="unstable"):
        mmc(lam, mu, c)
    if c == 1:
        with pytest.raises(UnstableQueueError, match="unstable"):
            mm1(lam, mu)


@pytest.mark.parametrize("args, field", [((0, 1, 1), "arrival rate"), ((1, -2, 1), "service rate"),
                                         ((1, 2, 0), "servers"), ((1, 2, 1.5), "servers"),
                                         ((float("nan"), 2, 1), "arrival rate")])
def test_bad_input_named(args, field):
    with pytest.raises(InputError) as err:
        mmc(*args)
    assert err.value.field == field


@given(st.floats(0.01, 100), st.floats(0.01, 0.99))
def test_mmc_with_one_server_is_mm1(mu, rho):
    a, b = mmc(rho * mu, mu, 1), mm1(rho * mu, mu)
    for k in ("P0", "erlang_c", "Lq", "L", "Wq", "W"):
        assert getattr(a, k) == pytest.approx(getattr(b, k), rel=1e-9)


@given(st.integers(1, 400), st.floats(0.01, 0.99), st.floats(0.1, 10))
def test_little_and_erlang_identities(c, rho, mu):
    lam = rho * c * mu
    q = mmc(lam, mu, c)
    assert 0 <= q.P0 <= 1 and 0 <= q.erlang_c <= 1
    assert pytest.approx(lam * q.W) == q.L and q.Lq == pytest.approx(lam * q.Wq)
    assert pytest.approx(q.Lq + lam / mu) == q.L
    # Erlang C from Erlang B by the textbook recursion
    a, b = lam / mu, 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    assert q.erlang_c == pytest.approx(b / (1 - rho * (1 - b)), rel=1e-8, abs=1e-300)
    assert math.isfinite(q.W)
