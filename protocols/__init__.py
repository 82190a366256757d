"""Decentralized allocation protocols; each registers itself by name.

>>> from protocols import names
>>> names()
['cnp', 'first-price', 'vickrey', 'ssi', 'cbba', 'neighbour', 'join', 'icnp']
"""

from protocols.registry import PROTOCOLS, create, get, names, register  # noqa: F401
from protocols import contract_net, auctions, ssi, cbba, neighbour, join, icnp  # noqa: E402,F401,I001  (registration order = names() order)
from protocols.kswap import kswap  # noqa: E402,F401
from protocols.run import negotiate  # noqa: E402,F401
