"""Where runs execute: anything with the standard ``concurrent.futures.Executor`` interface.

- ``workers=0``: in this process, one run after another (for debugging: breakpoints work);
- default: a local ``ProcessPoolExecutor`` with ``workers`` processes (all cores);
- ``scheduler=ADDRESS``: a Dask distributed cluster (``pip install 'mas-negotiation[dask]'``),
  through ``Client(ADDRESS).get_executor()``; ``scheduler="local"`` starts a
  ``LocalCluster`` of ``workers`` single-threaded processes on this machine.

The Dask workers must be able to import this package (install it on them).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from mas.errors import InputError


class InlineExecutor(Executor):
    """Runs each task at submit time in the calling process (no parallelism)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001  (handed to the caller through the future)
            future.set_exception(exc)
        return future


def _process_context():
    # fork() from a process that has threads (numpy's BLAS, a progress thread) can deadlock
    # the child, and Python 3.12 warns about it: start workers from a clean server process.
    # The server imports the scenarios once (while it has no threads), so workers
    # forked from it start warm instead of each importing numpy, scipy and Mesa.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    from scenarios.batch.registry import builtin_modules  # noqa: PLC0415

    ctx.set_forkserver_preload(["scenarios.batch.runner", *builtin_modules()])
    return ctx


_PR_SET_PDEATHSIG = 1


def die_with(parent_pid: int) -> None:
    """Worker initializer: end this process when ``parent_pid`` (the ``mas batch`` process) ends.

    The kernel kills the worker when its own parent dies (``PR_SET_PDEATHSIG``;
    under forkserver that parent is the fork server, which exits when the main
    process does); a daemon thread also checks every second that ``parent_pid``
    lives, for platforms without prctl. Without this a ``kill -9`` of the main
    process leaves every worker computing its run to the end.
    """
    import signal
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass

    def alive() -> bool:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    if not alive():
        os._exit(1)

    def watch() -> None:
        while alive():
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[tuple[Executor, int]]:
    """An executor and how many runs it can do at once; shut down on exit.

    Raises
    ------
    InputError naming ``--workers`` or ``--scheduler`` for a bad value, a
    missing dask installation, or a scheduler that cannot be reached.
    """
    if workers is not None and (not isinstance(workers, int) or workers < 0):
        raise InputError("--workers", workers, "must be a whole number >= 0 (0 = in this process)")
    if scheduler is None:
        if workers == 0:
            yield InlineExecutor(), 1
            return
        n = workers or default_workers()
        pool = ProcessPoolExecutor(max_workers=n, mp_context=_process_context(), initializer=die_with,
                                   initargs=(os.getpid(),))
        try:
            yield pool, n
        except BaseException:
            # SIGTERM, Ctrl-C or an error: runs in flight would not be recorded, so stop the workers
            # now rather than wait for them (shutdown(wait=True) would)
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--scheduler", scheduler,
                         "needs dask.distributed: pip install 'mas-negotiation[dask]'") from None
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(LocalCluster(n_workers=workers or default_workers(),
                                                       threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            target: object = cluster
        else:
            target = scheduler
        try:
            client = stack.enter_context(Client(target, timeout="10s"))
        except (OSError, TimeoutError) as exc:
            raise InputError("--scheduler", scheduler, f"cannot connect ({exc})") from None
        yield client_executor(client)


def client_executor(client) -> tuple[Executor, int]:
    """A ``concurrent.futures`` executor on a Dask client and its number of worker threads."""
    threads = sum(client.nthreads().values()) or 1
    # pure=False: two runs with equal arguments are still two runs (dask would merge them)
    return client.get_executor(pure=False), threads
