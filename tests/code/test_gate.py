"""The per-segment gate: one pure function shared by evaluate, the PR report and release validate."""

import pytest

from forecastops.config.sections.env import ReleaseGate
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.release.gate import check_gate
from forecastops.gitops.report.diff import diff_metrics
from forecastops.quality.gate import judge


def _cfg(beat_baseline: bool = True) -> EvaluateConfig:
    return EvaluateConfig.model_validate(
        {
            "gate": {
                "rules": {
                    "fast": {"metric": "mape", "threshold": 0.45},
                    "slow": {"metric": "mase", "threshold": 1.0},
                },
                "beat_baseline": beat_baseline,
                "baseline": "baseline",
            },
            "bias_tolerance": 0.1,
            "plots_dir": "reports/plots",
        }
    )


def test_each_class_is_judged_by_its_own_rule():
    fast = judge("texas/large/fast", {"mape": 0.30, "baseline_mape": 0.50}, _cfg())
    assert fast.passed and (fast.segment_class, fast.metric) == ("fast", "mape")
    # a slow mover with MAPE 0.6 passes on MASE: MAPE is not its rule
    slow = judge("texas/large/slow", {"mape": 0.6, "mase": 0.8, "baseline_mase": 0.9}, _cfg())
    assert slow.passed and (slow.metric, slow.value, slow.threshold) == ("mase", 0.8, 1.0)
    assert slow.baseline_value == 0.9 and slow.beats_baseline is True
    assert slow.describe() == "mase=0.8000 ≤ 1 and < baseline 0.9000: pass"


def test_threshold_and_baseline_are_both_required():
    over = judge("a/large/fast", {"mape": 0.50, "baseline_mape": 0.70}, _cfg())
    assert not over.passed and "0.5000 > 0.45" in over.reason
    worse = judge("a/small/slow", {"mase": 0.85, "baseline_mase": 0.80}, _cfg())
    assert not worse.passed and worse.beats_baseline is False
    assert "does not beat the baseline on mase (0.8000)" in worse.reason
    assert judge("a/small/slow", {"mase": 0.85, "baseline_mase": 0.80}, _cfg(False)).passed


@pytest.mark.parametrize(
    ("segment", "row"),
    [("a/large/slow", {"mape": 0.1}), ("a/large/medium", {"mape": 0.1, "baseline_mape": 1})],
)
def test_a_missing_metric_or_rule_fails_never_passes_by_omission(segment, row):
    verdict = judge(segment, row, _cfg())
    assert not verdict.passed and verdict.reason != "pass"


def _metrics(crippled: bool) -> dict:
    segments = {}
    for region in ("texas", "ohio_valley"):
        bad = crippled and region == "texas"
        segments[f"{region}/large/fast"] = {"mape": 0.52 if bad else 0.3, "baseline_mape": 0.5}
        segments[f"{region}/large/slow"] = {"mase": 0.95 if bad else 0.75, "baseline_mase": 0.85}
    return {"overall": {"wape": 0.4}, "segments": segments}


def test_release_gate_and_pr_report_share_the_verdict_and_name_the_crippled_region():
    release = ReleaseGate(max_regression=0.02, min_pass_fraction=1.0, overall_metric="wape")
    assert check_gate(_metrics(False), _cfg(), release)["passed"]
    result = check_gate(_metrics(True), _cfg(), release)
    assert not result["passed"]
    assert result["failing_segments"] == ["texas/large/fast", "texas/large/slow"]
    assert "texas/large/slow (mase=0.9500 ≤ 1 and < baseline 0.8500: fail)" in result["failures"][0]
    report = diff_metrics(_metrics(False), _metrics(True), _cfg())
    failing = sorted(r.key for r in report.segments if r.head_passed is False)
    assert failing == result["failing_segments"]
    assert report.overall.head_passed is None  # the gate judges segments, not the overall row
