"""topologies.build refuses an option its kind does not take, instead of swallowing it."""

from __future__ import annotations

import pytest

import topologies
from mas.instance import generate_instance
from topologies import TopologyError


@pytest.mark.parametrize("kind", ["complete", "random", "small-world", "scale-free", "grid"])
def test_an_unknown_option_is_refused_by_name(kind):
    with pytest.raises(TopologyError, match=r"bogus = 1: not an option of a .* topology") as err:
        topologies.build(kind, 6, seed=1, bogus=1)
    assert isinstance(err.value, ValueError)
    takes = topologies.kind_options(kind)
    assert f"it takes {', '.join(takes) or 'none'}" in str(err.value)


@pytest.mark.parametrize(("kind", "option"), [("grid", "p"), ("complete", "k"), ("scale-free", "p"),
                                              ("small-world", "m"), ("random", "k")])
def test_an_option_of_another_kind_is_refused(kind, option):
    with pytest.raises(TopologyError, match=f"{option} = 3: not an option of a {kind} topology"):
        topologies.build(kind, 6, seed=1, **{option: 3})


def test_the_complete_arrays_and_generated_instances_refuse_them_too():
    with pytest.raises(TopologyError, match="p = 0.5"):
        topologies.complete_topology(5, seed=1, p=0.5)
    with pytest.raises(ValueError, match="bogus"):
        generate_instance("complete", 5, 2, seed=1, bogus=True)
    with pytest.raises(ValueError, match="edge_prob"):
        generate_instance("random", 5, 2, seed=1, edge_prob=0.5)  # the batch parameter's name, not build's


def test_each_kind_takes_its_generators_parameters():
    assert {kind: topologies.kind_options(kind) for kind in topologies.KINDS} == {
        "complete": (), "random": ("p", "tries"), "small-world": ("k", "p"), "scale-free": ("m",), "grid": ()}
    with pytest.raises(TopologyError, match="unknown topology"):
        topologies.kind_options("torus")


def test_the_options_a_kind_takes_still_work():
    G = topologies.build("small-world", 12, seed=3, k=4, p=0.2)
    assert G.number_of_nodes() == 12
    assert topologies.build("random", 12, seed=3, p=0.9).number_of_edges() > 40
    assert topologies.build("scale-free", 12, seed=3, m=3).number_of_edges() == 3 * (12 - 3)
