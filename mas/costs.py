"""The coordinator's cost model (MODEL.md): C, A, C', P -> D(S), G(S), allocation.

``C`` is m x n (subtask i, agent j), ``inf`` where agent j cannot execute
subtask i (the paper's F). ``P`` is n x n: above the diagonal negotiation costs,
below it movement costs, so a pair {j, l} of participants costs
``P[j, l] + P[l, j]``. For a set S of participants (k = |S|)::

    D(S) = sum_i min_{j in S} C[i, j] + sum_{j<l in S} (P[j, l] + P[l, j])
    G(S) = D(S) * lambda ** -kappa

The participation degree lambda is counted one of two ways (``participation``):
``"participants"`` (default) takes lambda = k = |S|, which reproduces the
paper's Table 1; ``"working"`` takes lambda = the agents of S that execute a
subtask under the allocation rule (the paper's text, through A), and a sweep
then only considers sets in which all k agents work.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from mas.errors import InputError
from topologies.pairs import is_lazy

#: the ways of counting the participation degree lambda in G (CLI ``--lambda``)
PARTICIPATION = ("participants", "working")


def _finite_or_inf(x: float) -> float | str:
    return float(x) if np.isfinite(x) else "inf"


@dataclass(frozen=True)
class Evaluation:
    """D, G and the allocation rule's result for one participant set S."""

    participants: list[int]
    D: float
    G: float
    execution: float
    transmission: float
    allocation: list[int | None]  # subtask -> agent, None where uncovered
    load: dict[int, int]  # agent of S -> number of subtasks it executes
    uncovered: list[int]

    @property
    def k(self) -> int:
        return len(self.participants)

    @property
    def working(self) -> int:
        """How many agents of S execute at least one subtask."""
        return sum(1 for v in self.load.values() if v > 0)

    @property
    def feasible(self) -> bool:
        return not self.uncovered

    def to_dict(self) -> dict:
        d = asdict(self)
        d.update(k=self.k, working=self.working, feasible=self.feasible)
        for key in ("D", "G", "execution"):
            d[key] = _finite_or_inf(d[key])
        return d


@dataclass(frozen=True)
class Score:
    """How any allocation (subtask -> agent), however reached, is scored.

    D and G count only allocated subtasks; ``unallocated`` lists the others.
    """

    D: float
    G: float
    execution: float
    transmission: float
    working: list[int]
    unallocated: list[int]

    @property
    def complete(self) -> bool:
        return not self.unallocated

    def to_dict(self) -> dict:
        return asdict(self) | {"complete": self.complete}


@dataclass(frozen=True)
class SweepRow:
    k: int
    participants: list[int] | None  # None where no set of size k is feasible (see CostModel.sweep)
    D: float
    G: float
    working: int | None  # None where counting was skipped (see CostModel.sweep)
    #: what an exact strategy proved for this k (mas.mip.Certificate), None for heuristics
    certificate: object | None = None

    def to_dict(self) -> dict:
        d = {"k": self.k, "participants": self.participants, "D": _finite_or_inf(self.D),
             "G": _finite_or_inf(self.G), "working": self.working}
        if self.certificate is not None:
            c = self.certificate
            d.update(optimal=c.optimal, bound=_finite_or_inf(c.bound), gap=_finite_or_inf(c.gap), status=c.status)
        return d


@dataclass(frozen=True)
class Sweep:
    """The best set found for every k, and the k with the smallest G."""

    rows: list[SweepRow]
    strategy: str
    best_k: int | None = field(default=None)
    participation: str = "participants"  # how lambda is counted, see CostModel

    def row(self, k: int) -> SweepRow:
        for r in self.rows:
            if r.k == k:
                return r
        raise InputError("k", k, "not in this sweep")

    def to_dict(self) -> dict:
        return {"rows": [r.to_dict() for r in self.rows], "best_k": self.best_k, "strategy": self.strategy,
                "lambda": self.participation}


