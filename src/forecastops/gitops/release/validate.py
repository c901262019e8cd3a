"""``release validate``: the release gate in the prod env, as a report (release_validation.json).

1. ``reports/data_validation.json`` exists and passed;
2. training artifacts exist: ``models/<region>/`` for every region in ``segments.regions``;
3. ``reports/metrics.json`` passes ``gate.check_gate`` against the prod model's metrics
   (``prod.prod_metrics``; no prod version: no regression check).

The report names ``validated_commit`` (HEAD): ``registry.verdict`` accepts it only for that commit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.env import EnvConfig
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.gitops.registry.git import git
from forecastops.gitops.release.gate import check_gate
from forecastops.gitops.release.prod import prod_metrics
from forecastops.quality.gate import describe_rules

BLOCKING = {"data_validation", "training_artifacts", "metrics"}  # checks whose detail is a failure


def data_validation_check(report: dict | None) -> dict[str, Any]:
    if report is None:
        passed, detail = False, "reports/data_validation.json not found (run the validate stage)"
    elif (report.get("summary") or {}).get("passed") is True:
        passed, detail = True, "data validation passed"
    else:
        failed = ", ".join((report.get("summary") or {}).get("failed_rules") or [])
        passed, detail = False, f"data validation failed ({failed or 'no verdict in the report'})"
    return {"name": "data_validation", "passed": passed, "detail": detail}


def training_artifacts_check(regions: list[str], models_dir: str) -> dict[str, Any]:
    models = Path(models_dir)
    missing = [r for r in regions if not (models / r).is_dir() or not any((models / r).iterdir())]
    if not regions:
        detail = "params has no segments.regions"
    elif missing:
        detail = f"missing {models_dir}/<region>/ for: {', '.join(missing)}"
    else:
        detail = f"{len(regions)} regions present"
    return {"name": "training_artifacts", "passed": bool(regions) and not missing, "detail": detail}


def _metrics_checks(
    metrics: dict,
    evaluate: EvaluateConfig,
    env: EnvConfig,
    prod: dict | None,
    prod_info: dict | None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    gate = check_gate(metrics, evaluate, env.gate, prod)
    thresholds = {
        "name": "thresholds",
        "passed": gate["thresholds_passed"],
        "detail": f"{gate['pass_fraction']:.0%} of segments pass their class rule "
        f"({describe_rules(evaluate)})",
    }
    regression = {
        "name": "no_regression_vs_prod",
        "passed": not gate["regressions"],
        "detail": "no prod version yet"
        if prod_info is None
        else f"compared with {prod_info['source']}",
    }
    return [thresholds, regression], gate


def validate(
    params_path: str | Path,
    metrics_path: str,
    data_validation_path: str,
    models_dir: str,
    *,
    prod_metrics_file: str | None = None,
    prod_rev: str | None = None,
) -> dict[str, Any]:
    """The release validation report of the workspace (see the module docstring)."""
    params = load_params(params_path)
    env = section(params, "env", EnvConfig, source=str(params_path))
    evaluate = section(params, "evaluate", EvaluateConfig, source=str(params_path))
    regions = list(section(params, "segments", SegmentsConfig, source=str(params_path)).regions)
    checks = [
        data_validation_check(io.read_json(data_validation_path)),
        training_artifacts_check(regions, models_dir),
    ]
    metrics = io.read_json(metrics_path)
    gate: dict[str, Any] = {"failures": [], "failing_segments": [], "regressions": []}
    prod_info = None
    if metrics is None:
        checks.append({"name": "metrics", "passed": False, "detail": f"{metrics_path} not found"})
    else:
        prod, prod_info = prod_metrics(metrics_path, params_path, prod_metrics_file, prod_rev)
        more, gate = _metrics_checks(metrics, evaluate, env, prod, prod_info)
        checks += more
    failures = [c["detail"] for c in checks if not c["passed"] and c["name"] in BLOCKING]
    failures += gate["failures"]
    return {
        "passed": not failures,
        "env": env.name,
        "gate": {**evaluate.gate.model_dump(), **env.gate.model_dump()},
        "verdicts": gate.get("verdicts", {}),
        "checks": checks,
        "failures": failures,
        "failing_segments": gate["failing_segments"],
        "regressions": gate["regressions"],
        "prod": prod_info,
        "validated_commit": git("rev-parse", "HEAD", check=False) or None,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
