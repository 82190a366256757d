"""The resources page: ``mas viz --model resources`` (or ``solara run scenarios/viz/resources/app.py``)."""

import solara
from mesa.visualization import make_plot_component

from mas.compat import solara_viz
from mas.resources.dynamic.model import POLICIES
from scenarios.viz.components import figure_component, integer_ticks, render_interval, select, slider
from scenarios.viz.resources.draw import KIND_COLORS, draw_nodes, status
from scenarios.viz.resources.model import CAPACITY, ResourcesView

model_params = {
    "nodes": slider("Nodes", 4, 1, 40),
    "arrival_rate": slider("Arrival rate (jobs per time unit)", 4.0, 0.5, 40.0, 0.5),
    "service_rate": slider("Service rate (1 / mean service time)", 0.5, 0.1, 5.0, 0.1),
    "policy": select("Policy", "fifo", POLICIES),
    "dt": slider("Time per step", 1.0, 0.1, 10.0, 0.1),
    "seed": slider("Seed", 1, 0, 99),
}

components = [
    figure_component(draw_nodes, figsize=(7, 4.5), caption=status),
    make_plot_component({"queue_length": "#e15759", "running": "#4e79a7"}, post_process=integer_ticks),
    make_plot_component({"mean_wait": "#59a14f", "p95_wait": "#f28e2b"}, post_process=integer_ticks),
    make_plot_component({f"utilization_{k}": KIND_COLORS[i] for i, k in enumerate(CAPACITY)},
                        post_process=integer_ticks),
]


@solara.component
def Page():
    model = solara.use_memo(ResourcesView, dependencies=[])  # one model per browser session, not one for all
    solara_viz(model, components, model_params=model_params, name="Resources",
               render_interval=render_interval())
