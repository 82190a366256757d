"""Workers and tasks as Mesa agents on a continuous plane (positions are our own attributes)."""

from __future__ import annotations

import mesa

from mas.crowdsourcing.events import Task, Worker


class TaskAgent(mesa.Agent):
    """A range task; ``state`` is open, merged, done or expired; ``pos`` the centre of its range."""

    def __init__(self, model: mesa.Model, task: Task) -> None:
        super().__init__(model)
        self.task = task
        self.rect = task.rect
        self.pos = ((task.rect[0] + task.rect[2]) / 2, (task.rect[1] + task.rect[3]) / 2)
        self.state = "open"


class WorkerAgent(mesa.Agent):
    """A worker; ``state`` is waiting, working or left; ``rect`` its acceptable range."""

    def __init__(self, model: mesa.Model, worker: Worker) -> None:
        super().__init__(model)
        self.worker = worker
        self.rect = worker.rect
        self.bid = worker.bid
        self.pos = ((worker.rect[0] + worker.rect[2]) / 2, (worker.rect[1] + worker.rect[3]) / 2)
        self.state = "waiting"
