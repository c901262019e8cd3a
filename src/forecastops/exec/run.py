"""Run segment tasks on the configured executor, keeping every finished result in the work store.

Tasks whose result the store already holds are not run again: after a failure (or on a cluster that
precomputed them, ``forecastops train-stale``) a rerun does only the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from forecastops.config.sections.executor import LocalExecutor, RayExecutor
from forecastops.exec.local import run_local
from forecastops.exec.ray_cluster import run_ray
from forecastops.exec.store import WorkStore
from forecastops.exec.task import Outcome, Task


@dataclass
class Report:
    """What a batch did: every task's key, those computed now, found in the store, and failed
    (name -> error)."""

    keys: list[str] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{len(self.computed)} fits computed, {len(self.stored)} kept from earlier runs"

    def failure_text(self, what: str, store: WorkStore) -> str:
        """Every failed task by name, and what happens to the rest."""
        done = len(self.computed) + len(self.stored)
        lines = [
            f"{len(self.failures)} of {len(self.keys)} fits of {what} failed; the {done} that "
            f"finished are kept in {store.root} and a rerun fits only the failed ones:"
        ]
        lines += [f"  {name}: {error}" for name, error in sorted(self.failures.items())]
        return "\n".join(lines)


def run_tasks(
    tasks: Iterable[Task], executor: LocalExecutor | RayExecutor, store: WorkStore
) -> Report:
    """Run the tasks the store lacks, drawn lazily from ``tasks``. A task returns ``(files,
    meta)`` (bytes by file name, JSON numbers); each success is stored as it arrives, each failure
    recorded under the task's name."""
    report = Report()

    def todo() -> Iterator[Task]:
        for task in tasks:
            report.keys.append(task.key)
            if store.has(task.key):
                report.stored.append(task.name)
            else:
                yield task

    def done(outcome: Outcome) -> None:
        if outcome.ok:
            store.put(outcome.key, *outcome.value)
            report.computed.append(outcome.name)
        else:
            report.failures[outcome.name] = outcome.error or "failed"

    if isinstance(executor, LocalExecutor):
        run_local(todo(), executor.n_jobs, done)
    else:
        run_ray(todo(), executor, done)
    return report
