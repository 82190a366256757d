"""An instance is validated once: `mas compare` and `mas negotiate` build one CostModel and pass it on."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ROOT

from mas import costs as costs_module
from mas.errors import InputError
from mas.instance import generate_instance, load_instance
from mas.model import NegotiationModel
from protocols import create, negotiate
from scenarios.negotiation import compare, negotiation_report

PAPER = ROOT / "scenarios" / "data" / "paper_example.json"


@pytest.fixture
def constructions(monkeypatch):
    """How many CostModels are built (each one validates every matrix)."""
    count = [0]
    original = costs_module.CostModel.__init__

    def counting(self, *args, **kwargs):
        count[0] += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(costs_module.CostModel, "__init__", counting)
    return count


def test_compare_builds_one_cost_model(constructions):
    inst = generate_instance("small-world", 10, 5, seed=4)
    assert constructions[0] == 1  # generating validates once, as loading does (its C is then shared, not copied)
    report = compare(inst, seed=1)
    assert constructions[0] == 1  # was 10: the optimum, one per protocol (8), the coordinator rows
    assert len(report["rows"]) > 8


def test_compare_under_working_lambda_builds_one_too(constructions):
    compare(generate_instance("small-world", 10, 5, seed=4), seed=1, participation="working", objective="G")
    assert constructions[0] == 1


def test_a_loaded_instance_is_not_validated_again(constructions):
    inst = load_instance(PAPER)
    assert constructions[0] == 1
    compare(inst, seed=0)
    negotiation_report(inst, "cnp", seed=0)
    assert constructions[0] == 1


def test_a_changed_instance_is_validated_again(constructions):
    inst = load_instance(PAPER)
    first = inst.cost_model()
    assert inst.cost_model("working").C is first.C and inst.cost_model("working").participation == "working"
    assert constructions[0] == 1
    inst.kappa = 3.0
    assert inst.cost_model().kappa == 3.0 and constructions[0] == 2
    assert inst.cost_model().C is first.C  # read-only all the way down: validated again, not copied
    with pytest.raises(ValueError, match="read-only"):
        load_instance(PAPER).execution_cost[0, 0] = 1.0  # the validated matrices cannot change under it


def test_negotiate_builds_one_cost_model_and_scores_alike(constructions):
    inst = generate_instance("scale-free", 9, 4, seed=2)
    report = negotiation_report(inst, "ssi", seed=3, kswap=2)
    assert constructions[0] == 1
    result, _ = negotiate(inst, "ssi", seed=3, kswap=2)
    assert (report["D"], report["G"], report["allocation"]) == (result.D, result.G, result.allocation)


def test_a_cost_model_of_another_instance_is_refused():
    inst = generate_instance("complete", 4, 3, seed=1)
    other = generate_instance("complete", 5, 3, seed=1).cost_model()
    with pytest.raises(InputError, match="costs"):
        NegotiationModel(inst, create("cnp"), rng=1, costs=other)


def test_the_model_scores_by_working_agents_whatever_lambda_it_is_given():
    inst = generate_instance("small-world", 8, 4, seed=5)
    plain = NegotiationModel(inst, create("cnp"), rng=1).run()
    working = NegotiationModel(inst, create("cnp"), rng=1, costs=inst.cost_model("working")).run()
    assert (plain.D, plain.G, plain.allocation) == (working.D, working.G, working.allocation)
    assert np.isfinite(plain.D)
