"""Issue 12: big instances end to end from the command line -- wall time, CPU time, peak RSS.

Each case runs ``python -m scenarios.cli ...`` in a fresh process (as a user
would run ``mas``), with stdout to /dev/null, and reads the child's own peak
RSS from ``os.wait4``. With ``--baseline DIR`` (a checkout of the code before
the change, e.g. ``git worktree add /tmp/before <commit>``) every case runs
there too, right after ours, and the ratio is printed. The load average is
printed with every row: on a shared machine wall times mean little without it.

    PYTHONPATH=. python benchmarks/bench_scale.py                       # every case, ours only
    PYTHONPATH=. python benchmarks/bench_scale.py --only help,argerr --baseline /tmp/before
    PYTHONPATH=. python benchmarks/bench_scale.py --only memory --timeout 300 --max-rss 16000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "help": (["--help"], "<= 3x python -c 'import numpy'"),
    "argerr": (["sweep", "--agents", "x"], "<= 3x python -c 'import numpy'"),
    "complete-5000": (["sweep", "--topology", "complete", "--agents", "5000", "--subtasks", "5000",
                       "--strategy", "greedy", "--json"], "<= 30 s, <= 4 GB"),
    "small-world-5000": (["sweep", "--topology", "small-world", "--agents", "5000", "--subtasks", "5000",
                          "--strategy", "greedy", "--json"], "<= 15 s"),
    "random-5000": (["sweep", "--topology", "random", "--agents", "5000", "--subtasks", "5000",
                     "--strategy", "greedy", "--json"], "<= 15 s"),
    "scale-free-5000": (["sweep", "--topology", "scale-free", "--agents", "5000", "--subtasks", "5000",
                         "--strategy", "greedy", "--json"], "<= 15 s"),
    "negotiate-20000": (["negotiate", "--protocol", "cnp", "--topology", "small-world", "--agents", "20000",
                         "--subtasks", "50"], "<= 30 s"),
}
#: peak RSS per size next to what mas/limits.py estimates for the same command (issue 12)
MEMORY = {f"memory-{name}-{n}": (args, "memory per size") for n in (1000, 5000, 20000) for name, args in (
    ("sweep-small-world", ["sweep", "--topology", "small-world", "--agents", str(n), "--subtasks", str(n),
                           "--strategy", "greedy", "--json"]),
    ("sweep-small-world-m50", ["sweep", "--topology", "small-world", "--agents", str(n), "--subtasks", "50",
                               "--strategy", "greedy", "--json"]),
    ("sweep-complete", ["sweep", "--topology", "complete", "--agents", str(n), "--subtasks", str(n),
                        "--strategy", "greedy", "--json"]),
    ("sweep-complete-m50", ["sweep", "--topology", "complete", "--agents", str(n), "--subtasks", "50",
                            "--strategy", "greedy", "--json"]),
    ("negotiate", ["negotiate", "--protocol", "cnp", "--topology", "small-world", "--agents", str(n),
                   "--subtasks", "50"]))}


def estimate(cli: list[str]) -> str:
    """What ``mas.limits`` estimates for a sweep/negotiate command line, in MB (terms in parentheses)."""
    from mas import limits

    if cli[0] not in ("sweep", "negotiate", "compare") or "--agents" not in cli:
        return ""
    opt = dict(zip(cli[1::2], cli[2::2]))
    e = limits.command_estimate(cli[0], opt["--topology"], int(opt["--agents"]), int(opt["--subtasks"]),
                                opt.get("--strategy", "auto"))
    terms = ", ".join(f"{k} {v / 2**20:.0f}" for k, v in e.terms.items())
    return f"estimate {e.bytes / 2**20:.0f} MB ({terms})"


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(argv: list[str], cwd: Path, timeout: float, max_rss_mb: float = float("inf")) -> dict:
    """Wall and CPU seconds and peak RSS (MB) of one child process; ``timed_out`` if it was stopped
    (after ``timeout`` seconds, or on a shared machine once its RSS passed ``max_rss_mb``)."""
    env = dict(os.environ, PYTHONPATH=str(cwd))
    before = load()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    timed_out = False
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline or _rss_mb(proc.pid) > max_rss_mb:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    return {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024, "timed_out": timed_out, "rc": proc.returncode,
            "error": err[-1] if err and proc.returncode not in (0, None) else "", "load": f"{before} -> {load()}"}


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def row(name: str, r: dict) -> str:
    wall = f">{r['wall']:.0f} s (stopped)" if r["timed_out"] else f"{r['wall']:.2f} s"
    return (f"{name:24s} wall {wall:>18s}  cpu {r['cpu']:7.2f} s  peak {r['rss_mb']:8.0f} MB  "
            f"rc {r['rc']}  load {r['load']}" + (f"  [{r['error']}]" if r["error"] else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated case names (or 'memory' for the per-size rows)")
    ap.add_argument("--baseline", type=Path, help="a checkout of the code before, run on the same cases")
    ap.add_argument("--timeout", type=float, default=120.0, help="stop a case after this many seconds")
    ap.add_argument("--max-rss", type=float, default=float("inf"), metavar="MB",
                    help="stop a case whose resident memory passes this (a shared machine)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per case (the fastest is shown)")
    args = ap.parse_args()
    cases = dict(CASES) | MEMORY
    names = list(CASES)
    if args.only:
        wanted = args.only.split(",")
        names = [n for n in cases if n in wanted or ("memory" in wanted and n.startswith("memory-"))]
    py = sys.executable
    numpy = min((measure([py, "-c", "import numpy"], ROOT, 60) for _ in range(max(args.repeat, 3))),
                key=lambda r: r["wall"])
    print(row("python -c 'import numpy'", numpy))
    for name in names:
        cli, target = cases[name]
        roots = [("ours", ROOT)] + ([("before", args.baseline.resolve())] if args.baseline else [])
        results = {}
        for label, root in roots:
            runs = [measure([py, "-m", "scenarios.cli", *cli], root, args.timeout, args.max_rss)
                    for _ in range(args.repeat)]
            results[label] = min(runs, key=lambda r: r["wall"])
            print(row(f"{name} ({label})", results[label]), flush=True)
        if name.startswith("memory-"):
            print(f"{'':24s} {estimate(cli)}", flush=True)
        ours = results["ours"]
        if name in ("help", "argerr"):
            print(f"{'':24s} ours / import numpy: wall {ours['wall'] / numpy['wall']:.2f}x, "
                  f"cpu {ours['cpu'] / max(numpy['cpu'], 1e-9):.2f}x   (target {target})")
        if "before" in results:
            b = results["before"]
            print(f"{'':24s} before / ours: wall {b['wall'] / ours['wall']:.1f}x"
                  f"{' (before was stopped)' if b['timed_out'] else ''}, cpu {b['cpu'] / max(ours['cpu'], 1e-9):.1f}x"
                  f"   (target {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
