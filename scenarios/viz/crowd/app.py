"""The crowdsourcing page: ``mas viz --model crowd`` (or ``solara run scenarios/viz/crowd/app.py``)."""

import solara

from mas.crowdsourcing.engine import ALGORITHMS, make_algorithm
from scenarios.viz.components import Figure, Shell, select, slider
from scenarios.viz.crowd.draw import AVERAGE_COST, COUNTS, draw_plane, finished, status
from scenarios.viz.crowd.model import CrowdView

make_algorithm("greedy")  # registers every algorithm
model_params = {
    "tasks": slider("Tasks", 150, 10, 1500, 10),
    "workers": slider("Workers", 60, 5, 500, 5),
    "algorithm": select("Algorithm", "ossa-indexed", sorted(ALGORITHMS)),
    "dt": slider("Stream time per tick", 2.0, 0.5, 10.0, 0.5),
    "seed": slider("Seed", 1, 0, 99),
}

main = Figure(draw_plane, (7.4, 5.4), dpi=110, name="plane")
side = [Figure(COUNTS.draw, (5.0, 2.5), name="counts"), Figure(AVERAGE_COST.draw, (5.0, 2.5), name="cost")]


@solara.component
def Page():
    Shell("Crowdsourcing", CrowdView, model_params, main, side, [], status, finished)
