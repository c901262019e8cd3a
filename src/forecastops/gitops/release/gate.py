"""The pure part of the release gate: each segment's verdict recomputed from its metrics with
``quality.gate.judge`` (never the ``passed`` flag in the file), the share of segments that must
pass (``env.gate.min_pass_fraction``), and no regression vs prod beyond ``env.gate.max_regression``
(absolute increase of ``evaluate.pass_metric``, per segment and overall)."""

from __future__ import annotations

from typing import Any

from forecastops.config.sections.env import ReleaseGate
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.quality.gate import judge
from forecastops.quality.metrics import as_number

EPS = 1e-12  # fractions and metric differences compared with float rounding tolerated


def regressions(
    metrics: dict, prod_metrics: dict, metric: str, max_regression: float
) -> list[dict[str, Any]]:
    """Segments (both files have) and ``overall`` whose ``metric`` rose by more than allowed."""
    segments = metrics.get("segments") or {}
    prod_segments = prod_metrics.get("segments") or {}
    pairs = [(k, segments[k], prod_segments[k]) for k in sorted(set(segments) & set(prod_segments))]
    pairs.append(("overall", metrics.get("overall") or {}, prod_metrics.get("overall") or {}))
    found = []
    for key, new, old in pairs:
        candidate, prod = as_number(new.get(metric)), as_number(old.get(metric))
        if candidate is not None and prod is not None and candidate - prod > max_regression + EPS:
            found.append(
                {"segment": key, "prod": prod, "candidate": candidate, "increase": candidate - prod}
            )
    return found


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
        names = ", ".join(f"{key} ({v.describe()})" for key, v in failing)
        failures.append(
            f"{total - len(failing)}/{total} segments pass {evaluate.pass_metric} ≤ "
            f"{evaluate.pass_threshold:g} (need {release.min_pass_fraction:.0%}); failing: {names}"
        )
    metric = evaluate.pass_metric
    worse = (
        regressions(metrics, prod_metrics, metric, release.max_regression) if prod_metrics else []
    )
    if worse:
        shown = ", ".join(f"{r['segment']} ({r['prod']:.4f} → {r['candidate']:.4f})" for r in worse)
        failures.append(
            f"regression vs prod beyond {release.max_regression:g} in {metric}: {shown}"
        )
    return {
        "passed": not failures,
        "thresholds_passed": thresholds_passed,
        "failures": failures,
        "failing_segments": [key for key, _ in failing],
        "pass_fraction": fraction,
        "regressions": worse,
    }
