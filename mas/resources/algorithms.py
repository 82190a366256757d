"""Placement algorithms and the GAP's methods by name, for :func:`mas.resources.solve.place` and
:func:`mas.resources.gap.solve_gap`.

Every built-in algorithm is declared here and registered by
:mod:`mas.resources.solve` when a name is first looked up (mas/registry.py), so
naming them (``mas place --help``) imports no solver. ``func(problem,
objective, **options) -> assignment``; a new algorithm registers with
``@ALGORITHMS.register(name)``.

>>> ALGORITHMS.names()
['priority', 'ffd', 'best-fit', 'least-loaded', 'dot', 'anneal', 'genetic', 'exact']
>>> GAP_ALGORITHMS, GAP_SEARCHES.names()
(('exact', 'greedy'), ['chain', 'shift-swap'])
"""

from __future__ import annotations

from mas.registry import Registry

ALGORITHMS = Registry("algorithm")
DEFAULT_ALGORITHM = "ffd"
for _name in ("priority", "ffd", "best-fit", "least-loaded", "dot", "anneal", "genetic", "exact"):
    ALGORITHMS.declare(_name, "mas.resources.solve")

#: what ``solve_gap(algorithm=...)`` accepts
GAP_ALGORITHMS = ("exact", "greedy")
#: the search phase of a time-limited ``solve_gap`` by name (registered by :mod:`mas.resources.gap`):
#: ``f(inst, start, *, maximize, time_limit, seed, bound) -> assignment``
GAP_SEARCHES = Registry("search")
for _name in ("chain", "shift-swap"):
    GAP_SEARCHES.declare(_name, "mas.resources.gap")
