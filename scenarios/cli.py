"""The ``mas`` command line.

Every module declared in ``scenarios.commands.MODULES`` defines
``register(subparsers)`` and adds its own subcommands, so a new command is one
new module and its name there; nothing here changes. A command's handler takes the parsed arguments and returns the exit
status. Bad input anywhere becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from pathlib import Path

import scenarios.commands

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mas", description="Multi-agent negotiation and task allocation.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in scenarios.commands.MODULES:
        importlib.import_module(f"scenarios.commands.{name}").register(sub)
    return parser


def _report_internal_error(command: str, exc: BaseException) -> str:
    """Write the traceback of an error of ours to a report file; return its path."""
    import tempfile
    import time
    import traceback

    folder = Path(tempfile.gettempdir()) / "mas-negotiation-errors"
    text = (f"mas {command}: internal error at {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"argv: {sys.argv!r}\npython: {sys.version.split()[0]}\n\n"
            + "".join(traceback.format_exception(exc)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, path = tempfile.mkstemp(prefix=f"{command}-", suffix=".txt", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    except OSError:
        return "(no report: the temporary folder is not writable)"


def _terminate(signum, frame) -> None:
    # SIGTERM and SIGHUP unwind like Ctrl-C, so temporary files and locks are cleaned up
    raise SystemExit(128 + signum)


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text.strip() else type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run ``mas ARGV``; every failure is one line on stderr.

    Exit status: 0 done, 1 a command's own partial failure (e.g. failed batch
    runs), 2 bad input (including sizes that cannot fit this machine), 3 an
    internal error (the line says where the full report was written), 130
    interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (already printed in one line) or --help
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    command = args.command
    previous = _catch_termination()
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into e.g. `head`: not an error of ours
        sys.stderr.close()
        return 0
    except (ValueError, OSError) as exc:  # InputError is a ValueError
        sys.stderr.write(f"mas {command}: error: {_first_line(exc)}\n")
        return EXIT_BAD_INPUT
    except RecursionError:
        sys.stderr.write(f"mas {command}: error: the input is nested too deeply to process\n")
        return EXIT_BAD_INPUT
    except OverflowError as exc:
        sys.stderr.write(f"mas {command}: error: a number is too large ({_first_line(exc)})\n")
        return EXIT_BAD_INPUT
    except MemoryError:
        sys.stderr.write(f"mas {command}: error: out of memory; try smaller sizes\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write(f"mas {command}: interrupted\n")
        return 130
    except Exception as exc:  # noqa: BLE001  (a bug of ours: one line here, the traceback in a file)
        path = _report_internal_error(command, exc)
        sys.stderr.write(f"mas {command}: internal error: {type(exc).__name__}: {_first_line(exc)}; "
                         f"full report in {path}\n")
        return EXIT_INTERNAL
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _catch_termination() -> dict:
    """Turn SIGTERM and SIGHUP into ``_terminate`` (main thread only); the handlers they had."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                previous[sig] = signal.signal(sig, _terminate)
    return previous


if __name__ == "__main__":
    sys.exit(main())
