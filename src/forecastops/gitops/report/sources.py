"""Metrics documents at a git revision (``forecastops.gitops.revisions``) or in the working tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from forecastops import io
from forecastops.gitops.revisions import json_at_revision

WORKSPACE = "workspace"


def is_workspace(rev: str | None) -> bool:
    return rev in (None, "", WORKSPACE)


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
