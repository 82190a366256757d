"""scenarios.batch.registry: parameter schemas, registration by name, discovery of scenario modules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mas.errors import InputError
from scenarios.batch import registry
from scenarios.batch.registry import Param


def test_builtin_scenarios_are_discovered():
    sc = registry.get("cost-sweep")
    assert sc.name == "cost-sweep"
    assert {"topology", "agents", "subtasks", "infeasible_prob", "kappa", "strategy"} <= set(sc.defaults())
    assert sc.curves == {"D": "k", "G": "k"}


def test_unknown_scenario_names_the_key_and_lists_known():
    with pytest.raises(InputError) as e:
        registry.get("no-such-thing")
    assert e.value.field == "scenario" and "cost-sweep" in str(e.value)


def test_plugin_that_cannot_be_imported_names_its_index():
    with pytest.raises(InputError) as e:
        registry.get("cost-sweep", ["os", "surely_not_a_module_xyz"])
    assert e.value.field == "plugins[1]"


@pytest.mark.parametrize("ptype, value, expected", [
    (int, 3, 3), (float, 2, 2.0), (float, 0.5, 0.5), (str, "a", "a"), (bool, True, True)])
def test_param_accepts_and_coerces(ptype, value, expected):
    out = Param("x", ptype, None).check(value, "grid.x")
    assert out == expected and type(out) is ptype


@pytest.mark.parametrize("ptype, value", [
    (int, 2.5), (int, True), (int, "3"), (float, "1.0"), (float, float("nan")), (str, 1), (bool, 1)])
def test_param_rejects_wrong_types_naming_where(ptype, value):
    with pytest.raises(InputError) as e:
        Param("x", ptype, None).check(value, "grid.x[0]")
    assert e.value.field == "grid.x[0]"


def test_param_limits_and_choices():
    p = Param("n", int, 1, min=1, max=5)
    with pytest.raises(InputError, match=">= 1"):
        p.check(0, "n")
    with pytest.raises(InputError, match="<= 5"):
        p.check(6, "n")
    with pytest.raises(InputError, match="choose one of a, b"):
        Param("s", str, "a", choices=("a", "b")).check("c", "s")


@given(st.integers(-10**6, 10**6))
def test_param_parse_round_trips_integers(n):
    assert Param("n", int, 0).parse(f" {n} ", "cell") == n
    assert Param("f", float, 0.0).parse(str(n), "cell") == float(n)


def test_param_parse_rejects_fractional_int():
    with pytest.raises(InputError):
        Param("n", int, 0).parse("2.5", "cell")


def test_register_complete_and_point_check():
    def check(point):
        if point["a"] > point["b"]:
            raise InputError("a", point["a"], "must be <= b")

    @registry.register("test-registry-sum", [Param("a", int, 0), Param("b", int, 10)], check=check)
    def _sum(params, seed):
        return {"s": params["a"] + params["b"] + seed}

    try:
        sc = registry.get("test-registry-sum")
        assert sc.complete({"a": 3}, "params") == {"a": 3, "b": 10}
        assert sc.run({"a": 1, "b": 2}, 4) == {"s": 7}
        with pytest.raises(InputError) as e:
            sc.check_point({"a": 11, "b": 10}, "point 2")
        assert e.value.field == "point 2.a"
        with pytest.raises(InputError) as e:
            sc.complete({"c": 1}, "params")
        assert e.value.field == "params.c" and "known: a, b" in str(e.value)
    finally:
        registry.SCENARIOS.pop("test-registry-sum")


def test_duplicate_parameter_is_a_programming_error():
    with pytest.raises(ValueError):
        registry.register("dup", [Param("a", int, 0), Param("a", int, 1)])
