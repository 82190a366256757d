"""Batch sweeps: a scenario by name over a grid (or explicit points) of parameters and seeds,
on a local process pool or a Dask cluster, stored run by run so a killed sweep resumes.

- :mod:`scenarios.batch.registry`: scenarios by name with a parameter schema (``register``, ``Param``);
- :mod:`scenarios.batch.config`: TOML configs, checked before any run;
- :mod:`scenarios.batch.executors`: the ``concurrent.futures`` executors (local pool, Dask);
- :mod:`scenarios.batch.runner`: ``run_batch`` -- runs, skips finished ones, writes the table;
- :mod:`scenarios.batch.store`: ``results.jsonl`` (one fsynced line per run) and ``results.csv``;
- :mod:`scenarios.batch.plot`: mean and 95% interval over seeds;
- ``scenarios_*.py``: the scenarios themselves, one module per topic, found automatically.

Example
-------
>>> from scenarios.batch import parse_config, run_batch, open_executor
>>> cfg = parse_config({"scenario": "cost-sweep", "seeds": 2, "grid": {"agents": [4, 5]}})
>>> import tempfile
>>> with open_executor(workers=0) as (pool, slots):
...     result = run_batch(cfg, tempfile.mkdtemp(), pool, slots=slots, progress=False)
>>> result.ran, result.complete
(4, True)
"""

from scenarios.batch.config import BatchConfig, Run, load_config, parse_config, spawn_seeds
from scenarios.batch.executors import open_executor
from scenarios.batch.registry import SCENARIOS, Param, PlotDefaults, register
from scenarios.batch.runner import BatchResult, run_batch

__all__ = [
    "SCENARIOS",
    "BatchConfig",
    "BatchResult",
    "Param",
    "PlotDefaults",
    "Run",
    "load_config",
    "open_executor",
    "parse_config",
    "register",
    "run_batch",
    "spawn_seeds",
]
