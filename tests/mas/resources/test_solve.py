"""``place``: every registered algorithm valid, exact never beaten, gaps reported."""

import numpy as np
import pytest
from hypothesis import given, settings
from resources_strategies import problems

from mas.errors import InputError
from mas.resources.exact import InfeasibleError
from mas.resources.placement import check_placement
from mas.resources.problem import MAXIMIZE, OBJECTIVES
from mas.resources.solve import ALGORITHMS, place
from scenarios.resources_examples import EXAMPLES

HEURISTICS = sorted(set(ALGORITHMS) - {"exact"})


@settings(max_examples=20)
@given(problems(max_tasks=6, max_nodes=3))
def test_every_algorithm_valid_and_exact_never_beaten(p):
    for objective in OBJECTIVES:
        try:
            exact = place(p, objective, "exact")
        except InfeasibleError:
            exact = None
        for name in HEURISTICS:
            r = place(p, objective, name, seed=0, iterations=200 if name == "anneal" else 5)
            check_placement(p, r.assignment)
            if exact is None:  # nothing places every task: a min objective is infinite for everyone
                assert objective not in MAXIMIZE and r.value == np.inf
                continue
            assert r.bound_is_optimum and r.bound == pytest.approx(exact.value)
            if objective in MAXIMIZE:
                assert exact.value >= r.value - 1e-9
            else:
                assert exact.value <= r.value + 1e-9
            assert r.gap >= 0 and (r.gap == 0) == bool(np.isclose(r.value, exact.value))


def test_large_problems_fall_back_to_the_cheap_bound():
    p = EXAMPLES[1].problem()
    r = place(p, "count", "ffd", exact_limit=0)
    assert not r.bound_is_optimum and r.bound >= 4 and r.value == 4


def test_result_dict_has_the_cli_fields():
    d = place(EXAMPLES[0].problem(), "count", "exact").to_dict()
    assert {"placement", "objective", "value", "bound", "gap", "seconds"} <= set(d)
    assert d["value"] == 2 and d["gap"] == 0 and d["optimal"] is True
    assert list(d["placement"]) == ["T1", "T2", "T3"]


def test_unknown_algorithm():
    with pytest.raises(InputError, match="algorithm"):
        place(EXAMPLES[0].problem(), "count", "magic")
