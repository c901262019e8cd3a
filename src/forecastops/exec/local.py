"""The ``local`` executor: tasks in loky processes on this machine (``executor.n_jobs``).

Tasks are drawn from the iterable only as workers free up, so a batch over many regions holds only a
few regions' rows at once. Outcomes go to ``on_done`` as each task finishes, so what finished is
kept even if a worker later dies (out of memory, a crash); the tasks that death took, and those not
yet started, are reported as failed by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool

from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError

from forecastops.exec.task import Outcome, Task, attempt, failed, one_line


def run_local(tasks: Iterable[Task], n_jobs: int, on_done: Callable[[Outcome], None]) -> None:
    """Run ``tasks`` over ``n_jobs`` processes (1: in this process), ``on_done`` per outcome."""
    if n_jobs <= 1:
        for task in tasks:
            on_done(attempt(task))
        return
    started: dict[str, Task] = {}
    source = iter(tasks)

    def dispatch() -> Iterator:
        for task in source:
            started[task.key] = task
            yield delayed(attempt)(task)

    parallel = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator_unordered")
    try:
        for outcome in parallel(dispatch()):
            started.pop(outcome.key, None)
            on_done(outcome)
    except (TerminatedWorkerError, BrokenProcessPool) as exc:
        reason = f"a worker process died: {one_line(exc)}"
        for task in [*started.values(), *source]:
            on_done(failed(task, reason))
