"""The three Mesa models follow Mesa's conventions alike: ``running`` and one tick counter, ``tick``."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from mas.crowdsourcing.model import CrowdModel
from mas.instance import generate_instance
from mas.model import NegotiationModel
from mas.resources.dynamic import AllocationModel
from protocols import create


def _negotiation():
    return NegotiationModel(generate_instance("small-world", 8, 4, seed=3), create("cnp"), rng=3)


def _crowd():
    return CrowdModel(tasks=20, workers=10, rng=2)


def _queue():
    return AllocationModel(nodes=2, arrival_rate=2.0, rng=1)


MODELS = {"negotiation": _negotiation, "crowd": _crowd, "queue": _queue}


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_every_model_starts_running_at_tick_0(make):
    model = make()
    assert isinstance(model, mesa.Model)
    assert model.running is True and model.tick == 0


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_a_step_is_one_tick_and_mesa_counts_the_same_steps(make):
    model = make()
    for expected in range(1, 4):
        assert model.running
        model.step()
        assert model.tick == expected == getattr(model, "steps", expected)  # Mesa 3.3 to 3.x count steps


@pytest.mark.parametrize("make", [_negotiation, _crowd], ids=["negotiation", "crowd"])
def test_running_turns_false_when_the_run_is_over_and_stays_so(make):
    model = make()
    ticks = 0
    while model.running and ticks < 1000:
        model.step()
        ticks += 1
    assert not model.running and model.tick == ticks
    model.step()
    assert not model.running


def test_a_negotiation_stops_running_exactly_when_its_protocol_is_done():
    model = _negotiation()
    while not model.done:
        assert model.running
        model.step()
    assert not model.running and model.result().ticks == model.tick


def test_the_queue_history_accessor_matches_the_summary_inputs():
    model = _queue()
    model.run_until(30.0)
    h = model.history()
    assert h.t[0] == 0.0 and np.all(np.diff(h.t) > 0) and h.t[-1] <= model.clock
    assert h.queue.shape == h.in_system.shape == h.t.shape and h.used.shape == (h.t.size, len(model.kinds))
    assert np.all(h.in_system >= h.queue) and np.all(h.used >= 0)
    assert model.completion_times().size == model.completed
    assert set(h.to_dict()) == {"t", "queue", "in_system", "used"}
