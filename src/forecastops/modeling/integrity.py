"""Model files are evidence only after a check: each region's directory must hash to what
``dvc.lock`` pins for it, before anything in it is read.

The hash is DVC's own (``dvc_data`` builds the same ``<md5>.dir`` tree hash ``dvc repro`` records),
so a tampered, truncated or extra file anywhere in ``models/<region>`` is refused. When the DVC
cache holds the pinned directory listing, the refusal names the files that differ.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from dvc_data.hashfile.build import build
from dvc_data.hashfile.db.local import LocalHashFileDB
from dvc_objects.fs.local import LocalFileSystem

from forecastops import io
from forecastops.errors import ForecastopsError

CACHE_DIR = Path(".dvc/cache/files/md5")  # where DVC keeps a pinned directory's file listing


def pinned_outs(lock: Path) -> dict[str, str]:
    """{output path: md5} of every stage output ``lock`` (a dvc.lock) pins."""
    try:
        stages = (io.parse_yaml(lock.read_text()) or {}).get("stages") or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ForecastopsError(f"{lock}: cannot read the pinned model hashes ({exc})") from exc
    return {
        Path(out["path"]).as_posix(): str(out.get("md5"))
        for stage in stages.values()
        for out in stage.get("outs") or []
    }


def tree(path: Path) -> tuple[str, dict[str, str]]:
    """DVC's directory hash of ``path`` and each file's md5 (relative path -> md5)."""
    fs = LocalFileSystem()
    with tempfile.TemporaryDirectory() as scratch:
        _, _, obj = build(LocalHashFileDB(fs, scratch), str(path), fs, "md5", dry_run=True)
    files = {"/".join(key): info.value for key, _, info in obj}
    return str(obj.hash_info.value), files


def _pinned_files(md5: str) -> dict[str, str] | None:
    listing = CACHE_DIR / md5[:2] / md5[2:]
    if not listing.is_file():
        return None
    return {e["relpath"]: e["md5"] for e in json.loads(listing.read_text())}


def _differing(files: dict[str, str], pinned: dict[str, str] | None) -> str:
    if pinned is None:
        return "(the pinned file listing is not in the DVC cache: run `dvc pull` to name the files)"
    changed = sorted(k for k in files.keys() & pinned.keys() if files[k] != pinned[k])
    extra, missing = sorted(files.keys() - pinned.keys()), sorted(pinned.keys() - files.keys())
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("changed", changed), ("not pinned", extra), ("missing", missing))
        if names
    ]
    return "; ".join(parts)


def matches_lock(path: Path, lock: Path) -> bool:
    """Whether ``path`` is exactly the output ``lock`` pins for it. A persistent output left in the
    workspace (evaluate's charts) is the last run's only then: not when edited since, nor when
    nothing pins it (no ``dvc.lock``, or it names no such output)."""
    if not path.is_dir() or not lock.is_file():
        return False
    try:
        pinned = pinned_outs(lock).get(path.as_posix())
    except ForecastopsError:
        return False
    return pinned is not None and tree(path)[0] == pinned


def verify_models(models_dir: Path, regions: list[str], lock: Path) -> None:
    """Refuse (``ForecastopsError``) unless every region's model directory is exactly what
    ``lock`` pins, naming the directory and, when the cache allows, the files that differ."""
    pinned = pinned_outs(lock)
    for region in regions:
        path = models_dir / region
        key = path.as_posix()
        if key not in pinned:
            raise ForecastopsError(f"{path}: {lock} pins no such output; refusing to load it")
        if not path.is_dir():
            raise ForecastopsError(f"{path}: not found (pinned by {lock}); run `dvc pull`")
        actual, files = tree(path)
        if actual != pinned[key]:
            raise ForecastopsError(
                f"{path}: does not match {lock} (hash {actual}, pinned {pinned[key]}); refusing to "
                f"load it. {_differing(files, _pinned_files(pinned[key]))}"
            )
