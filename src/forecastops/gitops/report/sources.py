"""Metrics documents at a git revision or in the working tree.

A revision is read with ``dvc.api.read`` (DVC's file system over the git tree: it serves git-tracked
files, which the ``cache: false`` metrics are, as well as DVC outputs, and works in a plain git
repository too). Each call opens a DVC ``Repo``; a report reads at most two revisions.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import dvc.api
from dvc.exceptions import PathMissingError
from dvc.scm import RevError, SCMError

from forecastops import io
from forecastops.errors import ForecastopsError

WORKSPACE = "workspace"


def is_workspace(rev: str | None) -> bool:
    return rev in (None, "", WORKSPACE)


def json_at_revision(rev: str, path: str | Path) -> dict | None:
    """JSON file ``path`` (relative to the repository root) at git revision ``rev``; ``None``
    when the file is absent there."""
    try:
        text = dvc.api.read(Path(path).as_posix(), rev=rev)
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


def load_metrics(rev: str | None, path: str | Path) -> dict | None:
    """``rev`` = a git revision, or ``None``/``"workspace"`` for the working-tree file."""
    if is_workspace(rev):
        return io.read_json(path)
    return json_at_revision(rev, path)


def revision_label(rev: str | None) -> str:
    """``main (1a2b3c4)`` for a ref, the sha itself for a sha, ``workspace`` for the work tree.
    The short sha comes from ``git rev-parse --short`` so its length follows git's abbreviation."""
    if is_workspace(rev):
        return WORKSPACE
    out = subprocess.run(
        ["git", "rev-parse", "--short", rev], capture_output=True, text=True, check=False
    )
    sha = out.stdout.strip()
    return f"{rev} ({sha})" if sha and not sha.startswith(rev) else rev
