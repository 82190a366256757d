"""The Mesa model runs the same algorithm the engine does and reports it through agents and a DataCollector."""

import pytest

from mas.crowdsourcing import Task, Worker, generate_stream, run_online
from mas.crowdsourcing.agents import TaskAgent, WorkerAgent
from mas.crowdsourcing.model import CrowdModel
from mas.errors import InputError


@pytest.mark.parametrize("algorithm", ["ossa-indexed", "greedy", "tgoa"])
def test_model_matches_the_engine(algorithm):
    stream = generate_stream(150, 60, seed=3, task_stay=(5, 20), worker_stay=(5, 20))
    m = CrowdModel(stream, algorithm=algorithm, rng=0)
    while m.running:
        m.step()
    m.step()  # one more tick settles states after the last arrival
    r = run_online(algorithm, stream)
    assert m.completed == r.completed and m.total_paid == pytest.approx(r.total_paid)
    assert len(m.agents_by_type[TaskAgent]) == 150 and len(m.agents_by_type[WorkerAgent]) == 60
    states = {a.state for a in m.task_agents.values()}
    assert "done" in states and states <= {"open", "merged", "done", "expired"}
    assert sum(a.state == "done" for a in m.task_agents.values()) == r.completed
    assert sum(a.state == "working" for a in m.worker_agents.values()) == r.workers_used
    df = m.datacollector.get_model_vars_dataframe()
    assert df["completed"].is_monotonic_increasing and df["completed"].iloc[-1] == r.completed
    for a in m.task_agents.values():
        x1, y1, x2, y2 = a.rect
        assert x1 <= a.pos[0] <= x2 and y1 <= a.pos[1] <= y2


def test_merged_state_and_seeded_generation():
    s = [Task("big", 0, 0, 0, 10, 10, 9), Task("small", 0, 2, 2, 2, 2, 9), Worker("w", 3, 50, 50, 1, 1, 9, 1.0)]
    m = CrowdModel(s, algorithm="ossa")
    m.step()
    assert m.task_agents["small"].state == "merged" and m.task_agents["big"].state == "open"
    a, b = CrowdModel(tasks=40, workers=20, rng=5), CrowdModel(tasks=40, workers=20, rng=5)
    assert a.arrivals == b.arrivals
    with pytest.raises(InputError, match="dt"):
        CrowdModel(s, dt=0)
