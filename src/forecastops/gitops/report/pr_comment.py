"""The pull-request comment: header, smoke-metrics diff, data-validation summary and the plots of
the segments whose metrics changed. It starts with a hidden watermark line; the workflows also
pass CML's ``--watermark-title`` so a later push updates the comment instead of adding one."""

from __future__ import annotations

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.markdown import WATERMARK
from forecastops.gitops.report.metrics_md import build_diff_markdown
from forecastops.gitops.report.validation_md import build_validation_markdown


def plots_section(plots: dict[str, list[str]]) -> list[str]:
    lines = ["### Plots of changed segments", ""]
    for seg, paths in plots.items():
        lines += [f"**{seg}**", ""]
        lines.extend(f"![{seg}]({p})" for p in paths)
        lines.append("")
    return lines


def build_pr_markdown(
    base: dict | None,
    head: dict | None,
    *,
    evaluate: EvaluateConfig,
    base_label: str = "base",
    head_label: str = "head",
    validation: dict | None = None,
    plots: dict[str, list[str]] | None = None,
    run_url: str | None = None,
) -> str:
    """The whole comment; ``plots`` maps a changed segment to its image links."""
    lines = [
        WATERMARK.format(kind="pr"),
        "## 🔮 forecastops: pull request check",
        "",
        "Smoke pipeline on the committed sample (`env=local`), compared with the base branch.",
    ]
    if run_url:
        lines.append(f"Workflow run: {run_url}")
    lines.append("")
    lines.append(
        build_diff_markdown(
            base,
            head,
            evaluate=evaluate,
            base_label=base_label,
            head_label=head_label,
            title="Smoke metrics",
            watermark=None,
        )
    )
    lines.append(build_validation_markdown(validation))
    if plots:
        lines += plots_section(plots)
    return "\n".join(lines).rstrip() + "\n"
