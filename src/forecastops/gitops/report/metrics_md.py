"""The metric-diff section: one line on whether anything moved beyond noise, the gate and pass
counts, then the changed, new and removed segments with the overall row; unchanged segments are
folded into a ``<details>`` block so a one-region change stays readable with hundreds of segments.
A pure function of two metrics dicts and the intervals of their deltas.
"""

from __future__ import annotations

from dataclasses import dataclass

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.diff import diff_metrics, pass_count
from forecastops.gitops.report.markdown import STATUS_LABEL, VERDICT_WORDS, WATERMARK, table
from forecastops.gitops.report.noise import NO_INTERVALS, Noise, headline, legend
from forecastops.quality.gate import describe_rules


@dataclass(frozen=True)
class GateLabel:
    """How the gate is named: the release gate on a full run, or what a smoke run stands for."""

    title: str = "gate"
    words: tuple[str, str] = VERDICT_WORDS


RELEASE_GATE = GateLabel()


def describe_gate(evaluate: EvaluateConfig, label: GateLabel = RELEASE_GATE) -> str:
    return f"{label.title}: {describe_rules(evaluate)}"


def build_diff_markdown(
    base: dict | None,
    head: dict | None,
    *,
    evaluate: EvaluateConfig,
    noise: Noise = NO_INTERVALS,
    base_label: str = "base",
    head_label: str = "head",
    title: str = "Metrics diff",
    watermark: str | None = WATERMARK.format(kind="metrics-diff"),
    heading_level: int = 3,
    gate: GateLabel = RELEASE_GATE,
) -> str:
    """Markdown table of per-segment and overall metrics of ``head`` against ``base``."""
    diff = diff_metrics(base, head, evaluate)
    lines: list[str] = [watermark] if watermark else []
    lines += [f"{'#' * heading_level} {title}: `{base_label}` → `{head_label}`", ""]
    lines += [headline(diff, noise), ""]
    head_passing, head_total = pass_count((head or {}).get("segments"), evaluate)
    base_passing, base_total = pass_count((base or {}).get("segments"), evaluate)
    counts = {s: len(diff.by_status(s)) for s in STATUS_LABEL}
    lines.append(
        f"{describe_gate(evaluate, gate)} · segments passing: **{head_passing}/{head_total}** "
        f"(base {base_passing}/{base_total}) · "
        f"{counts['changed']} changed, {counts['new']} new, {counts['removed']} removed, "
        f"{counts['unchanged']} unchanged"
    )
    if not head:
        lines += ["", f"> ⚠️ no metrics at `{head_label}`"]
    if not base:
        lines += ["", f"> ℹ️ no metrics at `{base_label}`: every segment is shown as new"]
    rows = table(diff.moved, noise, overall=diff.overall, words=gate.words, classes=diff.classes)
    lines += ["", *rows, ""]
    same = diff.by_status("unchanged")
    if same:
        lines += [f"<details><summary>{len(same)} unchanged segments</summary>", ""]
        lines += [*table(same, noise, words=gate.words), "", "</details>", ""]
    lines.append(legend(noise))
    return "\n".join(lines) + "\n"
