"""Files in and out: inputs read with one clean error each, outputs never half-written.

Inputs: :func:`read_text` and :func:`read_json` refuse what is not a regular
file (a device or a pipe would never end), a file too large for the memory
this machine has (see :mod:`mas.limits`), text that is not UTF-8, and JSON that
is malformed, nested too deeply to parse, or holds a number too long to read --
each as one :class:`~mas.errors.InputError` naming the file.

Outputs: written to a temporary name beside the target and renamed, with the
permissions a new file gets under the umask (or the replaced file's); a
target that exists but is not a regular file (a device, a folder, a pipe) is
refused, never replaced. The temporary file is removed on any exception,
including the ``SystemExit`` the command line raises on SIGTERM and SIGHUP.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mas.errors import InputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output_path(path: str | os.PathLike, what: str = "output path") -> Path:
    """The file to write for ``path`` (a symlink's target); InputError if it cannot be a file we replace.

    >>> check_output_path("/dev/null")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: output path = '/dev/null': exists and is not a regular file; refusing to replace it
    """
    if os.fspath(path) == "":
        raise InputError(what, "", "must be a file name, not empty")
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(what, os.fspath(path), f"cannot be checked ({exc.strerror})") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(what, os.fspath(path), "exists and is not a regular file; refusing to replace it")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(what, os.fspath(path), "its folder does not exist")
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    On an exception the temporary file is removed and ``path`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(d / "out.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (d / "out.txt").read_text()
    'done'
    >>> oct((d / "out.txt").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    True
    """
    target = check_output_path(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()  # mkstemp's 0600 is for secrets; an output file gets what open() would give
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, mode)
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; rename it on success."""
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def save_figure(fig, path: str | os.PathLike, **kwargs) -> None:
    """Save a matplotlib figure atomically; the format follows ``path``'s suffix."""
    fmt = Path(path).suffix.lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=fmt, **kwargs)


def read_text(path: str | os.PathLike, what: str = "file", *, factor: int | None = None) -> str:
    """The UTF-8 text of a regular file; InputError naming ``what`` and the path otherwise.

    ``factor`` (bytes of memory per byte of text once parsed; default
    :data:`mas.limits.JSON_PER_BYTE`) sizes the memory check made before reading.

    >>> read_text("/dev/zero", "instance")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: instance = '/dev/zero': is not a regular file
    """
    from mas import limits

    p = Path(path)
    if not p.exists():
        raise InputError(what, os.fspath(path), "no such file")
    if not p.is_file():
        raise InputError(what, os.fspath(path), "is not a regular file")
    size = p.stat().st_size
    limits.require(limits.Estimate(f"{os.fspath(path)} ({size} bytes)",
                                   {"base": limits.BASE, "parsed": (factor or limits.JSON_PER_BYTE) * size}),
                   f"reading {what}")
    try:
        return p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(what, os.fspath(path), f"is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(what, os.fspath(path), f"cannot be read ({exc.strerror})") from None


def parse_json(text: str, where: str) -> Any:
    """``json.loads`` with every failure one InputError naming ``where`` (a file, or a file and line).

    >>> parse_json("[" * 100000, "x.json")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: x.json = '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...': nested too deeply to read
    """
    shown = text.strip()[:40] + ("..." if len(text.strip()) > 40 else "")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(where, shown, f"not JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(where, shown, "nested too deeply to read") from None
    except ValueError as exc:  # an integer of more than sys.get_int_max_str_digits() digits
        raise InputError(where, shown, f"holds a number too long to read ({exc})") from None


def read_json(path: str | os.PathLike, what: str = "file") -> Any:
    """A JSON file's content; InputError naming ``what`` and the file for anything unreadable."""
    return parse_json(read_text(path, what), f"{what} {os.fspath(path)}")


def finite_number(value: Any, where: str, *, allow_none: bool = False) -> float | None:
    """A JSON number as a finite float; strings, booleans, NaN, infinities and integers beyond
    float64 are InputErrors naming ``where``.

    >>> finite_number(3, "cost"), finite_number(None, "cost", allow_none=True)
    (3.0, None)
    >>> finite_number(10**400, "cost")
    Traceback (most recent call last):
    ...
    mas.errors.InputError: cost = 1000000000000000000000000000000000000000000000000000000000000000000000000000...: too large for a float (at most 1.8e308)
    """  # noqa: E501 -- a doctest's exception line cannot wrap
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(where, value, "must be a number" + (" or null" if allow_none else ""))
    try:
        f = float(value)
    except OverflowError:
        raise InputError(where, value, "too large for a float (at most 1.8e308)") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise InputError(where, value, "must be a finite number")
    return f
