"""One module per group of ``mas`` subcommands; each defines ``register(subparsers)``."""
