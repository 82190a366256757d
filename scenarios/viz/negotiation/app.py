"""The negotiation page: ``mas viz --model negotiation`` (or ``solara run scenarios/viz/negotiation/app.py``)."""

import solara
from mesa.visualization import make_plot_component

from mas.compat import solara_viz
from protocols import names
from scenarios.viz.components import (
    figure_component, integer_ticks, render_interval, select, slider, topology_file,
)
from scenarios.viz.negotiation.draw import d_and_g_axes, draw_gk, draw_topology, gk_key, status
from scenarios.viz.negotiation.model import FILE, NegotiationView
from topologies import KINDS

graph = topology_file()  # `mas viz --topology-file FILE`: a graph with its own node names and positions

model_params = {
    "topology": select("Topology", FILE if graph is not None else "small-world",
                       ([FILE] if graph is not None else []) + list(KINDS)),
    "agents": slider("Agents", 20, 2, 200),
    "subtasks": slider("Subtasks", 8, 1, 40),
    "protocol": select("Protocol", "cnp", names()),
    "seed": slider("Seed", 1, 0, 99),
    "loss": slider("Message loss", 0.0, 0.0, 0.5, 0.05),
    "crash_prob": slider("Crash probability", 0.0, 0.0, 0.5, 0.05),
    "graph": graph,
}

components = [
    figure_component(draw_topology, figsize=(7, 5.5), caption=status),
    figure_component(draw_gk, figsize=(6, 4.5), key=gk_key),
    make_plot_component({"messages": "#4e79a7", "lost_this_tick": "#e15759"}, post_process=integer_ticks),
    make_plot_component({"D": "#59a14f", "G": "#f28e2b"}, post_process=d_and_g_axes),
]


@solara.component
def Page():
    model = solara.use_memo(lambda: NegotiationView(topology=model_params["topology"]["value"], graph=graph),
                            dependencies=[])  # one model per browser session, not one for all
    solara_viz(model, components, model_params=model_params, name="Negotiation",
               render_interval=render_interval())
