"""One module per group of ``mas`` subcommands; each defines ``register(subparsers)``.

The modules are declared here, like every registry's entries (mas/registry.py):
a new command is one new module and its name below. ``mas --help`` imports
these modules, so each keeps its heavy imports inside its handler.
"""

#: the command modules, in the order their subcommands are added (``mas --help`` sorts nothing)
MODULES = ("bargain", "batch", "compare", "crowd", "gap", "improve", "negotiate", "paper", "place", "plot",
           "queue", "resources_demo", "sweep", "tournament", "viz")
