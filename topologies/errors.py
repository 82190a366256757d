"""Errors of this package; ``topologies`` imports nothing else from the project."""


class TopologyError(ValueError):
    """A topology that cannot be used: the message names the nodes or edges at fault."""
