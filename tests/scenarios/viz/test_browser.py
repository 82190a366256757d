"""The three pages in a real headless Chromium at 1366x768 and 1920x1080, as a person sees them.

Served by ``mas viz``'s server command and driven by clicks: each page shows
tick 0 with nothing plotted that is not yet defined, advances one tick per click
on Step and redraws; every figure is on screen (none below the fold), the main
figure is at least as large as any other, nothing covers a figure (the Solara
banner included), every slider shows its value. Screenshots of each page at
both sizes go to ``test-artifacts/``. Skipped (with the reason) only where no
Chromium or no Playwright is installed; ``.ci/install-browser`` installs both
the browser and the page's web assets.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from scenarios.commands.viz import free_port, server_command, server_env

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PAGES = ("negotiation", "crowd", "resources")
STEPS = 2
SIZES = ((1366, 768), (1920, 1080))

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed (pip install playwright)"),
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (.ci/install-browser installs Debian's)"),
]


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 240.0) -> None:
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

    # offline machines: the page's web assets from the npm registry; online ones fall back on Solara's CDN
    with contextlib.suppress(RuntimeError):
        assets.ensure(quiet=True)
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
    return page.locator(".mas-status").inner_text().replace("\n", " ")


def _wait_tick(page, k: int, timeout: float = 30_000) -> None:
    page.wait_for_function("k => { const s = document.querySelector('.mas-status');"
                           " const t = s ? s.textContent.trim() : '';"
                           " return t === 'Tick ' + k || t.startsWith('Tick ' + k + ' '); }", arg=k, timeout=timeout)


def _images(page) -> list[str]:
    return [img.get_attribute("src") or "" for img in page.locator("img.mas-figure").all()]


def _boxes(page, css: str) -> list[dict]:
    return [el.bounding_box() for el in page.locator(css).all()]


def _area(box) -> float:
    return box["width"] * box["height"]


#: for every figure: is the element at 9 points inside it the figure itself (nothing on top)?
COVERED = """() => Array.from(document.querySelectorAll('img.mas-figure')).flatMap((img, i) => {
  const r = img.getBoundingClientRect(), out = [];
  for (const fx of [0.05, 0.5, 0.95]) for (const fy of [0.05, 0.5, 0.95]) {
    const x = r.left + fx * r.width, y = r.top + fy * r.height, el = document.elementFromPoint(x, y);
    if (el !== img) out.push({figure: i, x: Math.round(x), y: Math.round(y),
                              by: el ? (el.tagName + '.' + el.className + ' '
                                        + (el.textContent || '').slice(0, 40)) : null});
  }
  return out; })"""


def _open(browser, url, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    _wait_tick(page, 0, 60_000)
    page.locator("img.mas-main").first.wait_for(timeout=30_000)
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    return page, errors


def _check_layout(page, name, size) -> None:
    width, height = size
    main, side = _boxes(page, "img.mas-main"), _boxes(page, "img.mas-side")
    assert len(main) == 1 and len(side) >= 2, f"{name}: expected the main figure and the plots beside it"
    for box in main + side:  # every figure on screen: none below the fold, none cut at the right
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"{name} {size}: a figure is cut: {box}"
        assert box["y"] + box["height"] <= height + 1, f"{name} {size}: a figure is below the fold: {box}"
    assert _area(main[0]) >= max(_area(b) for b in side), f"{name} {size}: the main figure is not the largest"
    covered = page.evaluate(COVERED)
    assert not covered, f"{name} {size}: something lies on a figure: {covered[:3]}"
    # every slider shows its value next to its label, and the track is wide enough to use
    for control in page.locator(".mas-control").all():
        value = control.locator(".mas-value").inner_text().strip()
        assert value and control.locator(".mas-value").is_visible(), f"{name}: a slider without its value"
        track = control.locator(".v-slider").first.bounding_box()
        assert track["width"] >= 150, f"{name}: a slider track is {track['width']:.0f} px wide"
    assert page.locator("h1.mas-title").inner_text().strip(), f"{name}: no page title"


@pytest.mark.parametrize("name", PAGES)
def test_page_as_a_person_sees_it(name, servers, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    for size in SIZES:
        page, errors = _open(browser, servers[name], size)
        try:
            before_status, before_images = _status(page), _images(page)
            if size == SIZES[0]:
                page.screenshot(path=str(ARTIFACTS / f"viz-{name}-{size[0]}x{size[1]}-tick0.png"))
                # nothing undefined is shown as a number at tick 0
                assert re.search(r"\b(D|G|mean wait|average cost): -", before_status) or name == "crowd", before_status
            step = page.get_by_role("button", name=re.compile("^step$", re.I))
            steps = STEPS if size == SIZES[0] else 1
            for k in range(1, steps + 1):
                step.click()
                _wait_tick(page, k)
            page.wait_for_function("() => Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            page.wait_for_timeout(300)
            page.screenshot(path=str(ARTIFACTS / f"viz-{name}-{size[0]}x{size[1]}.png"))
            _check_layout(page, name, size)
            after_status, after_images = _status(page), _images(page)
            changed = [i for i, (a, b) in enumerate(zip(before_images, after_images)) if a != b]
            assert len(changed) >= 2, f"{name}: only figures {changed} changed after stepping"
            assert before_status != after_status, f"{name}: the status did not change"
            if name == "negotiation" and size == SIZES[0]:
                # the message trace of this tick, as a table
                assert page.locator("table.mas-table th", has_text="performative").count() == 1
                assert page.locator("table.mas-table tbody tr").count() >= 1
                # a parameter control, then Reset: a new model with it
                page.locator(".mas-control", has_text="Subtasks").locator("[role=slider]").first.focus()
                page.keyboard.press("ArrowRight")
                page.locator(".mas-control", has_text="Subtasks").locator(".mas-value",
                                                                          has_text="9").wait_for(timeout=10_000)
                page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
                page.locator(".mas-status", has_text="subtasks: 9").wait_for(timeout=20_000)
                _wait_tick(page, 0)
        finally:
            page.close()
        assert not errors, f"{name} {size}: errors in the page: {errors}"


def test_play_pause_and_a_run_that_finishes_during_play(servers, browser):
    page, errors = _open(browser, servers["negotiation"], SIZES[0])
    try:
        play = page.get_by_role("button", name=re.compile("play|pause", re.I))
        step = page.get_by_role("button", name=re.compile("^step$", re.I))
        play.click()
        page.wait_for_function(
            "() => parseInt(document.querySelector('.mas-status').textContent.trim().split(' ')[1]) >= 2",
            timeout=30_000,
        )
        assert step.is_disabled()  # no Step while playing
        play.click()  # pause: a step under way still finishes, then the tick stays
        # the button turns back to Play once the pause has reached the server; on a loaded
        # machine one step can take longer than a second, so stability is judged after that
        page.get_by_role("button", name=re.compile("play", re.I)).wait_for(timeout=30_000)
        tick = lambda: _status(page).split(" ")[1]  # noqa: E731
        last, deadline = tick(), time.monotonic() + 30
        while time.monotonic() < deadline:
            page.wait_for_timeout(2000)
            if tick() == last:
                break
            last = tick()
        page.wait_for_timeout(2000)
        assert tick() == last, "the run went on after pause"
        assert not step.is_disabled(), _status(page)
        # play to the end in one frame (render interval at its maximum): Play and Step go off, the page says why
        page.locator(".mas-control", has_text="Render interval").locator("[role=slider]").first.focus()
        page.keyboard.press("End")
        page.locator(".mas-control", has_text="Render interval").locator(".mas-value",
                                                                         has_text="100").wait_for(timeout=10_000)
        play.click()
        page.locator(".mas-run-note", has_text="Finished at tick").wait_for(timeout=60_000)
        assert re.match(r"▶\s*play", play.inner_text(), re.I) and play.is_disabled() and step.is_disabled()
        assert "(finished)" in _status(page)
        page.screenshot(path=str(ARTIFACTS / "viz-negotiation-finished.png"))
        page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
        _wait_tick(page, 0)
        assert not play.is_disabled() and not step.is_disabled()
    finally:
        page.close()
    assert not errors, f"errors in the page: {errors}"
