"""A progress bar with an ETA on stderr, for long runs (silent when stderr is not a terminal
unless forced, so logs and tests stay clean)."""

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
    """

    def __init__(self, total: int, label: str = "", *, enabled: bool | None = None, stream=None) -> None:
        self.total = max(int(total), 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0

    def stage(self, label: str) -> None:
        """Name the step now running (for work counted in a few long steps) and redraw."""
        self.label = label
        if self.enabled:
            self._last = time.monotonic()
            self._draw(self._last)

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
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
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
