"""The progress callback that the long builders of this package accept (``progress=``).

A plain callable ``progress(label, done, total)``: ``label`` names the step now
running, ``done`` of ``total`` units of it are finished. This package draws
nothing itself (it imports nothing else of the project); a caller passes e.g.
``scenarios.progress.Progress.report``. Calls come often (once per middle agent
of a two-hop search): the callable decides how often to redraw.

Examples
--------
>>> seen = []
>>> tell = callback(lambda label, done, total: seen.append((label, done, total)))
>>> tell("edges", 1, 2); callback(None)("edges", 1, 2)
>>> seen
[('edges', 1, 2)]
"""

from __future__ import annotations

from collections.abc import Callable

Callback = Callable[[str, int, int], None]


def silent(label: str, done: int, total: int) -> None:
    """The callback used when none is given."""


def callback(progress: Callback | None) -> Callback:
    """``progress``, or :func:`silent` for None."""
    return silent if progress is None else progress
