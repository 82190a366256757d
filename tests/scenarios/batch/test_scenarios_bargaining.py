"""scenarios.batch.scenarios_bargaining: bargain-topology is negotiate(..., pricing="bargain") over seeds."""

import tomllib

import pytest
from helpers import ROOT

from mas.errors import InputError
from protocols import negotiate
from scenarios.batch import parse_config, registry
from scenarios.wiring import make_instance

SC = registry.get("bargain-topology")


@pytest.mark.parametrize("buyer, seller, topology, loss", [("boulware", "conceder", "small-world", 0.0),
                                                           ("tit-for-tat", "linear", "scale-free", 0.2),
                                                           ("time:2", "random", "complete", 0.1)])
def test_matches_negotiate_with_pricing(buyer, seller, topology, loss):
    params = SC.defaults() | {"buyer": buyer, "seller": seller, "topology": topology, "agents": 8,
                              "subtasks": 4, "loss": loss, "budget": 9.0}
    metrics = SC.run(params, 5)
    result, _ = negotiate(make_instance(params, 5), "cnp", seed=5, loss=loss, pricing="bargain",
                          pricing_options={"buyer": buyer, "seller": seller, "budget": 9.0})
    pr = result.extra["pricing"]
    assert metrics["agreement_rate"] == pr["agreement_rate"] and metrics["mean_rounds"] == pr["mean_rounds"]
    assert metrics["bargaining_cost"] == pr["communication_cost"] and metrics["payment_total"] == pr["payment_total"]
    assert metrics["bargaining_messages"] == pr["messages"]["sent"]
    assert (metrics["D"], metrics["ticks"]) == (result.D, result.ticks)
    assert SC.run(params, 5) == metrics  # same seed, same result


def test_sparser_topologies_make_each_round_dearer():
    """The same strategies and seeds: bargaining over a path of several hops costs more per message."""
    base = SC.defaults() | {"agents": 10, "subtasks": 6}
    per_message = {}
    for kind in ("complete", "small-world"):
        runs = [SC.run(base | {"topology": kind}, s) for s in range(4)]
        per_message[kind] = sum(r["bargaining_cost"] for r in runs) / sum(r["bargaining_messages"] for r in runs)
    assert per_message["small-world"] > per_message["complete"]


def test_the_example_config_and_bad_strategies():
    cfg = parse_config(tomllib.loads((ROOT / "scenarios/configs/bargaining_topologies.toml").read_text()))
    assert len(cfg.runs()) == 4 * 3 * 4 * 5
    with pytest.raises(InputError, match="buyer"):
        parse_config({"scenario": "bargain-topology", "grid": {"buyer": ["linear", "haggler"]}})
    with pytest.raises(InputError, match="beta must be > 0"):
        parse_config({"scenario": "bargain-topology", "params": {"seller": "time:-1"}, "grid": {"agents": [4]}})
