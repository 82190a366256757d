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
from scenarios.viz.components import RENDER_INTERVAL_ENV, render_interval
from scenarios.viz.crowd import draw as crowd_draw
from scenarios.viz.crowd.model import CrowdView
from scenarios.viz.figures import render_png
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
    # before anything is allocated D and G are undefined (not 0); before a tick has run, so are its messages
    nothing = (df["allocated"] == 0).to_numpy()
    assert nothing[0] and df["D"][nothing].isna().all() and df["G"][nothing].isna().all()
    assert df["D"][~nothing].notna().all()
    assert math.isnan(df["messages"].iloc[0]) and math.isnan(df["lost_this_tick"].iloc[0])


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
    assert any(f"best: k = {best}" in t for t in labels)
    ticks = fig.axes[0].get_xticks()
    assert np.allclose(ticks, np.round(ticks))  # whole numbers of participants
    assert neg_draw.gk_key(model) == (0, math.inf)  # nothing allocated yet


def test_status_line_items_never_split_a_value():
    model = NegotiationView(agents=10, subtasks=3, seed=1)
    items = neg_draw.status(model)
    assert items[0] == "Tick 0" and "D: -" in items and "G: -" in items  # undefined, not 0
    assert "messages this tick: -" in items
    assert f"least D: {model.optimum.D:.4g}" in items
    model.step()
    assert neg_draw.status(model)[0] == "Tick 1"
    model.run()
    assert neg_draw.status(model)[0].endswith("(finished)")
    assert neg_draw.finished(model).startswith(f"Finished at tick {model.tick}")


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
    jobs, bars = fig.axes
    heights = np.array([p.get_height() for p in bars.patches])
    np.testing.assert_allclose(np.sort(heights), np.sort(u.T.ravel()))
    np.testing.assert_array_equal([p.get_height() for p in jobs.patches], res_draw.running_jobs(model))
    items = res_draw.status(model)
    assert items[0] == "Tick 8" and "nodes: 3" in items and "policy: fifo" in items


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
    items = crowd_draw.status(model)
    assert items[0] == "Tick 30"
    assert f"tasks arrived: {len(model.task_agents)}/80" in items
    assert f"workers arrived: {len(model.worker_agents)}/40" in items
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_corners_of_rectangles():
    c = crowd_draw.corners(np.array([[1.0, 2.0, 4.0, 6.0]]))
    assert c.tolist() == [[[1, 2], [4, 2], [4, 6], [1, 6]]]


# -- shared ------------------------------------------------------------------------------------
def test_render_png_keeps_the_pixel_size():
    from PIL import Image

    model = ResourcesView(nodes=2)
    png = render_png(model, res_draw.draw_nodes, (4, 3))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    import io

    assert Image.open(io.BytesIO(png)).size == (400, 300)  # the same size every frame: the layout stays put


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


# -- what a person sees (issue 14) -------------------------------------------------------------
def _texts(fig):
    return [t for t in fig.findobj(lambda o: hasattr(o, "get_fontsize") and hasattr(o, "get_text"))
            if t.get_text().strip()]


def _rendered(model, draw, size=(5.0, 2.5)):
    """Draw into a Figure with the page's style, as render_png does, and keep the Figure."""
    from matplotlib import rc_context

    from scenarios.viz.figures import STYLE

    with rc_context(STYLE):
        fig = Figure(figsize=size)
        draw(model, fig)
        fig.canvas.draw()
    return fig


def _pages():
    from scenarios.viz.crowd import app as crowd_app
    from scenarios.viz.negotiation import app as neg_app
    from scenarios.viz.resources import app as res_app

    return {"negotiation": (neg_app, NegotiationView), "crowd": (crowd_app, CrowdView),
            "resources": (res_app, ResourcesView)}


