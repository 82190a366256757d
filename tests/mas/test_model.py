import random

import numpy as np
import pytest
from mesa.discrete_space import Network

from mas.agents import STATES
from mas.errors import InputError
from mas.instance import generate_instance, instance_from_dict
from mas.messages import CFP, INFORM
from mas.model import NegotiationModel
from scenarios.paper import paper_data


class Ping:
    """Tick 1: agent 0 sends a cfp to everyone; each answers inform; done when all answers are in."""

    name = "ping"

    def setup(self, state):
        self.answers = 0

    def step(self, state):
        if state.tick == 1:
            others = np.arange(1, state.n)
            state.channel.send(0, others, CFP, subtask=0, tick=state.tick)
            state.agent_list[0].announcing = True
        inbox = state.inbox
        cfp = inbox[inbox["performative"] == CFP]
        if cfp.size:
            state.channel.send(cfp["receiver"], cfp["sender"], INFORM, tick=state.tick)
        self.answers += int((inbox["performative"] == INFORM).sum())
        if self.answers == int(state.live[1:].sum()) and state.tick > 1:
            bids = np.stack([a.propose(range(state.m)) for a in state.agent_list])
            state.award(np.arange(state.m), bids.argmin(axis=0), bids.min(axis=0))
            return type("R", (), {"done": True})()
        return type("R", (), {"done": False})()


def paper_instance():
    return instance_from_dict(paper_data())


def test_one_agent_per_node_on_a_mesa_network():
    inst = generate_instance("small-world", 12, 4, seed=1)
    model = NegotiationModel(inst, Ping(), rng=1)
    assert isinstance(model.grid, Network)
    assert [a.index for a in model.agent_list] == list(range(12))
    assert all(a.cell is model.grid[a.index] for a in model.agent_list)
    assert {a.index for a in model.agents} == set(range(12))


def test_ticks_latency_and_datacollector_series():
    inst = generate_instance("complete", 5, 3, seed=2)
    model = NegotiationModel(inst, Ping(), rng=2)
    result = model.run()
    # complete graph: 1 hop; cfp at tick 1 arrives at 2, answers arrive at 3
    assert result.ticks == 3
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == ["sent", "delivered", "lost", "sent_tick", "delivered_tick", "lost_tick",
                                "communication_cost", "allocated", "D", "G"]
    assert df["sent"].tolist() == [0, 4, 8, 8]
    assert df["delivered"].tolist() == [0, 0, 4, 8]
    assert df["sent_tick"].tolist() == [0, 4, 4, 0] and df["delivered_tick"].tolist() == [0, 0, 4, 4]
    assert df["allocated"].tolist() == [0, 0, 0, 3]
    assert df["D"].iloc[-1] == pytest.approx(result.D)
    assert result.communication_cost == pytest.approx(2 * model.negotiation[0, 1:].sum())
    assert result.messages == {"sent": 8, "delivered": 8, "lost": 0, "in_flight": 0}


def test_agent_states_come_from_the_allowed_set():
    inst = generate_instance("complete", 5, 3, seed=2)
    model = NegotiationModel(inst, Ping(), rng=2, crash_ticks={3: 1})
    model.step()
    assert model.agent_list[0].state == "announcing"
    assert model.agent_list[3].state == "crashed"
    assert all(a.state in STATES for a in model.agent_list)
    assert model.messages_this_tick().size == 4


def test_crashed_agents_hear_nothing_and_their_subtasks_are_released():
    inst = generate_instance("complete", 4, 6, seed=3)
    model = NegotiationModel(inst, Ping(), rng=3, crash_ticks={2: 2})
    model.run()
    assert not model.live[2] and 2 in model.result().crashed
    assert model.agent_list[2].state == "crashed"
    assert model.result().messages["sent"] == 3 + 2  # the crashed agent never answered


def test_global_random_state_is_untouched():
    random.seed(11)
    np.random.seed(11)
    py, npy = random.getstate(), np.random.get_state()
    from protocols import negotiate

    for name in ("cnp", "cbba", "neighbour"):
        negotiate(generate_instance("small-world", 10, 5, seed=4), name, seed=4, loss=0.2, crash_prob=0.2,
                  fail_prob=0.2)
    assert random.getstate() == py
    after = np.random.get_state()
    assert after[0] == npy[0] and np.array_equal(after[1], npy[1]) and after[2:] == npy[2:]


def test_same_seed_same_run_and_different_seed_different_faults():
    from protocols import negotiate

    inst = generate_instance("small-world", 15, 8, seed=5)
    a, ma = negotiate(inst, "cnp", seed=9, loss=0.2, crash_prob=0.2, fail_prob=0.2)
    b, mb = negotiate(inst, "cnp", seed=9, loss=0.2, crash_prob=0.2, fail_prob=0.2)
    assert a.to_dict() == b.to_dict()
    assert ma.datacollector.get_model_vars_dataframe().equals(mb.datacollector.get_model_vars_dataframe())
    c, _ = negotiate(inst, "cnp", seed=10, loss=0.2, crash_prob=0.2, fail_prob=0.2)
    assert (c.messages, c.crashed) != (a.messages, a.crashed)


def test_random_crashes_spare_the_initiator_and_respect_the_probability():
    inst = generate_instance("complete", 200, 2, seed=6)
    model = NegotiationModel(inst, Ping(), rng=6, crash_prob=0.2, initiator=7)
    ticks = [a.crash_tick for a in model.agent_list]
    assert ticks[7] is None
    crashing = sum(t is not None for t in ticks)
    assert 20 < crashing < 60 and all(1 <= t <= 10 for t in ticks if t is not None)


def test_stopping_at_max_ticks_gives_reasons():
    class Never:
        name = "never"

        def setup(self, state):
            pass

        def step(self, state):
            return type("R", (), {"done": False})()

    result = NegotiationModel(paper_instance(), Never(), rng=0, max_ticks=4).run()
    assert result.ticks == 4 and result.allocation == [None] * 6
    assert [u["subtask"] for u in result.unallocated] == list(range(6))
    assert "max ticks" in result.unallocated[0]["reason"]


def test_asking_for_the_result_mid_run_changes_nothing():
    from protocols import negotiate
    from protocols.contract_net import ContractNet

    inst = generate_instance("small-world", 12, 5, seed=8)
    model = NegotiationModel(inst, ContractNet(), rng=8)
    model.step()
    early = model.result()
    assert early.allocation == [None] * 5 and "tick 1" in early.unallocated[0]["reason"]
    final = model.run()
    assert final.to_dict() == negotiate(inst, "cnp", seed=8)[0].to_dict()


@pytest.mark.parametrize("kwargs, field", [
    ({"crash_prob": 1.0}, "crash_prob"), ({"fail_prob": -1}, "fail_prob"), ({"initiator": 6}, "initiator"),
    ({"max_ticks": 0}, "max_ticks"), ({"crash_ticks": {9: 1}}, "crash_ticks"), ({"capacity": 0}, "capacity"),
    ({"crash_ticks": {1: 0}}, "crash_ticks"),
])
def test_bad_options_name_the_field(kwargs, field):
    with pytest.raises(InputError, match=field):
        NegotiationModel(paper_instance(), Ping(), rng=0, **kwargs)
