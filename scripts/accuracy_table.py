"""The README's accuracy table, from the pipeline's own output (``reports/metrics.json``).

    python scripts/accuracy_table.py [reports/metrics.json]

Rows: every segment class and overall; columns: the ensemble's MAPE, WAPE, RMSE-all, RMSE-0, bias,
MASE, P10-P90 coverage and pinball loss beside each component and baseline, and the gate's verdict
per class. Printed as markdown; nothing here is typed in by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from forecastops.quality.blocks import segment_counts
from forecastops.quality.bootstrap import CLASS_ROW
from forecastops.quality.gate import segment_class

SOURCES = (
    ("ensemble", ""),
    ("LASSO", "lasso_"),
    ("NN", "nn_"),
    ("hist. avg", "baseline_"),
    ("naive", "naive_"),
)
METRICS = (
    ("MAPE", "mape", ".3f"),
    ("WAPE", "wape", ".4f"),
    ("RMSE-all", "rmse_all", ".2f"),
    ("RMSE-0", "rmse_0", ".2f"),
    ("bias", "bias", "+.1%"),
    ("MASE", "mase", ".3f"),
)


def cell(block: dict, key: str, spec: str) -> str:
    value = block.get(key)
    return "–" if value is None else format(value, spec)


def table(doc: dict) -> list[str]:
    blocks = {
        **{CLASS_ROW.format(k): v for k, v in doc["classes"].items()},
        "overall": doc["overall"],
    }
    header = ["metric", *blocks]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, key, spec in METRICS:
        for source, prefix in SOURCES:
            if f"{prefix}{key}" not in doc["overall"]:
                continue
            row = [f"{name}, {source}"]
            for block in blocks.values():
                text = cell(block, f"{prefix}{key}", spec)
                row.append(f"**{text}**" if source == "ensemble" else text)
            lines.append("| " + " | ".join(row) + " |")
    extra = (
        ("P10–P90 coverage (nominal 80 %)", "coverage_p10_p90", ".1%"),
        ("pinball loss (P10/P50/P90 mean)", "pinball", ".3f"),
        ("MAPE reduction vs hist. avg", "mape_reduction", ".1%"),
    )
    for name, key, spec in extra:
        lines.append(
            "| " + " | ".join([name, *(cell(b, key, spec) for b in blocks.values())]) + " |"
        )
    gate = [
        f"{b['passed']}/{b['total']}"
        if "total" in b
        else f"{b['segments_passed']}/{b['segments_total']}"
        for b in blocks.values()
    ]
    lines.append("| " + " | ".join(["segments passing the gate", *gate]) + " |")
    return lines + count_rows(doc, list(blocks))


def count_rows(doc: dict, blocks: list[str]) -> list[str]:
    """Segment counts per class (``quality.blocks.segment_counts``, as evaluate counts them
    overall): WAPE against the better component, strictly and beyond the noise of the test weeks,
    and bias within the tolerance."""
    tolerance = doc["overall"]["bias_tolerance"]
    rows = (
        ("segments_wape_le_best_component", "WAPE ≤ better component"),
        ("segments_wape_worse_than_a_component", "WAPE worse than a component beyond noise"),
        ("segments_bias_within_tolerance", f"bias within ±{tolerance:.0%}"),
    )
    counted = []
    for block in blocks:
        picked = {
            k: v
            for k, v in doc["segments"].items()
            if block == "overall" or block == CLASS_ROW.format(segment_class(k))
        }
        counted.append((segment_counts(picked, tolerance), len(picked)))
    return [
        "| " + " | ".join([f"segments: {name}", *(f"{c[key]}/{n}" for c, n in counted)]) + " |"
        for key, name in rows
    ]


def main(path: str = "reports/metrics.json") -> int:
    print("\n".join(table(json.loads(Path(path).read_text()))))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
