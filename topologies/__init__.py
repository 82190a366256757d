"""networkx topologies and the cost matrices they imply; imports nothing else of the project."""

from topologies.errors import TopologyError
from topologies.generators import KINDS, WEIGHTS, as_generator, build
from topologies.io import load
from topologies.matrices import hop_counts, movement_costs, negotiation_costs, transmission_matrix
from topologies.validate import validate

__all__ = [
    "KINDS",
    "WEIGHTS",
    "TopologyError",
    "as_generator",
    "build",
    "hop_counts",
    "load",
    "movement_costs",
    "negotiation_costs",
    "transmission_matrix",
    "validate",
]
