"""networkx topologies and the cost matrices they imply; imports nothing else of the project.

Names are imported on first use, so that ``mas --help`` (which needs only
:data:`KINDS`) does not pay for networkx and scipy.
"""

from __future__ import annotations

import importlib

from topologies.kinds import KINDS as KINDS
from topologies.kinds import WEIGHTS as WEIGHTS
from topologies.validate import validate as validate  # eager: the submodule of the same name would shadow a lazy one

_WHERE = {
    "TopologyError": "errors",
    "complete_negotiation": "complete", "complete_transmission": "complete",
    "as_generator": "generators", "build": "generators", "complete_graph": "generators",
    "complete_topology": "generators", "kind_options": "generators",
    "load": "io",
    "hop_counts": "matrices", "movement_costs": "matrices", "negotiation_costs": "matrices",
    "transmission_matrix": "matrices",
    "PairMatrix": "pairs", "is_lazy": "pairs", "pair_matrix": "pairs",
}

__all__ = sorted([*_WHERE, "KINDS", "WEIGHTS", "validate"])


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"topologies.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'topologies' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
