"""A region's fits as tasks any executor can run, and their results as plain files and numbers.

One task per fit: the region's shared networks (``model.nn.scope: region``) and each segment's
components. A task fits in a scratch folder of whichever process or node runs it and returns the
files it wrote (bytes) with its numbers (JSON), so nothing depends on where it ran. Its key hashes
everything the result depends on (rows, config, code, package versions): a stored result under the
same key is exactly what a fresh fit would give.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel

import forecastops
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.exec.task import Task
from forecastops.modeling.components import Components, fit_components
from forecastops.modeling.design import Design
from forecastops.modeling.shared import fit_shared_nn
from forecastops.provenance import runtime_versions

SHARED, SEGMENT = "shared", "segment"
Result = tuple[dict[str, bytes], dict]


@dataclass(frozen=True)
class RegionPlan:
    """A region's segment rows, the declared segments without data, and its fit tasks (the
    shared networks first when ``model.nn.scope`` is region)."""

    region: str
    seg_rows: dict[str, pd.DataFrame]
    missing: list[str]
    tasks: list[Task]
    shared: Task | None


def plan_region(
    features: pd.DataFrame,
    region: str,
    segments: SegmentsConfig,
    configs: tuple[ModelConfig, FeaturesConfig, TrainConfig],
) -> RegionPlan:
    """The fits one region needs; an error if none of its segments has rows."""
    keys = [k for k in segments.segment_keys() if k.startswith(f"{region}/")]
    present = set(features["segment"].unique())
    seg_rows = {k: features[features["segment"] == k] for k in keys if k in present}
    if not seg_rows:
        raise ForecastopsError(
            f"train: region '{region}' has no rows in any segment {keys}; check the features file"
        )
    shared = None
    if configs[0].nn.scope == "region":
        rows = features[features["segment"].isin(list(seg_rows))]
        shared = fit_task(SHARED, f"{region}/shared", region, rows, configs)
    tasks = [fit_task(SEGMENT, k, k, r, configs) for k, r in seg_rows.items()]
    missing = [k for k in keys if k not in present]
    return RegionPlan(region, seg_rows, missing, [t for t in (shared, *tasks) if t], shared)


def fit_task(
    kind: str,
    name: str,
    fit_name: str,
    rows: pd.DataFrame,
    configs: tuple[ModelConfig, FeaturesConfig, TrainConfig],
) -> Task:
    """A fit as a task: reported as ``name``, stored under its content key."""
    key = content_key(kind, fit_name, rows, configs)
    return Task(name, key, run_fit, (kind, fit_name, rows, *configs))


def run_fit(
    kind: str,
    name: str,
    rows: pd.DataFrame,
    model_cfg: ModelConfig,
    feat_cfg: FeaturesConfig,
    train_cfg: TrainConfig,
) -> Result:
    """Fit in a scratch folder; return its files and the numbers the ensemble choice needs."""
    with tempfile.TemporaryDirectory(prefix="forecastops-fit-") as tmp:
        out = Path(tmp)
        if kind == SHARED:
            val = fit_shared_nn(rows, name, model_cfg, feat_cfg, train_cfg, out)
            meta = {"index": val.index.tolist(), "values": val.to_numpy(dtype=float).tolist()}
        else:
            meta = components_meta(fit_components(rows, name, model_cfg, feat_cfg, train_cfg, out))
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return files, meta


def components_meta(fitted: Components) -> dict:
    """A segment's fitted components as JSON numbers (floats round-trip exactly)."""
    raw = asdict(fitted)
    raw["lasso_val"] = fitted.lasso_val.tolist()
    raw["nn_val"] = fitted.nn_val.tolist()
    return raw


def components_from_meta(raw: dict) -> Components:
    return Components(
        **{
            **raw,
            "design": Design(**raw["design"]),
            "lasso_val": np.asarray(raw["lasso_val"], dtype=float),
            "nn_val": np.asarray(raw["nn_val"], dtype=float),
        }
    )


def shared_from_meta(raw: dict) -> pd.Series:
    """The region networks' validation forecasts, by the row index they were made for."""
    return pd.Series(raw["values"], index=pd.Index(raw["index"], dtype="int64"), dtype=float)


@cache
def environment() -> str:
    """This package's source and the installed package versions, hashed: changed code or a new
    torch never reuses a stored result."""
    root = Path(forecastops.__file__).parent
    digest = hashlib.sha256(json.dumps(runtime_versions(), sort_keys=True).encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def content_key(kind: str, name: str, rows: pd.DataFrame, configs: tuple[BaseModel, ...]) -> str:
    """What a fit's result depends on, hashed: its kind and name (the seeds), rows (values, index,
    columns, dtypes), every config, and the code and package versions (:func:`environment`)."""
    digest = hashlib.sha256()
    header = {
        "kind": kind,
        "name": name,
        "configs": [c.model_dump(mode="json") for c in configs],
        "columns": [str(c) for c in rows.columns],
        "dtypes": [str(t) for t in rows.dtypes],
        "environment": environment(),
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    digest.update(pd.util.hash_pandas_object(rows, index=True).to_numpy().tobytes())
    return digest.hexdigest()[:40]
