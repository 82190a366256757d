"""Which exact or heuristic method at which size: the one place that decides.

Exact participant selection grows exponentially with the number of agents n,
so every consumer -- the ``auto`` strategy of a k-sweep, the centralized
optimum a protocol is compared with, the coordinator rows of ``mas compare``
and the browser view's G(k) panel -- asks this module instead of keeping its
own numbers:

======================  =====================================================
n <= EXHAUSTIVE_MAX_N   enumeration of all 2^n subsets (exact; ~0.1 s at 20)
n <= MILP_MAX_N         one MILP (HiGHS) per question, at zero gap (exact
                        while its time limit lasts)
n <= LOCAL_MAX_N        greedy improved by swaps (an upper bound)
beyond                  greedy alone (an upper bound)
======================  =====================================================

The MILP is an optimum's method only: a whole k-sweep by MILP takes ~30 s at
n = 30, too long for ``auto``, which goes from exhaustive straight to local.
Under lambda = working the MILP's program is far harder (see
:mod:`mas.selection.milp`), so the coordinator rows of ``mas compare`` leave it
out there; the optimum keeps it, bounded by its time limit. The browser view
redraws its panel on every reset, so it switches to greedy above
``VIEW_LOCAL_MAX_N`` agents.
"""

from __future__ import annotations

from numbers import Integral

from mas.errors import InputError

#: enumeration of every subset up to this many agents
EXHAUSTIVE_MAX_N = 20
#: a MILP (the optimum's, coordinator rows) up to this many agents
MILP_MAX_N = 40
#: greedy + swaps up to this many agents in a k-sweep, greedy alone beyond
LOCAL_MAX_N = 200
#: the browser view's G(k) panel: greedy + swaps only up to this many agents
VIEW_LOCAL_MAX_N = 50

#: what the methods answer: a whole sweep (``auto``) or the interactive page's sweep
PURPOSES = ("sweep", "view")


def _size(n) -> int:
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
        raise InputError("n", n, "must be an integer >= 0 (the number of agents)")
    return int(n)


def sweep_strategy(n: int, *, purpose: str = "sweep") -> str:
    """The strategy a k-sweep over ``n`` agents uses when none is named (``auto``).

    Parameters
    ----------
    n : the number of agents.
    purpose : ``"sweep"`` (``mas sweep``, ``CostModel.sweep()``) or ``"view"``
        (the browser view's G(k) panel, recomputed on every reset).

    Returns
    -------
    ``"exhaustive"``, ``"local"`` or ``"greedy"``.

    Raises
    ------
    InputError : ``n`` is not a non-negative integer or ``purpose`` is unknown.

    Examples
    --------
    >>> [sweep_strategy(n) for n in (20, 21, 200, 201)]
    ['exhaustive', 'local', 'local', 'greedy']
    >>> sweep_strategy(51, purpose="view")
    'greedy'
    """
    n = _size(n)
    if purpose not in PURPOSES:
        raise InputError("purpose", purpose, f"choose one of {', '.join(PURPOSES)}")
    if n <= EXHAUSTIVE_MAX_N:
        return "exhaustive"
    return "local" if n <= (LOCAL_MAX_N if purpose == "sweep" else VIEW_LOCAL_MAX_N) else "greedy"


def optimum_method(n: int, *, exhaustive_max_n: int = EXHAUSTIVE_MAX_N, milp_max_n: int = MILP_MAX_N) -> str:
    """How :func:`mas.optimum.optimum` finds the least D and G over ``n`` agents.

    Parameters
    ----------
    n : the number of agents.
    exhaustive_max_n, milp_max_n : override the thresholds (a test forcing the MILP or the heuristics).

    Returns
    -------
    ``"exhaustive"``, ``"milp"``, ``"local"`` or ``"greedy"``.

    Raises
    ------
    InputError : ``n`` is not a non-negative integer.

    Examples
    --------
    >>> [optimum_method(n) for n in (20, 21, 40, 41, 200, 201)]
    ['exhaustive', 'milp', 'milp', 'local', 'local', 'greedy']
    >>> optimum_method(10, exhaustive_max_n=0)
    'milp'
    """
    n = _size(n)
    if n <= exhaustive_max_n:
        return "exhaustive"
    if n <= milp_max_n:
        return "milp"
    return "local" if n <= LOCAL_MAX_N else "greedy"


def central_strategies(n: int, participation: str = "participants") -> list[str]:
    """The coordinator's strategies ``mas compare`` reports beside the protocols, exact one first.

    Parameters
    ----------
    n : the number of agents.
    participation : ``"participants"`` or ``"working"`` (how lambda is counted).

    Returns
    -------
    A list of strategy names: greedy and local always, after exhaustive or the MILP where they fit.

    Raises
    ------
    InputError : ``n`` is not a non-negative integer or ``participation`` is unknown.

    Examples
    --------
    >>> central_strategies(20), central_strategies(40), central_strategies(40, "working")
    (['exhaustive', 'greedy', 'local'], ['milp', 'greedy', 'local'], ['greedy', 'local'])
    """
    from mas.costs import check_participation

    n = _size(n)
    check_participation(participation)
    exact = optimum_method(n)
    if exact == "exhaustive" or (exact == "milp" and participation == "participants"):
        return [exact, "greedy", "local"]
    return ["greedy", "local"]


__all__ = ["EXHAUSTIVE_MAX_N", "LOCAL_MAX_N", "MILP_MAX_N", "VIEW_LOCAL_MAX_N", "central_strategies",
           "optimum_method", "sweep_strategy"]
