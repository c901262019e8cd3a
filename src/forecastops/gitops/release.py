"""Release gate (release.yml) and deployment stamping (deploy.yml).

``forecastops release validate`` runs in the prod env on a ``release/X.Y`` branch and checks:

1. ``reports/data_validation.json`` exists and passed;
2. training artifacts exist: ``models/<region>/`` for every region in ``segments.regions``;
3. ``reports/metrics.json``: each segment's ``env.gate.metric`` ≤ ``env.gate.threshold``, and at
   least ``env.gate.min_pass_fraction`` of the segments pass;
4. no regression vs the current prod model beyond ``env.gate.max_regression`` (absolute increase of
   the gate metric per segment and overall). The prod metrics are read from git at the commit of
   the GTO version in prod (or ``--prod-rev`` / ``--prod-metrics``); no prod version: no check.

The verdict is written to ``reports/release_validation.json`` and the command exits 2 naming
failing segments. In release.yml the ``validate`` job runs it (after ``make verify-pinned``: the
pulled pipeline must be exactly what dvc.lock pins, nothing is retrained); the ``promote`` job
(environment ``prod``, after approval) runs ``forecastops release record``, which commits the report
at the validated commit. ``forecastops registry promote`` and ``registry check-ref`` (deploy) read
the verdict there, and accept it only for a commit whose tree equals the validated commit's but for
the report (``validated_commit`` is the version's commit or the parent ``release record`` added the
report to). The prod version for the regression check is ``registry.active_assignment``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.config.load import load_params, section
from forecastops.config.sections.env import EnvConfig, ReleaseGate
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.errors import ForecastopsError
from forecastops.quality.gate import judge
from forecastops.quality.metrics import as_number


def data_validation_passed(report: dict | None) -> tuple[bool, str]:
    if report is None:
        return False, "reports/data_validation.json not found (run the validate stage)"
    summary = report.get("summary") or {}
    if summary.get("passed") is True:
        return True, "data validation passed"
    failed = ", ".join(summary.get("failed_rules") or []) or "no verdict in the report"
    return False, f"data validation failed ({failed})"


def check_gate(
    metrics: dict,
    evaluate: EvaluateConfig,
    release: ReleaseGate,
    prod_metrics: dict | None = None,
) -> dict[str, Any]:
    """Pure part of the gate: each segment's verdict recomputed from its metrics (never the
    ``passed`` flag in the file), the share that must pass, and regression vs prod."""
    metric = evaluate.pass_metric
    max_reg = release.max_regression
    min_frac = release.min_pass_fraction
    segments = metrics.get("segments") or {}
    failures: list[str] = []
    verdicts = {key: judge(key, segments[key], evaluate) for key in sorted(segments)}
    failing = [(k, v) for k, v in verdicts.items() if not v.passed]
    total = len(segments)
    fraction = (total - len(failing)) / total if total else 0.0
    if total == 0:
        failures.append("metrics.json has no segments")
    elif fraction + 1e-12 < min_frac:
        names = ", ".join(f"{k} ({v.describe()})" for k, v in failing)
        failures.append(
            f"{total - len(failing)}/{total} segments pass (need {min_frac:.0%}); failing: {names}"
        )
    regressions = []
    if prod_metrics:
        prod_seg = prod_metrics.get("segments") or {}
        pairs = [(k, segments[k], prod_seg[k]) for k in sorted(set(segments) & set(prod_seg))]
        pairs.append(("overall", metrics.get("overall") or {}, prod_metrics.get("overall") or {}))
        for key, new, old in pairs:
            n, o = as_number(new.get(metric)), as_number(old.get(metric))
            if n is not None and o is not None and n - o > max_reg + 1e-12:
                regressions.append({"segment": key, "prod": o, "candidate": n, "increase": n - o})
        if regressions:
            failures.append(
                f"regression vs prod beyond {max_reg:g} in {metric}: "
                + ", ".join(
                    f"{r['segment']} ({r['prod']:.4f} → {r['candidate']:.4f})" for r in regressions
                )
            )
    return {
        "passed": not failures,
        "thresholds_passed": total > 0 and fraction + 1e-12 >= min_frac,
        "failures": failures,
        "failing_segments": [k for k, _ in failing],
        "pass_fraction": fraction,
        "regressions": regressions,
    }


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return out.stdout.strip() if out.returncode == 0 else ""


def _prod_metrics(args: argparse.Namespace, metrics_path: str) -> tuple[dict | None, dict | None]:
    """(prod metrics, info about where they came from)."""
    if args.prod_metrics:
        data = io.read_json(args.prod_metrics)
        if data is None:
            raise ForecastopsError(f"{args.prod_metrics}: not found")
        return data, {"source": args.prod_metrics}
    from forecastops.gitops import registry

    if args.prod_rev:
        commit = _git("rev-parse", "--verify", f"{args.prod_rev}^{{commit}}")
        if not commit:
            raise ForecastopsError(f"--prod-rev {args.prod_rev}: no such git revision")
        info = {"source": f"{args.prod_rev}:{metrics_path}", "commit": commit}
    else:
        settings = registry.load_settings(args.params)
        held = registry.active_assignment(".", settings.artifact, settings.prod_stage)
        if held is None:
            return None, None
        commit = held["commit"]
        info = {"source": f"{held['tag']}:{metrics_path}", **held}
    data = io.json_at_rev(commit, metrics_path)
    if data is None:
        raise ForecastopsError(f"prod commit {commit[:10]} has no {metrics_path}")
    return data, info


def validate(args: argparse.Namespace) -> dict[str, Any]:
    params = load_params(args.params)
    env = section(params, "env", EnvConfig, source=str(args.params))
    evaluate = section(params, "evaluate", EvaluateConfig, source=str(args.params))
    checks: list[dict[str, Any]] = []

    ok, detail = data_validation_passed(io.read_json(args.data_validation))
    checks.append({"name": "data_validation", "passed": ok, "detail": detail})

    regions = list(((params.get("segments") or {}).get("regions") or {}).keys())
    missing = [
        r
        for r in regions
        if not (Path(args.models) / r).is_dir() or not any((Path(args.models) / r).iterdir())
    ]
    checks.append(
        {
            "name": "training_artifacts",
            "passed": bool(regions) and not missing,
            "detail": f"missing {args.models}/<region>/ for: {', '.join(missing)}"
            if missing
            else f"{len(regions)} regions present"
            if regions
            else "params has no segments.regions",
        }
    )

    metrics = io.read_json(args.metrics)
    if metrics is None:
        checks.append({"name": "metrics", "passed": False, "detail": f"{args.metrics} not found"})
        gate_result = {"passed": False, "failures": [], "failing_segments": [], "regressions": []}
        prod_info = None
    else:
        prod, prod_info = _prod_metrics(args, args.metrics)
        gate_result = check_gate(metrics, evaluate, env.gate, prod)
        checks.append(
            {
                "name": "thresholds",
                "passed": gate_result["thresholds_passed"],
                "detail": f"{gate_result.get('pass_fraction', 0):.0%} of segments pass "
                f"{evaluate.pass_metric} ≤ {evaluate.pass_threshold}",
            }
        )
        checks.append(
            {
                "name": "no_regression_vs_prod",
                "passed": not gate_result["regressions"],
                "detail": "no prod version yet"
                if prod is None
                else f"compared with {prod_info.get('source')}",
            }
        )

    failures = [
        c["detail"]
        for c in checks
        if not c["passed"] and c["name"] in {"data_validation", "training_artifacts", "metrics"}
    ]
    failures += gate_result["failures"]
    return {
        "passed": not failures,
        "env": env.name,
        "gate": {
            **evaluate.model_dump(include={"pass_metric", "pass_threshold"}),
            **env.gate.model_dump(),
        },
        "checks": checks,
        "failures": failures,
        "failing_segments": gate_result["failing_segments"],
        "regressions": gate_result["regressions"],
        "prod": prod_info,
        "validated_commit": _git("rev-parse", "HEAD") or None,
        "created_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


BOT = ("forecastops-bot", "forecastops-bot@users.noreply.github.com")


def record(args: argparse.Namespace) -> int:
    """Commit the release validation report on the current branch so the version registered next
    carries its verdict (``[skip ci]``: the bot commit must not retrigger release.yml). Refuses a
    report whose ``validated_commit`` is not HEAD (it is about another commit, or none)."""
    import os

    from forecastops.gitops import registry

    report = io.read_json(args.report)
    if report is None:
        raise ForecastopsError(f"{args.report}: not found (run `forecastops release validate`)")
    registry.git("add", "--force", args.report)
    if not registry.git("diff", "--cached", "--name-only", "--", args.report):
        print(f"{args.report} already committed at HEAD")
    else:
        # release.yml validates in one job and records in another: the verdict must be about HEAD
        head = registry.git("rev-parse", "HEAD")
        validated = report.get("validated_commit")
        if validated != head:
            registry.git("reset", "-q", "--", args.report)
            about = f"validated commit {str(validated)[:10]}" if validated else "names no commit"
            raise ForecastopsError(
                f"{args.report} {about}, but HEAD is {head[:10]}: "
                "not recording a verdict about another commit"
            )
        verdict = "passed" if report.get("passed") else "failed"
        registry.git(
            "-c",
            f"user.name={BOT[0]}",
            "-c",
            f"user.email={BOT[1]}",
            "commit",
            "-m",
            f"release validation {verdict} [skip ci]",
            "--",
            args.report,
        )
        print(f"committed {args.report} ({verdict})")
    if args.push:
        settings = registry.load_settings(args.params)
        branch = os.environ.get("GITHUB_REF_NAME") or registry.git(
            "symbolic-ref", "--short", "HEAD"
        )
        remote = args.remote or settings.remote
        registry.git("push", remote, f"HEAD:refs/heads/{branch}", env=registry.push_env())
        print(f"pushed HEAD to {remote}/{branch}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="release_command", required=True, metavar="ACTION")
    v = sub.add_parser("validate", help="release gate in the prod environment")
    v.add_argument("--params", default="params.yaml")
    v.add_argument("--metrics", default="reports/metrics.json")
    v.add_argument("--data-validation", default="reports/data_validation.json")
    v.add_argument("--models", default="models")
    grp = v.add_mutually_exclusive_group()
    grp.add_argument("--prod-metrics", help="metrics.json of the prod model (file)")
    grp.add_argument("--prod-rev", help="git revision whose metrics.json is prod's")
    v.add_argument("--out", default="reports/release_validation.json")

    r = sub.add_parser("record", help="commit the validation report ([skip ci]) and push it")
    r.add_argument("--report", default="reports/release_validation.json")
    r.add_argument("--remote", default=None, help="default: registry.remote")
    r.add_argument("--params", default="params.yaml")
    r.add_argument("--push", action="store_true")


def run(args: argparse.Namespace) -> int:
    if args.release_command == "validate":
        result = validate(args)
        io.write_json(args.out, result)
        print(f"wrote {args.out}")
        if not result["passed"]:
            lines = "\n  - ".join(result["failures"])
            raise ForecastopsError(f"release validation failed:\n  - {lines}")
        print(f"release validation passed ({result['env']} env)")
        return 0

    return record(args)
