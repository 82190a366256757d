"""A progress bar with an ETA on stderr, for long runs (silent when stderr is not a terminal
unless forced, so logs and tests stay clean; with ``lines=True`` a log gets one plain line
per tenth of the work instead)."""

from __future__ import annotations

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

    def stage(self, label: str) -> None:
        """Name the step now running (for work counted in a few long steps) and redraw."""
        self.label = label
        if self.enabled:
            self._last = time.monotonic()
            self._draw(self._last)

    def advance(self, n: int = 1) -> None:
        self.done += n
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
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        eta_text = "--:--" if eta != eta else f"{int(eta) // 60:02d}:{int(eta) % 60:02d}"
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} ETA {eta_text} ")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled and not self.lines:
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