class CostModel:
    """D(S), G(S) and the allocation of any participant set; the best S of each size.

    Parameters
    ----------
    C : array (m, n), execution costs, ``inf`` (or None in lists) = cannot execute.
    P : array (n, n), transmission costs in the paper's layout, or a lazy
        :class:`topologies.PairMatrix` from :func:`topologies.transmission_matrix`
        (big topologies; then ``W`` is lazy too and rows are computed when read).
    kappa : exponent of the influence factor lambda ** -kappa, > 0 (the paper uses 2).
    agent_names : optional names of the n agents, for printing.
    participation : how G counts the participation degree lambda:
        ``"participants"`` (default, the paper's Table 1): lambda = |S|;
        ``"working"``: lambda = the agents of S that execute a subtask under
        the allocation rule, and :meth:`sweep` keeps only sets whose k agents
        all work. :meth:`score` counts working agents under both.

    Raises
    ------
    InputError naming the field for shapes that disagree, NaN, negative costs,
    a subtask no agent can execute, kappa <= 0, or an unknown participation.

    Examples
    --------
    >>> model = CostModel([[1, 4], [3, 1]], [[0, 2], [1, 0]], kappa=2)
    >>> model.D([0, 1]), model.G([0, 1])
    (5.0, 1.25)
    >>> idle = CostModel([[1, 4], [1, 4]], [[0, 2], [1, 0]], participation="working")
    >>> idle.G([0, 1]), idle.evaluate([0, 1]).working   # agent 1 executes nothing: lambda = 1
    (5.0, 1)
    """

    def __init__(self, C, P, kappa: float = 2.0, *, agent_names: Sequence[str] | None = None,
                 participation: str = "participants") -> None:
        self.C = _matrix("execution_cost", C)
        # a lazy P (topologies.PairMatrix, big topologies) comes from a validated graph: its rows are
        # shortest paths and distances, computed when read, and W is its lazy pair sum
        lazy = is_lazy(P)
        self.P = P if lazy else _matrix("transmission_cost", P)
        m, n = self.C.shape
        if m < 1 or n < 1:
            raise InputError("execution_cost", self.C.shape, "needs at least one subtask and one agent")
        if self.P.shape != (n, n):
            raise InputError("transmission_cost", self.P.shape,
                             f"shape must be ({n}, {n}) to match execution_cost's {n} agents")
        if not lazy:
            _check_pairs(self.P)
        none = np.flatnonzero(~np.isfinite(self.C).any(axis=1))
        if none.size:
            raise InputError(f"execution_cost[{int(none[0])}]", "all null/inf",
                             f"no agent can execute subtask {int(none[0])}")
        _check_sums(self.C, self.P)
        try:
            kappa = float(kappa)
        except (TypeError, ValueError, OverflowError):
            raise InputError("kappa", kappa, "must be a finite number > 0 (the paper uses 2)") from None
        if not np.isfinite(kappa) or kappa <= 0:
            raise InputError("kappa", kappa, "must be a finite number > 0 (the paper uses 2)")
        self.kappa = kappa
        self.participation = check_participation(participation)
        if agent_names is not None and len(agent_names) != n:
            raise InputError("agents", list(agent_names), f"needs {n} names, one per agent")
        self.agent_names = list(agent_names) if agent_names is not None else None
        self.W = self.P.pair_sum if lazy else self.P + self.P.T  # what each unordered pair costs
        for a in (self.C, self.P, self.W):
            if not lazy or a is self.C:
                a.setflags(write=False)

    def with_participation(self, participation: str) -> CostModel:
        """The same costs (matrices shared, not copied) with lambda counted as ``participation``."""
        other = copy.copy(self)
        other.participation = check_participation(participation)
        return other

    # -- sizes ---------------------------------------------------------------
    @property
    def m(self) -> int:
        return self.C.shape[0]

    @property
    def n(self) -> int:
        return self.C.shape[1]

    # -- one participant set ------------------------------------------------
    def participants(self, S: Iterable[int]) -> np.ndarray:
        """``S`` as a sorted index array; an error for an empty set, repeats or bad agents."""
        arr = np.asarray(sorted(int(j) for j in S), dtype=np.intp)
        if arr.size == 0:
            raise InputError("participants", [], "needs at least one agent")
        if arr[0] < 0 or arr[-1] >= self.n:
            raise InputError("participants", arr.tolist(), f"agents are numbered 0..{self.n - 1}")
        if np.any(np.diff(arr) == 0):
            raise InputError("participants", arr.tolist(), "an agent is listed twice")
        return arr

    def execution_cost(self, S: Iterable[int]) -> float:
        """sum_i min_{j in S} C[i, j]; inf if some subtask is uncovered."""
        return float(self.C[:, self.participants(S)].min(axis=1).sum())

    def transmission_cost(self, S: Iterable[int]) -> float:
        """sum over pairs {j, l} of S of P[j, l] + P[l, j]."""
        s = self.participants(S)
        return float(self.W[np.ix_(s, s)].sum() / 2.0)

    def D(self, S: Iterable[int]) -> float:
        """Total cost D(S) (formula (1))."""
        s = self.participants(S)
        return self.execution_cost(s) + self.transmission_cost(s)

    def degree(self, S: Iterable[int]) -> int:
        """The participation degree lambda of S: |S|, or under ``working`` the agents of S that work."""
        s = self.participants(S)
        if self.participation == "participants":
            return int(s.size)
        alloc = self.allocate(s)
        return int(np.unique(alloc[alloc >= 0]).size)

    def _working(self, S: Iterable[int]) -> int:
        """``evaluate(S).working`` without D's k x k block of W (at k = 20,000 four 3.2 GB arrays)."""
        alloc = self.allocate(S)
        return int(np.unique(alloc[alloc >= 0]).size)

    def G(self, S: Iterable[int]) -> float:
        """Objective G(S) = D(S) * lambda ** -kappa (formula (2)); smaller is better."""
        s = self.participants(S)
        return _objective(self.D(s), self.degree(s), self.kappa)

    def allocate(self, S: Iterable[int]) -> np.ndarray:
        """The allocation rule: subtask i -> its cheapest agent in S (-1 where none can).

        Ties go to the agent with the smaller total transmission cost to the rest
        of S, then to the lower index.
        """
        s = self.participants(S)
        sub = self.C[:, s]
        best = sub.min(axis=1)
        tie_key = _pair_row_sums(self.W, s, self.BLOCK_BYTES)
        rank = np.empty(s.size, dtype=np.intp)
        rank[np.lexsort((s, tie_key))] = np.arange(s.size)
        candidates = (sub == best[:, None]) & np.isfinite(sub)
        choice = np.where(candidates, rank[None, :], s.size).argmin(axis=1)
        return np.where(np.isfinite(best), s[choice], -1)

    def allocation_matrix(self, S: Iterable[int]) -> np.ndarray:
        """A (m x n): 1 where agent j executes subtask i under the allocation rule."""
        alloc = self.allocate(S)
        A = np.zeros(self.C.shape, dtype=np.int8)
        rows = np.flatnonzero(alloc >= 0)
        A[rows, alloc[rows]] = 1
        return A

    def realized_cost(self, S: Iterable[int]) -> np.ndarray:
        """C' (m x n): C[i, j] where A[i, j] = 1, inf elsewhere."""
        A = self.allocation_matrix(S).astype(bool)
        return np.where(A, self.C, np.inf)

    def evaluate(self, S: Iterable[int]) -> Evaluation:
        """Everything about S: D, G, both parts, allocation, per-agent load, uncovered subtasks."""
        s = self.participants(S)
        alloc = self.allocate(s)
        execution = self.execution_cost(s)
        transmission = self.transmission_cost(s)
        D = execution + transmission
        counts = np.bincount(alloc[alloc >= 0], minlength=self.n)
        degree = s.size if self.participation == "participants" else int(np.count_nonzero(counts))
        return Evaluation(
            participants=s.tolist(),
            D=D,
            G=_objective(D, degree, self.kappa),
            execution=execution,
            transmission=transmission,
            allocation=[int(a) if a >= 0 else None for a in alloc],
            load={int(j): int(counts[j]) for j in s},
            uncovered=np.flatnonzero(alloc < 0).tolist(),
        )

    # -- any allocation -----------------------------------------------------
    def score(self, allocation: Sequence[int | None]) -> Score:
        """Score an allocation (subtask -> agent or None) as MODEL.md says.

        D = execution cost of the allocated subtasks + the pair sum over the
        agents that execute at least one; G = D * (that count) ** -kappa.
        An allocation knows no other participants than its working agents, so
        this holds under both ``participation`` settings; under ``working``
        the allocation of a sweep row scores exactly that row's D and G.

        Raises
        ------
        InputError if the allocation has the wrong length, names an unknown
        agent, or gives a subtask to an agent that cannot execute it.
        """
        if len(allocation) != self.m:
            raise InputError("allocation", len(allocation), f"needs one entry per subtask ({self.m})")
        alloc = np.array([-1 if a is None else int(a) for a in allocation], dtype=np.intp)
        if np.any((alloc < -1) | (alloc >= self.n)):
            bad = int(np.flatnonzero((alloc < -1) | (alloc >= self.n))[0])
            raise InputError(f"allocation[{bad}]", int(alloc[bad]), f"agents are numbered 0..{self.n - 1}")
        rows = np.flatnonzero(alloc >= 0)
        costs = self.C[rows, alloc[rows]]
        if not np.isfinite(costs).all():
            bad = int(rows[np.flatnonzero(~np.isfinite(costs))[0]])
            raise InputError(
                f"allocation[{bad}]", int(alloc[bad]), f"agent {int(alloc[bad])} cannot execute subtask {bad}"
            )
        working = np.unique(alloc[rows])
        execution = float(costs.sum())
        transmission = float(self.W[np.ix_(working, working)].sum() / 2.0)
        D = execution + transmission
        G = _objective(D, working.size, self.kappa)
        return Score(D, G, execution, transmission, working.tolist(), np.flatnonzero(alloc < 0).tolist())

    # -- choosing participants ----------------------------------------------
    def _ks(self, ks: Iterable[int] | None) -> list[int]:
        ks = list(range(1, self.n + 1)) if ks is None else sorted(set(int(k) for k in ks))
        for k in ks:
            if not 1 <= k <= self.n:
                raise InputError("k", k, f"must be between 1 and the number of agents ({self.n})")
        return ks

    def best(self, k: int, strategy: str | None = None, **options) -> Evaluation | None:
        """The best set of size k by ``strategy``; None if no set of size k is feasible."""
        row = self.sweep(strategy, ks=[k], **options).rows[0]
        return None if row.participants is None else self.evaluate(row.participants)

    def prefix_costs(self, order: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """D and G of the nested sets ``order[:1], order[:2], ...`` all at once.

        Examples
        --------
        >>> model = CostModel([[1, 4], [3, 1]], [[0, 2], [1, 0]])
        >>> model.prefix_costs([0, 1])[0].tolist()
        [4.0, 5.0]
        """
        o = np.asarray(order, dtype=np.intp)
        D = _prefix_execution(self.C, o, self.BLOCK_BYTES) + np.cumsum(_prefix_pairs(self.W, o, self.BLOCK_BYTES))
        return D, D * np.arange(1, o.size + 1, dtype=float) ** -self.kappa

    #: bytes of one block of C's columns or W's rows that :meth:`prefix_costs` reads at a time
    BLOCK_BYTES = 128 * 2**20

    #: above this many matrix entries (m * sum of k) a sweep counts working agents only for the best k
    WORKING_BUDGET = 3 * 10**8

    def sweep(self, strategy: str | None = None, ks: Iterable[int] | None = None, *, progress=None,
              **options) -> Sweep:
        """The best set for every k in ``ks`` (default 1..n) by ``strategy``.

        Parameters
        ----------
        strategy : a name from :data:`mas.selection.STRATEGIES` (``exhaustive``,
            ``milp``, ``greedy``, ``local``) or None/"auto" for the default by size.
        ks : the sizes to report.
        progress : ``progress(label, done, total)``, told where the strategy stands
            (those of :data:`mas.selection.REPORTING`) and how many rows are scored.

        Returns
        -------
        Sweep with one row per k and the k of smallest G. A row without
        participants (D = G = inf) means no set of size k covers every subtask
        or, under ``participation="working"``, none has all k agents working
        (an exact strategy proves there is none; a heuristic found none).
        Counting the working agents costs O(m k) per row; past
        :attr:`WORKING_BUDGET` entries it is done for the best k only and the
        other rows say None (under ``working`` every row is counted: it is k).

        Raises
        ------
        RuntimeError if, under ``working``, a strategy returns a set with an idle agent.

        Examples
        --------
        >>> model = CostModel([[1, 4, 2], [3, 4, 1]], [[0, 1, 1], [1, 0, 1], [1, 1, 0]], participation="working")
        >>> [(r.k, r.participants, r.D) for r in model.sweep("exhaustive").rows]   # agent 1 is never cheapest
        [(1, [2], 3.0), (2, [0, 2], 4.0), (3, None, inf)]
        """
        from mas import selection  # noqa: PLC0415  (strategies import this module's users)

        ks = self._ks(ks)
        name = selection.resolve(strategy, self)
        if progress is not None and name in selection.REPORTING:
            options["progress"] = progress
        tell = progress if progress is not None else (lambda label, done, total: None)
        sets = selection.get(name)(self, ks, **options)
        tell("D and G of every k", 0, 1)
        order = getattr(sets, "order", None)
        if order is not None:
            D_all, G_all = self.prefix_costs(order[: max(ks)])
            values = {k: (float(D_all[k - 1]), float(G_all[k - 1])) for k in ks if k <= len(order)}
        else:
            values = {k: (self.D(sets[k]), self.G(sets[k])) for k in ks if k in sets}
        finite = [k for k in ks if k in values and np.isfinite(values[k][1])]
        best_k = min(finite, key=lambda k: (values[k][1], k)) if finite else None
        working_only = self.participation == "working"
        count_all = working_only or self.m * sum(ks) <= self.WORKING_BUDGET
        nested = isinstance(sets, selection.NestedSets)  # already sorted (12.5 million entries at n = 5000)
        rows = []
        certificates = getattr(sets, "certificates", {})
        for i, k in enumerate(ks):
            tell("scoring every k", i, len(ks))
            if k not in values:
                rows.append(SweepRow(k, None, float("inf"), float("inf"), 0, certificates.get(k)))
                continue
            S = sets[k] if nested else sorted(sets[k])
            working = self._working(S) if count_all or k == best_k else None
            if working_only and working != k:
                raise RuntimeError(f"strategy {name!r} returned {S} for k = {k} with only {working} agents working")
            rows.append(SweepRow(k, S, *values[k], working, certificates.get(k)))
        return Sweep(rows, name, best_k, self.participation)


def _blocks(count: int, width: int, block_bytes: int) -> list[tuple[int, int]]:
    """[start, stop) ranges over ``count`` items of ``width`` floats each, ``block_bytes`` per range.

    No range but a lone one has a single item: numpy sums the rows of an (m, 1) array pairwise
    but those of an (m, w >= 2) array one after another, and blocked sums must equal whole ones.
    """
    step = max(2, block_bytes // max(1, 8 * width))
    starts = list(range(0, count, step))
    if len(starts) > 1 and count - starts[-1] == 1:
        starts.pop()
    return list(zip(starts, starts[1:] + [count]))


def _prefix_execution(C: np.ndarray, o: np.ndarray, block_bytes: int) -> np.ndarray:
    """``np.minimum.accumulate(C[:, o], axis=1).sum(axis=0)``, bit for bit, one block of columns at a
    time (the running minimum carried from block to block): m x n floats at once were 3.2 GB at 20,000."""
    out = np.empty(o.size)
    running = None
    for start, stop in _blocks(o.size, C.shape[0], block_bytes):
        block = C[:, o[start:stop]]
        if running is not None:
            np.minimum(block[:, 0], running, out=block[:, 0])
        np.minimum.accumulate(block, axis=1, out=block)
        out[start:stop] = block.sum(axis=0)
        running = block[:, -1].copy()
    return out


def _pair_row_sums(W, s: np.ndarray, block_bytes: int) -> np.ndarray:
    """``W[np.ix_(s, s)].sum(axis=1)``, bit for bit, one block of W's rows at a time."""
    out = np.empty(s.size)
    for start, stop in _blocks(s.size, s.size, block_bytes):
        out[start:stop] = np.asarray(W[np.ix_(s[start:stop], s)], dtype=np.float64).sum(axis=1)
    return out


def _prefix_pairs(W, o: np.ndarray, block_bytes: int) -> np.ndarray:
    """``np.tril(W[np.ix_(o, o)], -1).sum(axis=1)``, bit for bit, one block of W's rows at a time
    (a lazy W computes just those rows): the whole block and its triangle were 2 n x n floats."""
    out = np.empty(o.size)
    columns = np.arange(o.size)
    for start, stop in _blocks(o.size, o.size, block_bytes):
        block = np.asarray(W[np.ix_(o[start:stop], o)], dtype=np.float64)
        block[columns[None, :] >= np.arange(start, stop)[:, None]] = 0.0
        out[start:stop] = block.sum(axis=1)
    return out


def check_participation(value: str) -> str:
    """``value`` if it names a way of counting lambda (:data:`PARTICIPATION`); InputError otherwise."""
    if value not in PARTICIPATION:
        raise InputError("participation", value, "must be 'participants' (lambda = |S|) or "
                         "'working' (lambda = agents that execute a subtask)")
    return value


def _objective(D: float, degree: int, kappa: float) -> float:
    """G = D * lambda ** -kappa; inf when nobody participates (nothing to divide by)."""
    return D * float(degree) ** -kappa if degree else float("inf")


_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _strict_rows(name: str, value) -> list[list[float]]:
    """Rows of numbers (None = inf) from nested lists; strings, booleans and integers beyond
    float64 are refused with the entry's position (numpy would turn "3" and True into 3.0 and 1.0)."""
    if not isinstance(value, (list, tuple)):
        raise InputError(name, value, "must be a matrix (a list of rows) of numbers")
    rows = []
    for i, row in enumerate(value):
        if isinstance(row, np.ndarray) and row.ndim == 1 and row.dtype.kind in "iuf":
            rows.append(row.astype(np.float64).tolist())
            continue
        if not isinstance(row, (list, tuple)):
            raise InputError(f"{name}[{i}]", row, "must be a row (a list) of numbers")
        if not {type(v) for v in row} <= {int, float, type(None)}:
            bad = [(j, v) for j, v in enumerate(row)
                   if v is not None and (isinstance(v, (bool, np.bool_)) or not isinstance(v, _NUMBER_TYPES))]
            if bad:
                raise InputError(f"{name}[{i}][{bad[0][0]}]", bad[0][1], "must be a number (null for 'cannot execute')")
        try:
            rows.append([np.inf if v is None else float(v) for v in row])
        except OverflowError:
            j, v = next((j, v) for j, v in enumerate(row) if isinstance(v, int) and abs(v) > 2**1023)
            raise InputError(f"{name}[{i}][{j}]", v, "too large for a float (at most 1.8e308)") from None
    return rows


def _check_pairs(P: np.ndarray) -> None:
    if not np.isfinite(P).all():
        i, j = map(int, np.argwhere(~np.isfinite(P))[0])
        raise InputError(f"transmission_cost[{i}][{j}]", P[i, j], "must be finite")
    if np.any(np.diag(P) != 0):
        i = int(np.flatnonzero(np.diag(P) != 0)[0])
        raise InputError(f"transmission_cost[{i}][{i}]", P[i, i], "the diagonal must be 0")


def _matrix(name: str, value) -> np.ndarray:
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise InputError(name, str(value.dtype), "must be a matrix of numbers (null for 'cannot execute')")
        if value.dtype == np.float64 and _frozen(value):
            return _check_costs(name, value, value)  # nobody can change it: shared, not copied (3.2 GB at 20,000^2)
        arr = np.array(value, dtype=np.float64)  # a copy: the model makes its matrices read-only
        return _check_costs(name, arr, value)
    rows = _strict_rows(name, value)
    if len({len(r) for r in rows}) > 1:
        raise InputError(name, [len(r) for r in rows][:10], "rows must have equal length")
    arr = np.array(rows, dtype=np.float64)
    if arr.ndim == 1:  # an empty list
        arr = arr.reshape(0, 0)
    return _check_costs(name, arr, value)


def _frozen(a: np.ndarray) -> bool:
    """True if neither ``a`` nor any array it views can be written through."""
    while isinstance(a, np.ndarray):
        if a.flags.writeable:
            return False
        a = a.base
    return True


def _check_costs(name: str, arr: np.ndarray, value) -> np.ndarray:
    if arr.ndim != 2:
        raise InputError(name, value, "must be a two-dimensional matrix with rows of equal length")
    if np.isnan(arr).any():
        i, j = map(int, np.argwhere(np.isnan(arr))[0])
        raise InputError(f"{name}[{i}][{j}]", "NaN", "costs must be numbers")
    if (arr < 0).any():
        i, j = map(int, np.argwhere(arr < 0)[0])
        raise InputError(f"{name}[{i}][{j}]", float(arr[i, j]), "costs must be >= 0")
    return arr


def _check_sums(C: np.ndarray, P: np.ndarray) -> None:
    """Refuse costs whose sums would overflow float64: D of any set is at most the sum of the
    rows' largest finite costs plus every pair's cost, so that bound must be finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        largest = np.max(C, axis=1, initial=0.0, where=np.isfinite(C))  # no m x n copy of C
        execution = largest.sum()
        if not np.isfinite(execution):
            i = int(np.argmax(~np.isfinite(np.cumsum(largest))))
            raise InputError(f"execution_cost[{i}]", float(largest[i]),
                             "costs so large that their sum overflows a float (keep totals below 1.8e308)")
        if is_lazy(P):  # its rows come from a topology's finite weights; a bound, when known, suffices
            n = P.shape[0]
            transmission = 0.0 if P.bound is None else float(P.bound) * n * n
        else:
            transmission = P.sum()
        if not np.isfinite(transmission) or not np.isfinite(execution + 2 * transmission):
            raise InputError("transmission_cost", float(P.max()),
                             "costs so large that D overflows a float (keep totals below 1.8e308)")
