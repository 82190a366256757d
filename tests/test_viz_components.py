"""The model functions behind the browser pages, without a browser: layout, colours, traffic, bars, rectangles."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

import topologies
from mas.agents import STATES
from mas.messages import Performative
from scenarios.viz import PAGES, assets
from scenarios.viz.components import RENDER_INTERVAL_ENV, figure_component, render_interval, render_png
from scenarios.viz.crowd import draw as crowd_draw
from scenarios.viz.crowd.model import CrowdView
from scenarios.viz.negotiation import draw as neg_draw
from scenarios.viz.negotiation.model import NegotiationView
from scenarios.viz.resources import draw as res_draw
from scenarios.viz.resources.model import ResourcesView


def _named_graph(n=12, seed=4):
    """A topology whose node names are not 0..n-1, as one loaded from a file keeps them."""
    G = topologies.build("small-world", n, seed=seed)
    return nx.relabel_nodes(G, {v: f"node-{10 * v + 7}" for v in G.nodes})


def _agent_points(fig) -> np.ndarray:
    ax = fig.axes[0]
    pts = [c.get_offsets() for c in ax.collections if len(c.get_offsets()) and c.get_offsets().shape[1] == 2
           and not hasattr(c, "get_segments")]
    return np.concatenate(pts) if pts else np.empty((0, 2))


# -- negotiation -------------------------------------------------------------------------
def test_every_agent_is_drawn_at_its_own_position_with_named_nodes():
    G = _named_graph()
    model = NegotiationView(topology=G, subtasks=5, seed=2)
    expected = np.array([G.nodes[v]["pos"] for v in G.nodes])
    assert model.names == list(G.nodes)
    np.testing.assert_allclose(model.xy, expected)
    fig = Figure()
    neg_draw.draw_topology(model, fig)
    drawn = _agent_points(fig)
    assert len(drawn) == G.number_of_nodes()  # nobody dropped for a node id that is not an index
    np.testing.assert_allclose(np.sort(drawn, axis=0), np.sort(expected, axis=0))


def test_positions_are_computed_once_not_per_frame():
    model = NegotiationView(agents=15, subtasks=4, seed=3)
    xy, edges = model.xy, model.edges
    before = xy.copy()
    for _ in range(4):
        model.step()
        neg_draw.draw_topology(model, Figure())
    assert model.xy is xy and model.edges is edges
    np.testing.assert_array_equal(model.xy, before)


def test_graph_without_positions_is_laid_out_once_with_the_seed():
    G = nx.relabel_nodes(nx.cycle_graph(6), {i: chr(97 + i) for i in range(6)})
    nx.set_edge_attributes(G, 1.0, "weight")
    a, b = NegotiationView(topology=G, subtasks=3, seed=5), NegotiationView(topology=G, subtasks=3, seed=5)
    np.testing.assert_array_equal(a.xy, b.xy)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=50))
def test_edge_width_grows_with_negotiation_cost(costs):
    w = neg_draw.edge_widths(costs, low=0.5, high=3.0)
    c = np.asarray(costs)
    order = np.argsort(c, kind="stable")
    assert np.all(np.diff(w[order]) >= -1e-12)
    assert w.min() >= 0.5 - 1e-12 and w.max() <= 3.0 + 1e-12
    if c.max() > c.min():
        assert w[c.argmin()] == pytest.approx(0.5) and w[c.argmax()] == pytest.approx(3.0)


@pytest.mark.parametrize("protocol,loss", [("cnp", 0.0), ("cnp", 0.3), ("ssi", 0.0), ("cbba", 0.0)])
def test_message_traffic_follows_the_charged_paths(protocol, loss):
    model = NegotiationView(agents=16, subtasks=5, protocol=protocol, loss=loss, seed=7)
    seen = 0
    for _ in range(12):
        model.step()
        msgs = model.messages_this_tick()
        traffic = neg_draw.message_traffic(model)
        # a message is drawn on the edges of the path it is charged for: the costs add up
        drawn_cost = sum(float(per_edge @ model.edge_cost) for per_edge in traffic.values())
        assert drawn_cost == pytest.approx(float(msgs["cost"].sum()))
        for name, per_edge in traffic.items():
            if name == "lost":
                mine = msgs[msgs["lost"]]
            else:
                mine = msgs[(msgs["performative"] == int(Performative[name.upper().replace("-", "_")]))
                            & ~msgs["lost"]]
            assert (per_edge > 0).any() == (mine.size > 0)
            assert per_edge.sum() >= mine.size  # every message crosses at least one edge
        seen += msgs.size
        if model.done:
            break
    assert seen > 0
    if loss:
        assert model.channel.lost > 0


def test_agent_colours_follow_states_and_crashes():
    model = NegotiationView(agents=20, subtasks=6, crash_prob=0.45, seed=11)
    crashed_seen = False
    while not model.done and model.tick < 1000:
        model.step()
        states, colors = neg_draw.agent_states(model), neg_draw.agent_colors(model)
        assert set(states) <= set(STATES)
        assert colors == [neg_draw.STATE_COLORS[s] for s in states]
        for a in model.agent_list:
            assert (a.state == "crashed") == a.crashed
        crashed_seen |= "crashed" in states
        np.testing.assert_array_equal(neg_draw.agent_loads(model),
                                      np.bincount(model.allocation[model.allocation >= 0], minlength=model.n))
    assert crashed_seen
    assert not model.running  # Play stops when the protocol is done


def test_labels_all_agents_of_a_small_run_and_the_loaded_ones_of_a_big_run():
    small = NegotiationView(agents=10, subtasks=3, seed=1)
    assert neg_draw.labelled_agents(small).tolist() == list(range(10))
    big = NegotiationView(agents=80, subtasks=4, protocol="ssi", seed=1)
    big.run()
    labelled = neg_draw.labelled_agents(big)
    assert set(labelled.tolist()) == set(np.flatnonzero(neg_draw.agent_loads(big)).tolist()) and labelled.size > 0


def test_series_per_tick_agree_with_the_channel():
    model = NegotiationView(agents=12, subtasks=4, seed=2, loss=0.2)
    model.run()
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == model.tick + 1
    np.testing.assert_array_equal(df["messages"].to_numpy()[1:], np.diff(df["sent"].to_numpy()))
    np.testing.assert_array_equal(df["lost_this_tick"].to_numpy()[1:], np.diff(df["lost"].to_numpy()))
    score = model.current_score()
    assert df["D"].iloc[-1] == pytest.approx(score.D) and df["G"].iloc[-1] == pytest.approx(score.G)
    assert math.isnan(df["G"].iloc[0])  # nothing allocated yet: G undefined, drawn as a gap


@pytest.mark.parametrize("agents", [8, 60])
def test_gk_curve_and_best_k_are_the_coordinators(agents):
    model = NegotiationView(agents=agents, subtasks=5, seed=3)
    ks, G, best = neg_draw.gk_curve(model)
    assert ks.tolist() == list(range(1, agents + 1))
    assert best == int(np.nanargmin(G)) + 1
    strategy = None if agents <= 50 else "greedy"
    assert best == model.costs.sweep(strategy).best_k
    fig = Figure()
    neg_draw.draw_gk(model, fig)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(f"best k = {best}" in t for t in labels)
    assert neg_draw.gk_key(model) == (0, math.inf)  # nothing allocated yet


def test_status_line_and_d_and_g_axes():
    model = NegotiationView(agents=10, subtasks=3, seed=1)
    assert neg_draw.status(model).startswith("Tick 0 |")
    model.step()
    assert neg_draw.status(model).startswith("Tick 1 |")
    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1, 2], [10, 12, 9], label="D")
    ax.plot([0, 1, 2], [1, 1.5, 0.8], label="G")
    neg_draw.d_and_g_axes(ax)
    twin = [a for a in fig.axes if a is not ax][0]
    assert [ln.get_label() for ln in ax.get_lines()] == ["D"]
    assert [ln.get_label() for ln in twin.get_lines()] == ["G"]
    np.testing.assert_array_equal(twin.get_lines()[0].get_ydata(), [1, 1.5, 0.8])


# -- resources -------------------------------------------------------------------------------
def test_utilization_bars_per_node_and_kind():
    model = ResourcesView(nodes=3, arrival_rate=6.0, service_rate=0.5, seed=2)
    for _ in range(8):
        model.step()
    u = res_draw.utilization(model)
    assert u.shape == (3, len(model.kinds))
    assert ((u >= 0) & (u <= 1 + 1e-12)).all() and u.max() > 0
    for node in model.nodes:
        np.testing.assert_allclose(u[node.index], node.utilization)
    df = model.datacollector.get_model_vars_dataframe()
    assert res_draw.running_jobs(model).sum() == df["running"].iloc[-1]
    fig = Figure()
    res_draw.draw_nodes(model, fig)
    heights = np.array([p.get_height() for p in fig.axes[0].patches])
    np.testing.assert_allclose(np.sort(heights), np.sort(u.T.ravel()))
    assert res_draw.status(model).startswith("Tick 8 |")


# -- crowdsourcing -----------------------------------------------------------------------------
def test_plane_rectangles_by_state():
    model = CrowdView(tasks=80, workers=40, seed=3)
    for _ in range(30):
        model.step()
    tasks = crowd_draw.task_rects(model)
    states = [a.state for a in model.task_agents.values()]
    for s in crowd_draw.TASK_STATES:
        assert len(tasks[s]) == states.count(s)
    assert sum(len(r) for r in tasks.values()) == len(model.task_agents)
    workers = crowd_draw.worker_rects(model)
    assert len(workers["working"]) == len(model.ledger.used)
    fig = Figure()
    crowd_draw.draw_plane(model, fig)
    polys = sum(len(c.get_paths()) for c in fig.axes[0].collections)
    assert polys == sum(len(r) for r in tasks.values()) + sum(len(r) for r in workers.values())
    assert crowd_draw.status(model).startswith("Tick 30 |")


def test_corners_of_rectangles():
    c = crowd_draw.corners(np.array([[1.0, 2.0, 4.0, 6.0]]))
    assert c.tolist() == [[[1, 2], [4, 2], [4, 6], [1, 6]]]


# -- shared ------------------------------------------------------------------------------------
def test_render_png_and_figure_component():
    model = ResourcesView(nodes=2)
    png = render_png(model, res_draw.draw_nodes, (4, 3))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    make, page = figure_component(res_draw.draw_nodes, page=1)
    assert page == 1 and callable(make)


def test_render_interval_from_the_environment(monkeypatch):
    monkeypatch.delenv(RENDER_INTERVAL_ENV, raising=False)
    assert render_interval() == 1 and render_interval(5) == 5
    monkeypatch.setenv(RENDER_INTERVAL_ENV, "20")
    assert render_interval() == 20
    monkeypatch.setenv(RENDER_INTERVAL_ENV, "zero")
    assert render_interval() == 1
    monkeypatch.setenv(RENDER_INTERVAL_ENV, "-3")
    assert render_interval() == 1


def test_pages_and_web_assets_are_known():
    assert set(PAGES) == {"negotiation", "crowd", "resources"}
    needed = assets.needed()
    assert any(p.startswith("requirejs@") for p in needed)
    assert any("vue-grid-layout@" in p for p in needed)
    assert all("@" in p.lstrip("@") for p in needed)


def test_dense_graph_edges_are_drawn_once_into_an_image():
    model = NegotiationView(topology="complete", agents=60, subtasks=3, seed=1)  # 1770 edges
    assert len(model.edges) >= neg_draw.EDGE_IMAGE_MIN_EDGES
    fig = Figure()
    neg_draw.draw_topology(model, fig)
    image = model.edge_image
    assert image is not None and image.ndim == 3 and image.shape[2] == 4
    assert (image[..., :3] < 255).any()  # something was drawn
    model.step()
    neg_draw.draw_topology(model, Figure())
    assert model.edge_image is image
    assert len(_agent_points(fig)) == 60
    sparse = NegotiationView(agents=20, subtasks=3, seed=1)
    neg_draw.draw_topology(sparse, Figure())
    assert sparse.edge_image is None
