"""scenarios.batch.config: TOML configs are checked before any run, and every error names its key."""


import numpy as np
import pytest
from helpers import ROOT
from hypothesis import given
from hypothesis import strategies as st

from mas.errors import InputError
from scenarios.batch.config import SEED_BITS, load_config, parse_config, run_key, spawn_seeds

BASE = {"scenario": "cost-sweep", "seeds": 2, "grid": {"agents": [4, 5]}}


def test_grid_is_the_full_product_in_config_order():
    cfg = parse_config({"scenario": "cost-sweep", "seeds": [1, 2, 3], "params": {"subtasks": 3},
                        "grid": {"topology": ["random", "grid"], "agents": [4, 5, 6]}})
    assert [(p["topology"], p["agents"]) for p in cfg.points] == [
        ("random", 4), ("random", 5), ("random", 6), ("grid", 4), ("grid", 5), ("grid", 6)]
    assert all(p["subtasks"] == 3 and p["kappa"] == 2.0 for p in cfg.points)
    runs = cfg.runs()
    assert len(runs) == 18 and len({r.key for r in runs}) == 18
    assert [r.seed for r in runs[:3]] == [1, 2, 3] and runs[3].point == 1
    assert cfg.varying == ["topology", "agents"]


def test_explicit_points_and_points_file(tmp_path):
    (tmp_path / "design.csv").write_text("agents,kappa,topology\n7,1.5,small-world\n8,2.5,\n")
    (tmp_path / "c.toml").write_text(
        'scenario = "cost-sweep"\nseeds = 1\npoints_file = "design.csv"\n'
        '[[points]]\nagents = 3\n[[points]]\nagents = 4\ntopology = "grid"\n')
    cfg = load_config(tmp_path / "c.toml")
    got = [(p["agents"], p["kappa"], p["topology"]) for p in cfg.points]
    assert got == [(3, 2.0, "random"), (4, 2.0, "grid"), (7, 1.5, "small-world"), (8, 2.5, "random")]


def test_grid_plus_points_and_duplicate_point_rejected():
    cfg = parse_config(BASE | {"points": [{"agents": 9}]})
    assert [p["agents"] for p in cfg.points] == [4, 5, 9]
    with pytest.raises(InputError) as e:
        parse_config(BASE | {"points": [{"agents": 5}]})
    assert e.value.field == "points" and "repeats point 1" in str(e.value)


@pytest.mark.parametrize("change, field", [
    ({"scenario": "nope"}, "scenario"),
    ({"scenario": 3}, "scenario"),
    ({"sceanrio": "x"}, "sceanrio"),
    ({"grid": {"agnets": [3]}}, "grid.agnets"),
    ({"grid": {"agents": []}}, "grid.agents"),
    ({"grid": {"agents": [3, "4"]}}, "grid.agents[1]"),
    ({"grid": {"agents": [3, 3]}}, "grid.agents"),
    ({"grid": {"kappa": [2.0, -1.0]}}, "grid.kappa[1]"),
    ({"grid": {"topology": ["ring"]}}, "grid.topology[0]"),
    ({"grid": {}}, "grid"),
    ({"grid": "agents"}, "grid"),
    ({"params": {"agents": 2.5}}, "params.agents"),
    ({"params": {"colour": 1}}, "params.colour"),
    ({"points": [{"agents": 3}, {"agnts": 4}]}, "points[1].agnts"),
    ({"points": {"agents": 3}}, "points"),
    ({"seeds": 0}, "seeds"),
    ({"seeds": []}, "seeds"),
    ({"seeds": [1, 2, 1]}, "seeds[2]"),
    ({"seeds": [1, -2]}, "seeds[1]"),
    ({"seeds": {"count": 3, "bsae": 1}}, "seeds.bsae"),
    ({"seeds": {"base": 1}}, "seeds.count"),
    ({"seeds": "many"}, "seeds"),
    ({"plugins": "mod"}, "plugins"),
    ({"params": {"cost_low": 5, "cost_high": 2}}, "point 0.cost_high"),
])
def test_bad_config_error_names_the_key(change, field):
    data = dict(BASE) | change
    with pytest.raises(InputError) as e:
        parse_config(data)
    assert e.value.field == field, str(e.value)
    assert field in str(e.value)


