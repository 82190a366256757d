"""Cost-model benchmarks: each target is timed beside a baseline in the same run.

    python benchmarks/bench_costs.py            # everything (about 3 minutes)
    python benchmarks/bench_costs.py --quick    # skips the n = 24 exhaustive and the n = 30 MILP
    python benchmarks/bench_costs.py --lambda   # only the lambda = working sweeps (about 2 minutes)
    python benchmarks/bench_costs.py --part milp              # issue 12's MILP targets, n = m = 30, 40 (~1 min)
    python benchmarks/bench_costs.py --part milp --baseline   # ... and HiGHS alone at n = 40 (~3 min more)
    python benchmarks/bench_costs.py --part milp --variants   # ... and two more n = 30 instances (~1 min more)

Prints one line per measurement: what, seconds, the baseline's seconds, ratio, target.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mas.costs import CostModel  # noqa: E402
from mas.selection.exhaustive import exhaustive  # noqa: E402
from mas.selection.greedy import greedy_order  # noqa: E402
from mas.selection.milp import milp_strategy  # noqa: E402


def instance(n: int, m: int, seed: int = 0) -> CostModel:
    rng = np.random.default_rng(seed)
    C = rng.integers(1, 11, (m, n)).astype(float)
    P = rng.uniform(1, 10, (n, n))
    np.fill_diagonal(P, 0.0)
    return CostModel(C, P)


def timed(func, *args, **kwargs):
    t = time.perf_counter()
    out = func(*args, **kwargs)
    return out, time.perf_counter() - t


def report(what: str, ours: float, base: float | None, target: str) -> None:
    ratio = f"{base / ours:8.1f}x" if base else "        -"
    base_text = f"{base:9.3f}s" if base else "         -"
    print(f"{what:<52} {ours:9.3f}s {base_text} {ratio}   target: {target}", flush=True)


def python_sweep(C: list[list[float]], P: list[list[float]], order: list[int], kappa: float):
    """D and G of every prefix of ``order``, transcribed from the paper's formulas in plain Python."""
    out = []
    for k in range(1, len(order) + 1):
        S = order[:k]
        execution = sum(min(C[i][j] for j in S) for i in range(len(C)))
        pairs = sum(P[j][l] + P[l][j] for a, j in enumerate(S) for l in S[a + 1 :])
        D = execution + pairs
        out.append((D, D * k**-kappa))
    return out


def bench_sweep_evaluation() -> None:
    model = instance(200, 200)
    order = list(np.random.default_rng(1).permutation(200))
    (D, G), ours = timed(model.prefix_costs, order)
    ref, base = timed(python_sweep, model.C.tolist(), model.P.tolist(), order, model.kappa)
    assert np.allclose(D, [r[0] for r in ref])
    report("D/G of a full k-sweep, n = m = 200 (vs pure Python)", ours, base, ">= 100x")


def naive_exhaustive(model: CostModel) -> dict[int, float]:
    best: dict[int, float] = {}
    for k in range(1, model.n + 1):
        best[k] = min(model.D(S) for S in itertools.combinations(range(model.n), k))
    return best


def bench_exhaustive(full: bool) -> None:
    model = instance(16, 16)
    sets, ours = timed(exhaustive, model, range(1, 17))
    ref, base = timed(naive_exhaustive, model)
    assert all(abs(model.D(sets[k]) - ref[k]) < 1e-9 for k in ref)
    report("exhaustive, all k, n = m = 16 (vs itertools + numpy D)", ours, base, "-")
    for n in (20, 24) if full else (20,):
        model = instance(n, n)
        tracemalloc.start()
        _, ours = timed(exhaustive, model, range(1, n + 1))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        target = "<= 1 s" if n == 20 else "<= 30 s, <= 4 GB"
        report(f"exhaustive, all k, n = m = {n} (peak {peak / 2**20:.0f} MiB)", ours, None, target)


