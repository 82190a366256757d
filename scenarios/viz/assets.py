"""The web assets a Solara page loads, kept in a local cache so a page works offline.

Solara's page asks its server for a few npm packages (the Vuetify app bundle,
RequireJS, Font Awesome) under ``/_solara/cdn/NAME@VERSION/...``; the server
answers from a cache directory and fills a missing file from a public CDN. On a
machine that reaches the npm registry but no CDN (CI, a firewalled lab), the
page would stay blank. :func:`ensure` fills the cache with ``npm pack`` instead,
and ``mas viz`` points Solara at that cache (``SOLARA_ASSETS_PROXY_CACHE_DIR``).

Run ``python -m scenarios.viz.assets`` to fill it ahead of time (CI does).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: where the packages are kept (override with this variable)
CACHE_ENV = "MAS_VIZ_ASSETS"
_PACKAGE = re.compile(r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@\d+\.\d+\.\d+(?:-[\w.]+)?)/")
#: where Solara names the packages its page and the widgets we use (the grid of components) load
_SOURCES = ("server/templates/solara.html.j2", "widgets/vue/gridlayout.vue", "widgets/vue/gridlayout_v3.vue")


def cache_dir() -> Path:
    """The asset cache: ``$MAS_VIZ_ASSETS`` or ``~/.cache/mas-negotiation/solara-cdn``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path.home() / ".cache" / "mas-negotiation" / "solara-cdn"


def needed() -> list[str]:
    """``name@version`` of every package the installed Solara's page and grid layout load from the CDN."""
    import importlib.util

    spec = importlib.util.find_spec("solara")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(list(spec.submodule_search_locations)[0])
    found: dict[str, None] = {}
    for rel in _SOURCES:
        path = root / rel
        if path.exists():
            found.update(dict.fromkeys(_PACKAGE.findall(path.read_text(encoding="utf-8"))))
    settings = (root / "server" / "settings.py").read_text(encoding="utf-8")
    fa = re.search(r'fontawesome_path: str = "/([\w.-]+@\d+\.\d+\.\d+)/', settings)
    if fa:
        found[fa.group(1)] = None
    return list(found)


def missing(directory: Path | None = None) -> list[str]:
    directory = cache_dir() if directory is None else Path(directory)
    return [p for p in needed() if not (directory / p / "package.json").exists()]


def ensure(directory: Path | None = None, *, quiet: bool = False) -> list[str]:
    """Fetch every missing package with ``npm pack`` into ``directory``; the ones fetched.

    Raises
    ------
    RuntimeError when packages are missing and ``npm`` is not installed or fails.
    """
    directory = cache_dir() if directory is None else Path(directory)
    todo = missing(directory)
    if not todo:
        return []
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed to fetch the page's web assets {', '.join(todo)} (or a network "
                           "that reaches Solara's CDN)")
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", "--silent", *todo], cwd=tmp, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"npm pack {' '.join(todo)} failed: {out.stderr.strip()[-500:]}")
        for spec in todo:
            name, version = spec.rsplit("@", 1)
            tgz = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"  # npm pack's file name
            target = directory / spec
            staging = Path(tempfile.mkdtemp(dir=directory, prefix=".unpack-"))
            with tarfile.open(Path(tmp) / tgz) as tar:
                try:
                    tar.extractall(staging, filter="data")
                except TypeError:  # pragma: no cover - Python without extraction filters
                    tar.extractall(staging)
            if target.exists():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / "package").rename(target)  # whole directory appears at once
            shutil.rmtree(staging)
            if not quiet:
                print(f"fetched {spec} into {target}")
    return todo


if __name__ == "__main__":
    try:
        ensure(quiet="--quiet" in sys.argv)
    except RuntimeError as exc:
        sys.stderr.write(f"scenarios.viz.assets: {exc}\n")
        sys.exit(1)
