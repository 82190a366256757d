"""What differs between the Mesa releases we support (3.3 to 3.x), probed by feature.

Never compare version strings: ask the installed Mesa what it accepts. Everything
else in the project calls these helpers instead of the differing APIs.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import mesa
import networkx as nx
import numpy as np


@cache
def _params(func) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(func).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        return frozenset()


def model_init_kwargs(rng: int | np.random.Generator | None) -> dict[str, Any]:
    """Keyword arguments for ``mesa.Model.__init__`` that seed it from ``rng``.

    Newer Mesa warns on ``seed=``; every release we support takes ``rng=``.
    A Generator is turned into an integer drawn from it, so the model owns its
    generator and the caller's stays reproducible.
    """
    if isinstance(rng, np.random.Generator):
        rng = int(rng.integers(2**63 - 1))
    if "rng" in _params(mesa.Model.__init__):
        return {"rng": rng}
    return {"seed": rng}  # pragma: no cover - only for a Mesa without rng=


def make_network(graph: nx.Graph, *, random, positions: Mapping | None = None, **kwargs):
    """A ``mesa.discrete_space.Network`` over ``graph`` seeded with the model's ``random``.

    Mesa 3.4+ lays the network out itself (an unseeded spring layout by
    default); we hand it our own positions, or ask for none.
    """
    from mesa.discrete_space import Network

    params = _params(Network.__init__)
    if "layout" in params:
        kwargs["layout"] = dict(positions) if positions is not None else None
    return Network(G=graph, random=random, **kwargs)


def agents_of(agentset: Iterable) -> list:
    """A list of the agents in an AgentSet (iterate, never index: indexing changed)."""
    return list(agentset)

