"""The ``train`` section: forecast horizon, the time split, seed and the device networks train on.

Where the fits run (processes, a Ray cluster) is the ``executor`` section."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from forecastops.config.sections.base import Section


class SplitConfig(Section):
    test_weeks: int = Field(ge=1)
    val_weeks: int = Field(ge=1)
    history_weeks: int = Field(ge=4)


class TrainConfig(Section):
    horizon_weeks: int = Field(ge=1)
    split: SplitConfig
    seed: int
    device: Literal["auto", "cpu", "cuda"]
    # NN mini-batch on a GPU (a CUDA device is idle at a CPU's batch); on CPU model.nn.batch_size
    gpu_batch_size: int = Field(ge=1)
    torch_threads: int = Field(ge=1)
    # CPU kernels: portable (the same bytes on every x86-64 CPU) | native (this CPU's fastest)
    cpu_math: Literal["portable", "native"]
