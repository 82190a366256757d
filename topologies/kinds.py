"""The names :func:`topologies.build` accepts (a module of its own: the command line needs them
without importing networkx)."""

KINDS = ("complete", "random", "small-world", "scale-free", "grid")
WEIGHTS = ("uniform", "integer", "constant", "distance")
