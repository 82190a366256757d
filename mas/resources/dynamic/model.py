"""Dynamic allocation as a Mesa model: jobs arrive, queue, run on nodes, release resources.

Nodes are agents (``NodeAgent``). Jobs arrive as a Poisson stream (or from a
trace), wait in one queue while they do not fit, hold their demand on a node
for their service time and release it. Time is continuous: each ``step()``
advances the clock by ``dt`` and processes every arrival, departure and
timeout inside that interval in time order, so the queue behaves exactly as
the queueing formulas assume, however coarse the steps a viewer draws.

Policies (``POLICIES``):

- ``fifo``: the oldest job first; if it fits on no node, everybody waits (first node that fits);
- ``priority``: the highest priority first (oldest among equals), otherwise like fifo;
- ``backfill``: first-fit with backfilling -- scan the queue oldest first and start every job that fits;
- ``least-loaded``: like fifo, but on the fitting node whose fullest resource is least used.

A ``DataCollector`` records per step the queue length, running jobs, mean and
95th-percentile wait, throughput, timeouts, rejections and the utilization of
each resource kind (model reporters), and each node's load and running jobs
(agent reporters); ``plot_series()`` says which reporters belong on one chart.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mesa
import numpy as np

from mas.compat import model_init_kwargs
from mas.errors import InputError
from mas.resources.dynamic.agents import Job, NodeAgent
from mas.resources.dynamic.stats import RunSummary, summarize
from mas.resources.problem import CAPACITY_EPS

POLICIES = ("fifo", "priority", "backfill", "least-loaded")
_ARRIVAL, _DEPARTURE, _TIMEOUT = 0, 1, 2

#: controls for a browser view (Mesa's ``model_params`` shape)
model_params = {
    "nodes": {"type": "SliderInt", "value": 2, "label": "Nodes", "min": 1, "max": 20, "step": 1},
    "arrival_rate": {"type": "SliderFloat", "value": 2.0, "label": "Arrival rate (lambda)",
                     "min": 0.1, "max": 20.0, "step": 0.1},
    "service_rate": {"type": "SliderFloat", "value": 3.0, "label": "Service rate (mu)",
                     "min": 0.1, "max": 10.0, "step": 0.1},
    "policy": {"type": "Select", "value": "fifo", "values": list(POLICIES), "label": "Policy"},
    "dt": {"type": "SliderFloat", "value": 1.0, "label": "Time per step", "min": 0.1, "max": 10.0, "step": 0.1},
}


def _positive(name: str, value, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputError(name, value, "must be a finite number > 0")
    return float(value)


@dataclass(frozen=True)
class History:
    """The model's state after each change (one entry per instant at which something changed)."""

    t: np.ndarray  #: the instants, increasing from 0
    queue: np.ndarray  #: jobs waiting
    in_system: np.ndarray  #: jobs waiting or running
    used: np.ndarray  #: capacity in use, one column per resource kind

    def to_dict(self) -> dict:
        return {"t": self.t.tolist(), "queue": self.queue.tolist(), "in_system": self.in_system.tolist(),
                "used": self.used.tolist()}


