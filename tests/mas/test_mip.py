"""Exact means exact: every exact method claims optimality only at zero gap, with bound and gap reported.

The instances are built so that HiGHS's default relative gap (1e-4) would
accept a value one unit (or more) above the optimum: objectives of 10^5-10^6
with costs that differ by a few units (many near-ties). Every answer is checked
against an exact reference (brute force, or HiGHS with mip_rel_gap = 0).
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.mip import ABS_TOL, certify
from mas.resources.gap import GapInstance, read_gap, solve_gap

GAP_DIR = ROOT / "scenarios" / "data" / "gap"
DEFAULT_REL_GAP = 1e-4  # HiGHS's mip_rel_gap, which stopped the old code short


def near_tie_gap(seed: int, m: int = 3, n: int = 9) -> GapInstance:
    """Costs 10^5 + 0..4 (the optimum is ~9 * 10^5: 1e-4 of it is 90 units), tight capacities."""
    rng = np.random.default_rng(seed)
    cost = 100_000 + rng.integers(0, 5, size=(m, n)).astype(float)
    weight = rng.integers(5, 25, size=(m, n)).astype(float)
    capacity = np.floor(0.5 * weight.sum(axis=1) / m * 2.2)
    return GapInstance(f"tie{seed}", cost, weight, capacity)


def brute_force_gap(inst: GapInstance, maximize: bool) -> float | None:
    best = None
    for a in itertools.product(range(inst.agents), repeat=inst.jobs):
        try:
            v = inst.check(a)
        except ValueError:
            continue
        if best is None or (v > best if maximize else v < best):
            best = v
    return best


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("maximize", [False, True])
def test_gap_on_near_ties_matches_brute_force_and_the_default_gap_would_not(seed, maximize):
    inst = near_tie_gap(seed)
    best = brute_force_gap(inst, maximize)
    s = solve_gap(inst, maximize=maximize)
    if best is None:
        assert s.objective_value is None and not s.optimal
        return
    # the regime of the bug: a value one unit off would pass the default relative gap
    assert 1.0 / best < DEFAULT_REL_GAP
    assert s.objective_value == best
    assert s.optimal and s.gap == 0.0 and s.bound == best and s.status == "optimal"
    assert not certify(best + (-1 if maximize else 1), best, maximize=maximize, integer=True).optimal


def _scipy_milp(inst: GapInstance, **options):
    """The plain program through scipy (an independent path to HiGHS): (value, status 0 = "optimal")."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = inst.agents, inst.jobs
    ii, jj = np.divmod(np.arange(m * n), n)
    res = milp(inst.cost.ravel(), integrality=np.ones(m * n), bounds=Bounds(0, 1), options=options,
               constraints=[LinearConstraint(sp.csr_array((np.ones(m * n), (jj, np.arange(m * n)))), 1, 1),
                            LinearConstraint(sp.csr_array((inst.weight.ravel(), (ii, np.arange(m * n)))),
                                             -np.inf, inst.capacity)])
    return inst.check(res.x.reshape(m, n).argmax(axis=0)), res.status == 0


@pytest.mark.parametrize("seed", range(3))
def test_gap_where_the_default_gap_calls_a_worse_value_optimal(seed):
    rng = np.random.default_rng(seed)
    m, n = 5, 20
    weight = rng.integers(5, 25, size=(m, n)).astype(float)
    cost = 100_000 + rng.integers(0, 5, size=(m, n)).astype(float)
    inst = GapInstance("ties", cost, weight, np.floor(weight.sum(axis=1) / m * 1.1))
    default_value, default_claims_optimal = _scipy_milp(inst)
    reference, _ = _scipy_milp(inst, mip_rel_gap=0.0)
    assert default_claims_optimal and default_value > reference  # the bug this guards against
    s = solve_gap(inst)
    assert s.objective_value == reference and s.optimal and s.gap == 0.0 and s.bound == reference


