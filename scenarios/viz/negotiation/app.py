"""The negotiation page: ``mas viz --model negotiation`` (or ``solara run scenarios/viz/negotiation/app.py``)."""

import solara

from protocols import names
from scenarios.viz.components import Figure, Shell, Table, select, slider, topology_file
from scenarios.viz.negotiation.draw import (
    draw_gk,
    draw_messages,
    draw_topology,
    draw_versus_optimum,
    finished,
    gk_key,
    message_rows,
    status,
)
from scenarios.viz.negotiation.model import FILE, NegotiationView
from topologies import KINDS

graph = topology_file()  # `mas viz --topology-file FILE`: a graph with its own node names and positions


def _from_file(values) -> bool:
    return values["topology"] == FILE


model_params = {
    "topology": select("Topology", FILE if graph is not None else "small-world",
                       ([FILE] if graph is not None else []) + list(KINDS)),
    "agents": slider("Agents", 20, 2, 200, hidden=_from_file,
                     note=lambda v: f"Agents: {graph.number_of_nodes()}, the nodes of {graph.name}"),
    "subtasks": slider("Subtasks", 8, 1, 40),
    "protocol": select("Protocol", "cnp", names()),  # the registry: new protocols appear by themselves
    "seed": slider("Seed", 1, 0, 99),
    "loss": slider("Message loss", 0.0, 0.0, 0.5, 0.05),
    "crash_prob": slider("Crash probability", 0.0, 0.0, 0.5, 0.05),
    "graph": graph,
}

main = Figure(draw_topology, (7.0, 5.4), dpi=110, name="topology")
side = [Figure(draw_versus_optimum, (5.0, 2.5), name="optimum"),
        Figure(draw_gk, (5.0, 2.5), key=gk_key, name="gk"),
        Figure(draw_messages, (5.0, 2.5), name="messages")]
below = [Table(message_rows, name="trace")]


@solara.component
def Page():
    Shell("Negotiation", NegotiationView, model_params, main, side, below, status, finished)
