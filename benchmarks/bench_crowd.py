"""OSSA vs indexed OSSA, the index structures, and the four algorithms' quality in the seed's setting.

    PYTHONPATH=. python benchmarks/bench_crowd.py              # everything (about 15 minutes)
    PYTHONPATH=. python benchmarks/bench_crowd.py --part seed  # one part: seed | scale | index | quality | goma

seed:    full runs of OSSA (linear scan) and indexed OSSA at 800..1500 tasks, 500 workers; ratio of times.
scale:   20,000 / 50,000 / 100,000 tasks, workers = tasks / 3, plane side 300 * sqrt(tasks / 1500) (the
         seed's density of ranges); indexed OSSA is run in full. A full linear-scan run takes hours at
         these sizes, so both variants are timed on the same windows of arrivals from the same state: the
         two run in lockstep, the second switching to plain OSSA (scan store, eager relation sets) for
         40 arrivals at 10%, 30%, 50%, 70% and 90% of the stream; the windows' per-arrival times
         give the ratio, and the end results are checked to be identical.
index:   indexed OSSA with the grid at several cell sizes, and with an R-tree (the ``rtree`` package, only
         if installed), on the same streams.
quality: completed tasks and average cost of OSSA, Greedy and TGOA, 800..1500 tasks, several seeds, for
         the default time windows and two others.
goma:    the TGOA authors' setting on synthetic streams (point tasks, disc workers with capacities 1-3,
         pay x rate with two decimals, integer begin times so equal-time batches occur, the given order):
         utility and time of Greedy and TGOA (split 0.78), and in every phase-2 matching the former
         single score (utility x (sum of bids + 1) - bid, bids uniform in [0, 3]) against the exact
         maximum-utility matching: how often it fell below the maximum, and the time of both.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np

from mas.crowdsourcing import OSSA, TGOA, Greedy, Ledger, Task, Worker, generate_stream, run_online
from mas.crowdsourcing.index import STORES, GridStore, ScanStore


def same(a, b) -> bool:
    return [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]


def part_seed(seeds: int, repeat: int) -> None:
    # the machine is shared: each variant runs `repeat` times, alternating with the other, and the
    # median run counts; the table gives the per-seed medians' mean and the ratio of their sums
    print(f"## OSSA vs indexed OSSA, seed's setting (500 workers, plane 300, {seeds} seeds, "
          f"median of {repeat} runs each)")
    print(f"{'tasks':>6} {'OSSA s':>8} {'indexed s':>10} {'ratio':>7}  same")
    for n in range(800, 1501, 100):
        ts, ti, ok = [], [], True
        for seed in range(seeds):
            s = generate_stream(n, 500, seed=seed)
            ra, rb = [], []
            for _ in range(repeat):
                a = run_online("ossa", s, check=False)
                b = run_online("ossa-indexed", s, check=False)
                ra.append(a.seconds)
                rb.append(b.seconds)
                ok &= same(a, b)
            ts.append(statistics.median(ra))
            ti.append(statistics.median(rb))
        print(f"{n:>6} {statistics.mean(ts):>8.3f} {statistics.mean(ti):>10.3f} "
              f"{sum(ts) / sum(ti):>7.1f}  {ok}", flush=True)


def scale_stream(n: int, seed: int = 0):
    return generate_stream(n, n // 3, seed=seed, plane=300 * math.sqrt(n / 1500))


def _swap(alg: OSSA, store_cls, relations: str, **opts) -> None:
    """Give ``alg`` new stores of another kind holding the same rectangles, and eager (plain OSSA) or
    lazy (indexed OSSA) relations rebuilt for its active pieces (untimed)."""
    alg.set_relations(relations)  # first: rebuilding eager sets queries the store, the grid is quicker
    for name in ("tasks", "free"):
        old = getattr(alg, name)
        new = store_cls(**opts)
        for k, r in old.rects.items():
            new.add(k, r)
        setattr(alg, name, new)


def part_scale(sizes, window: int) -> None:
    print("## OSSA vs indexed OSSA at scale (workers = tasks/3, plane 300*sqrt(tasks/1500))")
    print(f"{'tasks':>7} {'indexed full run s':>18} {'scan ms/arrival':>16} {'index ms/arrival':>17} "
          f"{'ratio':>7}  windows (ratio at 10/30/50/70/90%)  same")
    for n in sizes:
        s = scale_stream(n)
        full = run_online("ossa-indexed", s, check=False)
        a, b = OSSA(index="grid"), OSSA(index="grid")
        la, lb = Ledger(), Ledger()
        a.start(la, len(s))
        b.start(lb, len(s))
        starts = [int(f * len(s)) for f in (0.1, 0.3, 0.5, 0.7, 0.9)]
        w = window
        t_scan = t_grid = 0.0
        ratios = []
        i = 0
        for start in starts + [len(s)]:
            for x in s[i:start]:
                a.arrive(x)
                b.arrive(x)
            i = start
            if start == len(s):
                break
            _swap(b, ScanStore, "eager")  # plain OSSA from here
            chunk = s[i:i + w]
            t0 = time.perf_counter()
            for x in chunk:
                a.arrive(x)
            tg = time.perf_counter() - t0
            t0 = time.perf_counter()
            for x in chunk:
                b.arrive(x)
            ts = time.perf_counter() - t0
            _swap(b, GridStore, "lazy")
            i += len(chunk)
            t_scan += ts
            t_grid += tg
            ratios.append(ts / tg)
        ok = [x.to_dict() for x in la.assignments] == [x.to_dict() for x in lb.assignments] == \
            [x.to_dict() for x in full.assignments]
        k = len(starts) * w
        print(f"{n:>7} {full.seconds:>18.1f} {1e3 * t_scan / k:>16.2f} {1e3 * t_grid / k:>17.3f} "
              f"{t_scan / t_grid:>7.0f}  {' '.join(f'{r:.0f}' for r in ratios):>32}  {ok}", flush=True)


class RtreeStore:
    """The same three queries through an R-tree (libspatialindex via the ``rtree`` package)."""

    def __init__(self) -> None:
        from rtree import index

        self.idx = index.Index()
        self.rects = {}

    def __len__(self):
        return len(self.rects)

    def add(self, key, r):
        self.rects[key] = r
        self.idx.insert(key, r)

    def remove(self, key):
        self.idx.delete(key, self.rects.pop(key))

    def containing(self, q):
        rects = self.rects
        x1, y1, x2, y2 = q
        return {k for k in self.idx.intersection(q) if (r := rects[k])[0] <= x1 and r[1] <= y1
                and x2 <= r[2] and y2 <= r[3]}

    def overlapping(self, q):
        rects = self.rects
        x1, y1, x2, y2 = q
        return {k for k in self.idx.intersection(q) if (r := rects[k])[0] < x2 and x1 < r[2]
                and r[1] < y2 and y1 < r[3]}

    def inside(self, q):
        rects = self.rects
        x1, y1, x2, y2 = q
        return {k for k in self.idx.intersection(q) if x1 <= (r := rects[k])[0] and y1 <= r[1]
                and r[2] <= x2 and r[3] <= y2}


def part_index(sizes) -> None:
    try:
        import rtree  # noqa: F401

        STORES["rtree"] = RtreeStore
    except ImportError:
        print("(rtree not installed: R-tree left out)")
    print("## Index structures inside indexed OSSA (full runs, seconds; same assignments checked)")
    configs = [("grid", {"cell": c}) for c in (10.0, 25.0, 50.0, 100.0)]
    if "rtree" in STORES:
        configs.append(("rtree", {}))
    print(f"{'tasks':>7} " + " ".join(f"{name + (' ' + str(int(o['cell'])) if o else ''):>10}"
                                        for name, o in configs))
    for n in sizes:
        s = scale_stream(n) if n > 1500 else generate_stream(n, 500, seed=0)
        ref, row = None, []
        for name, opts in configs:
            alg = OSSA(index=name, **opts) if name == "grid" else OSSA(index=name)
            r = run_online(alg, s, check=False)
            if ref is None:
                ref = r
            assert same(ref, r), name
            row.append(r.seconds)
        print(f"{n:>7} " + " ".join(f"{t:>10.2f}" for t in row), flush=True)


def part_quality(seeds: int) -> None:
    windows = [("default 50-100", {}), ("short 10-30", {"task_stay": (10, 30), "worker_stay": (10, 30)}),
               ("no expiry", {"task_stay": (1000, 1000), "worker_stay": (1000, 1000)})]
    for label, opts in windows:
        sizes = range(800, 1501, 100) if not opts else (800, 1100, 1500)
        print(f"## Quality, stays {label} (500 workers, mean of {seeds} seeds): completed / average cost")
        print(f"{'tasks':>6} {'OSSA':>14} {'Greedy':>14} {'TGOA':>14}")
        for n in sizes:
            res = {k: [] for k in ("ossa-indexed", "greedy", "tgoa")}
            for seed in range(seeds):
                s = generate_stream(n, 500, seed=seed, **opts)
                for k in res:
                    res[k].append(run_online(k, s, check=False))
            cells = [
                f"{statistics.mean(r.completed for r in v):>6.1f} / {statistics.mean(r.average_cost for r in v):<5.2f}"
                for v in res.values()
            ]
            print(f"{n:>6} " + " ".join(f"{c:>14}" for c in cells), flush=True)


def goma_stream(tasks: int, workers: int, seed: int = 0, plane: float = 100.0, horizon: int = 50):
    """A synthetic stream in the authors' setting, in random order (see the module docstring)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(tasks):
        b = float(rng.integers(0, horizon))
        out.append(Task.point(f"t{i}", b, *rng.uniform(0, plane, 2).tolist(), b + float(rng.integers(5, 21)),
                              round(float(rng.uniform(1, 10)), 2)))
    for i in range(workers):
        b = float(rng.integers(0, horizon))
        out.append(Worker.disc(f"w{i}", b, *rng.uniform(0, plane, 2).tolist(), float(rng.uniform(5, 15)),
                               b + float(rng.integers(5, 21)), round(float(rng.uniform(0, 3)), 2),
                               capacity=int(rng.integers(1, 4)), rate=round(float(rng.uniform(0.5, 1.5)), 2)))
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def part_goma(sizes, seeds: int) -> None:
    from scipy.optimize import linear_sum_assignment

    import mas.crowdsourcing.tgoa as tgoa

    exact = tgoa.match_pairs
    stats = {"calls": 0, "below": 0, "exact_s": 0.0, "old_s": 0.0}

    def compare(m, n, rows, cols, vals, cost):
        t0 = time.perf_counter()
        r, c = exact(m, n, rows, cols, vals, cost)
        t1 = time.perf_counter()
        gain = np.zeros((m, n))
        gain[rows, cols] = vals * (float(cost.sum()) + 1.0) - cost[rows]
        ro, co = linear_sum_assignment(gain, maximize=True)
        keep = gain[ro, co] > 0
        t2 = time.perf_counter()
        v = np.zeros((m, n))
        v[rows, cols] = vals
        stats["calls"] += 1
        stats["below"] += math.fsum(v[ro[keep], co[keep]].tolist()) < math.fsum(v[r, c].tolist()) - 1e-9
        stats["exact_s"] += t1 - t0
        stats["old_s"] += t2 - t1
        return r, c

    print(f"## goma setting (points, discs, capacities 1-3, pay x rate, given order; mean of {seeds} seeds)")
    print(f"{'tasks':>6} {'workers':>7} {'Greedy u':>9} {'TGOA u':>9} {'Greedy s':>9} {'TGOA s':>8} "
          f"{'calls':>6} {'old<max':>7} {'exact s':>8} {'old s':>7}")
    tgoa.match_pairs = compare
    try:
        for n in sizes:
            rows = []
            for seed in range(seeds):
                for k in stats:
                    stats[k] = 0
                s = goma_stream(n, n // 2, seed=seed)
                g = run_online(Greedy(utility="pay-rate"), s, order="given", check=False)
                t = run_online(TGOA(split=0.78, utility="pay-rate"), s, order="given", check=False)
                rows.append((g.utility, t.utility, g.seconds, t.seconds, *stats.values()))
            m = [statistics.mean(c) for c in zip(*rows)]
            print(f"{n:>6} {n // 2:>7} {m[0]:>9.1f} {m[1]:>9.1f} {m[2]:>9.3f} {m[3]:>8.2f} {m[4]:>6.0f} "
                  f"{m[5]:>7.1f} {m[6]:>8.2f} {m[7]:>7.2f}", flush=True)
    finally:
        tgoa.match_pairs = exact


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--part", choices=["seed", "scale", "index", "quality", "goma", "all"], default="all")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=5, help="runs per variant and seed (seed part; median)")
    p.add_argument("--sizes", type=int, nargs="+", default=[20_000, 50_000, 100_000])
    p.add_argument("--window", type=int, default=40, help="arrivals per timed window (scale part)")
    p.add_argument("--goma-sizes", type=int, nargs="+", default=[250, 500, 1000],
                   help="tasks of the goma part's streams (workers: half as many)")
    args = p.parse_args(argv)
    print(f"python {sys.version.split()[0]}")
    if args.part in ("seed", "all"):
        part_seed(args.seeds, args.repeat)
    if args.part in ("scale", "all"):
        part_scale(args.sizes, args.window)
    if args.part in ("index", "all"):
        part_index([1500] + args.sizes[:2])
    if args.part in ("quality", "all"):
        part_quality(args.seeds)
    if args.part in ("goma", "all"):
        part_goma(args.goma_sizes, args.seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
