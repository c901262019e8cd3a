"""A file as it was at a git revision: the one reader the report, the registry and the release share.

It reads with ``dvc.api.read`` (DVC's file system over the git tree: it serves git-tracked files,
which the ``cache: false`` metrics and the release verdict are, as well as DVC outputs, and works in
a plain git repository too). Each call opens a DVC ``Repo``.
"""

from __future__ import annotations

import json
from pathlib import Path

import dvc.api
import yaml
from dvc.api import DVCFileSystem
from dvc.exceptions import DvcException, PathMissingError
from dvc.scm import RevError

from forecastops import io
from forecastops.errors import ForecastopsError


def bytes_at_revision(rev: str, path: str | Path, repo: str | Path | None = None) -> bytes | None:
    """The exact bytes of ``path`` (relative to the root of ``repo``, default: the one around the
    working directory) at git revision ``rev`` (hashes are taken of these); ``None`` when absent."""
    try:
        return dvc.api.read(
            Path(path).as_posix(), repo=None if repo is None else str(repo), rev=rev, mode="rb"
        )
    except RevError as exc:
        raise ForecastopsError(
            f"git revision '{rev}' not found (fetch it, e.g. fetch-depth: 0)"
        ) from exc
    except PathMissingError:
        return None
    except DvcException as exc:  # git errors, and a dvc.yaml/dvc.lock DVC cannot parse there
        raise ForecastopsError(f"{rev}:{path}: cannot read: {exc}") from exc


def json_at_revision(rev: str, path: str | Path, repo: str | Path | None = None) -> dict | None:
    """JSON file ``path`` at git revision ``rev``; ``None`` when the file is absent there."""
    data = bytes_at_revision(rev, path, repo)
    if data is None:
        return None
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ForecastopsError(f"{rev}:{path}: not valid JSON: {exc}") from exc


def yaml_at_revision(rev: str, path: str | Path, repo: str | Path | None = None) -> dict | None:
    """YAML mapping ``path`` at git revision ``rev`` (dvc.yaml, dvc.lock); ``None`` when absent."""
    data = bytes_at_revision(rev, path, repo)
    if data is None:
        return None
    try:
        loaded = io.parse_yaml(data)
    except yaml.YAMLError as exc:
        raise ForecastopsError(f"{rev}:{path}: not valid YAML: {exc}") from exc
    if not isinstance(loaded, dict):
        raise ForecastopsError(f"{rev}:{path}: expected a mapping at the top level")
    return loaded


def tree_at_revision(rev: str, path: str, dest: Path, repo: str | Path = ".") -> bool:
    """Copy directory ``path`` as it was at ``rev`` to ``dest`` (e.g. conf/ to compose it as it was
    then); False when the revision has no such directory."""
    try:
        fs = DVCFileSystem(str(repo), rev=rev)
        if not fs.isdir(path):
            return False
        fs.get(path, str(dest), recursive=True)
    except RevError as exc:
        raise ForecastopsError(
            f"git revision '{rev}' not found (fetch it, e.g. fetch-depth: 0)"
        ) from exc
    except DvcException as exc:
        raise ForecastopsError(f"{rev}:{path}: cannot read: {exc}") from exc
    return True
