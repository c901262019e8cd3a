"""GPU without a GPU (issue 10, item 3): `train.device: auto` takes CUDA when a process sees one,
and the GPU batch size applies only there; no test needs a GPU (CPU results are checked unchanged
in test_executors)."""

from __future__ import annotations

import os

import pytest
import torch

from forecastops.errors import ForecastopsError
from forecastops.modeling.net import CUBLAS_WORKSPACE, batch_size_for, resolve_device


def test_auto_is_cuda_only_where_a_gpu_is_visible(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == torch.device("cuda")
    # set before cuBLAS is first used, so GPU runs repeat
    assert os.environ["CUBLAS_WORKSPACE_CONFIG"] == CUBLAS_WORKSPACE
    assert resolve_device("cpu") == torch.device("cpu")


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ForecastopsError, match="no CUDA GPU is visible"):
        resolve_device("cuda")


def test_gpu_batch_size_applies_only_on_cuda():
    assert batch_size_for(torch.device("cpu"), cpu=512, gpu=4096) == 512
    assert batch_size_for(torch.device("cuda"), cpu=512, gpu=4096) == 4096
