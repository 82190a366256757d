"""mas.registry: one mechanism for everything found by name; declared names, options, plugins, CLI choices."""

import pkgutil
import subprocess
import sys
import textwrap

import pytest
from helpers import ROOT

import protocols
from mas.crowdsourcing import ALGORITHMS as CROWD
from mas.crowdsourcing import UTILITIES, make_algorithm
from mas.errors import InputError
from mas.registry import Registry
from mas.resources.algorithms import ALGORITHMS as PLACEMENT
from mas.selection import STRATEGIES
from protocols import PROTOCOLS
from protocols.bargaining.strategies import STRATEGIES as BARGAINING
from scenarios.batch import registry as batch
from scenarios.batch.registry import SCENARIOS

DECLARING = {"protocol": PROTOCOLS, "strategy": STRATEGIES, "crowd algorithm": CROWD,
             "placement algorithm": PLACEMENT, "scenario": SCENARIOS}


# -- make(name, **options) -------------------------------------------------------------------------
def test_make_refuses_an_option_the_entry_does_not_take_naming_it_and_its_value():
    with pytest.raises(InputError) as e:
        make_algorithm("ossa", split=0.3)
    assert (e.value.field, e.value.value) == ("split", 0.3)
    assert "'ossa'" in str(e.value) and "cell, utility" in str(e.value)
    with pytest.raises(InputError) as e:
        protocols.create("ssi", hops=2)
    assert (e.value.field, e.value.value) == ("hops", 2)
    assert make_algorithm("tgoa", split=0.3).split == 0.3


def test_declared_options_win_over_the_signature():
    reg = Registry("thing")

    @reg.register("loose", options=("a",))
    def loose(**options):
        return options

    assert reg.make("loose", a=1) == {"a": 1}
    with pytest.raises(InputError, match="b = 2: not an option of thing 'loose'; its options: a"):
        reg.make("loose", b=2)
    assert reg.options("loose") == ("a",)


def test_options_follow_a_class_that_passes_options_up():
    # icnp's __init__ takes **options for contract net's: it takes hops, contract net's own
    assert {"iterations", "shortlist", "hops", "bids", "initiator"} <= set(protocols.options("icnp"))
    assert protocols.options("first-price") == protocols.options("cnp")
    assert "hops" not in protocols.options("neighbour")

    reg = Registry("thing")
    _ = reg.register("anything")(lambda **kw: kw)
    assert reg.options("anything") is None and reg.make("anything", z=1) == {"z": 1}


# -- declarations ------------------------------------------------------------------------------------
def test_a_declared_module_that_does_not_register_its_name_is_a_bug_named_at_lookup():
    reg = Registry("thing")
    reg.declare("ghost", "mas.errors")
    assert "ghost" in reg and reg.names() == ["ghost"]
    with pytest.raises(LookupError, match="mas.errors is declared to register thing 'ghost' but does not"):
        reg.get("ghost")


def test_unknown_names_list_declared_choices():
    with pytest.raises(InputError) as e:
        STRATEGIES.get("simplex")
    assert e.value.field == "strategy"
    assert "exhaustive, greedy, local, milp, auto" in str(e.value)