def test_gap_json_reports_bound_gap_and_status():
    out = subprocess.run([sys.executable, "-m", "scenarios.cli", "gap", str(GAP_DIR / "c0515_1"), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=_env())
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert (d["objective_value"], d["bound"], d["gap"], d["optimal"], d["status"]) == (261, 261, 0, True, "optimal")


def test_a_time_limit_that_stops_the_search_says_so_and_never_returns_worse_than_the_start():
    (inst,) = read_gap(GAP_DIR / "d20100")  # best known 6185, far from provable in a second
    s = solve_gap(inst, time_limit=1.0)
    assert s.status == "time limit" and not s.optimal
    assert s.gap > 0 and s.bound < s.objective_value
    assert s.bound <= 6185 <= s.objective_value <= s.start_value
    assert inst.check(s.assignment) == s.objective_value


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), limit=st.sampled_from([None, 0.05, 0.2]), maximize=st.booleans())
def test_optimal_is_never_true_with_a_gap(seed, limit, maximize):
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 6)), int(rng.integers(5, 30))
    cost = rng.integers(1000, 1010, size=(m, n)).astype(float)
    weight = rng.integers(1, 20, size=(m, n)).astype(float)
    inst = GapInstance("h", cost, weight, np.floor(weight.sum(axis=1) / m * 1.1))
    s = solve_gap(inst, maximize=maximize, time_limit=limit)
    if s.objective_value is None:
        assert not s.optimal
        return
    assert s.optimal == (s.gap == 0.0)
    if s.optimal:
        assert s.bound == s.objective_value and s.status == "optimal"
    else:
        assert s.status != "optimal"
        assert (s.bound > s.objective_value) if maximize else (s.bound < s.objective_value)


@pytest.mark.parametrize("value,bound,integer,optimal", [
    (6353.0, 6352.01, True, True),   # integer optimum >= 6352.01 means >= 6353
    (6354.0, 6352.01, True, False),  # one unit above: the default 1e-4 gap would have said optimal
    (1.0, 1.0 - 0.5 * ABS_TOL, False, True),
    (1.0, 1.0 - 2 * ABS_TOL, False, False),
])
def test_certificate_rules(value, bound, integer, optimal):
    c = certify(value, bound, integer=integer, status="optimal")
    assert c.optimal is optimal
    assert (c.gap == 0.0) is optimal
    assert (c.bound == value) is optimal


# -- placement ---------------------------------------------------------------

def near_tie_placement(seed: int):
    from mas.resources.problem import PlacementProblem

    rng = np.random.default_rng(seed)
    T, N = 6, 3
    demand = rng.integers(1, 6, size=(T, 1)).astype(float)
    cap = np.full((N, 1), float(np.ceil(demand.sum() / N) + 1))
    cost = 200_000 + rng.integers(0, 4, size=(T, N)).astype(float)
    return PlacementProblem(tuple(f"t{i}" for i in range(T)), tuple(f"n{j}" for j in range(N)), ("cpu",),
                            demand, cap, cost=cost)


@pytest.mark.parametrize("seed", range(4))
def test_placement_cost_on_near_ties_matches_brute_force(seed):
    from mas.resources.placement import check_placement, objective_value
    from mas.resources.solve import place

    p = near_tie_placement(seed)
    best = np.inf
    for a in itertools.product(range(p.n_nodes), repeat=p.n_tasks):
        try:
            a = check_placement(p, np.array(a))
        except ValueError:
            continue
        best = min(best, objective_value(p, a, "cost"))
    r = place(p, "cost", "exact")
    assert 1.0 / best < DEFAULT_REL_GAP
    assert r.value == best and r.optimal and r.gap == 0.0 and r.bound == best and r.status == "optimal"
    h = place(p, "cost", "ffd")  # a heuristic is optimal only when it meets the proven optimum exactly
    assert h.optimal == (h.value == best) and h.bound == best


