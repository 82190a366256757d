"""The ``mas`` command line.

Every module in ``scenarios/commands/`` that defines ``register(subparsers)``
adds its own subcommands, so a new command is one new module and nothing here
changes. A command's handler takes the parsed arguments and returns the exit
status. Bad input anywhere becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import scenarios.commands

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mas", description="Multi-agent negotiation and task allocation.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(scenarios.commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"scenarios.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # output piped into e.g. `head`: not an error of ours
        sys.stderr.close()
        return 0
    except (ValueError, OSError) as exc:  # InputError is a ValueError
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        sys.stderr.write(f"mas {args.command}: error: {message}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write(f"mas {args.command}: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
