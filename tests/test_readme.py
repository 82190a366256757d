"""The README's Python blocks, pasted into the ``python`` prompt as they stand.

Each block goes to ``python -i`` on its standard input, which reads it exactly as an
interactive prompt reads a paste: an indented block must end with a blank line, and a
statement that raises stops nothing but prints a traceback -- which fails the test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("block", BLOCKS, ids=[b.splitlines()[0][:40] for b in BLOCKS])
def test_python_block_pastes_into_the_prompt(block, tmp_path):
    if "scenarios.viz" in block:
        pytest.importorskip("solara")
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")  # the README's relative paths, read-only
    proc = subprocess.run([sys.executable, "-i", "-q"], input=block, capture_output=True, text=True, cwd=tmp_path,
                          env=os.environ | {"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}, timeout=600)
    errors = [line for line in proc.stderr.splitlines() if "Traceback" in line or re.search(r"\w+Error\b", line)]
    assert not errors, proc.stderr[-3000:]


def test_a_missing_blank_line_fails_this_check(tmp_path):
    proc = subprocess.run([sys.executable, "-i", "-q"], input="for i in range(2):\n    x = i\nprint(x)\n",
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert "SyntaxError" in proc.stderr


def layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("    "))


def test_the_layout_section_names_every_module_and_folder_of_the_packages():
    block = layout_block()
    names = set()
    for package in ("topologies", "mas", "protocols", "scenarios"):
        for p in (ROOT / package).iterdir():
            if p.suffix == ".py" and p.name != "__init__.py":
                names.add(p.name)
            elif p.is_dir() and not p.name.startswith((".", "__")):
                names.add(p.name + "/")
    missing = sorted(n for n in names if n not in block)
    assert not missing, f"README's Layout section does not mention {missing}"