def test_exact_placement_is_never_worse_than_its_start():
    from mas.resources.exact import exact_placement
    from mas.resources.local import placement_start
    from mas.resources.placement import objective_value

    p = near_tie_placement(7)
    start = placement_start(p, "cost")
    sol = exact_placement(p, "cost", time_limit=1e-3, start=start)
    assert objective_value(p, sol.assignment, "cost") <= objective_value(p, start, "cost")
    assert sol.certificate.optimal == (sol.certificate.gap == 0.0)


# -- selection MILP and optimal_D ---------------------------------------------

def near_tie_costs(seed: int, n: int = 7, m: int = 5):
    from mas.costs import CostModel

    rng = np.random.default_rng(seed)
    C = 100_000 + rng.integers(0, 4, size=(m, n)).astype(float)
    P = rng.integers(0, 3, size=(n, n)).astype(float) * 10_000
    np.fill_diagonal(P, 0.0)
    return CostModel(C, P)


@pytest.mark.parametrize("seed", range(3))
def test_selection_milp_on_near_ties_matches_exhaustive(seed):
    from mas.selection.exhaustive import exhaustive
    from mas.selection.milp import milp_strategy

    model = near_tie_costs(seed)
    ks = range(1, model.n + 1)
    best = exhaustive(model, ks)
    found = milp_strategy(model, ks)
    for k in best:
        D = model.D(best[k])
        assert model.D(found[k]) == D
        cert = found.certificates[k]
        assert cert.optimal and cert.gap == 0.0 and cert.bound == D and cert.integer


@pytest.mark.parametrize("seed", range(3))
def test_optimal_D_by_milp_on_near_ties_matches_enumeration(seed):
    from mas.optimum import optimum

    costs = near_tie_costs(seed)
    exact = optimum(costs)
    milp = optimum(costs, exact_max_agents=0)
    assert milp.method == "milp" and milp.exact and milp.D == exact.D
    assert milp.bound == milp.D and milp.gap == 0.0 and exact.gap == 0.0
    heuristic = optimum(costs, exact_max_agents=0, milp_max_agents=0)
    assert not heuristic.exact and heuristic.bound <= heuristic.D and heuristic.gap >= 0.0


# -- start-up ----------------------------------------------------------------

def _env():
    return {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


def test_gap_and_place_commands_run_without_importing_mesa():
    code = (
        "import argparse, sys\n"
        "from scenarios.commands import gap, place\n"
        "gap.run(argparse.Namespace(file='scenarios/data/gap/c0515_1', index=None, maximize=False,\n"
        "        algorithm='exact', time_limit=None, search=None, json=True))\n"
        # a time limit on an instance HiGHS does not prove at once runs every phase (dives, searches)
        "gap.run(argparse.Namespace(file='scenarios/data/gap/d20100', index=None, maximize=False,\n"
        "        algorithm='exact', time_limit=2.0, search=None, json=True))\n"
        "place.run(argparse.Namespace(tasks='scenarios/data/resources/seed001_five_tasks.json',\n"
        "          nodes='scenarios/data/resources/seed001_three_models.json', objective='count',\n"
        "          algorithm='exact', seed=None, time_limit=None, iterations=None, json=True))\n"
        "assert 'mesa' not in sys.modules, sorted(m for m in sys.modules if m.startswith('mesa'))[:5]\n"
        "print('no mesa')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=_env())
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("no mesa")


def test_selection_milp_certificates_under_a_tiny_time_limit_never_claim_more_than_proven():
    from mas.selection.exhaustive import exhaustive
    from mas.selection.milp import milp_strategy

    model = near_tie_costs(5, n=9, m=6)
    best = exhaustive(model, range(1, 10))
    found = milp_strategy(model, range(1, 10), time_limit=1e-3)
    for k, cert in found.certificates.items():
        assert cert.optimal == (cert.gap == 0.0)
        assert cert.bound <= model.D(best[k]) <= cert.value  # the bound is valid, the value is feasible
        if cert.optimal:
            assert cert.value == model.D(best[k])
        else:
            assert cert.status == "time limit"
