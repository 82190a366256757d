"""The crowdsourcing page: ``mas viz --model crowd`` (or ``solara run scenarios/viz/crowd/app.py``)."""

import solara
from mesa.visualization import make_plot_component

from mas.compat import solara_viz
from mas.crowdsourcing.engine import ALGORITHMS, make_algorithm
from scenarios.viz.components import figure_component, integer_ticks, render_interval, select, slider
from scenarios.viz.crowd.draw import draw_plane, status
from scenarios.viz.crowd.model import CrowdView

make_algorithm("greedy")  # registers every algorithm
model_params = {
    "tasks": slider("Tasks", 150, 10, 1500, 10),
    "workers": slider("Workers", 60, 5, 500, 5),
    "algorithm": select("Algorithm", "ossa-indexed", sorted(ALGORITHMS)),
    "dt": slider("Time per step", 2.0, 0.5, 10.0, 0.5),
    "seed": slider("Seed", 1, 0, 99),
}

components = [
    figure_component(draw_plane, figsize=(7, 5.5), caption=status),
    make_plot_component({"completed": "#59a14f", "open_tasks": "#4e79a7", "waiting_workers": "#f28e2b"},
                        post_process=integer_ticks),
    make_plot_component({"average_cost": "#e15759"}, post_process=integer_ticks),
]


@solara.component
def Page():
    model = solara.use_memo(CrowdView, dependencies=[])  # one model per browser session, not one for all
    solara_viz(model, components, model_params=model_params, name="Crowdsourcing",
               render_interval=render_interval())
