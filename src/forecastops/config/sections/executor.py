"""The ``executor`` section: where segment work runs (``conf/executor/{local,ray}.yaml``).

Every fit is seeded by its segment and returns its files instead of writing shared state, so the
models are byte-identical whichever executor ran them; that is why no DVC stage tracks this section
and switching executors retrains nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from forecastops.config.sections.base import Section


class LocalExecutor(Section):
    """Processes on this machine (loky); ``n_jobs: 1`` runs in the calling process."""

    kind: Literal["local"]
    n_jobs: int = Field(ge=1)


class RayExecutor(Section):
    """Tasks on a Ray cluster (the optional ``ray`` extra)."""

    kind: Literal["ray"]
    # None: start a Ray instance here; "auto": this node's cluster; "ray://<head>:10001": Ray Client
    address: str | None
    num_cpus: int | None = Field(ge=1)  # a started instance's CPUs (None: Ray counts them)
    cpus_per_task: float = Field(gt=0)
    gpus_per_task: float = Field(ge=0)  # a fraction shares one GPU between tasks


Executor = Annotated[LocalExecutor | RayExecutor, Field(discriminator="kind")]


class ExecutorConfig(RootModel[Executor]):
    """The section as one model: ``kind`` picks the variant, each refusing unknown keys."""


def describe_executor(cfg: LocalExecutor | RayExecutor) -> str:
    """One line for logs: which executor ran the work."""
    if isinstance(cfg, LocalExecutor):
        return f"local (n_jobs={cfg.n_jobs})"
    where = cfg.address or f"a local instance, num_cpus={cfg.num_cpus or 'all'}"
    return f"ray ({where})"
