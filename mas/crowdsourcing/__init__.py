"""Online spatial crowdsourcing: OSSA, indexed OSSA, Greedy, TGOA; rectangles, points, discs, capacities.

>>> from mas.crowdsourcing import generate_stream, run_online
>>> stream = generate_stream(200, 60, seed=1)
>>> a, b = run_online("ossa", stream), run_online("ossa-indexed", stream)
>>> [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]
True
"""

from mas.crowdsourcing.audit import audit
from mas.crowdsourcing.engine import (
    ALGORITHMS,
    Assignment,
    CrowdResult,
    Ledger,
    OnlineAlgorithm,
    make_algorithm,
    register_algorithm,
    run_online,
)
from mas.crowdsourcing.events import (
    ORDERS,
    StreamSettings,
    Task,
    Worker,
    arrival_from_dict,
    check_stream,
    generate_stream,
    load_events,
    save_events,
)
from mas.crowdsourcing.geometry import Relation, area, contains, disc_contains, overlaps, rect, relation, subtract
from mas.crowdsourcing.goma import load_goma, parse_goma
from mas.crowdsourcing.greedy import Greedy
from mas.crowdsourcing.index import STORES, GridStore, ScanStore, make_store
from mas.crowdsourcing.ossa import OSSA, IndexedOSSA, PlainOSSA
from mas.crowdsourcing.pay import pay_bid
from mas.crowdsourcing.tgoa import TGOA, max_utility_matching
from mas.crowdsourcing.utility import UTILITIES, make_utility, register_utility

__all__ = [
    "ALGORITHMS",
    "ORDERS",
    "UTILITIES",
    "Assignment",
    "audit",
    "disc_contains",
    "load_goma",
    "make_utility",
    "max_utility_matching",
    "parse_goma",
    "register_utility",
    "CrowdResult",
    "GridStore",
    "Greedy",
    "IndexedOSSA",
    "Ledger",
    "OSSA",
    "OnlineAlgorithm",
    "PlainOSSA",
    "Relation",
    "STORES",
    "ScanStore",
    "StreamSettings",
    "TGOA",
    "Task",
    "Worker",
    "area",
    "arrival_from_dict",
    "check_stream",
    "contains",
    "generate_stream",
    "load_events",
    "make_algorithm",
    "make_store",
    "overlaps",
    "pay_bid",
    "rect",
    "register_algorithm",
    "relation",
    "run_online",
    "save_events",
    "subtract",
]
