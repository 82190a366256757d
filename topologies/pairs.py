"""Pair matrices (n x n) that compute their rows on demand, for topologies too big to hold densely.

At n = 20,000 agents one dense float64 pair matrix is 3.2 GB and filling it
takes 20,000 shortest-path searches; a negotiation over that topology reads a
few hundred rows of it. :class:`PairMatrix` computes the rows it is asked for
(``row_function(sources) -> (len(sources), n)`` array, e.g. one
``scipy.sparse.csgraph.dijkstra`` call from exactly those sources), keeps the
most recent ones up to a memory budget, and answers the indexing callers use:
``M[i]``, ``M[i, j]``, ``M[rows, cols]`` with broadcast integer arrays (also
``numpy.ix_``), ``M.max()`` and ``M.min()``. :func:`pair_matrix` returns a plain
numpy array instead for small n (``dense_max_n``), so small instances are
exactly what they always were.

Examples
--------
>>> import numpy as np
>>> M = PairMatrix(3, lambda src: np.abs(np.arange(3)[None, :] - np.asarray(src)[:, None]).astype(float))
>>> M[0].tolist(), float(M[2, 0]), M[[0, 1], [2, 2]].tolist(), float(M.max())
([0.0, 1.0, 2.0], 2.0, [2.0, 1.0], 2.0)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np

#: up to this many agents pair matrices (hops, negotiation and movement costs) are plain numpy arrays
DENSE_MAX_N = 2000
#: the same for the paper's P (:func:`topologies.transmission_matrix`): a k-sweep reads all of it, so it
#: stays dense further (200 MB at n = 5000; 3.2 GB at n = 20000, where it is lazy)
COST_DENSE_MAX_N = 6000
#: rows kept by a PairMatrix, in bytes
CACHE_BYTES = 256 * 2**20


class PairMatrix:
    """An n x n matrix whose rows are computed when first read (see the module docstring).

    Parameters
    ----------
    n : number of rows and columns.
    row_function : ``sources (int array) -> (len(sources), n) array``.
    dtype : of the rows.
    cache_bytes : keep at most this many bytes of rows (least recently used go first).
    """

    ndim = 2

    def __init__(self, n: int, row_function: Callable[[np.ndarray], np.ndarray], *, dtype=np.float64,
                 column_function: Callable[[np.ndarray], np.ndarray] | None = None, symmetric: bool = False,
                 cache_bytes: int = CACHE_BYTES, bound: float | None = None) -> None:
        self.n = int(n)
        self.shape = (self.n, self.n)
        self.dtype = np.dtype(dtype)
        self._rows = row_function
        self.symmetric = bool(symmetric)
        self.bound = bound  # an upper bound on every entry, when one is known without computing rows
        self._columns: PairMatrix | None = None
        if not symmetric and column_function is not None:
            self._columns = PairMatrix(n, column_function, dtype=dtype, cache_bytes=cache_bytes, bound=bound)
            self._columns._columns = self
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self._keep = max(1, int(cache_bytes) // max(1, self.n * self.dtype.itemsize))
        self._max: float | None = None
        self._min: float | None = None
        self.computed = 0  # rows computed so far (a row evicted and read again counts twice)

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"PairMatrix(n={self.n}, dtype={self.dtype}, cached rows={len(self._cache)})"

    # -- rows -----------------------------------------------------------------------
    def rows(self, sources) -> np.ndarray:
        """Rows ``sources`` (an int array) as a (len(sources), n) array."""
        src = np.asarray(sources, dtype=np.intp).ravel()
        if src.size and (src.min() < -self.n or src.max() >= self.n):
            raise IndexError(f"row index out of range for {self.n} rows")
        src = np.where(src < 0, src + self.n, src)
        unique, inverse = np.unique(src, return_inverse=True)
        missing = [int(s) for s in unique.tolist() if s not in self._cache]
        fresh = {}
        if missing:
            block = np.asarray(self._rows(np.asarray(missing, dtype=np.intp)), dtype=self.dtype)
            self.computed += len(missing)
            fresh = dict(zip(missing, block))
        got = []
        for s in unique.tolist():
            row = fresh.get(s)
            if row is None:
                row = self._cache[s]
                self._cache.move_to_end(s)
            got.append(row)
        if len(unique) <= self._keep:  # a block bigger than the cache is read once and not kept
            for s, row in fresh.items():
                self._cache[s] = row
            while len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        out = np.stack(got) if got else np.empty((0, self.n), dtype=self.dtype)
        return out[inverse.ravel()]

    @property
    def T(self) -> PairMatrix | None:
        """The transpose (this matrix itself when symmetric; None when columns cannot be computed)."""
        return self if self.symmetric else self._columns

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if len(key) == 1:
            key = (key[0], slice(None))
        if len(key) != 2:
            raise IndexError("a pair matrix takes one or two indices")
        r, c = key
        if self.T is not None and _fewer_sources(c, r):
            # M[a, b] = M.T[b, a]: compute from whichever side names fewer agents
            return np.swapaxes(self.T[c, r], 0, -1) if isinstance(r, slice) or isinstance(c, slice) \
                else self.T[c, r]
        if isinstance(r, slice):
            r = np.arange(self.n)[r]
        r = np.asarray(r)
        if r.dtype == bool:
            r = np.flatnonzero(r)
        if isinstance(c, slice):
            block = self.rows(r.ravel())[:, c]
            return block.reshape(r.shape + block.shape[1:])
        c = np.asarray(c)
        if c.dtype == bool:
            c = np.flatnonzero(c)
        r, c = np.broadcast_arrays(r, c)
        if r.size == 0:
            return np.empty(r.shape, dtype=self.dtype)
        unique, inverse = np.unique(r, return_inverse=True)
        block = self.rows(unique)
        out = block[inverse.reshape(r.shape), c]
        return out[()] if out.ndim == 0 else out

    def __array__(self, dtype=None, copy=None):
        """The whole matrix, dense (every row computed: expensive for big n)."""
        out = self.all_rows()
        return out if dtype is None else out.astype(dtype)

    def all_rows(self, chunk: int = 512):
        """Every row as one dense array (computed in chunks, not cached)."""
        out = np.empty(self.shape, dtype=self.dtype)
        for start in range(0, self.n, chunk):
            out[start:start + chunk] = self._chunk(start, chunk)
        return out

    def _chunk(self, start: int, chunk: int) -> np.ndarray:
        idx = np.arange(start, min(start + chunk, self.n))
        self.computed += idx.size
        return np.asarray(self._rows(idx), dtype=self.dtype)

    def _reduce(self, fn) -> float:
        best = None
        for start in range(0, self.n, 512):
            v = fn(self._chunk(start, 512))
            best = v if best is None else fn(np.array([best, v]))
        return best

    def max(self):
        """The largest entry (every row is computed once, in chunks, not kept)."""
        if self._max is None:
            self._max = self._reduce(np.max)
        return self._max

    def min(self):
        """The smallest entry."""
        if self._min is None:
            self._min = self._reduce(np.min)
        return self._min

    def derive(self, fn: Callable[[np.ndarray], np.ndarray], *, dtype=None) -> PairMatrix:
        """A new lazy matrix whose rows are ``fn(rows of this one)``."""
        columns = self._columns
        dtype = np.dtype(dtype or self.dtype)
        return PairMatrix(self.n, lambda src: fn(self.rows(src)), dtype=dtype, symmetric=self.symmetric,
                          column_function=None if columns is None else (lambda src: fn(columns.rows(src))),
                          cache_bytes=self._keep * self.n * dtype.itemsize)


def _count(index) -> int:
    if isinstance(index, slice):
        return 1 << 62
    a = np.asarray(index)
    return 1 if a.ndim == 0 else np.unique(a).size


def _fewer_sources(c, r) -> bool:
    return not isinstance(c, slice) and _count(c) < _count(r)


def is_lazy(M) -> bool:
    """True for a :class:`PairMatrix` (rows on demand), False for a numpy array."""
    return isinstance(M, PairMatrix)


def pair_matrix(n: int, row_function: Callable[[np.ndarray], np.ndarray], *, dense_max_n: int | None = None,
                dtype=np.float64, **options):
    """A numpy array (n <= ``dense_max_n``, default :data:`DENSE_MAX_N`) or a :class:`PairMatrix`.

    Examples
    --------
    >>> import numpy as np
    >>> rows = lambda src: np.zeros((len(src), 4))
    >>> type(pair_matrix(4, rows)).__name__, type(pair_matrix(4, rows, dense_max_n=3)).__name__
    ('ndarray', 'PairMatrix')
    """
    limit = DENSE_MAX_N if dense_max_n is None else dense_max_n
    if n <= limit:
        return np.asarray(row_function(np.arange(n, dtype=np.intp)), dtype=dtype)
    return PairMatrix(n, row_function, dtype=dtype, **options)
