"""The MILP's formulation, cuts and MIP starts: exact without help, valid on every integer point."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT, random_costs
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.costs import CostModel
from mas.selection.exhaustive import exhaustive
from mas.selection.milp import _Program, milp_strategy


def _no_start(k, lp_z):
    return None


@given(seed=st.integers(0, 2**32 - 1), m=st.integers(1, 6), n=st.integers(1, 7),
       infeasible=st.sampled_from([0.0, 0.4]), integer=st.booleans())
def test_every_set_is_a_feasible_point_with_objective_D_and_violates_no_cut(seed, m, n, infeasible, integer):
    rng = np.random.default_rng(seed)
    C, P = random_costs(rng, m, n, infeasible, integer)
    model = CostModel(C, P)
    program = _Program(model.C, model.W)
    offset = sum(np.unique(row[np.isfinite(row)])[0] for row in model.C)
    for k in range(1, n + 1):
        for S in itertools.combinations(range(n), k):
            if not np.isfinite(model.D(S)):
                continue
            v = program._start(list(S))
            assert program.c @ v + offset == pytest.approx(model.D(S))
            assert np.all(v <= program._upper(k)) and np.all(v >= 0)
            for rows in program.fixed:  # includes the rows of the k-independent program
                assert np.all(rows.A @ v >= rows.lb - 1e-9) and np.all(rows.A @ v <= rows.ub + 1e-9)
            assert program.count @ v == k
            assert np.allclose((program.degree_y - (k - 1) * program.z_eye) @ v, 0.0)
            for family in program.families:  # a cut that cuts off an integer point would lose optima
                assert family._violation(v).max(initial=-1.0) <= 1e-9


@pytest.mark.parametrize("seed,infeasible,integer", [(1, 0.0, True), (2, 0.3, True), (3, 0.0, False)])
def test_exact_without_a_mip_start(seed, infeasible, integer):
    # the start is only an incumbent: the cuts and HiGHS alone must reach the optimum
    C, P = random_costs(np.random.default_rng(seed), 12, 11, infeasible, integer)
    model = CostModel(C, P)
    best = exhaustive(model, range(1, 12))
    program = _Program(model.C, model.W)
    for k in range(1, 12):
        S, cert = program.solve(k, _no_start, None)
        if k not in best:
            assert S is None
        else:
            assert len(S) == k
            assert model.D(S) == pytest.approx(model.D(best[k]))
            assert cert.optimal and cert.gap == 0.0 and cert.status == "optimal"


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_agrees_with_exhaustive_at_a_size_where_cuts_matter(seed):
    C, P = random_costs(np.random.default_rng(seed), 14, 13, 0.1, False)
    model = CostModel(C, P)
    best = exhaustive(model, range(1, 14))
    found = milp_strategy(model, range(1, 14))
    assert found.keys() == best.keys()
    for k in best:
        assert model.D(found[k]) == pytest.approx(model.D(best[k]))


def test_sizes_too_small_to_cover_every_subtask_are_left_out():
    inf = np.inf
    # subtask 0 only by agent 0, subtask 1 only by agent 1: no single agent suffices
    split = CostModel([[1, inf, 5], [inf, 1, inf]], [[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    assert milp_strategy(split, [1, 2, 3]) == {2: [0, 1], 3: [0, 1, 2]}


def test_solver_prints_nothing_on_stdout():
    # highspy writes a banner to stdout when its first solver is built; CLI JSON must stay clean
    code = ("from mas.costs import CostModel\n"
            "from mas.selection.milp import milp_strategy\n"
            "print(milp_strategy(CostModel([[5, 1, 3], [5, 4, 1]], [[0, 1, 9], [1, 0, 1], [9, 1, 0]]), [1, 2]))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout == "{1: [2], 2: [1, 2]}\n"


def test_progress_hears_every_k_once_and_changes_nothing():
    from mas.costs import CostModel
    from mas.selection.milp import milp_strategy

    rng = np.random.default_rng(5)
    C = rng.integers(1, 10, (12, 12)).astype(float)
    P = rng.uniform(1, 10, (12, 12))
    model = CostModel(C, (P + P.T) / 2 * (1 - np.eye(12)))
    seen = []
    sets = milp_strategy(model, range(1, 13), progress=lambda label, done, total: seen.append((done, total)))
    assert seen == [(d, 12) for d in range(1, 13)]
    assert dict(sets) == dict(milp_strategy(model, range(1, 13)))
