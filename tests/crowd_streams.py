"""Hypothesis strategies for small crowdsourcing streams and the seed scenario (shared by the crowdsourcing tests)."""

from hypothesis import strategies as st

from mas.crowdsourcing import Task, Worker

# the seed paper's first scenario as event records
SCENARIO_1 = [
    {"kind": "task", "id": "t1", "time": 1, "x": 50, "y": 50, "w": 100, "h": 100, "deadline": 5, "price": 3},
    {"kind": "task", "id": "t2", "time": 2, "x": 100, "y": 100, "w": 50, "h": 50, "deadline": 6, "price": 3},
    {"kind": "worker", "id": "w1", "time": 2, "x": 0, "y": 0, "w": 200, "h": 200, "deadline": 10, "bid": 1},
    {"kind": "worker", "id": "w2", "time": 2, "x": 0, "y": 0, "w": 200, "h": 200, "deadline": 10, "bid": 5},
]


@st.composite
def streams(draw, max_tasks=14, max_workers=8, plane=20, horizon=12, max_stay=8):
    """Arrival streams on a small integer plane, so relations, ties and expiries are frequent."""
    n_t = draw(st.integers(0, max_tasks))
    n_w = draw(st.integers(0, max_workers))
    kinds = ["task"] * n_t + ["worker"] * n_w
    kinds = draw(st.permutations(kinds))
    times = sorted(draw(st.lists(st.integers(0, horizon), min_size=len(kinds), max_size=len(kinds))))
    out = []
    for i, (kind, t) in enumerate(zip(kinds, times)):
        big = kind == "worker"
        w = draw(st.integers(1, 12 if big else 8))
        h = draw(st.integers(1, 12 if big else 8))
        x = draw(st.integers(0, plane - w))
        y = draw(st.integers(0, plane - h))
        stay = draw(st.integers(0, max_stay))
        if kind == "task":
            out.append(Task(f"t{i}", float(t), float(x), float(y), float(w), float(h), float(t + stay), 1.0))
        else:
            bid = draw(st.integers(1, 5))
            out.append(Worker(f"w{i}", float(t), float(x), float(y), float(w), float(h), float(t + stay), float(bid)))
    return out


@st.composite
def disc_streams(draw, max_tasks=10, max_workers=6, plane=12, horizon=12, max_stay=8):
    """The goma setting: point tasks, disc workers with capacities 1-2, fractional pay and rates, times in
    any order (for ``order="given"``), many distances exactly on a disc's boundary (integer 3-4-5s)."""
    n_t = draw(st.integers(0, max_tasks))
    n_w = draw(st.integers(0, max_workers))
    kinds = draw(st.permutations(["task"] * n_t + ["worker"] * n_w))
    out = []
    for i, kind in enumerate(kinds):
        t = float(draw(st.integers(0, horizon)))
        x, y = float(draw(st.integers(0, plane))), float(draw(st.integers(0, plane)))
        end = t + draw(st.integers(0, max_stay))
        if kind == "task":
            out.append(Task.point(f"t{i}", t, x, y, end, draw(st.sampled_from([0.5, 1.0, 1.5, 2.25, 3.0]))))
        else:
            out.append(Worker.disc(f"w{i}", t, x, y, float(draw(st.sampled_from([0, 1, 3, 4, 5]))), end,
                                   float(draw(st.integers(0, 3))), capacity=draw(st.integers(1, 2)),
                                   rate=draw(st.sampled_from([0.5, 1.0, 1.25]))))
    return out
