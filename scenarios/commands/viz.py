"""``mas viz``: serve a browser page (Solara) for one of the models."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from mas.errors import InputError
from scenarios.commands.options import positive_int
from scenarios.viz import PAGES


def register(sub) -> None:
    p = sub.add_parser("viz", help="watch a model run in the browser (a Solara page)",
                       description="Start a Solara server with the page of one model and print its address. "
                                   "It listens on localhost only unless --host says otherwise.")
    p.add_argument("--model", choices=list(PAGES), default="negotiation", help="which page (default negotiation)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free port)")
    p.add_argument("--render-interval", type=positive_int, default=1, metavar="N",
                   help="steps per drawn frame when the page opens (raise it for big runs; default 1)")
    p.add_argument("--topology-file", metavar="FILE",
                   help="negotiation page: agents on this topology (GraphML, node-link JSON or edge list; "
                        "node names are kept)")
    p.set_defaults(run=run)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def check_port(host: str, port: int) -> None:
    """InputError naming --port (or --host) unless this process could listen on (host, port) now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError("--host", host, f"is not an address of this machine ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no conflict
        try:
            s.bind(address)
        except PermissionError:
            raise InputError("--port", port, "needs privileges to listen on (ports below 1024 do)") from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError("--port", port, f"is already in use on {host}; choose another --port "
                                                 f"(or --port 0 for any free one)") from None
            raise InputError("--host", host, f"cannot listen there ({exc.strerror})") from None


def server_command(page: str, host: str, port: int) -> list[str]:
    """The Solara command line that serves ``page`` (production mode: no reloader, no browser)."""
    return [sys.executable, "-m", "solara", "run", PAGES[page], "--host", host, "--port", str(port),
            "--production", "--no-open", "--log-level", "warning"]


def server_env(render_interval: int = 1, topology_file: str | None = None) -> dict[str, str]:
    """The environment of the server: this project importable, the render interval handed over."""
    from scenarios.viz.assets import cache_dir
    from scenarios.viz.components import RENDER_INTERVAL_ENV, TOPOLOGY_ENV

    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env[RENDER_INTERVAL_ENV] = str(render_interval)
    if topology_file:
        env[TOPOLOGY_ENV] = str(Path(topology_file).resolve())
    else:
        env.pop(TOPOLOGY_ENV, None)
    env.setdefault("MPLBACKEND", "Agg")
    env.setdefault("SOLARA_ASSETS_PROXY_CACHE_DIR", str(cache_dir()))  # see scenarios.viz.assets
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")  # the banner would sit on the bottom-right plot
    return env


def _fetch_assets() -> None:
    """Fill the page's asset cache from the npm registry once, where npm is installed (see
    :mod:`scenarios.viz.assets`); without npm, Solara fetches them from its CDN."""
    import shutil

    from scenarios.viz import assets

    missing = assets.missing()
    if not missing or shutil.which("npm") is None:
        return
    print(f"mas viz: fetching the page's web assets once with npm ({', '.join(missing)})", flush=True)
    try:
        assets.ensure(quiet=True)
    except RuntimeError as exc:
        print(f"mas viz: {exc}; the page will try Solara's CDN", file=sys.stderr, flush=True)


def run(args) -> int:
    if not 0 <= args.port <= 65535:
        raise InputError("--port", args.port, "must be in 0..65535")
    if args.render_interval < 1:
        raise InputError("--render-interval", args.render_interval, "must be >= 1")
    if args.topology_file:
        if args.model != "negotiation":
            raise InputError("--topology-file", args.topology_file, "only the negotiation page has a topology")
        import topologies

        topologies.load(args.topology_file, layout="spring", seed=0)  # a bad file fails here, in one line
    check_port(args.host, args.port)  # before anything is printed as if it worked
    try:
        import solara  # noqa: F401
    except ImportError:
        raise InputError("--model", args.model, "needs solara: pip install 'mas-negotiation[viz]'") from None
    _fetch_assets()
    port = args.port or free_port(args.host)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"mas viz: the {args.model} page is at http://{shown}:{port}/ (Ctrl-C stops the server)", flush=True)
    cmd = server_command(args.model, args.host, port)
    # the server takes this process's place, so Ctrl-C and SIGTERM reach it directly and no
    # orphaned server keeps the port
    os.execve(cmd[0], cmd, server_env(args.render_interval, args.topology_file))
    return 0  # pragma: no cover - execve does not return
