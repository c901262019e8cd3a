"""A set of embedding networks fitted with different seeds and averaged on the log scale.

Seed averaging is the cheapest variance reduction an NN has; seed 0 keeps the model's historical
seed, so ``n_seeds: 1`` reproduces a single network exactly. Weights are saved as torch state dicts
and loaded with ``weights_only=True`` into a network rebuilt from the recorded shape.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from forecastops.config.sections.model import NNConfig
from forecastops.modeling.design import Design, relative_target
from forecastops.modeling.net import EmbeddingNet, seed_everything
from forecastops.modeling.net import fit as fit_net
from forecastops.modeling.net import predict as predict_net


def nn_shape(design: Design, cfg: NNConfig) -> dict:
    """What rebuilds the networks as they were trained, whatever the config says at load time."""
    return {
        "cardinalities": [len(design.vocab[c]) for c in design.categoricals],
        "n_numeric": len(design.numeric),
        "config": cfg.model_dump(),
    }


def fit_nns(
    design: Design,
    rows: pd.DataFrame,
    cfg: NNConfig,
    key: str,
    base_seed: int,
    device: torch.device,
    batch_size: int,
    val: pd.DataFrame | None = None,
    epochs: list[int] | None = None,
) -> tuple[list[EmbeddingNet], list[int]]:
    """``cfg.n_seeds`` networks in mini-batches of ``batch_size``; with ``val`` each stops early
    there (its best epoch count is returned), with ``epochs`` each trains for its own count."""
    arrays = (design.category_codes(rows), design.numeric_matrix(rows), relative_target(rows))
    val_arrays = None
    if val is not None:
        val_arrays = (design.category_codes(val), design.numeric_matrix(val), relative_target(val))
    cards = nn_shape(design, cfg)["cardinalities"]
    nets, best = [], []
    for i in range(cfg.n_seeds):
        seed = seed_everything(base_seed, key if i == 0 else f"{key}#seed{i}")
        limit = None if epochs is None else epochs[i]
        net, count = fit_net(
            *arrays, cards, cfg, seed, device, batch_size, val=val_arrays, epochs=limit
        )
        nets.append(net)
        best.append(int(count))
    return nets, best


def predict_nns(design: Design, nets: list[EmbeddingNet], rows: pd.DataFrame) -> np.ndarray:
    """The seed average of the networks' log-relative forecasts."""
    cats, nums = design.category_codes(rows), design.numeric_matrix(rows)
    return np.mean([predict_net(net, cats, nums) for net in nets], axis=0)


def save_nns(nets: list[EmbeddingNet], out_dir: Path) -> None:
    for i, net in enumerate(nets):
        torch.save(net.state_dict(), out_dir / f"nn_{i}.pt")


def load_nns(out_dir: Path, shape: dict, count: int) -> list[EmbeddingNet]:
    nets = []
    for i in range(count):
        net = EmbeddingNet(shape["cardinalities"], shape["n_numeric"], NNConfig(**shape["config"]))
        state = torch.load(out_dir / f"nn_{i}.pt", map_location="cpu", weights_only=True)
        net.load_state_dict(state)
        nets.append(net.eval())
    return nets
