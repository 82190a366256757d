"""Online spatial crowdsourcing with range tasks: OSSA, indexed OSSA, Greedy, TGOA.

>>> from mas.crowdsourcing import generate_stream, run_online
>>> stream = generate_stream(200, 60, seed=1)
>>> a, b = run_online("ossa", stream), run_online("ossa-indexed", stream)
>>> [x.to_dict() for x in a.assignments] == [x.to_dict() for x in b.assignments]
True
"""

from mas.crowdsourcing.audit import audit
from mas.crowdsourcing.engine import (
    ALGORITHMS, Assignment, CrowdResult, Ledger, OnlineAlgorithm, make_algorithm, register_algorithm, run_online,
)
from mas.crowdsourcing.events import (
    StreamSettings, Task, Worker, arrival_from_dict, check_stream, generate_stream, load_events, save_events,
)
from mas.crowdsourcing.geometry import Relation, area, contains, overlaps, rect, relation, subtract
from mas.crowdsourcing.greedy import Greedy
from mas.crowdsourcing.index import STORES, GridStore, ScanStore, make_store
from mas.crowdsourcing.ossa import OSSA, IndexedOSSA, PlainOSSA
from mas.crowdsourcing.pay import pay_bid
from mas.crowdsourcing.tgoa import TGOA, optimal_matching

__all__ = [
    "ALGORITHMS", "Assignment", "audit", "CrowdResult", "GridStore", "Greedy", "IndexedOSSA", "Ledger", "OSSA",
    "OnlineAlgorithm", "PlainOSSA", "Relation", "STORES", "ScanStore", "StreamSettings", "TGOA", "Task", "Worker",
    "area", "arrival_from_dict", "check_stream", "contains", "generate_stream", "load_events", "make_algorithm",
    "make_store", "optimal_matching", "overlaps", "pay_bid", "rect", "register_algorithm", "relation",
    "run_online", "save_events", "subtract",
]
