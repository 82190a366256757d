"""The three pages in a real headless Chromium: served by ``mas viz``'s server command, stepped by clicks.

Each page must show tick 0, advance its tick counter by one per click on Step,
and redraw its plots with new values; a screenshot of each page after the
clicks goes to ``test-artifacts/``. Skipped (with the reason) only where no
Chromium or no Playwright is installed; ``.ci/install-browser`` installs both
the browser and the page's web assets.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from scenarios.commands.viz import free_port, server_command, server_env

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
PAGES = ("negotiation", "crowd", "resources")
STEPS = 3

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (.ci/install-browser installs Debian's)"),
]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"no answer from {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def servers():
    """All three pages served at once (they start in parallel), on free localhost ports."""
    from scenarios.viz import assets

    try:
        assets.ensure(quiet=True)  # offline machines: the page's web assets from the npm registry
    except RuntimeError:
        pass  # online machines: Solara fetches them from its CDN
    procs, urls = {}, {}
    try:
        for page in PAGES:
            port = free_port()
            procs[page] = subprocess.Popen(server_command(page, "127.0.0.1", port), env=server_env(),
                                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            urls[page] = f"http://127.0.0.1:{port}/"
        for page in PAGES:
            _wait_http(urls[page], procs[page])
        yield urls
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        yield b
        b.close()


def _status(page) -> str:
    return page.get_by_text(re.compile(r"^Tick \d+")).first.inner_text()


def _images(page) -> list[str]:
    return [img.get_attribute("src") or "" for img in page.locator("img").all()]


@pytest.mark.parametrize("name", PAGES)
def test_page_steps_and_redraws(name, servers, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(servers[name])
        page.get_by_text(re.compile(r"^Tick 0\b")).first.wait_for(timeout=45_000)
        page.locator("img").first.wait_for(timeout=20_000)
        before_status, before_images = _status(page), _images(page)
        assert len(before_images) >= 2, f"{name}: expected the space figure and at least one plot"
        step = page.get_by_role("button", name=re.compile("^step$", re.I))
        for k in range(1, STEPS + 1):
            step.click()
            page.get_by_text(re.compile(rf"^Tick {k}\b")).first.wait_for(timeout=20_000)
        page.wait_for_timeout(300)  # let the last frame's images arrive
        after_status, after_images = _status(page), _images(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"viz-{name}.png"), full_page=True)
        if name == "negotiation":  # a model parameter control, then Reset: a new model with it
            page.locator(".v-slider", has_text="Subtasks").locator("[role=slider]").first.focus()
            page.keyboard.press("ArrowRight")
            page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
            page.get_by_text(re.compile(r"^Tick 0 \| agents: 20, subtasks: 9 ")).first.wait_for(timeout=20_000)
    finally:
        page.close()
    assert before_status.startswith("Tick 0") and after_status.startswith(f"Tick {STEPS}")
    # the plots (Mesa's plot components, after the space figure) now show other values
    changed = [i for i, (a, b) in enumerate(zip(before_images, after_images)) if a != b]
    assert len(changed) >= 2, f"{name}: only images {changed} changed after {STEPS} steps"
    assert before_status.split("|")[1:] != after_status.split("|")[1:], f"{name}: status values did not change"
    assert not errors, f"{name}: errors in the page: {errors}"


def test_play_pause_and_reset(servers, browser):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    try:
        page.goto(servers["resources"])
        page.get_by_text(re.compile(r"^Tick 0\b")).first.wait_for(timeout=45_000)
        page.get_by_role("button", name="▶").click()
        page.get_by_text(re.compile(r"^Tick ([3-9]|\d\d+)\b")).first.wait_for(timeout=20_000)
        page.get_by_role("button", name="❚❚").click()
        # a step under way when pause was pressed still finishes (Mesa's play loop); then the tick stays
        tick = lambda: _status(page).split("|")[0]  # noqa: E731
        last, deadline = tick(), time.monotonic() + 15
        while time.monotonic() < deadline:
            page.wait_for_timeout(1500)
            now = tick()
            if now == last:
                break
            last = now
        page.wait_for_timeout(1500)
        assert tick() == last, "the run went on after pause"
        page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
        page.get_by_text(re.compile(r"^Tick 0\b")).first.wait_for(timeout=20_000)
    finally:
        page.close()