@pytest.mark.parametrize("name", ["negotiation", "crowd", "resources"])
def test_every_plot_has_a_title_axis_labels_and_readable_text_at_tick_0(name):
    app, cls = _pages()[name]
    model = cls()
    for panel in [app.main, *app.side]:
        fig = _rendered(model, panel.draw, panel.size)
        ax = fig.axes[0]
        assert any(ax.get_title(loc) for loc in ("center", "left")), panel.name
        if panel is not app.main or name != "negotiation":  # the topology has no axes to label
            labelled = [a for a in fig.axes if a.get_ylabel()]
            assert labelled, f"{panel.name}: no y label"
        # 9 pt at 100 dpi is 12.5 px in the PNG (the issue saw 6-7 px)
        small = [t.get_text() for t in _texts(fig) if t.get_fontsize() < 9]
        assert not small, f"{panel.name}: text below 9 pt: {small[:5]}"
        for a in fig.axes:
            lo, hi = a.get_xlim()
            assert hi - lo >= 1, f"{panel.name}: an empty -0.04..0.04 axis"


@pytest.mark.parametrize("name,panel,empty", [("negotiation", "optimum", "nothing allocated yet"),
                                              ("negotiation", "messages", "no tick has run yet"),
                                              ("crowd", "cost", "no task completed yet"),
                                              ("resources", "wait", "no job has started yet")])
def test_nothing_is_plotted_before_it_is_defined(name, panel, empty):
    app, cls = _pages()[name]
    model = cls()
    spec = [p for p in app.side if p.name == panel][0]
    fig = _rendered(model, spec.draw, spec.size)
    drawn = [ln.get_ydata() for ax in fig.axes for ln in ax.get_lines() if ln.get_label() != "optimum"]
    assert drawn and all(not np.isfinite(np.asarray(y, dtype=float)).any() for y in drawn)
    assert any(empty in t.get_text() for t in _texts(fig))


def test_the_negotiation_page_offers_every_registered_protocol():
    import protocols

    app, _ = _pages()["negotiation"]
    assert app.model_params["protocol"]["values"] == protocols.names()


def test_agents_control_is_hidden_for_a_topology_file():
    app, _ = _pages()["negotiation"]
    spec = app.model_params["agents"]
    values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in app.model_params.items()}
    assert not spec["hidden"]({**values, "topology": "small-world"})
    assert spec["hidden"]({**values, "topology": "file"})


def test_busy_broadcasts_are_drawn_on_the_busiest_edges_with_the_count_said():
    model = NegotiationView(agents=100, subtasks=8, protocol="cbba", seed=1)
    for _ in range(3):
        model.step()
    traffic = neg_draw.message_traffic(model)
    shown, carried = neg_draw.busiest_edges(traffic)
    assert carried > neg_draw.MAX_MESSAGE_EDGES and shown.size == neg_draw.MAX_MESSAGE_EDGES
    total = np.sum(list(traffic.values()), axis=0)
    assert total[shown].min() >= np.delete(total, shown).max()  # the busiest ones
    fig = Figure()
    neg_draw.draw_topology(model, fig)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert f"({shown.size} busiest of {carried} edges)" in labels
    n_msgs = model.messages_this_tick().size
    assert any(t.endswith(f"{n_msgs} messages") for t in labels)  # the count, not the drawn sample
    assert any(t.startswith("edge, cost") for t in labels)  # what edge width means


def test_message_trace_table_is_this_ticks_messages():
    model = NegotiationView(agents=12, subtasks=4, seed=3, loss=0.3)
    caption, columns, rows = neg_draw.message_rows(model)
    assert rows == [] and "no tick has run" in caption
    while model.messages_this_tick().size == 0:
        model.step()
    msgs = model.messages_this_tick()
    caption, columns, rows = neg_draw.message_rows(model)
    assert columns[:4] == ["sender", "receiver", "performative", "subtask"] and "cost" in columns
    assert len(rows) == min(msgs.size, neg_draw.TABLE_MAX_ROWS) and str(msgs.size) in caption
    first = msgs[0]
    assert rows[0][0] == model.names[first["sender"]] and rows[0][1] == model.names[first["receiver"]]
    assert rows[0][2] == Performative(int(first["performative"])).fipa
    assert float(rows[0][5]) == pytest.approx(float(first["cost"]), rel=1e-2)


