"""Browser view benchmark (issue 6): the frame time of the negotiation page with 200 agents.

1. Server side, per frame (one tick + every figure the page draws, as PNG, and the message table): our
   topology figure (positions computed once) against Mesa's own network drawing
   of the same graph (``draw_space``; Mesa 3.3 lays the graph out with a spring
   layout every frame, 3.4+ uses the layout the network was given) -- the
   baseline, in the same run.
2. In a real headless Chromium (when Playwright and ``chromium`` are installed):
   the page served as ``mas viz`` serves it, the Agents slider moved to 200 and
   Reset pressed as a user would, then the time from a click on Step until the
   new tick and its images are on the screen; and the same with the render
   interval set to 10 (ten ticks per drawn frame).

Run from the repository root:

    PYTHONPATH=. python benchmarks/bench_viz.py [--frames 10] [--no-browser]

(``--frames`` at most about 30: the contract net on 200 agents is done after about 35 ticks.)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import statistics
import subprocess
import time
import urllib.request
import warnings

from matplotlib.figure import Figure

from scenarios.viz.figures import render_png
from scenarios.viz.negotiation import draw
from scenarios.viz.negotiation.model import NegotiationView

AGENTS, SUBTASKS = 200, 20


def server_frames(frames: int) -> dict:
    from scenarios.viz.negotiation import app  # the page's panels, as it draws them

    model = NegotiationView(agents=AGENTS, subtasks=SUBTASKS, seed=1)
    ours, baseline, whole = [], [], []
    from mesa.visualization.mpl_space_drawing import draw_space

    def portrayal(agent):
        return {"color": draw.STATE_COLORS[agent.state], "size": 20}

    for _ in range(frames):
        t0 = time.perf_counter()
        model.step()
        t1 = time.perf_counter()
        render_png(model, app.main.draw, app.main.size, app.main.dpi)
        t2 = time.perf_counter()
        for panel in app.side:  # G(k) too, though the page redraws it only when its key changes
            render_png(model, panel.draw, panel.size, panel.dpi)
        draw.message_rows(model)
        t3 = time.perf_counter()
        fig = Figure(figsize=(7, 5.5), dpi=80)
        with warnings.catch_warnings():  # Mesa 3.5 prefers AgentPortrayalStyle to a dict; same drawing
            warnings.simplefilter("ignore", FutureWarning)
            draw_space(model.grid, portrayal, ax=fig.add_subplot())
        fig.savefig(io.BytesIO(), format="png", dpi=80, bbox_inches="tight")
        t4 = time.perf_counter()
        ours.append(t2 - t1)
        whole.append(t3 - t0)
        baseline.append(t4 - t3)
    return {"topology_s": statistics.median(ours), "mesa_network_s": statistics.median(baseline),
            "frame_s": statistics.median(whole), "ticks": model.tick}


def browser_frames(frames: int) -> dict | None:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    from scenarios.commands.viz import free_port, server_command, server_env
    from scenarios.viz import assets

    with contextlib.suppress(RuntimeError):
        assets.ensure(quiet=True)
    port = free_port()
    proc = subprocess.Popen(server_command("negotiation", "127.0.0.1", port), env=server_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                time.sleep(0.3)
        out = {}
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"])
            page = b.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(url)
            status = page.locator(".mas-status")
            status.wait_for(timeout=60_000)
            # move the Agents slider to its maximum (200) and rebuild the model, as a user would
            page.locator(".mas-control", has_text="Agents").locator("[role=slider]").first.focus()
            page.keyboard.press("End")
            page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
            page.locator(".mas-status", has_text="agents: 200").wait_for(timeout=120_000)
            for interval, count in ((1, frames), (11, 3)):  # cnp on 200 agents finishes after about 35 ticks
                if interval > 1:
                    page.locator(".mas-control", has_text="Render interval").locator("[role=slider]").first.focus()
                    for _ in range(interval - 1):
                        page.keyboard.press("ArrowRight")
                    page.get_by_role("button", name=re.compile("^reset$", re.I)).click()
                    page.locator(".mas-status", has_text=re.compile(r"^Tick 0 ")).wait_for(timeout=120_000)
                times = []
                for _ in range(count):
                    before = int(re.match(r"Tick (\d+)", status.inner_text()).group(1))
                    t0 = time.perf_counter()
                    page.get_by_role("button", name=re.compile("^step$", re.I)).click()
                    page.locator(".mas-status", has_text=re.compile(rf"^Tick {before + interval} ")).wait_for(
                        timeout=120_000)
                    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
                    times.append(time.perf_counter() - t0)
                out[f"browser_step_s_interval_{interval}"] = statistics.median(times)
            b.close()
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=10)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    s = server_frames(args.frames)
    print(f"negotiation page, {AGENTS} agents, {SUBTASKS} subtasks, cnp, median of {args.frames} frames")
    print(f"  one frame on the server (tick + every figure as PNG): {1000 * s['frame_s']:.0f} ms")
    print(f"  topology figure, positions computed once:  {1000 * s['topology_s']:.0f} ms")
    print(f"  Mesa's network drawing of the same graph: {1000 * s['mesa_network_s']:.0f} ms"
          f"  (Mesa / ours = {s['mesa_network_s'] / s['topology_s']:.2f})")
    if not args.no_browser:
        b = browser_frames(args.frames)
        if b is None:
            print("  browser: skipped (no Playwright or no chromium)")
        else:
            print(
                f"  browser, click on Step until the new frame is shown: {1000 * b['browser_step_s_interval_1']:.0f} ms"
                f" (render interval 1), {1000 * b['browser_step_s_interval_11']:.0f} ms per 11 ticks"
                f" (render interval 11)"
            )


if __name__ == "__main__":
    main()
