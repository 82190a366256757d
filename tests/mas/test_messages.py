import numpy as np
import pytest

from mas.errors import InputError
from mas.messages import CFP, MESSAGE, PROPOSE, Channel, Performative, to_dicts

HOPS = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]])
COSTS = np.array([[0, 1.5, 4.0], [1.5, 0, 2.5], [4.0, 2.5, 0]])


def test_latency_is_hops_and_cost_is_pair_cost():
    ch = Channel(HOPS, COSTS, rng=0)
    assert ch.send(0, [1, 2], CFP, subtask=[7, 8], conversation=3, tick=5) == 2
    assert ch.deliver(5).size == 0
    one = ch.deliver(6)
    assert one["receiver"].tolist() == [1] and one["subtask"].tolist() == [7]
    two = ch.deliver(7)
    assert two["receiver"].tolist() == [2] and two["due"].tolist() == [7] and two["sent"].tolist() == [5]
    assert ch.communication_cost == 5.5
    assert ch.stats() == {"sent": 2, "delivered": 2, "lost": 0, "in_flight": 0}
    assert ch.in_flight == 0


def test_a_message_to_oneself_takes_one_tick_and_costs_nothing():
    ch = Channel(HOPS, COSTS, rng=0)
    ch.send(1, 1, PROPOSE, content=3.0, tick=0)
    assert ch.deliver(1)["content"].tolist() == [3.0]
    assert ch.communication_cost == 0.0


def test_fixed_latency_overrides_hops():
    ch = Channel(HOPS, COSTS, rng=0, latency=3)
    ch.send(0, [1, 2], CFP, tick=0)
    assert ch.deliver(3).size == 2


def test_loss_is_seeded_and_close_to_its_probability():
    def run(seed):
        ch = Channel(HOPS, COSTS, rng=seed, loss=0.3)
        ch.send(0, np.ones(10_000, dtype=int), CFP, tick=0)
        return ch, ch.deliver(1)

    ch, got = run(4)
    assert ch.sent == 10_000 and ch.lost + got.size == 10_000 and ch.delivered == got.size
    assert 0.27 < ch.lost / ch.sent < 0.33
    assert np.array_equal(run(4)[0].sent_this_tick()["lost"], ch.sent_this_tick()["lost"])  # same seed, same losses
    assert not np.array_equal(run(5)[0].sent_this_tick()["lost"], ch.sent_this_tick()["lost"])
    assert ch.sent_this_tick()["lost"].sum() == ch.lost  # lost ones are visible to a view, flagged
    assert ch.communication_cost == 10_000 * 1.5  # lost messages were still sent and paid for


def test_batches_keep_send_order_within_a_tick():
    ch = Channel(HOPS, COSTS, rng=0)
    ch.send(0, [2, 1, 2], CFP, subtask=[0, 1, 2], tick=0)
    ch.send(1, [0, 2], PROPOSE, subtask=[3, 4], tick=0)
    assert ch.deliver(1)["subtask"].tolist() == [1, 3, 4]
    assert ch.deliver(2)["subtask"].tolist() == [0, 2]


def test_sent_this_tick_resets():
    ch = Channel(HOPS, COSTS, rng=0)
    ch.send(0, [1], CFP, tick=0)
    assert ch.sent_this_tick().size == 1
    ch.begin_tick()
    assert ch.sent_this_tick().size == 0 and ch.sent_this_tick().dtype == MESSAGE


def test_to_dicts_names_performatives_like_fipa():
    ch = Channel(HOPS, COSTS, rng=0)
    ch.send(0, [1], int(Performative.ACCEPT_PROPOSAL), subtask=2, tick=0)
    d = to_dicts(ch.deliver(1))[0]
    assert d["performative"] == "accept-proposal" and d["sender"] == 0 and d["receiver"] == 1


@pytest.mark.parametrize(
    "kwargs, field", [({"loss": 1.0}, "loss"), ({"loss": -0.1}, "loss"), ({"latency": 0}, "latency")]
)
def test_bad_channel_options_name_the_field(kwargs, field):
    with pytest.raises(InputError, match=field):
        Channel(HOPS, COSTS, **kwargs)


def test_shape_mismatch_is_an_error():
    with pytest.raises(InputError, match="hops"):
        Channel(HOPS[:2, :2], COSTS)
