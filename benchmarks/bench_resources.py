"""Benchmarks of mas.resources: exact GAP on the c-type instances, hard type-D GAP, greedy placement at scale.

    PYTHONPATH=. python benchmarks/bench_resources.py             # gap and place
    PYTHONPATH=. python benchmarks/bench_resources.py --part gap   # or --part place
    PYTHONPATH=. python benchmarks/bench_resources.py --part hard --seconds 120
    PYTHONPATH=. python benchmarks/bench_resources.py --part hard --cpu-seconds 30,60 --seeds 2

Hard: OR-Library type D with 100 jobs (d05100, d10100, d20100), the best value
found in ``--seconds`` by ``solve_gap`` (HiGHS, the ``--search`` phase --
ejection chains by default --, large-neighbourhood search, HiGHS from the best
start) against HiGHS on the plain model (``scipy.optimize.milp``, default
options, the same time limit) in the same run, each as its gap to the best
known value (``scenarios/data/gap/best_known.tsv``), with the wall and process
CPU seconds of each (on a shared machine a wall-clock limit buys less CPU).
``--cpu-seconds`` runs the ejection-chain search alone with budgets of process
CPU time instead, which says what the method reaches on a quiet machine.

GAP: seconds of the exact solver (HiGHS) per instance, minimising and
maximising, next to the greedy heuristic in the same run (its time, and its gap
to the proven optimum). Placement: the vectorised greedy rules on 100,000 tasks
x 1,000 nodes x 3 resources, against the seeds' plain-Python first fit on the
same instance, and each rule's gap to the cheap upper bound of the count.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from mas.resources.bounds import placement_bound
from mas.resources.gap import read_gap, solve_gap
from mas.resources.greedy import naive_first_fit
from mas.resources.placement import check_placement
from mas.resources.problem import PlacementProblem
from mas.resources.solve import place

GAP_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "data" / "gap"


def bench_gap(repeat: int) -> None:
    optima = {}
    for line in (GAP_DIR / "optima.tsv").read_text().split("\n"):
        if line.strip():
            name, value, _ = line.split("\t")
            optima[name] = float(value)
    print("Exact GAP (HiGHS at zero gap, from the greedy + local-search start) vs regret greedy, best of", repeat)
    print(f"{'instance':>9} {'size':>7} {'sense':>5} {'optimum':>8} {'exact s':>8} {'greedy':>7} "
          f"{'greedy s':>9} {'greedy gap':>10}")
    for name in ("c0515_1", "c0824_2", "c1060_5"):
        (inst,) = read_gap(GAP_DIR / name)
        for maximize in (False, True):
            ex = min((solve_gap(inst, maximize=maximize) for _ in range(repeat)), key=lambda s: s.seconds)
            gr = min((solve_gap(inst, maximize=maximize, algorithm="greedy") for _ in range(repeat)),
                     key=lambda s: s.seconds)
            opt = optima[f"{name}_{'Max' if maximize else 'Min'}"]
            assert ex.optimal and ex.objective_value == opt, (name, ex.objective_value, opt)
            gap = abs(gr.objective_value - opt) / opt
            print(f"{name:>9} {inst.agents:>2}x{inst.jobs:<4} {'max' if maximize else 'min':>5} {opt:>8.0f} "
                  f"{ex.seconds:>8.3f} {gr.objective_value:>7.0f} {gr.seconds:>9.4f} {gap:>10.2%}")


def plain_highs(inst, time_limit: float) -> tuple[float | None, bool]:
    """HiGHS on the plain binary program with its default options (0.01% relative gap): the baseline."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    m, n = inst.agents, inst.jobs
    size = m * n
    ii, jj = np.divmod(np.arange(size), n)
    assign = sp.csr_array((np.ones(size), (jj, np.arange(size))), shape=(n, size))
    cap = sp.csr_array((inst.weight.ravel(), (ii, np.arange(size))), shape=(m, size))
    res = milp(inst.cost.ravel(), constraints=[LinearConstraint(assign, 1, 1),
                                               LinearConstraint(cap, -np.inf, inst.capacity)],
               integrality=np.ones(size), bounds=Bounds(0, 1), options={"time_limit": time_limit})
    if res.x is None:
        return None, False
    return inst.check(res.x.reshape(m, n).argmax(axis=0)), res.status == 0


