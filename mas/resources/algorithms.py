"""Placement algorithms by name, for :func:`mas.resources.solve.place`.

Every built-in algorithm is declared here and registered by
:mod:`mas.resources.solve` when a name is first looked up (mas/registry.py), so
naming them (``mas place --help``) imports no solver. ``func(problem,
objective, **options) -> assignment``; a new algorithm registers with
``@ALGORITHMS.register(name)``.

>>> ALGORITHMS.names()
['priority', 'ffd', 'best-fit', 'least-loaded', 'dot', 'anneal', 'genetic', 'exact']
"""

from __future__ import annotations

from mas.registry import Registry

ALGORITHMS = Registry("algorithm")
DEFAULT_ALGORITHM = "ffd"
for _name in ("priority", "ffd", "best-fit", "least-loaded", "dot", "anneal", "genetic", "exact"):
    ALGORITHMS.declare(_name, "mas.resources.solve")