def test_missing_seeds_and_scenario():
    with pytest.raises(InputError) as e:
        parse_config({"scenario": "cost-sweep", "grid": {"agents": [3]}})
    assert e.value.field == "seeds"
    with pytest.raises(InputError) as e:
        parse_config({"seeds": 1, "grid": {"agents": [3]}})
    assert e.value.field == "scenario"


def test_points_file_errors_name_column_and_line(tmp_path):
    (tmp_path / "bad_col.csv").write_text("agents,colour\n3,red\n")
    with pytest.raises(InputError) as e:
        parse_config(BASE | {"points_file": "bad_col.csv"}, base_dir=tmp_path)
    assert e.value.field == f"{tmp_path / 'bad_col.csv'}: column colour"
    (tmp_path / "bad_val.csv").write_text("agents\n3\nfour\n")
    with pytest.raises(InputError) as e:
        parse_config(BASE | {"points_file": "bad_val.csv"}, base_dir=tmp_path)
    assert e.value.field == f"{tmp_path / 'bad_val.csv'} line 3, agents"
    with pytest.raises(InputError) as e:
        parse_config(BASE | {"points_file": "missing.csv"}, base_dir=tmp_path)
    assert e.value.field == "points_file"


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(InputError) as e:
        load_config(tmp_path / "none.toml")
    assert e.value.field == "config"
    (tmp_path / "bad.toml").write_text("scenario = \n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(tmp_path / "bad.toml")


@given(st.integers(0, 2**32), st.integers(1, 30), st.integers(1, 30))
def test_spawned_seeds_are_prefix_stable_distinct_and_float_exact(base, a, b):
    s_a, s_b = spawn_seeds(a, base), spawn_seeds(b, base)
    n = min(a, b)
    assert s_a[:n] == s_b[:n]  # raising the count keeps every finished run
    assert len(set(s_a)) == a
    assert all(0 <= s < 2**SEED_BITS and float(s) == s for s in s_a)


def test_spawned_seeds_match_numpy_seedsequence():
    child = np.random.SeedSequence(42).spawn(3)[2]
    assert spawn_seeds(3, 42)[2] == int(child.generate_state(1, np.uint64)[0]) >> (64 - SEED_BITS)


def test_run_key_is_stable_and_sensitive():
    p = {"agents": 4, "kappa": 2.0}
    assert run_key("cost-sweep", p, 1) == run_key("cost-sweep", dict(reversed(p.items())), 1)
    assert run_key("cost-sweep", p, 1) != run_key("cost-sweep", p, 2)
    assert run_key("cost-sweep", p, 1) != run_key("cost-sweep", p | {"kappa": 2.5}, 1)
    assert run_key("cost-sweep", p, 1) != run_key("other", p, 1)


def test_int_and_float_spellings_are_the_same_run():
    a = parse_config(BASE | {"params": {"kappa": 2}}).runs()
    b = parse_config(BASE | {"params": {"kappa": 2.0}}).runs()
    assert [r.key for r in a] == [r.key for r in b]


def test_example_config_is_valid():
    cfg = load_config(ROOT / "scenarios" / "configs" / "topology_study.toml")
    assert cfg.scenario == "cost-sweep"
    assert {"random", "small-world", "scale-free"} <= {p["topology"] for p in cfg.points}
    assert len(cfg.seeds) >= 20


@pytest.mark.parametrize("seeds, field", [(True, "seeds"), ({"count": 2, "base": -1}, "seeds.base"),
                                          ({"count": 2, "base": 1.5}, "seeds.base"), ([3, True], "seeds[1]"),
                                          ({"count": 0}, "seeds.count")])
def test_bad_seeds_name_the_key(seeds, field):
    with pytest.raises(InputError) as e:
        parse_config(dict(BASE) | {"seeds": seeds})
    assert e.value.field == field


def test_seeds_as_a_count_a_table_and_a_list():
    assert parse_config(dict(BASE) | {"seeds": 3}).seeds == spawn_seeds(3, 0)
    assert parse_config(dict(BASE) | {"seeds": {"count": 3, "base": 7}}).seeds == spawn_seeds(3, 7)
    assert parse_config(dict(BASE) | {"seeds": [5, 0, 9]}).seeds == [5, 0, 9]
