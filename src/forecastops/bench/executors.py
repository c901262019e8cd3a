"""Segments per minute of each executor on the same fits: every segment of a workspace's regions
(and each region's shared networks), nothing from earlier runs, on this machine's cores."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from forecastops.config.load import load_params
from forecastops.config.sections.executor import LocalExecutor, RayExecutor
from forecastops.exec.ray_cluster import connect
from forecastops.exec.run import run_tasks
from forecastops.exec.store import WorkStore
from forecastops.gitops.train_stale import FEATURES, fit_tasks


def executors(cores: int) -> dict[str, LocalExecutor | RayExecutor]:
    """local at 1 and ``cores`` processes, and Ray on a local instance of the same cores."""
    return {
        "local_n_jobs_1": LocalExecutor(kind="local", n_jobs=1),
        f"local_n_jobs_{cores}": LocalExecutor(kind="local", n_jobs=cores),
        f"ray_{cores}_cpus": RayExecutor(
            kind="ray", address=None, num_cpus=cores, cpus_per_task=1, gpus_per_task=0
        ),
    }


def throughput(ws: Path, name: str, executor: LocalExecutor | RayExecutor) -> dict:
    """Fit every region of the workspace ``ws`` on ``executor``; its segments per minute."""
    params = load_params(ws / "params.yaml")
    regions = list(params["segments"]["regions"])
    startup, ray = 0.0, None
    if isinstance(executor, RayExecutor):  # the instance's start is reported apart
        started = time.perf_counter()
        ray = connect(executor)
        startup = round(time.perf_counter() - started, 1)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        started = time.perf_counter()
        tasks = fit_tasks(params, regions, ws / FEATURES)
        report = run_tasks(tasks, executor, WorkStore(Path(tmp)))
        seconds = time.perf_counter() - started
    if ray is not None:
        ray.shutdown()
    if report.failures:
        raise SystemExit(f"{name}: fits failed: {report.failures}")
    segments = sum(1 for n in report.computed if n.count("/") == 2)  # region/format/velocity
    print(f"executor {name}: {segments} segments in {seconds:.1f}s")
    return {
        "segments": segments,
        "fits": len(report.computed),
        "seconds": round(seconds, 1),
        "segments_per_minute": round(segments / seconds * 60, 2),
        "startup_seconds": startup,
    }


def compare(ws: Path, cores: int) -> dict:
    """Every executor on the same fits, and their speed-ups over one local process."""
    results = {name: throughput(ws, name, ex) for name, ex in executors(cores).items()}
    base = results["local_n_jobs_1"]["segments_per_minute"]
    speedup = {
        f"{name}_vs_local_n_jobs_1": round(r["segments_per_minute"] / base, 2)
        for name, r in results.items()
        if name != "local_n_jobs_1"
    }
    return {"cores": cores, "results": results, "speedup": speedup}
