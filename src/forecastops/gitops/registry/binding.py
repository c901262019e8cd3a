"""A release verdict recomputed from what a version's commit pins, not read from a file it carries.

A committed ``release_validation.json`` is only a claim: anyone who can push a commit can write
``"passed": true`` into it. So promote and check-ref also recompute the gate at the commit:

* the gate config is conf/ *at that commit*, composed with ``env=<registry.release_env>`` (what
  ``release validate`` ran with), and ``gate.check_gate`` judges the committed ``metrics.json``
  against it, with the prod model the release was measured against (``holder.holder_before``);
* ``dvc.lock`` at that commit must pin exactly those metrics (the md5 of the committed bytes) and a
  model for every region (``<artifact path>/<region>`` outs; the stage that wrote the metrics
  depends on the artifact path), so the metrics are the ones the pinned models produced, not a
  hand-edited file.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from forecastops.config.compose import compose
from forecastops.config.load import section
from forecastops.config.sections.env import EnvConfig
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.registry import RegistryConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.holder import holder_before
from forecastops.gitops.registry.tags import stage_history, version_at_commit
from forecastops.gitops.release.gate import check_gate
from forecastops.gitops.revisions import (
    bytes_at_revision,
    json_at_revision,
    tree_at_revision,
    yaml_at_revision,
)

LOCK, PIPELINE, CONF = "dvc.lock", "dvc.yaml", "conf"


def compose_release(conf_dir: str | Path, settings: RegistryConfig) -> dict[str, Any]:
    """conf/ composed as the release gate sees it (``env=<registry.release_env>``)."""
    return compose([f"env={settings.release_env}"], conf_dir)


def release_params_at(repo: str | Path, commit: str, settings: RegistryConfig) -> dict[str, Any]:
    """The release params of conf/ as it was at ``commit``."""
    with tempfile.TemporaryDirectory(prefix="forecastops-conf-") as tmp:
        conf = Path(tmp) / CONF
        if not tree_at_revision(commit, CONF, conf, repo):
            raise ForecastopsError(
                f"no {CONF}/ at commit {commit[:10]}: no gate config to judge by"
            )
        try:
            return compose_release(conf, settings)
        except ForecastopsError as exc:
            raise ForecastopsError(f"{CONF}/ at commit {commit[:10]}: {exc}") from exc


def lock_outs(lock: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every output ``dvc.lock`` pins: path -> (stage, entry)."""
    outs: dict[str, tuple[str, dict[str, Any]]] = {}
    for stage, entry in (lock.get("stages") or {}).items():
        for out in (entry or {}).get("outs") or []:
            outs[str(out.get("path"))] = (stage, out)
    return outs


def _artifact_path(repo: str | Path, commit: str, artifact: str) -> str | None:
    declared = ((yaml_at_revision(commit, PIPELINE, repo) or {}).get("artifacts") or {}).get(
        artifact
    )
    return str(declared["path"]).rstrip("/") if isinstance(declared, dict) else None


def pin_problems(
    repo: str | Path, commit: str, settings: RegistryConfig, metrics: bytes, regions: list[str]
) -> list[str]:
    """Why ``dvc.lock`` at ``commit`` does not pin these metrics and the models (empty: it does)."""
    lock = yaml_at_revision(commit, LOCK, repo)
    if lock is None:
        return [f"no {LOCK} at commit {commit[:10]}: nothing pins the metrics or the models"]
    outs, path = lock_outs(lock), settings.metrics
    if path not in outs:
        return [f"{LOCK} does not pin {path}: the metrics were not produced by the pipeline"]
    stage, entry = outs[path]
    actual = hashlib.md5(metrics).hexdigest()
    if entry.get("hash") != "md5" or entry.get("md5") != actual:
        return [
            f"{path} (md5 {actual}) is not what {LOCK} pins (md5 {entry.get('md5')}, stage "
            f"{stage}): the committed metrics were edited after the run"
        ]
    models = _artifact_path(repo, commit, settings.artifact)
    if models is None:
        return [f"{PIPELINE} at {commit[:10]} declares no artifact '{settings.artifact}'"]
    problems = []
    deps = {str(d.get("path")): d for d in (lock["stages"][stage] or {}).get("deps") or []}
    if not (deps.get(models) or {}).get("md5"):
        problems.append(f"stage {stage} ({path}) does not depend on {models} in {LOCK}")
    unpinned = [r for r in regions if not (outs.get(f"{models}/{r}", ("", {}))[1]).get("md5")]
    if unpinned:
        problems.append(f"{LOCK} pins no {models}/<region> for: {', '.join(unpinned)}")
    return problems


def _prod_metrics(
    repo: str | Path, commit: str, settings: RegistryConfig
) -> tuple[dict | None, str]:
    """The metrics of the version that held the stage before this one's first assignment (or now,
    when it was never assigned): the regression baseline ``release validate`` used."""
    version = version_at_commit(repo, settings.artifact, commit)
    history = stage_history(repo, settings.artifact, settings.prod_stage)
    before = holder_before(history, version["version"] if version else None)
    if before is None:
        return None, "no earlier prod version"
    metrics = json_at_revision(before.commit, settings.metrics, repo)
    if metrics is None:
        raise ForecastopsError(f"prod version {before.version} has no {settings.metrics}")
    return metrics, f"vs prod {before.version}"


def recompute(repo: str | Path, commit: str, settings: RegistryConfig) -> tuple[bool, str]:
    """(passed, reason): the gate recomputed at ``commit`` from what it pins (module docstring)."""
    raw = bytes_at_revision(commit, settings.metrics, repo)
    if raw is None:
        return False, f"no {settings.metrics} at commit {commit[:10]}"
    try:
        params = release_params_at(repo, commit, settings)
        source = f"{CONF}/ at {commit[:10]} with env={settings.release_env}"
        evaluate = section(params, "evaluate", EvaluateConfig, source)
        env = section(params, "env", EnvConfig, source)
        regions = list(section(params, "segments", SegmentsConfig, source).regions)
        problems = pin_problems(repo, commit, settings, raw, regions)
        if problems:
            return False, "; ".join(problems)
        prod, against = _prod_metrics(repo, commit, settings)
        gate = check_gate(
            json_at_revision(commit, settings.metrics, repo), evaluate, env.gate, prod
        )
    except ForecastopsError as exc:
        return False, str(exc)
    if not gate["passed"]:
        return False, "the gate recomputed from the pinned metrics fails: " + "; ".join(
            gate["failures"]
        )
    return True, f"gate recomputed from the metrics {LOCK} pins ({against}) passes"