def best_known() -> dict[str, float]:
    best = {}
    for line in (GAP_DIR / "best_known.tsv").read_text().split("\n"):
        if line.strip():
            name, value, *_ = line.split("\t")
            best[name] = float(value)
    return best


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bench_hard(seconds: float, names: list[str], search: str) -> None:
    best = best_known()
    print(f"Hard GAP (type D, minimise), {seconds:g} s wall each, search {search}; load {_load()}")
    print(f"{'instance':>9} {'best known':>10} {'plain HiGHS':>11} {'gap':>6} {'wall s':>6} {'cpu s':>6} "
          f"{'ours':>6} {'gap':>6} {'wall s':>6} {'cpu s':>6} {'bound':>6} {'optimal':>7}")
    for name in names:
        (inst,) = read_gap(GAP_DIR / name)
        c0, t0 = time.process_time(), time.perf_counter()
        plain, _ = plain_highs(inst, seconds)
        c1, t1 = time.process_time(), time.perf_counter()
        ours = solve_gap(inst, time_limit=seconds, search=search)
        c2, t2 = time.process_time(), time.perf_counter()
        bk = best[name]
        print(f"{name:>9} {bk:>10.0f} {plain:>11.0f} {(plain - bk) / bk:>6.2%} {t1 - t0:>6.0f} {c1 - c0:>6.0f} "
              f"{ours.objective_value:>6.0f} {(ours.objective_value - bk) / bk:>6.2%} {t2 - t1:>6.0f} "
              f"{c2 - c1:>6.0f} {ours.bound:>6.0f} {ours.optimal!s:>7}", flush=True)
    print(f"load at the end {_load()}")


def bench_hard_cpu(cpu_seconds: list[float], names: list[str], seeds: int) -> None:
    """The ejection-chain search alone from the greedy start, with budgets in this process's CPU seconds."""
    from mas.resources.gap import gap_greedy
    from mas.resources.gap_chain import gap_chain

    best = best_known()
    print(f"Ejection-chain search alone (gap_chain, clock='cpu') from the regret greedy; load {_load()}")
    print(f"{'instance':>9} {'best known':>10} {'cpu s':>6} {'seed':>4} {'value':>6} {'gap':>6} {'wall s':>6}")
    for name in names:
        (inst,) = read_gap(GAP_DIR / name)
        start = gap_greedy(inst)
        for budget in cpu_seconds:
            for seed in range(seeds):
                t0 = time.perf_counter()
                value = inst.check(gap_chain(inst, start, time_limit=budget, seed=seed, clock="cpu"))
                bk = best[name]
                print(f"{name:>9} {bk:>10.0f} {budget:>6g} {seed:>4} {value:>6.0f} {(value - bk) / bk:>6.2%} "
                      f"{time.perf_counter() - t0:>6.0f}", flush=True)


def make_instance(tasks: int, nodes: int, kinds: int, load: float, seed: int) -> PlacementProblem:
    """Random integer demands 1..10 per kind; nodes of random size (one scale, +-20% per kind),
    scaled so that total demand = load x total capacity."""
    rng = np.random.default_rng(seed)
    demand = rng.integers(1, 11, size=(tasks, kinds)).astype(float)
    cap = rng.uniform(50, 150, size=(nodes, 1)) * rng.uniform(0.8, 1.2, size=(nodes, kinds))
    cap = np.floor(cap * (demand.sum(axis=0) / load) / cap.sum(axis=0))
    return PlacementProblem(tuple(f"t{i}" for i in range(tasks)), tuple(f"n{j}" for j in range(nodes)),
                            tuple(f"r{k}" for k in range(kinds)), demand, cap)


