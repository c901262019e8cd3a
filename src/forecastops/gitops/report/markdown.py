"""Markdown tables of a metric diff: one row per segment (MAPE, WAPE, RMSE-0, RMSE-all, baseline
MAPE, MAPE reduction, the gate verdict with the rule it was judged by), values at display precision
with coloured deltas."""

from __future__ import annotations

from typing import Any

from forecastops.gitops.report.diff import COLUMNS, DECIMALS, RowDiff, differs
from forecastops.quality.metrics import as_number

WATERMARK = "<!-- forecastops-report: {kind} -->"
STATUS_LABEL = {
    "changed": "changed",
    "new": "🆕 new",
    "removed": "🗑️ removed",
    "unchanged": "unchanged",
}


def fmt(value: Any) -> str:
    v = as_number(value)
    return "–" if v is None else f"{v:.{DECIMALS}f}"


def fmt_delta(base: Any, head: Any, lower_is_better: bool) -> str:
    """`` (+0.0700 🔴)`` for a change that ``differs`` counts; empty for noise or a missing side
    (so a delta never renders as ``+0.0000`` with a colour)."""
    b, h = as_number(base), as_number(head)
    if b is None or h is None or not differs(b, h):
        return ""
    delta = h - b
    better = (delta < 0) == lower_is_better
    return f" ({delta:+.{DECIMALS}f} {'🟢' if better else '🔴'})"


def verdict_text(flag: bool | None) -> str:
    return "–" if flag is None else ("✅ pass" if flag else "❌ fail")


def gate_cell(row: RowDiff) -> str:
    """``✅ pass (was ❌ fail)`` and the rule it was judged by with the figure: ``mase=0.8 ≤ 1 …``."""
    if row.status == "removed":
        return f"~~{verdict_text(row.base_passed)}~~"
    cell = verdict_text(row.head_passed)
    if row.status == "changed" and row.base_passed != row.head_passed:
        cell += f" (was {verdict_text(row.base_passed)})"
    return f"{cell} · {row.rule.rsplit(':', 1)[0]}" if row.rule else cell


def row_markdown(row: RowDiff, bold: bool = False) -> str:
    shown = row.base if row.status == "removed" else row.head
    cells = []
    for k, _, lower_is_better in COLUMNS:
        cell = fmt((shown or {}).get(k))
        if row.status == "changed":
            cell += fmt_delta((row.base or {}).get(k), (row.head or {}).get(k), lower_is_better)
        cells.append(cell)
    name = f"**{row.key}**" if bold else f"`{row.key}`"
    return "| " + " | ".join([name, STATUS_LABEL[row.status], *cells, gate_cell(row)]) + " |"


def table(rows: list[RowDiff], overall: RowDiff | None = None) -> list[str]:
    header = ["segment", "status", *(title for _, title, _ in COLUMNS), "gate"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    if overall is not None:
        lines.append(row_markdown(overall, bold=True))
    lines.extend(row_markdown(r) for r in rows)
    return lines