def test_comparison_with_the_coordinators_optimum():
    from mas.optimum import optimum

    model = NegotiationView(agents=10, subtasks=4, seed=2)
    assert pytest.approx(optimum(model.costs).D) == model.optimum.D
    g_best, k = model.best_G
    assert k == model.sweep.best_k and g_best == pytest.approx(min(r.G for r in model.sweep.rows))
    model.run()
    D, G = neg_draw.versus_optimum(model)
    score = model.current_score()
    assert D[-1] == pytest.approx(score.D / model.optimum.D) and G[-1] == pytest.approx(score.G / g_best)
    assert D[-1] >= 1 - 1e-9  # nothing beats the optimum once everything is allocated
    assert math.isnan(D[0]) and math.isnan(G[0])


def test_crowd_time_before_the_first_tick_is_not_a_made_up_time():
    model = CrowdView(tasks=20, workers=10, seed=1)
    assert "stream time: not started" in crowd_draw.status(model)
    model.step()
    assert model.time_fed == pytest.approx(model.arrivals[0].time)


def test_many_nodes_keep_their_job_counts_readable():
    model = ResourcesView(nodes=20, arrival_rate=20.0, seed=1)
    for _ in range(5):
        model.step()
    fig = _rendered(model, res_draw.draw_nodes, (8.0, 6.2))
    jobs, bars = fig.axes
    assert not jobs.texts  # no overlapping "n jobs" labels: a bar per node instead
    assert bars.get_legend() is None and fig.legends  # the legend beside the chart, not floating below


def test_the_page_steps_and_says_why_play_and_step_stop():
    import ipyvuetify as v
    import solara

    from scenarios.viz.components import Shell

    app, _ = _pages()["negotiation"]
    params = {**app.model_params, "agents": {**app.model_params["agents"], "value": 6},
              "subtasks": {**app.model_params["subtasks"], "value": 2}}
    page = Shell("Negotiation", NegotiationView, params, app.main, app.side[:1], [], neg_draw.status,
                 neg_draw.finished)
    box, rc = solara.render(page, handle_error=False)

    def buttons():
        return {b.children[0]: b for b in rc.find(v.Btn).widgets}

    def texts(widget=None):
        out = []
        for c in getattr(box if widget is None else widget, "children", None) or []:
            out.extend([c] if isinstance(c, str) else texts(c))
        return out

    assert set(buttons()) == {"Reset", "▶ Play", "Step"}
    shown = texts()
    for label in ("Agents", "Subtasks", "Seed", "Message loss"):  # every slider with its value beside it
        assert label in shown
    assert "6" in shown and "0.00" in shown
    for _ in range(80):  # Step until the protocol is done
        if buttons()["Step"].disabled:
            break
        buttons()["Step"].fire_event("click", {})
    assert buttons()["Step"].disabled and buttons()["▶ Play"].disabled
    assert any(t.startswith("Finished at tick") and "Reset" in t for t in texts())
    buttons()["Reset"].fire_event("click", {})
    assert not buttons()["Step"].disabled


def test_play_stops_at_the_end_or_on_an_error_and_a_bad_reset_is_shown():
    import solara

    from scenarios.viz.components import _Run

    class Model:
        def __init__(self, ticks, fail_at=None):
            self.ticks, self.fail_at, self.tick = ticks, fail_at, 0

        @property
        def running(self):
            return self.tick < self.ticks

        def step(self):
            if self.tick == self.fail_at:
                raise RuntimeError("boom")
            self.tick += 1

    def make_model(ticks=5, fail_at=None):
        if ticks < 0:
            raise ValueError("ticks = -1: must be >= 0")
        return Model(ticks, fail_at)

    run = _Run(make_model, solara.reactive({"ticks": 5}), solara.reactive(make_model()), solara.reactive(0),
               solara.reactive(True), solara.reactive(2), solara.reactive(0), solara.reactive(""))
    run.play_loop()  # two ticks a frame until the model stops running
    assert run.model.value.tick == 5 and run.frame.value == 3 and not run.playing.value and run.error.value == ""
    run.model.value, run.playing.value = make_model(9, fail_at=3), True
    run.play_loop()
    assert run.error.value == "error in step: boom" and not run.playing.value and run.model.value.tick == 3
    run.values.value = {"ticks": -1}
    run.reset()
    assert run.error.value == "ticks = -1: must be >= 0" and run.model.value.tick == 3
    run.values.value = {"ticks": 4}
    run.reset()
    assert run.error.value == "" and run.model.value.ticks == 4 and run.model.value.tick == 0
