"""The metric-diff section: the gate and pass counts, then the changed, new and removed segments
with the overall row; unchanged segments are folded into a ``<details>`` block so a one-region
change stays readable with hundreds of segments. A pure function of two metrics dicts.
"""

from __future__ import annotations

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.diff import diff_metrics, pass_count
from forecastops.gitops.report.markdown import STATUS_LABEL, WATERMARK, table
from forecastops.quality.gate import describe_rules


def describe_gate(evaluate: EvaluateConfig) -> str:
    return f"gate: {describe_rules(evaluate)}"


def build_diff_markdown(
    base: dict | None,
    head: dict | None,
    *,
    evaluate: EvaluateConfig,
    base_label: str = "base",
    head_label: str = "head",
    title: str = "Metrics diff",
    watermark: str | None = WATERMARK.format(kind="metrics-diff"),
    heading_level: int = 3,
) -> str:
    """Markdown table of per-segment and overall metrics of ``head`` against ``base``."""
    diff = diff_metrics(base, head, evaluate)
    lines: list[str] = [watermark] if watermark else []
    lines += [f"{'#' * heading_level} {title}: `{base_label}` → `{head_label}`", ""]
    head_passing, head_total = pass_count((head or {}).get("segments"), evaluate)
    base_passing, base_total = pass_count((base or {}).get("segments"), evaluate)
    counts = {s: len(diff.by_status(s)) for s in STATUS_LABEL}
    lines.append(
        f"{describe_gate(evaluate)} · segments passing: **{head_passing}/{head_total}** "
        f"(base {base_passing}/{base_total}) · "
        f"{counts['changed']} changed, {counts['new']} new, {counts['removed']} removed, "
        f"{counts['unchanged']} unchanged"
    )
    if not head:
        lines += ["", f"> ⚠️ no metrics at `{head_label}`"]
    if not base:
        lines += ["", f"> ℹ️ no metrics at `{base_label}`: every segment is shown as new"]
    lines += ["", *table(diff.moved, overall=diff.overall), ""]
    same = diff.by_status("unchanged")
    if same:
        lines += [f"<details><summary>{len(same)} unchanged segments</summary>", ""]
        lines += [*table(same), "", "</details>", ""]
    lines.append("Deltas are head − base; 🟢 better, 🔴 worse.")
    return "\n".join(lines) + "\n"