def plain_milp(model: CostModel, k: int) -> list[int]:
    """The textbook linearization through scipy.optimize.milp: no cuts, no start (the old strategy)."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    C, W, n, m = model.C, model.W, model.n, model.C.shape[0]
    ri, cj = np.nonzero(np.isfinite(C))
    pj, pl = np.triu_indices(n, 1)
    nx, npair = ri.size, pj.size
    xo, yo, size = n, n + nx, n + nx + pj.size
    ax, ay = np.arange(nx), np.arange(npair)

    def rows(data, r, c, nrows):
        return sp.csr_array((data, (r, c)), shape=(nrows, size))

    one, minus = np.ones(npair), -np.ones(npair)
    constraints = [
        LinearConstraint(rows(np.ones(nx), ri, xo + ax, m), 1, 1),
        LinearConstraint(rows(np.r_[np.ones(nx), -np.ones(nx)], np.r_[ax, ax], np.r_[xo + ax, cj], nx), -np.inf, 0),
        LinearConstraint(rows(np.r_[one, minus, minus], np.r_[ay, ay, ay], np.r_[yo + ay, pj, pl], npair), -1, np.inf),
        LinearConstraint(rows(np.r_[one, minus], np.r_[ay, ay], np.r_[yo + ay, pj], npair), -np.inf, 0),
        LinearConstraint(rows(np.r_[one, minus], np.r_[ay, ay], np.r_[yo + ay, pl], npair), -np.inf, 0),
        LinearConstraint(rows(np.ones(n), np.zeros(n, dtype=int), np.arange(n), 1), k, k),
        LinearConstraint(rows(np.r_[np.ones(2 * npair), np.full(n, 1.0 - k)], np.r_[pj, pl, np.arange(n)],
                              np.r_[yo + ay, yo + ay, np.arange(n)], n), 0, 0),
    ]
    c = np.concatenate([np.zeros(n), C[ri, cj], W[pj, pl]])
    res = milp(c, constraints=constraints, integrality=np.r_[np.ones(n), np.zeros(nx + npair)],
               bounds=Bounds(0, 1), options={"mip_rel_gap": 0.0})
    return [j for j in range(n) if res.x[j] > 0.5]


def bench_milp(full: bool) -> None:
    n = 30 if full else 16
    model = instance(n, n)
    sets, ours = timed(milp_strategy, model, range(1, n + 1))
    if n <= 24:
        ex, base = timed(exhaustive, model, range(1, n + 1))
        assert all(abs(model.D(sets[k]) - model.D(ex[k])) < 1e-6 for k in ex)
    else:
        base = None
    report(f"MILP (trees + HiGHS), all k, n = m = {n}", ours, base, "<= 10 s at n = 30")
    hard = (10, 12, 14) if full else (6, 8)
    _, ours = timed(milp_strategy, model, hard)
    plain, base = timed(lambda: {k: plain_milp(model, k) for k in hard})
    assert all(abs(model.D(sets[k]) - model.D(plain[k])) < 1e-6 for k in hard)
    report(f"MILP k = {', '.join(map(str, hard))} only, n = m = {n} (vs plain linearization)", ours, base, "-")


def highs_alone(model: CostModel, ks) -> dict:
    """``milp_strategy`` with no k left to the branch and bound: the MILP strategy before issue 12's change."""
    from mas.selection import milp

    saved = milp._branch
    milp._branch = lambda model, program, ks, *args, **kwargs: ks
    try:
        return milp_strategy(model, ks)
    finally:
        milp._branch = saved


def clocked(func, *args):
    """(result, wall seconds, process CPU seconds, 1-minute load average at the end)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = func(*args)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return out, wall, cpu, float(Path("/proc/loadavg").read_text().split()[0])


def variant(n: int, kind: str, seed: int = 0) -> CostModel:
    """n = m instances beside ``instance``: C uniform real in [1, 10), or integer with 20% "cannot"."""
    rng = np.random.default_rng(seed)
    if kind == "real C":
        C = rng.uniform(1, 10, (n, n))
    else:
        C = rng.integers(1, 11, (n, n)).astype(float)
        C[rng.random((n, n)) < 0.2] = np.inf
        C[np.arange(n), rng.integers(n, size=n)] = 5.0  # every subtask stays coverable
    P = rng.uniform(1, 10, (n, n))
    np.fill_diagonal(P, 0.0)
    return CostModel(C, P)


def bench_milp_targets(baseline_40: bool, variants: bool) -> None:
    """Issue 12: every k exact at n = m = 30 (<= 10 s) and 40 (<= 120 s), beside HiGHS alone."""
    print(f"{'MILP, every k':<40} {'wall':>9} {'CPU':>9} {'load':>5}   "
          f"{'HiGHS alone: wall / CPU (load)':>36}  {'CPU ratio':>9}")
    cases = [(30, "target <= 10 s", instance(30, 30)), (40, "target <= 120 s", instance(40, 40))]
    if variants:
        cases += [(30, kind, variant(30, kind)) for kind in ("real C", "20% cannot")]
    for n, target, model in cases:
        ks = range(1, n + 1)
        sets, wall, cpu, load = clocked(milp_strategy, model, ks)
        assert all(c.optimal and c.gap == 0.0 for k, c in sets.certificates.items() if k in sets)
        base = "-"
        ratio = ""
        if n == 30 or baseline_40:
            plain, b_wall, b_cpu, b_load = clocked(highs_alone, model, ks)
            assert plain.keys() == sets.keys()
            assert all(abs(model.D(sets[k]) - model.D(plain[k])) <= 1e-6 for k in sets)  # exact against exact
            base = f"{b_wall:8.1f}s / {b_cpu:6.1f}s (load {b_load:.1f})"
            ratio = f"{b_cpu / cpu:5.1f}x"
        what = f"n = m = {n}, {target}"
        print(f"{what:<40} {wall:8.2f}s {cpu:8.2f}s {load:5.1f}   {base:>36}  {ratio:>9}", flush=True)


def naive_greedy(model: CostModel, steps: int) -> list[int]:
    """Greedy that re-evaluates every outsider's marginal each step (vectorized numpy)."""
    C, W = model.C, model.W
    first = int(np.argmin(C.sum(axis=0)))
    order, cur, pair = [first], C[:, first].copy(), W[first].copy()
    taken = np.zeros(model.n, dtype=bool)
    taken[first] = True
    for _ in range(steps - 1):
        marginal = pair - np.maximum(cur[:, None] - C, 0.0).sum(axis=0)
        j = int(np.where(taken, np.inf, marginal).argmin())
        order.append(j)
        taken[j] = True
        cur = np.minimum(cur, C[:, j])
        pair += W[j]
    return order


