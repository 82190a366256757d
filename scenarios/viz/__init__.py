"""The browser view: one Solara page per model, each an ``app.py`` beside its Mesa model.

``mas viz --model NAME`` serves ``PAGES[NAME]`` with Solara. Every page is the
:func:`scenarios.viz.components.Shell` with its own panels; the model functions
behind every picture (positions, colours, what changed this tick) live in each
page's ``draw.py`` (matplotlib only, :mod:`scenarios.viz.figures`) and are
tested without a browser.
"""

#: page name -> the module Solara serves (its module-level ``page``)
PAGES = {
    "negotiation": "scenarios.viz.negotiation.app",
    "crowd": "scenarios.viz.crowd.app",
    "resources": "scenarios.viz.resources.app",
}
