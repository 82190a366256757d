"""The packages import only those below them: topologies <- mas <- protocols <- scenarios."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["topologies", "mas", "protocols", "scenarios"]


def imported_packages(path: Path) -> set[str]:
    """Our top-level packages that a module imports (at any depth: a lazy import counts too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ORDER)


@pytest.mark.parametrize("package", ORDER)
def test_no_import_runs_back_up(package):
    above = set(ORDER[ORDER.index(package) + 1:])
    wrong = {str(p.relative_to(ROOT)): sorted(imported_packages(p) & above)
             for p in sorted((ROOT / package).rglob("*.py"))}
    assert not {k: v for k, v in wrong.items() if v}


def test_the_check_sees_a_lazy_import(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from scenarios.cli import main\n    import protocols.run\n")
    assert imported_packages(f) == {"scenarios", "protocols"}
