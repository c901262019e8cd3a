"""A file as it was at a git revision: the one reader the report, the registry and the release share.

It reads with ``dvc.api.read`` (DVC's file system over the git tree: it serves git-tracked files,
which the ``cache: false`` metrics and the release verdict are, as well as DVC outputs, and works in
a plain git repository too). Each call opens a DVC ``Repo``.
"""

from __future__ import annotations

import json
from pathlib import Path

import dvc.api
from dvc.exceptions import PathMissingError
from dvc.scm import RevError, SCMError

from forecastops.errors import ForecastopsError


def json_at_revision(rev: str, path: str | Path, repo: str | Path | None = None) -> dict | None:
    """JSON file ``path`` (relative to the root of ``repo``, default: the one around the working
    directory) at git revision ``rev``; ``None`` when the file is absent there."""
    try:
        text = dvc.api.read(
            Path(path).as_posix(), repo=None if repo is None else str(repo), rev=rev
        )
    except RevError as exc:
        raise ForecastopsError(
            f"git revision '{rev}' not found (fetch it, e.g. fetch-depth: 0)"
        ) from exc
    except PathMissingError:
        return None
    except SCMError as exc:
        raise ForecastopsError(f"{rev}:{path}: cannot read: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ForecastopsError(f"{rev}:{path}: not valid JSON: {exc}") from exc
