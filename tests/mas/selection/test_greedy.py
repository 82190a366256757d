"""Greedy's m x n temporaries in row blocks (issue 12): the same sums bit for bit, the same order."""

from __future__ import annotations

import numpy as np
from helpers import random_costs
from hypothesis import given, settings
from hypothesis import strategies as st

import mas.selection.greedy as greedy
from mas.costs import CostModel


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.integers(1, 30), st.integers(0, 2**31), st.integers(1, 4000))
def test_row_sums_in_blocks_equal_the_whole_sum_bit_for_bit(count, n, seed, block_bytes):
    rng = np.random.default_rng(seed)
    A = rng.random((count, n)) * rng.choice([1e-8, 1.0, 1e8], size=(count, n))
    asked = []

    def block(rows):
        asked.append(rows)
        return A[rows]

    whole = A.sum(axis=0)
    old, greedy.BLOCK_BYTES = greedy.BLOCK_BYTES, block_bytes
    try:
        got = greedy._row_sums(block, count, n)
    finally:
        greedy.BLOCK_BYTES = old
    assert got.tobytes() == whole.tobytes()
    if n >= 2 and count > max(1, block_bytes // (8 * n)):
        assert len(asked) > 1  # the blocks were used, not one whole array


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(1, 30), st.integers(0, 2**31), st.booleans(), st.integers(1, 600))
def test_greedy_order_in_row_blocks_is_the_whole_arrays_order(m, n, seed, working, block_bytes):
    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, 0.3, integer=bool(seed % 2))  # integer costs: ties, broken alike
    model = CostModel(C * rng.choice([1e-3, 1.0, 1e3], size=C.shape), P,
                      participation="working" if working else "participants")
    whole = greedy.greedy_order(model, working=working)
    old, greedy.BLOCK_BYTES = greedy.BLOCK_BYTES, block_bytes
    try:
        assert greedy.greedy_order(model, working=working) == whole
    finally:
        greedy.BLOCK_BYTES = old


def test_row_sums_of_one_column_are_not_split():
    """numpy sums an (r, 1) array pairwise: one block keeps it the whole sum."""
    A = np.array([[1e16], [1.0], [-1e16], [1.0]] * 50)
    asked = []
    greedy._row_sums(lambda rows: asked.append(rows) or A[rows], A.shape[0], 1)
    assert asked == [slice(0, A.shape[0])]
    assert greedy._row_sums(lambda rows: A[rows], A.shape[0], 1).tobytes() == A.sum(axis=0).tobytes()
