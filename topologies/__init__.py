"""networkx topologies and the cost matrices they imply; imports nothing else of the project."""

from topologies.errors import TopologyError
from topologies.complete import complete_negotiation, complete_transmission
from topologies.generators import KINDS, WEIGHTS, as_generator, build, complete_graph, complete_topology
from topologies.io import load
from topologies.matrices import hop_counts, movement_costs, negotiation_costs, transmission_matrix
from topologies.pairs import PairMatrix, is_lazy, pair_matrix
from topologies.validate import validate

__all__ = [
    "KINDS",
    "PairMatrix",
    "WEIGHTS",
    "TopologyError",
    "as_generator",
    "build",
    "complete_graph",
    "complete_negotiation",
    "complete_topology",
    "complete_transmission",
    "hop_counts",
    "is_lazy",
    "load",
    "movement_costs",
    "negotiation_costs",
    "pair_matrix",
    "transmission_matrix",
    "validate",
]