class AllocationModel(mesa.Model):
    """Jobs with resource demands arriving at nodes with capacities, over continuous time.

    Parameters
    ----------
    nodes : int or sequence of {"name", "resources"}
        Either a number of identical nodes with ``capacity``, or the nodes themselves.
    capacity : mapping
        Capacity per resource kind of each identical node (default ``{"cpu": 1}``).
    arrival_rate, service_rate : float
        Poisson arrivals per time unit; exponential service with this rate.
    demand : mapping
        What each Poisson job needs: kind -> amount, or kind -> [low, high]
        (a uniform integer). Default ``{"cpu": 1}`` (unit jobs).
    priorities : int
        Poisson jobs draw a priority uniformly from 0..priorities-1 (higher first).
    trace : sequence of {"time", "resources", "service", "priority"?, "name"?}, optional
        Replay these arrivals instead of the Poisson stream.
    policy : str
        One of ``POLICIES`` (default "fifo").
    timeout : float, optional
        A job that has waited this long leaves the queue (counted as timed out).
    dt : float
        Time advanced by one ``step()``.
    warmup : float
        Statistics ignore what happens before this time (steady-state estimates).
    rng : int or numpy.random.Generator
        Seed; same seed, same run.

    Examples
    --------
    >>> m = AllocationModel(nodes=2, arrival_rate=2, service_rate=3, rng=1)
    >>> for _ in range(50):
    ...     m.step()
    >>> m.clock, len(m.agents)
    (50.0, 2)
    """

    def __init__(self, nodes: int | Sequence[Mapping] = 2, *, capacity: Mapping[str, float] | None = None,
                 arrival_rate: float = 2.0, service_rate: float = 3.0,
                 demand: Mapping[str, float | Sequence[float]] | None = None, priorities: int = 1,
                 trace: Sequence[Mapping] | None = None, policy: str = "fifo", timeout: float | None = None,
                 dt: float = 1.0, warmup: float = 0.0, rng: int | np.random.Generator | None = None) -> None:
        super().__init__(**model_init_kwargs(rng))
        if policy not in POLICIES:
            raise InputError("policy", policy, f"unknown; choose one of {', '.join(POLICIES)}")
        self.policy = policy
        self.arrival_rate = _positive("arrival rate", arrival_rate)
        self.service_rate = _positive("service rate", service_rate)
        self.timeout = _positive("timeout", timeout, allow_none=True)
        self.dt = _positive("dt", dt)
        if isinstance(warmup, bool) or not isinstance(warmup, (int, float)) or warmup < 0:
            raise InputError("warmup", warmup, "must be a number >= 0")
        self.warmup = float(warmup)
        if not isinstance(priorities, int) or priorities < 1:
            raise InputError("priorities", priorities, "must be an integer >= 1")
        self.priorities = priorities
        # numpy draws from a generator owned by the model, seeded from Mesa's own seeded random
        self.np_rng = np.random.default_rng(self.random.getrandbits(64))

        node_specs = self._node_specs(nodes, capacity)
        kinds: dict[str, None] = {}
        for spec in node_specs:
            kinds.update(dict.fromkeys(spec["resources"]))
        demand = {"cpu": 1.0} if demand is None else dict(demand)
        for k in demand:
            kinds.setdefault(str(k), None)
        for rec in trace or ():
            for k in rec.get("resources", {}):
                kinds.setdefault(str(k), None)
        self.kinds = tuple(kinds)
        self.capacity = np.array([[float(s["resources"].get(k, 0.0)) for k in self.kinds] for s in node_specs])
        self.free = self.capacity.copy()
        self.nodes = [NodeAgent(self, str(s["name"]), j) for j, s in enumerate(node_specs)]
        self._demand_spec = self._parse_demand(demand)
        self._next_id = 0
        self._trace = self._parse_trace(trace) if trace is not None else None

        self.clock = 0.0
        self.tick = 0
        self.queue: list[Job] = []
        self._events: list[tuple[float, int, int, Job | None]] = []
        self._seq = 0
        self.arrived = self.completed = self.timed_out = self.rejected = 0
        self.waits: list[tuple[float, float, float]] = []  # (arrival, wait, service) of started jobs
        # state after each change: (time, queue length, jobs in system, used per kind)
        self._history_t = [0.0]
        self._history_q = [0]
        self._history_n = [0]
        self._history_used = [np.zeros(len(self.kinds))]
        self._finished: list[float] = []  # completion times

        if self._trace is not None:
            for rec in self._trace:
                self._push(rec["time"], _ARRIVAL, rec["job"])
        else:
            self._push(self._interarrival(), _ARRIVAL, None)

        reporters = {
            "time": "clock",
            "queue_length": lambda m: len(m.queue),
            "running": lambda m: sum(len(n.running) for n in m.nodes),
            "mean_wait": lambda m: m.mean_wait(),
            "p95_wait": lambda m: m.p95_wait(),
            "throughput": lambda m: m.completed / m.clock if m.clock > 0 else 0.0,
            "timed_out": "timed_out",
            "rejected": "rejected",
        }
        for r, kind in enumerate(self.kinds):
            reporters[f"utilization_{kind}"] = lambda m, r=r: m.utilization_now()[r]
        self.datacollector = mesa.DataCollector(
            model_reporters=reporters,
            agent_reporters={"load": "load", "running": lambda a: len(a.running), "name": "name"},
        )
        self.running = True
        self.datacollector.collect(self)

    # ---------------------------------------------------------------- set-up
    @staticmethod
    def _node_specs(nodes, capacity) -> list[dict]:
        if isinstance(nodes, bool):
            raise InputError("nodes", nodes, "must be a number of nodes or a list of nodes")
        if isinstance(nodes, int):
            if nodes < 1:
                raise InputError("nodes", nodes, "must be >= 1")
            cap = {"cpu": 1.0} if capacity is None else dict(capacity)
            return [{"name": f"N{j + 1}", "resources": cap} for j in range(nodes)]
        specs = list(nodes)
        if not specs:
            raise InputError("nodes", nodes, "must not be empty")
        for k, s in enumerate(specs):
            if not isinstance(s, Mapping) or "name" not in s or not isinstance(s.get("resources"), Mapping):
                raise InputError(f"nodes[{k}]", s, "needs a name and a resources mapping")
            for kind, v in s["resources"].items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                    raise InputError(f"{kind} of node {s['name']}", v, "must be a number >= 0")
        return specs

    def _parse_demand(self, demand: Mapping) -> list[tuple[float, float]]:
        spec = []
        for kind in self.kinds:
            v = demand.get(kind, 0.0)
            low, high = (v, v) if isinstance(v, (int, float)) and not isinstance(v, bool) else tuple(v)
            if not (0 <= low <= high) or not math.isfinite(high):
                raise InputError(f"demand of {kind}", v, "must be a number >= 0 or [low, high] with 0 <= low <= high")
            spec.append((float(low), float(high)))
        return spec

    def _parse_trace(self, trace) -> list[dict]:
        out = []
        for k, rec in enumerate(trace):
            if not isinstance(rec, Mapping) or "time" not in rec or "service" not in rec:
                raise InputError(f"trace[{k}]", rec, "needs time, service and resources")
            t, s = rec["time"], rec["service"]
            if not isinstance(t, (int, float)) or not math.isfinite(t) or t < 0:
                raise InputError(f"time of trace[{k}]", t, "must be a number >= 0")
            _positive(f"service of trace[{k}]", s)
            res = rec.get("resources", {})
            d = np.array([float(res.get(kind, 0.0)) for kind in self.kinds])
            if (d < 0).any():
                raise InputError(f"resources of trace[{k}]", res, "must be >= 0")
            job = self._new_job(float(t), d, float(s), float(rec.get("priority", 0.0)), rec.get("name"))
            out.append({"time": float(t), "job": job})
        return out

    def _new_job(self, t, demand, service, priority=0.0, name=None) -> Job:
        self._next_id += 1
        return Job(self._next_id, str(name) if name is not None else f"J{self._next_id}", t, demand, service, priority)

    def _interarrival(self) -> float:
        return float(self.np_rng.exponential(1.0 / self.arrival_rate))

    def _draw_job(self, t: float) -> Job:
        d = np.array([lo if lo == hi else float(self.np_rng.integers(int(lo), int(hi) + 1))
                      for lo, hi in self._demand_spec])
        service = float(self.np_rng.exponential(1.0 / self.service_rate))
        priority = float(self.np_rng.integers(self.priorities)) if self.priorities > 1 else 0.0
        return self._new_job(t, d, service, priority)

    # ---------------------------------------------------------------- events
    def _push(self, t: float, kind: int, job: Job | None) -> None:
        self._seq += 1
        heapq.heappush(self._events, (t, self._seq, kind, job))

    def _record(self, t: float) -> None:
        used = (self.capacity - self.free).sum(axis=0)
        n = len(self.queue) + sum(len(x.running) for x in self.nodes)
        if self._history_t[-1] == t:  # several changes at one instant: keep the last state
            self._history_q[-1], self._history_n[-1], self._history_used[-1] = len(self.queue), n, used
        else:
            self._history_t.append(t)
            self._history_q.append(len(self.queue))
            self._history_n.append(n)
            self._history_used.append(used)

    def _arrive(self, t: float, job: Job | None) -> None:
        if job is None:  # Poisson stream: draw this job and schedule the next arrival
            job = self._draw_job(t)
            self._push(t + self._interarrival(), _ARRIVAL, None)
        self.arrived += 1
        if not (job.demand <= self.capacity + CAPACITY_EPS).all(axis=1).any():
            self.rejected += 1  # fits on no node even when empty: it would wait forever
            return
        self.queue.append(job)
        if self.timeout is not None:
            self._push(t + self.timeout, _TIMEOUT, job)

    def _depart(self, t: float, job: Job) -> None:
        job.node.release(job)
        self.completed += 1
        self._finished.append(t)

    def _expire(self, job: Job) -> None:
        if job.start is None and job in self.queue:
            self.queue.remove(job)
            self.timed_out += 1

    def _choose_node(self, job: Job) -> int | None:
        ok = (self.free >= job.demand - CAPACITY_EPS).all(axis=1)
        if not ok.any():
            return None
        if self.policy == "least-loaded":
            cap = self.capacity
            used = np.divide(cap - self.free, cap, out=np.zeros_like(cap), where=cap > 0).max(axis=1, initial=0.0)
            return int(np.where(ok, used, np.inf).argmin())
        return int(ok.argmax())

    def _dispatch(self, t: float) -> None:
        if not self.queue:
            return
        if self.policy == "priority":
            # stable sort: among equal priorities the oldest (earliest in the queue) stays first
            self.queue.sort(key=lambda j: -j.priority)
        if self.policy == "backfill":
            waiting = []
            for job in self.queue:
                j = self._choose_node(job)
                if j is None:
                    waiting.append(job)
                else:
                    self._start(job, j, t)
            self.queue = waiting
            return
        while self.queue:
            j = self._choose_node(self.queue[0])
            if j is None:
                return  # head-of-line blocking: nobody overtakes the first job
            self._start(self.queue.pop(0), j, t)

    def _start(self, job: Job, j: int, t: float) -> None:
        self.nodes[j].start(job, t)
        self.waits.append((job.arrival, t - job.arrival, job.service))
        self._push(t + job.service, _DEPARTURE, job)

    def advance(self, until: float) -> None:
        """Process every event up to time ``until`` and move the clock there."""
        while self._events and self._events[0][0] <= until:
            t, _, kind, job = heapq.heappop(self._events)
            if kind == _ARRIVAL:
                self._arrive(t, job)
            elif kind == _DEPARTURE:
                self._depart(t, job)
            else:
                self._expire(job)
            self._dispatch(t)
            self._record(t)
        self.clock = until

    def step(self) -> None:
        """Advance the clock by ``dt`` and collect the data."""
        self.tick += 1
        self.advance(self.clock + self.dt)
        self.datacollector.collect(self)

    def run_until(self, horizon: float) -> None:
        """Step until the clock reaches ``horizon``."""
        while self.clock < horizon - 1e-12:
            self.tick += 1
            self.advance(min(horizon, self.clock + self.dt))
            self.datacollector.collect(self)

    # ---------------------------------------------------------------- measures
    def history(self) -> History:
        """Queue length, jobs in the system and used capacity after every change so far."""
        t = np.array(self._history_t, dtype=float)
        return History(t, np.array(self._history_q, dtype=float), np.array(self._history_n, dtype=float),
                       np.array(self._history_used, dtype=float).reshape(len(t), len(self.kinds)))

    def completion_times(self) -> np.ndarray:
        """When each completed job finished, in completion order."""
        return np.array(self._finished, dtype=float)

    def utilization_now(self) -> np.ndarray:
        """Used / total capacity per kind at the current instant."""
        total = self.capacity.sum(axis=0)
        return np.divide((self.capacity - self.free).sum(axis=0), total, out=np.zeros_like(total), where=total > 0)

    def _counted_waits(self) -> np.ndarray:
        w = np.array([x[1] for x in self.waits if x[0] >= self.warmup])
        return w

    def mean_wait(self) -> float:
        """Mean wait of the jobs that started (arrived after the warm-up); nan before any did."""
        w = self._counted_waits()
        return float(w.mean()) if w.size else float("nan")

    def p95_wait(self) -> float:
        w = self._counted_waits()
        return float(np.percentile(w, 95)) if w.size else float("nan")

    def plot_series(self) -> dict[str, list[str]]:
        """Chart title -> model reporters that belong on it (what a browser page plots)."""
        return {
            "Queue": ["queue_length", "running"],
            "Wait": ["mean_wait", "p95_wait"],
            "Utilization": [f"utilization_{k}" for k in self.kinds],
            "Throughput": ["throughput"],
            "Lost jobs": ["timed_out", "rejected"],
        }

    def summary(self, *, batches: int = 20, confidence: float = 0.95) -> RunSummary:
        """Metrics of the run after the warm-up, with batch-means confidence intervals."""
        return summarize(self, batches=batches, confidence=confidence)
