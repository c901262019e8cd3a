"""The neural half of the ensemble: an MLP over categorical embeddings and numeric features.

Embeddings (store, product, category, week of year, event) let one segment model share strength
across its series. Training is seeded and uses deterministic algorithms, so CPU runs repeat exactly;
``device: auto`` picks CUDA when a GPU runner has one.
"""

from __future__ import annotations

import copy
import os
import zlib

import numpy as np
import torch
from torch import nn

from forecastops.config.sections.model import NNConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.modeling.cpu_math import pin_cpu_math

CUBLAS_WORKSPACE = ":4096:8"  # PyTorch's documented setting for deterministic cuBLAS


def resolve_device(name: str) -> torch.device:
    """``auto``: CUDA when this process sees a GPU (a GPU runner, a Ray task given one), else CPU."""
    cuda = torch.cuda.is_available()
    if name == "cuda" and not cuda:
        raise ForecastopsError("train.device is cuda but no CUDA GPU is visible; use auto or cpu")
    device = torch.device(("cuda" if cuda else "cpu") if name == "auto" else name)
    if device.type == "cuda":
        # cuBLAS repeats its results only with a fixed workspace, set before its first use
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", CUBLAS_WORKSPACE)
    return device


def training_device(cfg: TrainConfig) -> torch.device:
    """Threads, CPU kernels and device for a fit, set before the process's first torch math."""
    torch.set_num_threads(cfg.torch_threads)
    pin_cpu_math(cfg.cpu_math)
    return resolve_device(cfg.device)


def batch_size_for(device: torch.device, cpu: int, gpu: int) -> int:
    """The NN mini-batch: ``gpu`` on a CUDA device (small batches leave it idle), else ``cpu``, so
    CPU results never change with the GPU setting."""
    return cpu if device.type == "cpu" else gpu


def seed_everything(seed: int, key: str) -> int:
    """A stable per-segment seed (the same on every machine and process)."""
    value = (seed * 1_000_003 + zlib.crc32(key.encode())) % (2**31)
    torch.manual_seed(value)
    np.random.seed(value % (2**32))
    torch.use_deterministic_algorithms(True, warn_only=True)
    return value


class EmbeddingNet(nn.Module):
    def __init__(self, cardinalities: list[int], n_numeric: int, cfg: NNConfig) -> None:
        super().__init__()
        # +1: code 0 is "unseen in training"; small vocabularies get small embeddings.
        dims = [min(cfg.embedding_dim, (c + 1) // 2 + 1) for c in cardinalities]
        self.embeddings = nn.ModuleList(
            nn.Embedding(c + 1, d) for c, d in zip(cardinalities, dims, strict=True)
        )
        layers: list[nn.Module] = []
        width = sum(dims) + n_numeric
        for hidden in cfg.hidden:
            layers += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(cfg.dropout)]
            width = hidden
        layers.append(nn.Linear(width, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, cats: torch.Tensor, nums: torch.Tensor) -> torch.Tensor:
        parts = [emb(cats[:, i]) for i, emb in enumerate(self.embeddings)]
        return self.mlp(torch.cat([*parts, nums], dim=1)).squeeze(1)


def _batches(n: int, size: int, generator: torch.Generator) -> list[torch.Tensor]:
    return list(torch.randperm(n, generator=generator).split(size))


def _loss(model: EmbeddingNet, cats: torch.Tensor, nums: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return float(nn.functional.mse_loss(model(cats, nums), y))


def fit(
    cats: np.ndarray,
    nums: np.ndarray,
    y: np.ndarray,
    cardinalities: list[int],
    cfg: NNConfig,
    seed: int,
    device: torch.device,
    batch_size: int,
    val: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    epochs: int | None = None,
) -> tuple[EmbeddingNet, int]:
    """Train; with ``val`` stop early and return the best epoch's weights and that epoch count."""
    generator = torch.Generator().manual_seed(seed)
    model = EmbeddingNet(cardinalities, nums.shape[1], cfg).to(device)
    # foreach (CUDA's default): one multi-tensor update per step, not a loop over the parameters;
    # the same model bytes (dvc.lock's model hashes unchanged), ~10 % less CPU per region
    opt = torch.optim.AdamW(
        model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, foreach=True
    )
    tc, tn, ty = (torch.as_tensor(a, device=device) for a in (cats, nums, y))
    vt = tuple(torch.as_tensor(a, device=device) for a in val) if val is not None else None
    best, best_state, best_epoch, stale = float("inf"), None, 0, 0
    for epoch in range(1, (epochs or cfg.epochs) + 1):
        model.train()
        for idx in _batches(len(ty), batch_size, generator):
            idx = idx.to(device)
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(tc[idx], tn[idx]), ty[idx])
            loss.backward()
            opt.step()
        if vt is None:
            best_epoch = epoch
            continue
        current = _loss(model, *vt)
        if current < best - 1e-6:
            best, best_state, best_epoch, stale = (
                current,
                copy.deepcopy(model.state_dict()),
                epoch,
                0,
            )
        else:
            stale += 1
            if stale >= cfg.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return model.cpu().eval(), max(best_epoch, 1)


def predict(model: EmbeddingNet, cats: np.ndarray, nums: np.ndarray) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        return model(torch.as_tensor(cats), torch.as_tensor(nums)).numpy().astype(float)
