"""``mas viz``: the server it starts (localhost, the chosen page and port) and its bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from helpers import ROOT

from scenarios.cli import main
from scenarios.commands.viz import free_port, server_command, server_env
from scenarios.viz import PAGES


@pytest.mark.parametrize(
    "argv,field", [(["--port", "70000"], "--port"), (["--render-interval", "0"], "--render-interval")]
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, field):
    assert main(["viz", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and field in err[0]


def test_unknown_page_is_a_usage_error(capsys):
    assert main(["viz", "--model", "weather"]) == 2 and "weather" in capsys.readouterr().err


@pytest.mark.parametrize("page", sorted(PAGES))
def test_server_command_serves_that_page_on_that_address(page):
    cmd = server_command(page, "127.0.0.1", 9999)
    assert cmd[:4] == [sys.executable, "-m", "solara", "run"] and PAGES[page] in cmd
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "9999"
    assert "--production" in cmd  # no reloader watching the working directory


def test_server_env_makes_the_project_importable_and_passes_the_render_interval():
    env = server_env(render_interval=7)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(ROOT)
    assert env["MAS_VIZ_RENDER_INTERVAL"] == "7"
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"]


def test_mas_viz_prints_the_address_and_serves_on_localhost():
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "scenarios.cli", "viz", "--model", "resources", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        first = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first and "resources" in first
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    status = r.status
            except OSError:
                assert proc.poll() is None, "the server exited"
                time.sleep(0.3)
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def _named_edge_list(tmp_path):
    path = tmp_path / "named.edgelist"
    path.write_text("# a ring of named nodes\nalpha beta 2.0\nbeta gamma 1.5\ngamma delta 3.0\ndelta alpha 1.0\n")
    return path


def test_topology_file_reaches_the_page_with_its_names(tmp_path, monkeypatch):
    from scenarios.viz.components import TOPOLOGY_ENV, topology_file
    from scenarios.viz.negotiation.model import FILE, NegotiationView

    path = _named_edge_list(tmp_path)
    env = server_env(topology_file=str(path))
    assert env[TOPOLOGY_ENV] == str(path.resolve())
    monkeypatch.setenv(TOPOLOGY_ENV, env[TOPOLOGY_ENV])
    graph = topology_file()
    model = NegotiationView(topology=FILE, graph=graph, subtasks=3, seed=1)
    assert model.names == ["alpha", "beta", "gamma", "delta"] and model.topology_name == "named.edgelist"
    assert model.xy.shape == (4, 2)
    monkeypatch.delenv(TOPOLOGY_ENV)
    assert topology_file() is None


def test_topology_file_errors(capsys, tmp_path):
    assert main(["viz", "--topology-file", str(tmp_path / "missing.graphml")]) == 2
    assert "missing.graphml" in capsys.readouterr().err
    path = _named_edge_list(tmp_path)
    assert main(["viz", "--model", "crowd", "--topology-file", str(path)]) == 2
    assert "--topology-file" in capsys.readouterr().err
