"""Check a finished run against the rules of the model (used by the tests; handy after any custom algorithm)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from mas.crowdsourcing.engine import Assignment, CrowdResult
from mas.crowdsourcing.events import Arrival, Worker
from mas.crowdsourcing.geometry import area, contains, overlaps


def audit(result: CrowdResult, arrivals: Sequence[Arrival], *, tol: float = 1e-9) -> list[str]:
    """Every broken rule of ``result`` on ``arrivals`` (empty: the run is valid).

    Rules: a worker works at most ``capacity`` times and only inside its time
    window and range (rectangle or disc, boundary included); every covered part lies in its
    task and in the assigned range and is covered inside the task's window; the worker is paid at least its bid
    and the shares add up to the pay; a task is complete exactly when the
    disjoint parts covered of it fill its whole range.
    """
    tasks = {a.id: a for a in arrivals if a.kind == "task"}
    workers = {a.id: a for a in arrivals if a.kind == "worker"}
    problems: list[str] = []
    used: dict = {}
    parts: dict = {}
    for a in result.assignments:
        w = workers.get(a.worker)
        if w is None:
            problems.append(f"unknown worker {a.worker!r}")
            continue
        used[a.worker] = used.get(a.worker, 0) + 1
        problems += _worker_problems(a, w, used[a.worker], tol)
        problems += _covered_problems(a, tasks, parts)
    problems += _coverage_problems(parts, tasks, result.completed_ids, tol)
    if result.completed != len(result.completed_ids) or result.workers_used != len(used):
        problems.append("counts disagree with the assignments")
    return problems


def _worker_problems(a: Assignment, w: Worker, times: int, tol: float) -> list[str]:
    """What assignment ``a`` (the worker's ``times``-th) breaks of worker ``w``'s rules and pay."""
    out = []
    if times > w.capacity:
        out.append(f"worker {a.worker!r} used {times} times, capacity {w.capacity}")
    if not (w.time <= a.time <= w.deadline):
        out.append(f"worker {a.worker!r} assigned at {a.time} outside [{w.time}, {w.deadline}]")
    if not w.covers(a.rect):
        out.append(f"worker {a.worker!r}: range {w.rect} does not cover its task {a.rect}")
    if a.paid < a.bid - tol or a.bid != w.bid:
        out.append(f"worker {a.worker!r} paid {a.paid} for bid {w.bid}")
    if not math.isclose(sum(a.shares.values()), a.paid, rel_tol=1e-9, abs_tol=tol):
        out.append(f"worker {a.worker!r}: shares {sum(a.shares.values())} != paid {a.paid}")
    return out


def _covered_problems(a: Assignment, tasks: dict, parts: dict) -> list[str]:
    """What the parts ``a`` covers break (task unknown, out of window, out of range); each part
    of a known task is added to ``parts``."""
    out = []
    for tid, r in a.covered:
        t = tasks.get(tid)
        if t is None:
            out.append(f"unknown task {tid!r}")
            continue
        if not (t.time <= a.time <= t.deadline):
            out.append(f"task {tid!r} covered at {a.time} outside [{t.time}, {t.deadline}]")
        if not (contains(t.rect, r) and contains(a.rect, r)):
            out.append(f"task {tid!r}: part {r} not inside the task and the assigned range {a.rect}")
        parts.setdefault(tid, []).append(r)
    return out


def _coverage_problems(parts: dict, tasks: dict, completed_ids: dict, tol: float) -> list[str]:
    """Parts covered twice, and tasks whose completion disagrees with what their parts fill."""
    out = []
    for tid, rs in parts.items():
        for i in range(len(rs)):
            for j in range(i):
                if overlaps(rs[i], rs[j]):
                    out.append(f"task {tid!r}: parts {rs[j]} and {rs[i]} covered twice")
        full = math.isclose(sum(area(r) for r in rs), area(tasks[tid].rect), rel_tol=1e-9, abs_tol=tol)
        if full != (tid in completed_ids):
            out.append(f"task {tid!r}: fully covered = {full} but completed = {tid in completed_ids}")
    for tid in completed_ids:
        if tid not in parts:
            out.append(f"task {tid!r} completed without being covered")
    return out
