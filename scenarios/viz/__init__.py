"""The browser view: one SolaraViz page per model, each an ``app.py`` beside its Mesa model.

``mas viz --model NAME`` serves ``PAGES[NAME]`` with Solara. The model functions
behind every picture (positions, colours, what changed this tick) live in each
page's ``draw.py`` and are tested without a browser.
"""

#: page name -> the module Solara serves (its module-level ``page``)
PAGES = {
    "negotiation": "scenarios.viz.negotiation.app",
    "crowd": "scenarios.viz.crowd.app",
    "resources": "scenarios.viz.resources.app",
}
