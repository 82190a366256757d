"""OSSA: online allocation of range tasks that merges included tasks and decomposes intersecting ones.

Queued tasks are *pieces* of root tasks (a root starts as one piece; a piece
that loses part of its range to an assignment becomes up to four pieces).
A piece is *active* (queued, indexed, with its include / included / intersect
sets kept up to date), *attached* (it arrived inside an active piece and rides
along: it completes when its container is assigned) or *pending* (waiting to
be placed during the handling of the current arrival).

Placing a piece: inside an active piece -> attach to the oldest such piece;
else the cheapest waiting worker whose range contains it takes it (ties: the
earliest worker); else it becomes active. A worker arriving takes, among the
active pieces inside its range, the one that completes the most pieces with
it (ties: fewer intersecting pieces, then the oldest), or waits.

Assigning piece P: P, the active pieces inside P and all their riders
complete; every active piece that intersects P (and every rider of it that
P does not cover) loses the part P covers and its remainder is placed again
as new pieces of the same root. A root completes when its last piece does.
Expired roots take all their pieces out; riders of an expired container are
placed again.

The plain variant keeps the include / included / intersect sets of every
active piece up to date, as the seed describes (each activation scans the
queue once). The relations of active pieces are pure geometry (an active
piece contains, lies inside or crosses another; two active pieces are never
equal, the later would ride along), so the indexed variant keeps no sets at
all: it asks the index only when a decision needs them -- the pieces a
worker's range overlaps when it arrives, the pieces an assigned range
overlaps -- and computes the same counts there (numpy over the few pieces
near the worker). Both variants pick by the same explicit keys, so both make
exactly the same assignments.
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

from mas.crowdsourcing.engine import OnlineAlgorithm, register_algorithm
from mas.crowdsourcing.events import Arrival, Task, Worker
from mas.crowdsourcing.geometry import Rect, contains, intersection, overlaps, subtract
from mas.crowdsourcing.index import make_store
from mas.errors import InputError


class _Root:
    __slots__ = ("task", "open", "pieces", "done", "dead", "split")

    def __init__(self, task: Task) -> None:
        self.task = task
        self.open = 0  # pieces not yet covered
        self.pieces: dict[int, None] = {}  # live piece ids (a dict keeps insertion order)
        self.done = False
        self.dead = False
        self.split = False  # part of it already covered


class _Piece:
    __slots__ = ("id", "root", "rect", "state", "container", "riders", "include", "included", "intersect")

    def __init__(self, pid: int, root: _Root, rect: Rect) -> None:
        self.id = pid
        self.root = root
        self.rect = rect
        self.state = "pending"
        self.container: _Piece | None = None
        self.riders: dict[int, _Piece] = {}
        # relation sets: kept only by the eager (plain) variant, from activation to deactivation
        self.include: set[int] | None = None
        self.included: set[int] | None = None
        self.intersect: set[int] | None = None


class OSSA(OnlineAlgorithm):
    """OSSA with a pluggable range store (rectangles, capacity 1, time order only).

    Parameters
    ----------
    index : str
        ``"scan"`` (the seed's linear scan) or ``"grid"`` (the index).
    cell : float
        Grid cell side (grid only).
    relations : str or None
        ``"eager"``: keep every active piece's relation sets (the seed's OSSA);
        ``"lazy"``: derive them from index queries when a decision needs them.
        Default: eager with ``scan``, lazy with an index. Same assignments either way.
    utility : str or callable(worker, task) -> float
        Only what the run reports as its utility (OSSA decides by coverage, not by it).
    """

    orders = ("time",)

    def __init__(self, index: str = "scan", cell: float = 25.0, relations: str | None = None,
                 utility="cost") -> None:
        from mas.crowdsourcing.utility import make_utility

        self.utility = make_utility(utility)
        self.index = index
        self.store_options = {"cell": cell} if index == "grid" else {}
        if relations is None:
            relations = "eager" if index == "scan" else "lazy"
        if relations not in ("eager", "lazy"):
            raise InputError("relations", relations, "must be 'eager' or 'lazy'")
        self.relations = relations
        self.lazy = relations == "lazy"

    def start(self, ledger, expected: int, order: str = "time") -> None:
        super().start(ledger, expected, order)
        self.tasks = make_store(self.index, **self.store_options)  # active pieces
        self.free = make_store(self.index, **self.store_options)  # waiting workers
        self.pieces: dict[int, _Piece] = {}
        self.waiting: dict[int, Worker] = {}
        self.task_heap: list = []
        self.worker_heap: list = []
        self.pending: deque[_Piece] = deque()
        self.roots: dict[object, _Root] = {}
        self._pid = 0
        self._wid = 0
        self._rid = 0

    def set_relations(self, relations: str) -> None:
        """Switch between eager and lazy relations mid-run (the benchmark times both from one state)."""
        if relations not in ("eager", "lazy"):
            raise InputError("relations", relations, "must be 'eager' or 'lazy'")
        active = [p for p in self.pieces.values() if p.state == "active"]
        self.relations, self.lazy = relations, relations == "lazy"
        for p in active:
            p.include = p.included = p.intersect = None
            if not self.lazy:
                p.include, p.included, p.intersect = set(), set(), set()
                for qid in self.tasks.overlapping(p.rect) - {p.id}:
                    q = self.pieces[qid].rect
                    (p.include if contains(p.rect, q) else p.included if contains(q, p.rect)
                     else p.intersect).add(qid)

    # -- arrivals -------------------------------------------------------------------------------
    def arrive(self, a: Arrival) -> None:
        if a.w <= 0 or a.h <= 0 or a.kind == "worker" and (a.radius is not None or a.capacity != 1):
            what = f"a {a.shape} task" if a.kind == "task" else (
                f"a {a.shape} range" if a.radius is not None else f"capacity {a.capacity}")
            raise InputError(f"{a.kind} {a.id!r}", what, f"{self.name} takes rectangles and capacity 1 only "
                                                         "(use greedy or tgoa)")
        now = a.time
        self._expire(now)
        if a.kind == "worker":
            wid = self._wid
            self._wid += 1
            best = self._best_lazy(a.rect) if self.lazy else self._best_piece(self.tasks.inside(a.rect))
            if best is None:
                self.waiting[wid] = a
                self.free.add(wid, a.rect)
                heapq.heappush(self.worker_heap, (a.deadline, wid))
            else:
                self._assign(best, a, None, now)
        else:
            root = _Root(a)
            self.roots[a.id] = root
            heapq.heappush(self.task_heap, (a.deadline, self._rid, root))
            self._rid += 1
            self.pending.append(self._new_piece(root, a.rect))
        self._drain(now)

    def task_status(self, task_id) -> str:
        """``open`` (queued whole), ``merged`` (rides inside another task or partly covered), ``done``,
        ``expired`` or ``unknown`` (not arrived)."""
        root = self.roots.get(task_id)
        if root is None:
            return "unknown"
        if root.done:
            return "done"
        if root.dead:
            return "expired"
        if root.split or any(self.pieces[p].state == "attached" for p in root.pieces):
            return "merged"
        return "open"

    def _best_piece(self, ids) -> _Piece | None:
        best, best_key = None, None
        pieces = self.pieces
        for pid in ids:
            p = pieces[pid]
            key = (-self._include_count(p), len(p.intersect), pid)
            if best_key is None or key < best_key:
                best, best_key = p, key
        return best

    # below this many candidate x neighbour pairs plain Python beats numpy's per-call overhead
    SMALL = 20_000

    def _best_lazy(self, w: Rect) -> _Piece | None:
        """``_best_piece`` over the active pieces inside ``w``, relations derived on the spot.

        The keys need, per candidate (an active piece inside ``w``): the pieces inside it -- all
        of them candidates too -- and, only to break ties on that count, the pieces crossing it,
        which all overlap ``w`` and so are in the index's neighbourhood of ``w``. Small cases in
        plain Python, big ones with numpy (candidates x candidates, tied candidates x neighbours).
        """
        near = self.tasks.near(w)
        if not near:
            return None
        x1, y1, x2, y2 = w
        cand = [(q, r) for q, r in near.items() if x1 <= r[0] and y1 <= r[1] and r[2] <= x2 and r[3] <= y2]
        k = len(cand)
        if k < 2:
            return self.pieces[cand[0][0]] if k else None
        if k * len(near) > self.SMALL:
            return self._best_numpy(near, cand)
        pieces = self.pieces
        top = _most_inside(cand, [1 + len(pieces[q].riders) for q, _ in cand])
        if len(top) == 1:
            return pieces[top[0]]
        return pieces[_fewest_crossing([(q, pieces[q].rect) for q in top], near)]

    def _best_numpy(self, near: dict, cands: list) -> _Piece:
        """The same choice as ``_best_lazy`` for many candidates, pairs classified with numpy."""
        pieces = self.pieces
        R = np.array(list(near.values()), dtype=float)  # m x 4
        cand = [q for q, _ in cands]
        C = np.array([r for _, r in cands], dtype=float)
        lo, hi = C[:, None, :2], C[:, None, 2:]
        # k x k: candidate j inside candidate i (i itself included)
        inside = ((lo <= C[None, :, :2]) & (C[None, :, 2:] <= hi)).all(axis=2)
        weight = np.array([1 + len(pieces[q].riders) for q in cand])
        n_include = inside @ weight - 1
        top = np.flatnonzero(n_include == n_include.max())
        if len(top) == 1:
            return pieces[cand[top[0]]]
        lo, hi = lo[top], hi[top]
        Rlo, Rhi = R[None, :, :2], R[None, :, 2:]
        over = ((Rlo < hi) & (lo < Rhi)).all(axis=2)
        nested = ((lo <= Rlo) & (Rhi <= hi)).all(axis=2) | ((Rlo <= lo) & (hi <= Rhi)).all(axis=2)
        n_cross = (over & ~nested).sum(axis=1).tolist()
        best = min(range(len(top)), key=lambda i: (n_cross[i], cand[top[i]]))
        return pieces[cand[top[best]]]

    def _include_count(self, p: _Piece) -> int:
        """How many pieces complete with ``p``: its riders, the active pieces inside it and theirs."""
        pieces = self.pieces
        return len(p.riders) + sum(1 + len(pieces[q].riders) for q in p.include)

    # -- placing pieces ---------------------------------------------------------------------------
    def _new_piece(self, root: _Root, r: Rect) -> _Piece:
        p = _Piece(self._pid, root, r)
        self._pid += 1
        self.pieces[p.id] = p
        root.pieces[p.id] = None
        root.open += 1
        return p

    def _drain(self, now: float) -> None:
        while self.pending:
            p = self.pending.popleft()
            if p.root.dead or p.state != "pending":
                continue
            self._place(p, now)

    def _place(self, p: _Piece, now: float) -> None:
        containers = self.tasks.containing(p.rect)
        if containers:
            c = self.pieces[min(containers)]
            p.state = "attached"
            p.container = c
            c.riders[p.id] = p
            return
        cands = self.free.containing(p.rect)
        if cands:
            wid = min(cands, key=lambda w: (self.waiting[w].bid, w))
            self._assign(p, self.waiting[wid], wid, now)
            return
        self._activate(p)

    def _activate(self, p: _Piece) -> None:
        p.state = "active"
        if self.lazy:
            self.tasks.add(p.id, p.rect)
            return
        pieces = self.pieces
        pid = p.id
        x1, y1, x2, y2 = r = p.rect
        include, intersect = p.include, p.intersect = set(), set()
        p.included = set()
        for qid in self.tasks.overlapping(r):
            q = pieces[qid]
            a = q.rect
            # a placed piece lies in no active piece (it would ride along), so the pair is include or intersect
            if x1 <= a[0] and y1 <= a[1] and a[2] <= x2 and a[3] <= y2:
                include.add(qid)
                q.included.add(pid)
            else:
                intersect.add(qid)
                q.intersect.add(pid)
        self.tasks.add(pid, r)

    def _deactivate(self, p: _Piece) -> None:
        self.tasks.remove(p.id)
        if self.lazy:
            return
        pieces = self.pieces
        for q in p.include:
            pieces[q].included.discard(p.id)
        for q in p.included:
            pieces[q].include.discard(p.id)
        for q in p.intersect:
            pieces[q].intersect.discard(p.id)
        p.include = p.included = p.intersect = None

    # -- assignment -------------------------------------------------------------------------------
    def _assign(self, p: _Piece, worker: Worker, wid: int | None, now: float) -> None:
        if wid is not None:
            del self.waiting[wid]
            self.free.remove(wid)
        r = p.rect
        pieces = self.pieces
        inside, crossing = self._take_out_neighbours(p)
        covered: list[tuple[_Root, Rect]] = []
        finished: list[_Root] = []
        self._cover(p, covered, finished)
        for qid in inside:
            q = pieces[qid]
            self._deactivate(q)
            self._cover(q, covered, finished)
        for qid in crossing:
            self._cut(pieces[qid], r, covered, finished)
        self.ledger.assign(worker, now, r, [(root.task, part) for root, part in covered])
        for root in finished:
            self.ledger.complete(root.task, now)

    def _take_out_neighbours(self, p: _Piece) -> tuple[list[int], list[int]]:
        """Deactivate ``p`` if active; the active pieces inside it and those crossing it, by id."""
        if p.state == "active" and not self.lazy:
            inside = sorted(p.include)
            crossing = sorted(p.intersect)
            self._deactivate(p)
            return inside, crossing
        if p.state == "active":
            self._deactivate(p)
        # no active piece contains a placed piece; one may contain an active p: it is left alone
        r = p.rect
        inside, crossing = [], []
        for q in sorted(self.tasks.overlapping(r)):
            a = self.pieces[q].rect
            if contains(r, a):
                inside.append(q)
            elif not contains(a, r):
                crossing.append(q)
        return inside, crossing

    def _cut(self, q: _Piece, r: Rect, covered: list, finished: list) -> None:
        """Active piece ``q`` crosses the assigned range ``r``: it and each of its riders lose what
        ``r`` covers (a rider inside ``r`` completes, one outside is placed again)."""
        self._deactivate(q)
        riders = list(q.riders.values())
        q.riders = {}
        self._split(q, r, covered, finished)
        for rider in riders:
            rider.container = None
            if contains(r, rider.rect):
                self._cover(rider, covered, finished)
            elif overlaps(r, rider.rect):
                self._split(rider, r, covered, finished)
            else:
                rider.state = "pending"
                self.pending.append(rider)

    def _cover(self, p: _Piece, covered: list, finished: list) -> None:
        """``p`` and its riders are done."""
        for rider in p.riders.values():
            rider.container = None
            self._cover(rider, covered, finished)
        p.riders = {}
        p.state = "done"
        covered.append((p.root, p.rect))
        self._close(p, finished)

    def _close(self, p: _Piece, finished: list) -> None:
        root = p.root
        del root.pieces[p.id]
        del self.pieces[p.id]
        root.open -= 1
        if root.open == 0:
            root.done = True
            finished.append(root)

    def _split(self, q: _Piece, r: Rect, covered: list, finished: list) -> None:
        """``q`` loses the part ``r`` covers; the rest is placed again as new pieces of its root."""
        covered.append((q.root, intersection(q.rect, r)))
        q.root.split = True
        q.state = "done"
        for part in subtract(q.rect, r):
            self.pending.append(self._new_piece(q.root, part))
        self._close(q, finished)

    # -- time -------------------------------------------------------------------------------------
    def _expire(self, now: float) -> None:
        heap = self.worker_heap
        while heap and heap[0][0] < now:
            _, wid = heapq.heappop(heap)
            if wid in self.waiting:
                del self.waiting[wid]
                self.free.remove(wid)
        heap = self.task_heap
        while heap and heap[0][0] < now:
            _, _, root = heapq.heappop(heap)
            if root.done:
                continue
            root.dead = True
            for pid in list(root.pieces):
                p = self.pieces.pop(pid)
                if p.state == "active":
                    self._deactivate(p)
                    for rider in p.riders.values():
                        rider.container = None
                        rider.state = "pending"
                        self.pending.append(rider)
                    p.riders = {}
                elif p.state == "attached":
                    del p.container.riders[pid]
                p.state = "dead"
            root.pieces.clear()
        self._drain(now)


def _most_inside(cand: list, weight: list[int]) -> list:
    """The candidates that complete the most pieces: own riders plus every candidate inside with its
    riders (a candidate counts itself as 1 + its riders, hence the -1)."""
    best_n, top = -1, []
    for q, (a0, a1, a2, a3) in cand:
        n = -1
        for j, (_, b) in enumerate(cand):
            if a0 <= b[0] and a1 <= b[1] and b[2] <= a2 and b[3] <= a3:
                n += weight[j]
        if n > best_n:
            best_n, top = n, [q]
        elif n == best_n:
            top.append(q)
    return top


def _fewest_crossing(tied: list, near: dict):
    """Among ``tied`` (id, rect) pairs, the one fewest ranges of ``near`` cross (overlap, neither inside
    nor containing it); ties: the oldest (smallest id)."""
    best_key = None
    for q, (a0, a1, a2, a3) in tied:
        n = 0
        for b in near.values():
            if (b[0] < a2 and a0 < b[2] and b[1] < a3 and a1 < b[3]
                    and not (a0 <= b[0] and a1 <= b[1] and b[2] <= a2 and b[3] <= a3)
                    and not (b[0] <= a0 and b[1] <= a1 and a2 <= b[2] and a3 <= b[3])):
                n += 1
        if best_key is None or (n, q) < best_key:
            best_key = (n, q)
    return best_key[1]


@register_algorithm("ossa")
class PlainOSSA(OSSA):
    """OSSA as the seed describes it: every relation found by scanning the whole queue."""

    def __init__(self, cell: float = 25.0, utility="cost") -> None:
        super().__init__(index="scan", utility=utility)


@register_algorithm("ossa-indexed")
class IndexedOSSA(OSSA):
    """OSSA with the ranges of queued tasks and waiting workers in a grid index (same decisions)."""

    def __init__(self, cell: float = 25.0, utility="cost") -> None:
        super().__init__(index="grid", cell=cell, utility=utility)
