"""Invariants under injected faults, for every protocol (PROTOCOLS.md)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mas.instance import generate_instance
from protocols import names, negotiate

faults = dict(
    name=st.sampled_from(names()),
    kind=st.sampled_from(["random", "small-world", "scale-free", "complete"]),
    n=st.integers(3, 14),
    m=st.integers(1, 8),
    seed=st.integers(0, 2**31),
    loss=st.floats(0.0, 0.3),
    crash=st.floats(0.0, 0.2),
    fail=st.floats(0.0, 0.3),
)


def check_invariants(inst, result, model):
    m = inst.m
    assert len(result.allocation) == m
    reasons = {u["subtask"]: u["reason"] for u in result.unallocated}
    assert len(reasons) == len(result.unallocated)  # each unallocated subtask listed once
    for s, a in enumerate(result.allocation):
        if a is None:
            assert isinstance(reasons.get(s), str) and reasons[s]
        else:
            assert s not in reasons
            assert model.live[a], f"subtask {s} held by crashed agent {a}"
            assert np.isfinite(inst.execution_cost[s, a])
    # no subtask held by two agents: the agents' own loads add up to the ledger
    assert sum(ag.load for ag in model.agent_list) == sum(a is not None for a in result.allocation)
    if result.protocol == "cbba":  # and in CBBA every allocated subtask is in exactly one live bundle
        bundles = [t for j in np.flatnonzero(model.live) for t in model.protocol.bundles[j]]
        for s, a in enumerate(result.allocation):
            if a is not None:
                assert bundles.count(s) == 1 and s in model.protocol.bundles[a]
    assert result.messages["sent"] == result.messages["delivered"] + result.messages["lost"] + model.channel.in_flight


@settings(max_examples=60)
@given(**faults)
def test_fault_invariants_hold_for_every_protocol(name, kind, n, m, seed, loss, crash, fail):
    inst = generate_instance(kind, n, m, seed=seed % 1000, infeasible_prob=0.2)
    opts = dict(loss=loss, crash_prob=crash, fail_prob=fail, max_ticks=400)
    result, model = negotiate(inst, name, seed=seed, **opts)
    check_invariants(inst, result, model)
    again, model2 = negotiate(inst, name, seed=seed, **opts)
    assert again.to_dict() == result.to_dict()
    assert model.datacollector.get_model_vars_dataframe().equals(model2.datacollector.get_model_vars_dataframe())


@settings(max_examples=15)
@given(**faults)
def test_invariants_hold_after_kswaps_too(name, kind, n, m, seed, loss, crash, fail):
    inst = generate_instance(kind, n, m, seed=seed % 1000)
    result, model = negotiate(inst, name, seed=seed, kswap=2, loss=loss, crash_prob=crash, fail_prob=fail,
                              max_ticks=400)
    for a in result.allocation:
        assert a is None or model.live[a]
    assert result.extra["kswap"]["D_after"] <= result.extra["kswap"]["D_before"] + 1e-9
