"""The pure part of the release gate: each segment's verdict recomputed from its metrics with
``quality.gate.judge`` (never the ``passed`` flag in the file), the share of segments that must
pass (``env.gate.min_pass_fraction``), and no regression vs prod beyond ``env.gate.max_regression``
(absolute increase of each segment's gate metric, and of ``env.gate.overall_metric`` overall)."""

from __future__ import annotations

from typing import Any

from forecastops.config.sections.env import ReleaseGate
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.quality.gate import Verdict, describe_rules, judge
from forecastops.quality.metrics import as_number

EPS = 1e-12  # fractions and metric differences compared with float rounding tolerated


def _increase(key: str, metric: str, new: dict, old: dict, limit: float) -> dict | None:
    candidate, prod = as_number(new.get(metric)), as_number(old.get(metric))
    if candidate is None or prod is None or candidate - prod <= limit + EPS:
        return None
    return {
        "segment": key,
        "metric": metric,
        "prod": prod,
        "candidate": candidate,
        "increase": candidate - prod,
    }


def regressions(
    metrics: dict, prod_metrics: dict, evaluate: EvaluateConfig, release: ReleaseGate
) -> list[dict[str, Any]]:
    """Segments (both files have) whose gate metric, and ``overall`` whose ``overall_metric``, rose
    by more than ``max_regression``."""
    segments = metrics.get("segments") or {}
    prod_segments = prod_metrics.get("segments") or {}
    found = []
    for key in sorted(set(segments) & set(prod_segments)):
        metric = judge(key, segments[key], evaluate).metric
        if metric is not None:
            found.append(
                _increase(key, metric, segments[key], prod_segments[key], release.max_regression)
            )
    overall = (metrics.get("overall") or {}, prod_metrics.get("overall") or {})
    found.append(_increase("overall", release.overall_metric, *overall, release.max_regression))
    return [r for r in found if r is not None]


def _threshold_failure(
    failing: list[tuple[str, Verdict]], total: int, release: ReleaseGate, evaluate: EvaluateConfig
) -> str:
    names = ", ".join(f"{key} ({v.describe()})" for key, v in failing)
    return (
        f"{total - len(failing)}/{total} segments pass their class rule ({describe_rules(evaluate)}) "
        f"(need {release.min_pass_fraction:.0%}); failing: {names}"
    )


def check_gate(
    metrics: dict,
    evaluate: EvaluateConfig,
    release: ReleaseGate,
    prod_metrics: dict | None = None,
) -> dict[str, Any]:
    """The gate's result: passed, failures (sentences), failing segments, pass fraction, regressions."""
    segments = metrics.get("segments") or {}
    verdicts = {key: judge(key, segments[key], evaluate) for key in sorted(segments)}
    failing = [(key, v) for key, v in verdicts.items() if not v.passed]
    total = len(segments)
    fraction = (total - len(failing)) / total if total else 0.0
    thresholds_passed = total > 0 and fraction + EPS >= release.min_pass_fraction
    failures: list[str] = []
    if total == 0:
        failures.append("metrics.json has no segments")
    elif not thresholds_passed:
        failures.append(_threshold_failure(failing, total, release, evaluate))
    worse = regressions(metrics, prod_metrics, evaluate, release) if prod_metrics else []
    if worse:
        shown = ", ".join(
            f"{r['segment']} ({r['prod']:.4f} → {r['candidate']:.4f} {r['metric']})" for r in worse
        )
        failures.append(f"regression vs prod beyond {release.max_regression:g}: {shown}")
    return {
        "passed": not failures,
        "thresholds_passed": thresholds_passed,
        "failures": failures,
        "failing_segments": [key for key, _ in failing],
        "pass_fraction": fraction,
        "verdicts": {key: v.as_dict() for key, v in verdicts.items()},
        "regressions": worse,
    }
