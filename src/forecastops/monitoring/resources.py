"""What each stage run cost, recorded by the stage itself: wall time, CPU time and peak memory.

A stage's ``run`` carries ``@recorded("<stage>")``; each run appends one JSON line to
``.forecastops/resources.jsonl`` at the repository root (``$FORECASTOPS_RESOURCES`` overrides it).
It is a log beside the pipeline, not a DVC output: timings differ on every run, and outputs and
dvc.lock must stay byte-identical for the same inputs. Scoring wraps each row batch in
``batch(rows)`` so the monitor can report latency percentiles.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from forecastops import io
from forecastops.errors import ForecastopsError

RESOURCES = Path(".forecastops/resources.jsonl")  # relative to the repository root
ENV = "FORECASTOPS_RESOURCES"
_batches: list[dict[str, float]] = []  # the running stage's timed row batches


def log_path() -> Path:
    """Where records go: ``$FORECASTOPS_RESOURCES``, else the repository's resources log."""
    return Path(os.environ.get(ENV) or io.repo_root(Path.cwd()) / RESOURCES)


def _usage() -> tuple[float, float]:
    """CPU seconds (this process and its reaped children) and peak RSS in MiB (KiB on Linux)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, max(own.ru_maxrss, kids.ru_maxrss) / 1024


def recorded(stage: str, key: str | None = None) -> Callable:
    """Decorate a stage's ``run(args)``: append its cost, named ``stage`` or ``stage@<args.key>``."""

    def wrap(run: Callable[[Any], int]) -> Callable[[Any], int]:
        @functools.wraps(run)
        def timed(args: Any) -> int:
            name = f"{stage}@{getattr(args, key)}" if key else stage
            _batches.clear()
            wall, (cpu, _) = time.perf_counter(), _usage()
            ok = False
            try:
                result = run(args)
                ok = True
                return result
            finally:
                cpu_end, peak = _usage()
                append(
                    {
                        "stage": name,
                        "ok": ok,
                        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "wall_s": round(time.perf_counter() - wall, 3),
                        "cpu_s": round(cpu_end - cpu, 3),
                        "peak_rss_mb": round(peak, 1),
                        "batches": list(_batches),
                    }
                )

        return timed

    return wrap


@contextmanager
def batch(rows: int) -> Iterator[None]:
    """Time one row batch of the running stage (scoring latency)."""
    started = time.perf_counter()
    yield
    _batches.append({"rows": rows, "seconds": round(time.perf_counter() - started, 6)})


def append(record: dict[str, Any], path: Path | None = None) -> None:
    """One JSON line, written with a single append (concurrent stages do not interleave)."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")


def latest(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """The last record of every stage (the stage's most recent run); {} without a log."""
    path = path or log_path()
    out: dict[str, dict[str, Any]] = {}
    if not path.is_file():
        return out
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            out[record["stage"]] = record
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ForecastopsError(f"{path}: line {number}: not a stage record: {exc}") from exc
    return out


def summary(records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each stage's last run, and scoring latency percentiles over its row batches."""
    batches = [b["seconds"] for b in records.get("score", {}).get("batches", [])]
    latency = None
    if batches:
        p50, p95 = np.percentile(batches, [50, 95])
        latency = {"batches": len(batches), "p50_s": float(p50), "p95_s": float(p95)}
    stages = {k: {f: v for f, v in r.items() if f != "batches"} for k, r in records.items()}
    return {"stages": dict(sorted(stages.items())), "score_latency": latency}
