"""The ``ray`` executor: the same tasks on a Ray cluster (``executor.address``), or on a Ray instance
started on this machine when no address is given.

Ray is the optional ``ray`` extra, imported only here and only when this executor is chosen. Each
task returns its files and numbers to the caller (nothing is written on the node that ran it), so a
cluster needs no shared filesystem; every node runs the same locked environment. Tasks are drawn
from the iterable as slots free up (twice the cluster's task slots in flight), so a batch over many
regions never holds all their rows at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from forecastops import numpy_kernels
from forecastops.config.sections.executor import RayExecutor
from forecastops.errors import ForecastopsError
from forecastops.exec.task import Outcome, Task, attempt, failed, one_line

IN_FLIGHT_PER_SLOT = 2  # tasks submitted per slot: the next is queued while one runs


def _ray() -> Any:
    try:
        import ray  # lazy: the optional `ray` extra, needed only by executor=ray
    except ImportError as exc:
        raise ForecastopsError(
            "executor ray needs Ray: pip install 'forecastops[ray]' (or choose executor=local)"
        ) from exc
    return ray


def connect(cfg: RayExecutor) -> Any:
    """The ``ray`` module, connected: an existing connection is reused (tests start one). Workers
    start with this process's NumPy kernel pins (``numpy_kernels``): a node's worker loads NumPy
    before any task runs."""
    ray = _ray()
    if not ray.is_initialized():
        pins = {k: os.environ[k] for k in numpy_kernels.KERNELS if k in os.environ}
        kwargs: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "runtime_env": {"env_vars": pins},
        }
        if cfg.address is None:
            kwargs["num_cpus"] = cfg.num_cpus
        try:
            ray.init(address=cfg.address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError, ImportError) as exc:
            raise ForecastopsError(
                f"executor ray: cannot reach a Ray cluster at {cfg.address!r}: {one_line(exc)}"
            ) from exc
    return ray


def run_ray(tasks: Iterable[Task], cfg: RayExecutor, on_done: Callable[[Outcome], None]) -> None:
    """Submit tasks as slots free up; ``on_done`` each outcome as it arrives. A task Ray loses (a
    dead worker or node) is a failed outcome with its name, never a lost batch."""
    source = iter(tasks)
    first = list(islice(source, 1))
    if not first:
        return
    ray = connect(cfg)
    remote = ray.remote(num_cpus=cfg.cpus_per_task, num_gpus=cfg.gpus_per_task, max_retries=0)(
        attempt
    )
    slots = max(1, int(ray.cluster_resources().get("CPU", 1) // cfg.cpus_per_task))
    pending = {remote.remote(t): t for t in [*first, *islice(source, IN_FLIGHT_PER_SLOT * slots)]}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        task = pending.pop(done[0])
        try:
            outcome = ray.get(done[0])
        except ray.exceptions.RayError as exc:
            outcome = failed(task, f"Ray lost the task: {one_line(exc)}")
        on_done(outcome)
        pending.update({remote.remote(t): t for t in islice(source, 1)})
