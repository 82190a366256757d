"""The Mesa compatibility layer: seeding through rng= and a network without global randomness."""

from __future__ import annotations

import random

import mesa
import numpy as np

import topologies
from mas import compat


class _Tiny(mesa.Model):
    def __init__(self, rng=None):
        super().__init__(**compat.model_init_kwargs(rng))
        G = topologies.build("small-world", 12, seed=self.rng)
        self.grid = compat.make_network(G, random=self.random,
                                        positions=dict(G.nodes(data="pos")))
        for cell in self.grid.all_cells:
            agent = mesa.Agent(self)
            agent.cell = cell
        self.ticks = 0

    def step(self):
        self.ticks += 1
        for agent in compat.agents_of(self.agents):
            agent.value = self.rng.random()


def test_seeded_run_leaves_global_random_state_untouched():
    random.seed(1)
    np.random.seed(1)
    py_state, np_state = random.getstate(), np.random.get_state()[1].copy()
    model = _Tiny(rng=42)
    for _ in range(3):
        model.step()
    assert random.getstate() == py_state
    assert np.array_equal(np.random.get_state()[1], np_state)


def test_same_seed_same_run():
    def run():
        model = _Tiny(rng=np.random.default_rng(7))
        for _ in range(2):
            model.step()
        return sorted(round(a.value, 12) for a in model.agents), sorted(model.grid.G.edges)

    assert run() == run()


def test_model_init_kwargs_use_rng():
    assert compat.model_init_kwargs(5) == {"rng": 5}
    kw = compat.model_init_kwargs(np.random.default_rng(5))
    assert isinstance(kw["rng"], int)
