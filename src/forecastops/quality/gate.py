"""The pass/fail gate: one definition of whether a segment is good enough, for every caller.

Each segment class (its velocity label) has a rule in ``evaluate.gate.rules``: a metric and a
threshold; with ``beat_baseline`` the segment must also beat its historical-average baseline on that
metric. ``evaluate`` writes each verdict into metrics.json; the PR report and ``release validate``
recompute it from the metrics with this same function rather than trusting the flag. A segment whose
class has no rule, or whose metric is missing, fails: a gate never passes by omission.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.quality.metrics import as_number


@dataclass(frozen=True)
class Verdict:
    segment_class: str
    metric: str | None
    value: float | None
    threshold: float | None
    baseline_value: float | None
    beats_baseline: bool | None
    passed: bool
    reason: str

    def describe(self) -> str:
        """``mase=0.8123 ≤ 1 and < baseline 0.9500: pass`` (or the reason it failed)."""
        if self.metric is None:
            return self.reason
        shown = "n/a" if self.value is None else f"{self.value:.4f}"
        text = f"{self.metric}={shown} ≤ {self.threshold:g}"
        if self.baseline_value is not None or self.beats_baseline is not None:
            ref = "n/a" if self.baseline_value is None else f"{self.baseline_value:.4f}"
            text += f" and < baseline {ref}"
        return f"{text}: {'pass' if self.passed else 'fail'}"

    def as_dict(self) -> dict:
        return asdict(self)


def describe_rules(cfg: EvaluateConfig) -> str:
    """``fast: mape ≤ 0.45; slow: mase ≤ 1; each below the baseline's`` (for reports)."""
    gate = cfg.gate
    text = "; ".join(f"{c}: {r.metric} ≤ {r.threshold:g}" for c, r in gate.rules.items())
    return text + (f"; each below the {gate.baseline}'s" if gate.beat_baseline else "")


def segment_class(segment: str) -> str:
    """The class of ``region/format/velocity``: its velocity label."""
    return segment.rsplit("/", 1)[-1]


def judge(segment: str, metrics: dict, cfg: EvaluateConfig) -> Verdict:
    """The verdict for one segment (``region/format/velocity``) from its metrics.json entry."""
    gate = cfg.gate
    cls = segment_class(segment)
    rule = gate.rules.get(cls)
    if rule is None:
        reason = f"no gate rule for class '{cls}' (evaluate.gate.rules)"
        return Verdict(cls, None, None, None, None, None, False, reason)
    value = as_number(metrics.get(rule.metric))
    ref = as_number(metrics.get(f"{gate.baseline}_{rule.metric}")) if gate.beat_baseline else None
    beats = None if not gate.beat_baseline or value is None or ref is None else value < ref
    reasons = []
    if value is None:
        reasons.append(f"{rule.metric} missing")
    elif value > rule.threshold:
        reasons.append(f"{rule.metric} {value:.4f} > {rule.threshold:g}")
    if gate.beat_baseline and beats is not True:
        shown = "n/a" if ref is None else f"{ref:.4f}"
        reasons.append(f"does not beat the {gate.baseline} on {rule.metric} ({shown})")
    passed = not reasons
    return Verdict(
        cls, rule.metric, value, rule.threshold, ref, beats, passed, "; ".join(reasons) or "pass"
    )


def by_class(verdicts: dict[str, Verdict]) -> dict[str, dict[str, int]]:
    """Passed / total per segment class."""
    out: dict[str, dict[str, int]] = {}
    for v in verdicts.values():
        row = out.setdefault(v.segment_class, {"passed": 0, "total": 0})
        row["total"] += 1
        row["passed"] += int(v.passed)
    return dict(sorted(out.items()))
