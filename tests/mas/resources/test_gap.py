"""GAP: both OR-Library layouts, proven optima (min and max) by the exact solver, the greedy heuristic."""

import numpy as np
import pytest
from helpers import GAP_INSTANCES as INSTANCES
from helpers import gap_optima as optima

from mas.errors import InputError
from mas.resources.gap import GapInstance, read_gap, solve_gap
from scenarios.resources_examples import data_path


@pytest.mark.parametrize("name", INSTANCES)
@pytest.mark.parametrize("maximize", [False, True])
def test_exact_reaches_the_proven_optimum(name, maximize):
    (inst,) = read_gap(data_path(f"gap/{name}"))
    s = solve_gap(inst, maximize=maximize)
    assert s.optimal
    assert s.objective_value == optima()[(name, "Max" if maximize else "Min")]
    assert inst.check(s.assignment) == s.objective_value  # complete, within capacity, same total


def test_optima_table_is_what_the_readme_says():
    assert optima()[("c0515_1", "Max")] == 336 and optima()[("c0515_1", "Min")] == 261


@pytest.mark.parametrize("maximize", [False, True])
def test_greedy_is_feasible_and_never_beats_the_optimum(maximize):
    for name in INSTANCES:
        (inst,) = read_gap(data_path(f"gap/{name}"))
        g = solve_gap(inst, maximize=maximize, algorithm="greedy")
        opt = optima()[(name, "Max" if maximize else "Min")]
        assert g.assignment is not None and not g.optimal
        assert inst.check(g.assignment) == g.objective_value
        assert (g.objective_value <= opt) if maximize else (g.objective_value >= opt)
        assert abs(g.objective_value - opt) / opt < 0.15  # regret + shifts stay close


def test_multi_instance_layout(tmp_path):
    texts = [data_path(f"gap/{n}").read_text() for n in INSTANCES[:2]]
    path = tmp_path / "gap13.txt"
    path.write_text("2\n" + texts[0] + "\n" + texts[1])
    both = read_gap(path)
    assert [i.name for i in both] == ["gap13-1", "gap13-2"]
    for got, name in zip(both, INSTANCES[:2]):
        (want,) = read_gap(data_path(f"gap/{name}"))
        assert (got.cost == want.cost).all() and (got.weight == want.weight).all()
        assert (got.capacity == want.capacity).all()


@pytest.mark.parametrize("text, match", [
    ("2 3 1 2 x", "number 5"),
    ("2 3 1 2 3", "it needs 16"),
    ("1", "fewer than two"),
    ("2\n1 1 5 5 5", "ends at number 7"),
    ("0 3", "instance count"),
])
def test_bad_files(tmp_path, text, match):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=match):
        read_gap(path)


def test_infeasible_instance_and_bad_assignment():
    inst = GapInstance("tight", np.ones((2, 3)), np.full((2, 3), 2.0), np.array([2.0, 2.0]))
    for alg in ("exact", "greedy"):
        s = solve_gap(inst, algorithm=alg)
        assert s.objective_value is None and s.assignment is None and not s.optimal
    with pytest.raises(InputError, match="exceeds its capacity"):
        inst.check([0, 0, 1])
    with pytest.raises(InputError, match="algorithm"):
        solve_gap(inst, algorithm="tabu")