def test_every_registered_builtin_is_declared_and_every_declared_name_registered():
    # in a fresh process: this one holds the names the tests register
    code = textwrap.dedent("""
        import importlib, pkgutil
        for package in ("protocols", "mas.selection", "mas.crowdsourcing", "mas.resources", "scenarios.batch"):
            for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
                importlib.import_module(info.name)
        import protocols
        from mas.crowdsourcing import ALGORITHMS as CROWD
        from mas.resources.algorithms import ALGORITHMS as PLACEMENT
        from mas.selection import STRATEGIES
        from scenarios.batch.registry import SCENARIOS
        for reg in (protocols.PROTOCOLS, STRATEGIES, CROWD, PLACEMENT, SCENARIOS):
            declared = [n for n, e in reg._entries.items() if e.module]
            reg.load_all()
            print(reg.kind, declared == reg.names(), sorted(set(reg.names()) ^ set(declared)))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    assert len(lines) == len(DECLARING) and all(" True []" in line for line in lines), out.stdout


def test_every_batch_scenario_module_is_declared():
    import scenarios.batch as package

    files = {f"scenarios.batch.{i.name}" for i in pkgutil.iter_modules(package.__path__)
             if i.name.startswith("scenarios_")}
    assert files == set(batch.builtin_modules())


def test_every_command_module_is_declared_and_adds_a_subcommand():
    import scenarios.commands as package
    from scenarios.cli import build_parser

    files = {i.name for i in pkgutil.iter_modules(package.__path__)} - {"options"}  # options: shared argparse types
    assert files == set(package.MODULES)
    commands = build_parser()._subparsers._group_actions[0].choices
    assert {"paper", "sweep", "negotiate", "gap", "viz", "batch"} <= set(commands)


def test_names_are_known_without_importing_any_implementation():
    code = textwrap.dedent("""
        import sys
        import protocols
        from mas.selection import STRATEGIES
        from mas.resources.algorithms import ALGORITHMS
        from scenarios.batch.registry import SCENARIOS
        names = protocols.names() + STRATEGIES.names() + ALGORITHMS.names() + SCENARIOS.names()
        print(len(names))
        heavy = ["scipy", "mesa", "protocols.cbba", "protocols.contract_net", "mas.selection.milp",
                 "mas.resources.solve", "scenarios.batch.scenarios_cost"]
        print(sorted(m for m in heavy if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.stdout.split("\n")[:2] == ["25", "[]"], out.stdout + out.stderr


# -- the command line reads its choices from the registries --------------------------------------------
def _choices(parser, command: str, option: str) -> list:
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return list(next(a for a in sub._actions if option in a.option_strings).choices)


def test_cli_choices_are_the_registry_names():
    from scenarios.cli import build_parser
    from scenarios.viz import PAGES

    parser = build_parser()
    assert _choices(parser, "negotiate", "--protocol") == protocols.names()
    assert _choices(parser, "crowd", "--algorithm") == CROWD.names()
    assert _choices(parser, "crowd", "--utility") == UTILITIES.names()
    assert _choices(parser, "place", "--algorithm") == PLACEMENT.names()
    assert _choices(parser, "sweep", "--strategy") == STRATEGIES.names() + ["auto"]
    assert _choices(parser, "viz", "--model") == list(PAGES)
    bargain = next(a for a in parser._actions if a.dest == "command").choices["bargain"]
    helps = " ".join(a.help or "" for a in bargain._actions)
    assert all(name in helps for name in BARGAINING.names())


def test_cli_refuses_an_option_by_what_the_entry_takes(capsys):
    from scenarios.cli import main

    assert main(["crowd", "--tasks", "5", "--workers", "3", "--algorithm", "greedy", "--split", "0.3"]) == 2
    assert "--split = 0.3: not an option of greedy (only tgoa has it)" in capsys.readouterr().err
    paper = str(ROOT / "scenarios" / "data" / "paper_example.json")
    assert main(["negotiate", "--protocol", "join", "--instance", paper, "--hops", "1"]) == 2
    assert "--hops = 1: only cnp, first-price, vickrey and icnp announce by hops" in capsys.readouterr().err
    # icnp passes contract net's options up, hops among them
    assert main(["negotiate", "--protocol", "icnp", "--instance", paper, "--hops", "1", "--json"]) == 0


# -- plugins ----------------------------------------------------------------------------------------
PLUGIN = '''
from scenarios.batch.registry import Param, register

@register("test-plugin-square", [Param("x", int, 2)])
def square(params, seed):
    return {"y": params["x"] ** 2 + seed}
'''


def test_a_plugin_registers_a_batch_scenario_like_a_builtin(tmp_path, monkeypatch):
    from scenarios.batch import open_executor, parse_config, run_batch

    (tmp_path / "h16_square_plugin.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        cfg = parse_config({"scenario": "test-plugin-square", "plugins": ["h16_square_plugin"], "seeds": [0, 1],
                            "grid": {"x": [3]}})
        assert "test-plugin-square" in SCENARIOS.names() and "cost-sweep" in SCENARIOS.names()
        with open_executor(workers=0) as (pool, slots):
            result = run_batch(cfg, str(tmp_path / "out"), pool, slots=slots, progress=False)
        assert (result.ran, result.complete) == (2, True)
        rows = (tmp_path / "out" / "results.csv").read_text().splitlines()
        assert sorted(r.split(",")[-1] for r in rows[1:]) == ["10", "9"]
    finally:
        SCENARIOS.pop("test-plugin-square", None)
        sys.modules.pop("h16_square_plugin", None)
