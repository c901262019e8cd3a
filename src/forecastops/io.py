"""Atomic file output: write to a scratch directory, then rename onto the target, so a failed stage
never leaves a half-written file and earlier outputs stay intact.

Scratch lives in ``.forecastops/tmp`` at the repository root (the nearest folder with a dvc.yaml;
same filesystem, so the rename is atomic), never inside a folder DVC hashes: a run killed mid-write
leaves nothing in ``models/`` to change its hash. Scratch of processes no longer alive is swept at
the next start.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from forecastops.errors import ForecastopsError

SCRATCH = Path(".forecastops/tmp")  # relative to the repository root


def repo_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` with a dvc.yaml (else ``start`` itself)."""
    start = start.resolve()
    return next((f for f in (start, *start.parents) if (f / "dvc.yaml").is_file()), start)


def scratch_root(target: Path) -> Path:
    """``.forecastops/tmp`` of the repository holding ``target`` (else beside it)."""
    return repo_root(target.resolve().parent) / SCRATCH


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(root: Path) -> None:
    """Remove scratch left by processes that died (SIGKILL, power loss) before cleaning up."""
    for entry in root.glob("*-*") if root.is_dir() else []:
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path in scratch; on success it replaces ``target`` (file or dir)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    root = scratch_root(target)
    root.mkdir(parents=True, exist_ok=True)
    sweep(root)
    work = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    tmp = work / target.name
    try:
        yield tmp
        if target.is_dir() and not target.is_symlink():
            target.rename(work / "old")
            tmp.rename(target)
        else:
            os.replace(tmp, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def atomic_write(target: str | Path, writer: Callable[[Path], Any]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``target``."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_text(target: str | Path, text: str) -> Path:
    return atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(target: str | Path, obj: Any) -> Path:
    return write_text(target, json.dumps(obj, indent=2, sort_keys=True, allow_nan=False) + "\n")


def write_parquet(target: str | Path, df) -> Path:
    return atomic_write(target, lambda p: df.to_parquet(p, index=False))


def read_json(path: str | Path) -> dict | None:
    """A JSON file's content; ``None`` when the file does not exist."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ForecastopsError(f"{path}: not valid JSON: {exc}") from exc


# libyaml's parser where PyYAML was built with it: the same safe constructor, about 8x faster on
# a dvc.lock of hundreds of stages (read by score, evaluate and the dashboard on every rerun).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str | bytes) -> Any:
    """``yaml.safe_load`` with the C parser when available (raises ``yaml.YAMLError`` alike)."""
    return yaml.load(text, Loader=_SAFE_LOADER)
