"""The model card of a registered version, written at registration: ``<model_cards>/<version>.md``.

What a reviewer or an auditor asks of a model, read from the registered commit itself: the data
version (data.dvc) and the models dvc.lock pins, the params, the metrics and each segment's gate
verdict (metrics.json), the training date (the commit's date), who approved the promotion (the
approver of the prod environment as the workflow passes it in ``FORECASTOPS_APPROVED_BY``, else
the Actions run's actor, else the local git identity) and the lineage from a forecast row back to
the commit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from forecastops import io
from forecastops.config.load import section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.registry import RegistryConfig
from forecastops.gitops.registry.git import git
from forecastops.quality.gate import judge

APPROVER_ENV = "FORECASTOPS_APPROVED_BY"
PARAMS_SHOWN = ("model", "train", "features", "segments", "evaluate")


def _at(repo: str | Path, commit: str, path: str) -> str | None:
    """A git-tracked file's text at ``commit``; None when it is not there."""
    return git("show", f"{commit}:{path}", repo=repo, check=False) or None


def approver(repo: str | Path) -> str:
    """Who approved: the prod environment's reviewer (workflow), the run's actor, or local git."""
    if os.environ.get(APPROVER_ENV):
        return f"{os.environ[APPROVER_ENV]} (prod environment approval)"
    if os.environ.get("GITHUB_ACTIONS") == "true":
        run = f"{os.environ.get('GITHUB_SERVER_URL')}/{os.environ.get('GITHUB_REPOSITORY')}"
        return f"{os.environ.get('GITHUB_ACTOR')} (workflow run {run}/actions/runs/{os.environ.get('GITHUB_RUN_ID')})"
    name = git("config", "user.name", repo=repo, check=False)
    email = git("config", "user.email", repo=repo, check=False)
    return f"{name} <{email}> (local git identity)"


def _pins(repo: str | Path, commit: str) -> tuple[str, str]:
    """(data md5 of data.dvc, models md5 of dvc.lock's train stages) at ``commit``."""
    data = io.parse_yaml(_at(repo, commit, "data.dvc") or "{}") or {}
    data_md5 = ((data.get("outs") or [{}])[0]).get("md5", "n/a")
    lock = io.parse_yaml(_at(repo, commit, "dvc.lock") or "{}") or {}
    models = sorted(
        f"{o['path']}={o.get('md5', '?')[:12]}"
        for name, stage in (lock.get("stages") or {}).items()
        if name.startswith("train")
        for o in stage.get("outs", [])
    )
    return data_md5, ", ".join(models) or "n/a"


def _segments(metrics: dict, params: dict) -> list[str]:
    """Each segment's gate verdict, recomputed from its metrics with the gate of the commit's
    params (``quality.gate.judge``, as the PR report and the release do), never a stored flag."""
    if "evaluate" not in params:
        return ["(no params.yaml at the commit: gate verdicts not recomputed)"]
    gate = section(params, "evaluate", EvaluateConfig)
    rows = ["| segment | gate | figure | threshold | baseline |", "|---|---|---|---|---|"]
    for key, block in sorted((metrics.get("segments") or {}).items()):
        v = judge(key, block, gate)
        shown = "n/a" if v.value is None else f"{v.value:.4f}"
        ref = "n/a" if v.baseline_value is None else f"{v.baseline_value:.4f}"
        rows.append(
            f"| {key} | {'pass' if v.passed else 'fail'} | {v.metric}={shown} | {v.threshold} | "
            f"{ref} |"
        )
    return rows


def card(repo: str | Path, settings: RegistryConfig, version: str, commit: str) -> str:
    """The card's markdown."""
    tag = f"{settings.artifact}@{version}"
    metrics = json.loads(_at(repo, commit, settings.metrics) or "{}")
    params = io.parse_yaml(_at(repo, commit, "params.yaml") or "{}") or {}
    shown = {k: params[k] for k in PARAMS_SHOWN if k in params}
    data_md5, models = _pins(repo, commit)
    overall = metrics.get("overall") or {}
    figures = (
        "mape", "wape", "bias", "rmse_0", "rmse_all", "baseline_mape", "segments_passed",
        # volume against its own parts: strictly, and beyond the noise of the test weeks
        "segments_wape_le_best_component", "segments_wape_worse_than_a_component",
        "segments_bias_within_tolerance",
    )  # fmt: skip
    return "\n".join(
        [
            f"# Model card: {tag}",
            "",
            f"- commit: `{commit}`",
            f"- trained (commit date): {git('show', '-s', '--format=%cI', commit, repo=repo)}",
            f"- data version: `dvc:{data_md5.removesuffix('.dir')[:12]}` (data.dvc md5 {data_md5})",
            f"- models (dvc.lock): {models}",
            f"- promotion approved by: {approver(repo)}",
            "",
            "## Metrics (test weeks) and gate",
            "",
            *(f"- {k}: {overall.get(k)}" for k in figures),
            "",
            *_segments(metrics, params),
            "",
            "## Lineage: forecast row -> commit",
            "",
            f"1. A forecast row carries `model_version` = `{tag} ({commit[:12]})` and `data_version`"
            f" = `dvc:{data_md5.removesuffix('.dir')[:12]}` (stamped by `forecastops score`).",
            f"2. The git tag `{tag}` points at commit `{commit}` (GTO registry).",
            f"3. That commit's dvc.lock pins the models ({models}) and the data (`{data_md5}`),",
            "   fetched by hash with `dvc pull`; its params.yaml (below) configured the training.",
            "",
            "## Params (params.yaml at the commit)",
            "",
            "```yaml",
            yaml.safe_dump(shown, sort_keys=False, width=100).rstrip() or "# params.yaml not found",
            "```",
            "",
        ]
    )


def write_card(repo: str | Path, settings: RegistryConfig, version: str, commit: str) -> Path:
    """Write ``<model_cards>/<version>.md`` under ``repo`` and say where."""
    out = Path(repo) / settings.model_cards / f"{version}.md"
    io.write_text(out, card(repo, settings, version, commit))
    print(f"model card: {out}")
    return out
