"""A unit of segment work and its outcome.

A task that raises does not take the batch down: its exception becomes an :class:`Outcome` with the
task's name (a segment key), so the other tasks finish and are kept, and the caller reports every
failure at once.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Task:
    """``fn(*args)``, reported as ``name``; ``key`` names its result in the work store."""

    name: str
    key: str
    fn: Callable[..., Any]
    args: tuple


@dataclass(frozen=True)
class Outcome:
    """What a task gave: its value, or the one-line error that stopped it."""

    name: str
    key: str
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(task: Task) -> Outcome:
    """Run a task wherever the executor put it; an exception becomes a named, failed outcome."""
    try:
        return Outcome(task.name, task.key, value=task.fn(*task.args))
    except Exception as exc:  # any failure of one segment must leave the others running
        return Outcome(task.name, task.key, error=one_line(exc))


def one_line(exc: BaseException) -> str:
    """``Type: message (at file:line)`` of the innermost frame: enough to find it in a log."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    message = " ".join(str(exc).split()) or repr(exc)
    return f"{type(exc).__name__}: {message}{where}"


def failed(task: Task, reason: str) -> Outcome:
    """The outcome of a task its executor lost (a worker process or node that died)."""
    return Outcome(task.name, task.key, error=reason)
