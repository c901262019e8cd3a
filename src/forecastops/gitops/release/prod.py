"""The prod model's metrics for the regression check of ``release validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.git import git
from forecastops.gitops.registry.holder import active_assignment
from forecastops.gitops.registry.settings import load_settings
from forecastops.gitops.revisions import json_at_revision


def prod_metrics(
    metrics_path: str,
    params_path: str | Path,
    prod_metrics_file: str | None = None,
    prod_rev: str | None = None,
) -> tuple[dict | None, dict[str, Any] | None]:
    """(prod metrics, where they came from): the file ``prod_metrics_file``, else ``metrics_path``
    at ``prod_rev``, else at the commit holding the prod stage (``registry.holder``). (None, None)
    when nothing is in prod yet."""
    if prod_metrics_file:
        data = io.read_json(prod_metrics_file)
        if data is None:
            raise ForecastopsError(f"{prod_metrics_file}: not found")
        return data, {"source": prod_metrics_file}
    if prod_rev:
        commit = git("rev-parse", "--verify", f"{prod_rev}^{{commit}}", check=False)
        if not commit:
            raise ForecastopsError(f"--prod-rev {prod_rev}: no such git revision")
        info = {"source": f"{prod_rev}:{metrics_path}", "commit": commit}
    else:
        settings = load_settings(params_path)
        held = active_assignment(".", settings.artifact, settings.prod_stage)
        if held is None:
            return None, None
        commit = held["commit"]
        info = {"source": f"{held['tag']}:{metrics_path}", **held}
    data = json_at_revision(commit, metrics_path)
    if data is None:
        raise ForecastopsError(f"prod commit {commit[:10]} has no {metrics_path}")
    return data, info
