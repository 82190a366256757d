"""The resources page: ``mas viz --model resources`` (or ``solara run scenarios/viz/resources/app.py``)."""

import solara

from mas.resources.dynamic.model import POLICIES
from scenarios.viz.components import Figure, Shell, select, slider
from scenarios.viz.resources.draw import QUEUE, WAIT, draw_nodes, draw_utilization, finished, status
from scenarios.viz.resources.model import ResourcesView

model_params = {
    "nodes": slider("Nodes", 4, 1, 40),
    "arrival_rate": slider("Arrival rate (jobs per time unit)", 4.0, 0.5, 40.0, 0.5),
    "service_rate": slider("Service rate (1 / mean service time)", 0.5, 0.1, 5.0, 0.1),
    "policy": select("Policy", "fifo", POLICIES),
    "dt": slider("Time per tick", 1.0, 0.1, 10.0, 0.1),
    "seed": slider("Seed", 1, 0, 99),
}

main = Figure(draw_nodes, (7.0, 5.4), dpi=110, name="nodes")
side = [Figure(QUEUE.draw, (5.0, 2.5), name="queue"), Figure(WAIT.draw, (5.0, 2.5), name="wait"),
        Figure(draw_utilization, (5.0, 2.5), name="utilization")]


@solara.component
def Page():
    Shell("Resources", ResourcesView, model_params, main, side, [], status, finished)
