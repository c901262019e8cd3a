"""The work store: finished segment results by content key, until DVC records them.

A result (a fit's files and its JSON numbers) is stored under a key that hashes everything that
made it (rows, config, code, package versions), so a stored result is exactly what a fresh run would
compute. It lives in ``.forecastops/work`` at the repository root, next to the atomic writers'
scratch and never inside a folder DVC hashes; each entry is written atomically. Entries are removed
once the models built from them are written; DVC's cache and ``dvc.lock`` stay the record.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from forecastops import io
from forecastops.errors import ForecastopsError

META = "result.json"  # the numbers of a result; every other file is one of its files


class WorkStore:
    """Results as folders ``<root>/<key>/``: the result's files and ``result.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def near(cls, target: Path) -> WorkStore:
        """The store of the repository that will hold ``target`` (beside ``.forecastops/tmp``)."""
        return cls(io.scratch_root(Path(target)).parent / "work")

    def _dir(self, key: str) -> Path:
        if not key.isalnum():
            raise ForecastopsError(f"work store: not a content key: {key!r}")
        return self.root / key

    def keys(self) -> list[str]:
        """Every stored result's key."""
        found = self.root.iterdir() if self.root.is_dir() else []
        return sorted(p.name for p in found if p.name.isalnum() and (p / META).is_file())

    def has(self, key: str) -> bool:
        return (self._dir(key) / META).is_file()

    def put(self, key: str, files: dict[str, bytes], meta: dict) -> None:
        """Store a result atomically (a killed run leaves no half entry)."""
        if META in files:
            raise ForecastopsError(f"work store: a result may not have a file named {META}")
        with io.atomic_path(self._dir(key)) as tmp:
            tmp.mkdir(parents=True)
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / META).write_text(json.dumps(meta, sort_keys=True) + "\n", encoding="utf-8")

    def meta(self, key: str) -> dict:
        """A stored result's numbers."""
        path = self._dir(key) / META
        if not path.is_file():
            raise ForecastopsError(f"work store: no result {key} in {self.root}")
        return json.loads(path.read_text(encoding="utf-8"))

    def copy_files(self, key: str, out_dir: Path) -> None:
        """Put a stored result's files into ``out_dir``."""
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in sorted(self._dir(key).iterdir()):
            if path.name != META:
                shutil.copyfile(path, out_dir / path.name)

    def drop(self, keys: list[str]) -> None:
        """Forget results whose models are written (DVC holds them from here on)."""
        for key in keys:
            shutil.rmtree(self._dir(key), ignore_errors=True)