def bench_greedy(full: bool) -> None:
    model = instance(1000, 1000)
    order, ours = timed(greedy_order, model)
    ref, base = timed(naive_greedy, model, 1000)
    assert order == ref
    report("greedy order, all k, n = m = 1000 (vs full re-evaluation)", ours, base, "<= 1 s")
    _, ours = timed(model.sweep, "greedy")
    report("greedy sweep with D, G (working at best k), n = m = 1000", ours, None, "<= 1 s")
    if full:
        model = instance(5000, 5000)
        _, ours = timed(greedy_order, model)
        report("greedy order, all k, n = m = 5000", ours, None, "<= 30 s")
        _, ours = timed(model.sweep, "greedy")
        report("greedy sweep with D, G (working at best k), n = m = 5000", ours, None, "<= 30 s")


def working_brute_force(model: CostModel) -> dict[int, float]:
    """Least D per k over the sets whose members all work: every subset through CostModel.evaluate."""
    best: dict[int, float] = {}
    for k in range(1, model.n + 1):
        for S in itertools.combinations(range(model.n), k):
            e = model.evaluate(S)
            if e.feasible and e.working == k:
                best[k] = min(best.get(k, np.inf), e.D)
    return best


def bench_working(full: bool) -> None:
    """lambda = working: the exhaustive sweep against brute force and against itself under participants."""
    model = instance(12, 12).with_participation("working")
    got, ours = timed(model.sweep, "exhaustive")
    want, base = timed(working_brute_force, model)
    assert {r.k: r.D for r in got.rows if r.participants} == want
    report("exhaustive working, every k, n = m = 12, vs evaluate per subset", ours, base, "-")
    plain = instance(20, 20)
    _, base = timed(plain.sweep, "exhaustive")
    _, ours = timed(plain.with_participation("working").sweep, "exhaustive")
    report("exhaustive working, n = m = 20, vs participants (ratio < 1)", ours, base, "<= 1 s")
    n = 14 if full else 12
    model = instance(n, n).with_participation("working")
    got, ours = timed(model.sweep, "milp")
    assert [r.D for r in got.rows] == [r.D for r in model.sweep("exhaustive").rows]
    report(f"MILP working, every k, n = m = {n} (same D as exhaustive)", ours, None, "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--lambda", dest="working_only", action="store_true",
                        help="only the lambda = working measurements")
    parser.add_argument("--part", choices=["milp"], help="only issue 12's exact-MILP targets (n = m = 30, 40)")
    parser.add_argument("--baseline", action="store_true", help="with --part milp: HiGHS alone at n = 40 as well")
    parser.add_argument("--variants", action="store_true",
                        help="with --part milp: two more n = 30 instances (real C; 20%% cannot), beside HiGHS alone")
    args = parser.parse_args()
    full = not args.quick
    if args.part == "milp":
        bench_milp_targets(args.baseline, args.variants)
        return
    print(f"{'measurement':<52} {'ours':>10} {'baseline':>10} {'ratio':>9}")
    if args.working_only:
        bench_working(full)
        return
    bench_sweep_evaluation()
    bench_exhaustive(full)
    bench_greedy(full)
    bench_milp(full)
    bench_working(full)


if __name__ == "__main__":
    main()
