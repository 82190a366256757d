"""A progress bar with an ETA on stderr, for long runs (silent when stderr is not a terminal
unless forced, so logs and tests stay clean; with ``lines=True`` a log gets one plain line
per tenth of the work instead).

Code below this package (``topologies/``, ``mas/``, ``protocols/``) cannot import it: it
takes a plain callable ``progress(label, done, total)`` instead, and a command passes
:meth:`Progress.report`, which draws that step on the bar's line."""

from __future__ import annotations

import io
import os
import shutil
import sys
import time


class Progress:
    """Count finished units of work and redraw one status line.

    Examples
    --------
    >>> with Progress(3, "runs", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.advance()
    >>> bar.done
    3
    >>> import io
    >>> log = io.StringIO()
    >>> with Progress(20, "runs", lines=True, stream=log) as bar:
    ...     for _ in range(20):
    ...         bar.advance()
    >>> log.getvalue().splitlines()[0].startswith("runs: 2/20 (10%)")
    True
    >>> tty = io.StringIO()
    >>> with Progress(2, "sweep", enabled=True, stream=tty) as bar:
    ...     bar.report("shortest paths", 5, 10)
    >>> "sweep (1/2): shortest paths [###############---------------] 5/10" in tty.getvalue()
    True
    """

    def __init__(self, total: int, label: str = "", *, enabled: bool | None = None, stream=None,
                 lines: bool = False) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.stream = stream or sys.stderr
        tty = _isatty(self.stream)
        self.enabled = tty if enabled is None else enabled
        self.lines = lines and enabled is None and not tty
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0
        self._next_line = 1
        self._part: tuple[str, int, int] | None = None  # the step :meth:`report` was told about
        self._part_start = self.start

    def stage(self, label: str) -> None:
        """Name the step now running (for work counted in a few long steps) and redraw."""
        self.label = label
        self._part = None
        if self.enabled:
            self._last = time.monotonic()
            self._draw(self._last)

    def report(self, label: str, done: int, total: int) -> None:
        """Draw where one step of the current one stands: ``label``, ``done`` of ``total``.

        A plain callable for ``progress=`` arguments (module docstring). A step
        whose total changes or whose count goes back starts its own ETA clock
        (a label alone may change every call: ``tick 7``, ``tick 8``); silent in
        ``lines`` mode (the log gets the lines of :meth:`advance`).
        """
        if not self.enabled or self.lines:
            return
        now = time.monotonic()
        old = self._part
        fresh = old is None or old[2] != total or done < old[1]
        if fresh:
            self._part_start = now
        self._part = (label, int(done), int(total))
        # a new step of a few long ones (label and count both move) is always shown; counts within one step
        # (a search per agent) at most ten times a second
        moved = old is not None and old[0] != label and old[1] != done
        finished = done >= total and (fresh or old[1] < total)
        if fresh or moved or finished or now - self._last > 0.1:
            self._last = now
            self._draw(now)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._part = None
        now = time.monotonic()
        if self.lines:
            step = max(1, -(-self.total // 10))
            if self.done >= min(self._next_line * step, self.total):
                self._next_line = self.done // step + 1
                elapsed = now - self.start
                eta = elapsed / self.done * (self.total - self.done)
                pct = 100 * self.done // self.total if self.total else 100
                self.stream.write(f"{self.label}: {self.done}/{self.total} ({pct}%), {elapsed:.0f} s, "
                                  f"about {eta:.0f} s left\n")
                self.stream.flush()
            return
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        if self._part is None:
            label, done, total, start = self.label, self.done, self.total, self.start
        else:
            label = f"{self.label} ({min(self.done + 1, self.total)}/{self.total}): {self._part[0]}"
            (_, done, total), start = self._part, self._part_start
        elapsed = now - start
        frac = min(done / total, 1.0) if total else 1.0
        eta = elapsed / done * max(total - done, 0) if done else float("nan")
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta_text = "--:--" if eta != eta else f"{int(eta) // 60:02d}:{int(eta) % 60:02d}"
        text = f"{label} [{bar}] {done}/{total} ETA {eta_text} "
        # a line longer than the terminal wraps, and "\r" then redraws only its last part
        self.stream.write(f"\r{text[:_columns(self.stream) - 1]}\x1b[K")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled and not self.lines:
            self.stream.write("\n")
            self.stream.flush()


def _columns(stream) -> int:
    """The width of the terminal ``stream`` is on (stdout may be a file while stderr is the terminal)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return shutil.get_terminal_size().columns


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
