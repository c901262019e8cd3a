"""Per-row test predictions of a run, in the working tree or at a git revision, for the paired
bootstrap and the base-vs-head charts.

The smoke run keeps its rows in ``reports/smoke/predictions.parquet`` (small, committed: the base
side of a PR is in git); a full run's are ``models/<region>/test_predictions.parquet`` (DVC
outputs, read at a revision from the DVC cache). ``dvc.api.open`` serves both.
"""

from __future__ import annotations

import io as bytesio
from pathlib import Path

import dvc.api
import pandas as pd
from dvc.exceptions import DvcException, PathMissingError
from dvc.scm import RevError

from forecastops import io
from forecastops.errors import ForecastopsError
from forecastops.quality.bootstrap import KEY

COLUMNS = [*KEY, "actual", "ensemble", "baseline", "naive", "mase_scale"]


def _frame(frames: list[pd.DataFrame], source: str) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)
    missing = [c for c in COLUMNS if c not in out.columns]
    if missing:
        raise ForecastopsError(f"{source}: test predictions lack columns {missing}")
    return out[COLUMNS].sort_values(KEY, kind="stable").reset_index(drop=True)


def collect(models_dir: Path, regions: list[str]) -> pd.DataFrame:
    """Every region's ``test_predictions.parquet`` under ``models_dir``, reduced to ``COLUMNS``."""
    paths = [models_dir / r / "test_predictions.parquet" for r in regions]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ForecastopsError(f"{missing}: not found; run the pipeline first")
    return _frame([pd.read_parquet(p) for p in paths], str(models_dir))


def save(frame: pd.DataFrame, out: str | Path) -> None:
    io.write_parquet(out, frame)


def read_workspace(paths: list[str]) -> pd.DataFrame | None:
    """The files as they are in the working tree; ``None`` when none exists."""
    found = [Path(p) for p in paths if Path(p).is_file()]
    return _frame([pd.read_parquet(p) for p in found], ", ".join(paths)) if found else None


def _read_at(rev: str, path: str) -> pd.DataFrame | None:
    """``path`` at ``rev`` (git-tracked or a DVC output); ``None`` when absent there."""
    try:
        return pd.read_parquet(bytesio.BytesIO(dvc.api.read(path, rev=rev, mode="rb")))
    except PathMissingError:
        return None
    except RevError as exc:
        missing = f"git revision '{rev}' not found (fetch it, e.g. fetch-depth: 0)"
        raise ForecastopsError(missing) from exc


def read_at_revision(rev: str, paths: list[str]) -> tuple[pd.DataFrame | None, str]:
    """The files at ``rev`` and a note when they cannot be had (absent there, or a DVC output
    missing from the cache: ``dvc pull`` first); the report then shows deltas without intervals."""
    frames = []
    for path in paths:
        try:
            frame = _read_at(rev, path)
        except DvcException as exc:
            return None, f"`{rev}:{path}` unavailable ({type(exc).__name__}: run `dvc pull`)"
        if frame is not None:
            frames.append(frame)
    if not frames:
        return None, (
            f"no test predictions at `{rev}` ({', '.join(paths)}; a DVC output is read from the "
            "cache: `dvc pull` it first)"
        )
    return _frame(frames, f"{rev}:{', '.join(paths)}"), ""
