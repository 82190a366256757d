"""Decentralized allocation protocols, found by name (declared in :mod:`protocols.registry`).

>>> from protocols import names
>>> names()
['cnp', 'first-price', 'vickrey', 'ssi', 'cbba', 'neighbour', 'join', 'icnp']
"""

from protocols.kswap import kswap  # noqa: E402,F401  (eager: the submodule of the same name would shadow a lazy one)
from protocols.registry import PROTOCOLS, create, get, names, options, register  # noqa: F401


def __getattr__(name: str):
    # running a protocol needs the Mesa model; naming the protocols (``mas --help``) does not
    if name == "negotiate":
        from protocols.run import negotiate

        globals()[name] = negotiate
        return negotiate
    raise AttributeError(f"module 'protocols' has no attribute {name!r}")
