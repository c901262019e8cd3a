"""The pull-request comment: whether anything moved beyond noise, the params that changed, the
smoke-metrics diff with intervals, the data-validation summary and base-vs-head charts of the
changed segments. It starts with a hidden watermark line; the workflows also pass CML's
``--watermark-title`` so a later push updates the comment instead of adding one.

The smoke run is the sample (two regions) with small models: its gate verdicts are labelled as
such, not as a production failure; releases are gated on the full models (``release validate``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.markdown import WATERMARK
from forecastops.gitops.report.metrics_md import GateLabel, build_diff_markdown
from forecastops.gitops.report.noise import NO_INTERVALS, Noise
from forecastops.gitops.report.params_md import params_section
from forecastops.gitops.report.validation_md import build_validation_markdown

SMOKE_GATE = GateLabel(
    title="smoke gate (sample data, small models: indicative; releases are gated on the full "
    "models in `env=prod`)",
    words=("✅ pass", "⚠️ fail on sample"),
)


@dataclass
class PrInputs:
    """What the comment shows beside the metrics."""

    noise: Noise = NO_INTERVALS
    params_rows: list[str] = field(default_factory=list)
    validation: dict | None = None
    charts: dict[str, str] = field(default_factory=dict)  # segment -> image link
    run_url: str | None = None


def charts_section(charts: dict[str, str]) -> list[str]:
    lines = ["### Base vs head: changed segments", ""]
    for seg, link in charts.items():
        lines += [f"**{seg}**", "", f"![{seg}]({link})", ""]
    return lines


def build_pr_markdown(
    base: dict | None,
    head: dict | None,
    *,
    evaluate: EvaluateConfig,
    base_label: str = "base",
    head_label: str = "head",
    inputs: PrInputs | None = None,
) -> str:
    """The whole comment."""
    inputs = inputs or PrInputs()
    lines = [
        WATERMARK.format(kind="pr"),
        "## 🔮 forecastops: pull request check",
        "",
        "Smoke pipeline on the committed sample (`env=local`: sample data, small models), "
        "compared with the base branch's committed smoke run.",
    ]
    if inputs.run_url:
        lines.append(f"Workflow run: {inputs.run_url}")
    lines += ["", *params_section(inputs.params_rows, base_label)]
    lines.append(
        build_diff_markdown(
            base,
            head,
            evaluate=evaluate,
            noise=inputs.noise,
            base_label=base_label,
            head_label=head_label,
            title="Smoke metrics",
            watermark=None,
            gate=SMOKE_GATE,
        )
    )
    lines.append(build_validation_markdown(inputs.validation))
    if inputs.charts:
        lines += charts_section(inputs.charts)
    return "\n".join(lines).rstrip() + "\n"