def bench_place(tasks: int, nodes: int, kinds: int, load: float, seed: int, rules: list[str],
                naive: bool) -> None:
    p = make_instance(tasks, nodes, kinds, load, seed)
    t0 = time.perf_counter()
    bound = placement_bound(p, "count")
    t_bound = time.perf_counter() - t0
    print(f"Greedy placement: {tasks} tasks x {nodes} nodes x {kinds} resources, total demand = {load:g} x "
          f"total capacity, seed {seed}")
    print(f"upper bound on tasks placed: {bound:.0f} ({t_bound:.2f} s)")
    print(f"{'algorithm':>13} {'seconds':>8} {'placed':>7} {'gap to bound':>12}")
    ours = {}
    for rule in rules:
        r = place(p, "count", rule, exact_limit=0)
        ours[rule] = r.seconds
        print(f"{rule:>13} {r.seconds:>8.2f} {r.value:>7.0f} {r.gap:>12.2%}")
    if naive:
        order = np.argsort(-(p.demand / p.capacity.sum(axis=0)).sum(axis=1), kind="stable")
        tl = [{"name": p.task_names[i], **dict(zip(p.kinds, p.demand[i].tolist()))} for i in order]
        nl = [{"name": p.node_names[j], **dict(zip(p.kinds, p.capacity[j].tolist()))} for j in range(p.n_nodes)]
        t0 = time.perf_counter()
        out = naive_first_fit(tl, nl, list(p.kinds))
        t_naive = time.perf_counter() - t0
        a = check_placement(p, out)
        print(f"{'naive ffd':>13} {t_naive:>8.2f} {int((a >= 0).sum()):>7} "
              f"{(bound - (a >= 0).sum()) / bound:>12.2%}   (plain Python, the seeds' loop)")
        if "ffd" in ours:
            print(f"speed-up of vectorised ffd over the naive loop: {t_naive / ours['ffd']:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("gap", "hard", "place", "all"), default="all",
                    help="all = gap and place (hard takes 2 x --seconds per instance)")
    ap.add_argument("--seconds", type=float, default=120.0, help="time limit per solve of --part hard")
    ap.add_argument("--instances", default="d05100,d10100,d20100", help="instances of --part hard")
    ap.add_argument("--search", choices=("chain", "shift-swap"), default="chain",
                    help="search phase of solve_gap in --part hard")
    ap.add_argument("--cpu-seconds", default=None, metavar="S[,S...]",
                    help="--part hard: instead, run the ejection-chain search alone with these CPU-second budgets")
    ap.add_argument("--seeds", type=int, default=1, help="seeds per --cpu-seconds budget")
    ap.add_argument("--repeat", type=int, default=3, help="GAP runs per instance (best is reported)")
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--nodes", type=int, default=1_000)
    ap.add_argument("--kinds", type=int, default=3)
    ap.add_argument("--load", type=float, default=0.95, help="total demand / total capacity")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rules", default="ffd,best-fit,least-loaded,dot,priority")
    ap.add_argument("--no-naive", action="store_true", help="skip the plain-Python baseline")
    args = ap.parse_args()
    if args.part in ("gap", "all"):
        bench_gap(args.repeat)
        print()
    if args.part == "hard":
        if args.cpu_seconds:
            bench_hard_cpu([float(x) for x in args.cpu_seconds.split(",")], args.instances.split(","), args.seeds)
        else:
            bench_hard(args.seconds, args.instances.split(","), args.search)
    if args.part in ("place", "all"):
        bench_place(args.tasks, args.nodes, args.kinds, args.load, args.seed, args.rules.split(","),
                    not args.no_naive)


if __name__ == "__main__":
    main()
