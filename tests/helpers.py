"""Helpers shared by tests: random instances and running the CLI in a subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def random_gap(seed: int, m: int, n: int, slack: float):
    """A random GAP instance with integer data and a feasible assignment of it: (GapInstance, assignment)."""
    from mas.resources.gap import GapInstance

    rng = np.random.default_rng(seed)
    w = rng.integers(1, 20, size=(m, n)).astype(float)
    c = rng.integers(1, 50, size=(m, n)).astype(float)
    a = rng.integers(0, m, size=n)  # capacities that this assignment meets, so a feasible one exists
    used = np.bincount(a, weights=w[a, np.arange(n)], minlength=m)
    return GapInstance("r", c, w, np.floor(used * slack) + 1), a


def paper_json() -> dict:
    return json.loads((DATA / "paper_example.json").read_text())


def random_costs(rng: np.random.Generator, m: int, n: int, infeasible: float = 0.0, integer: bool = True):
    """C (m x n, some inf but every row coverable) and P (n x n, zero diagonal)."""
    C = rng.integers(1, 10, (m, n)).astype(float) if integer else rng.uniform(0, 10, (m, n))
    if infeasible:
        blocked = rng.random((m, n)) < infeasible
        blocked[np.arange(m), rng.integers(n, size=m)] = False
        C[blocked] = np.inf
    P = rng.integers(0, 6, (n, n)).astype(float) if integer else rng.uniform(0, 5, (n, n))
    np.fill_diagonal(P, 0.0)
    return C, P


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``mas ARGS`` in a fresh interpreter, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def run_logged(inst, protocol, **kw):
    """Run a negotiation model to the end and keep every tick's messages."""
    from mas.model import NegotiationModel

    model = NegotiationModel(inst, protocol, **kw)
    log = []
    while not model.done and model.tick < model.max_ticks:
        model.step()
        log.append(model.messages_this_tick().copy())
    return model.result(), model, np.concatenate(log)


def run_main(capsys, *args):
    """The CLI in this process (cheaper than a subprocess for the many bad-option cases)."""
    from scenarios.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    return code, capsys.readouterr().err


#: the OR-Library GAP instances small enough for proven optima in a test
GAP_INSTANCES = ("c0515_1", "c0824_2", "c1060_5")


def gap_optima() -> dict[tuple[str, str], float]:
    """{(instance, "Min" or "Max"): proven optimum} from scenarios/data/gap/optima.tsv."""
    with open(ROOT / "scenarios" / "data" / "gap" / "optima.tsv") as fh:
        return {tuple(row[0].rsplit("_", 1)): float(row[1]) for row in csv.reader(fh, delimiter="\t")}
