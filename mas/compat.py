"""What differs between the Mesa releases we support (3.3 to 3.x), probed by feature.

Never compare version strings: ask the installed Mesa what it accepts. Everything
else in the project calls these helpers instead of the differing APIs.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import mesa
import networkx as nx
import numpy as np


@cache
def _params(func) -> frozenset[str]:
    try:
        return frozenset(inspect.signature(func).parameters)
    except (TypeError, ValueError):  # builtins without a signature
        return frozenset()


def model_init_kwargs(rng: int | np.random.Generator | None) -> dict[str, Any]:
    """Keyword arguments for ``mesa.Model.__init__`` that seed it from ``rng``.

    Newer Mesa warns on ``seed=``; every release we support takes ``rng=``.
    A Generator is turned into an integer drawn from it, so the model owns its
    generator and the caller's stays reproducible.
    """
    if isinstance(rng, np.random.Generator):
        rng = int(rng.integers(2**63 - 1))
    if "rng" in _params(mesa.Model.__init__):
        return {"rng": rng}
    return {"seed": rng}  # pragma: no cover - only for a Mesa without rng=


def make_network(graph: nx.Graph, *, random, positions: Mapping | None = None, **kwargs):
    """A ``mesa.discrete_space.Network`` over ``graph`` seeded with the model's ``random``.

    Mesa 3.4+ lays the network out itself (an unseeded spring layout by
    default); we hand it our own positions, or ask for none.
    """
    from mesa.discrete_space import Network

    params = _params(Network.__init__)
    if "layout" in params:
        kwargs["layout"] = dict(positions) if positions is not None else None
    return Network(G=graph, random=random, **kwargs)


def agents_of(agentset: Iterable) -> list:
    """A list of the agents in an AgentSet (iterate, never index: indexing changed)."""
    return list(agentset)


def has_space_renderer() -> bool:
    """True where Mesa's visualization offers ``SpaceRenderer`` (3.4+)."""
    try:
        import mesa.visualization as viz
    except ImportError:  # pragma: no cover - viz extras missing
        return False
    return hasattr(viz, "SpaceRenderer")


# -- the browser view (SolaraViz) -----------------------------------------------------
# Mesa's own network drawing differs between releases and is unusable for us on both:
# 3.3's draws agents at ``pos[node]`` with the node used as a list index (agents on node
# ids that are not 0..n-1 are silently dropped) and lays the graph out again every
# frame; 3.4+'s SpaceRenderer maps node ids through a dict but has another call shape
# (``setup_structure`` / ``draw_structure()``). The pages therefore draw every space
# themselves on a plain matplotlib Figure in a component of their own (the one shape
# that is the same on every release: a callable ``model -> element`` that reads
# :func:`update_counter`), and :func:`solara_viz` passes SolaraViz only the options
# the installed release accepts. Mesa's own step counter is no help either (3.3 shows
# ``model.steps``, 3.5 ``model.time``): each page shows its model's ``tick``.


def update_counter():
    """Mesa's reactive frame counter: a component that reads it redraws after each step."""
    try:
        from mesa.visualization.utils import update_counter
    except ImportError:  # pragma: no cover - a release that moved it
        from mesa.visualization.solara_viz import update_counter
    return update_counter


def _front_end_is_vue3() -> bool:
    try:
        from solara.server import server
    except ImportError:  # pragma: no cover - solara without its server
        return False
    return bool(getattr(server, "vue3", False))


def fixed_layout() -> bool:
    """Lay SolaraViz's components out in a fixed two-column grid where its own layout cannot load.

    Mesa (3.3 and 3.5 alike) puts the components in ``solara.GridDraggable``, whose
    browser half is a Vue 2 library that throws on load under the Vue 3 front end
    current Solara serves with ipyvue 3 (the page then stays empty); Mesa 3.3 also
    uses Vuetify 2 tab widgets that ipyvuetify 3 lacks. Where the front end is Vue 3,
    Mesa's ``ComponentsView`` is replaced by a fixed grid of the same components,
    page after page (the pages keep every other part of SolaraViz). True if replaced.
    """
    if not _front_end_is_vue3():
        return False
    import solara
    from mesa.visualization import solara_viz as sv

    if getattr(sv.ComponentsView, "_mas_fixed", False):
        return True

    @solara.component
    def ComponentsView(components, model):
        pages: dict[int, list] = {}
        for item in components:
            component, page = item if isinstance(item, tuple) else (item, 0)
            pages.setdefault(page, []).append(component)
        for page in sorted(pages):
            if len(pages) > 1:
                solara.Text(f"Page {page}")
            with solara.GridFixed(columns=2, align_items="start"):
                for component in pages[page]:
                    component(model)

    ComponentsView._mas_fixed = True
    sv.ComponentsView = ComponentsView
    return True


def solara_viz(model, components, **options):
    """``mesa.visualization.SolaraViz(model, components, **options)`` keeping only the options
    this release accepts (e.g. ``render_interval``, ``play_interval``, ``name``)."""
    from mesa.visualization import SolaraViz

    fixed_layout()

    accepted = _params(getattr(SolaraViz, "f", SolaraViz))
    return SolaraViz(model, components=components, **{k: v for k, v in options.items() if k in accepted})
