"""Markdown tables of a metric diff: one row per segment (MAPE, WAPE, RMSE-0, RMSE-all, baseline
MAPE, MAPE reduction, the gate verdict with the rule it was judged by), values at display precision
with each delta, its interval and its mark (better / worse / within noise, ``noise``)."""

from __future__ import annotations

from typing import Any

from forecastops.gitops.report.diff import COLUMNS, DECIMALS, RowDiff, differs
from forecastops.gitops.report.noise import MARKS, Noise
from forecastops.quality.bootstrap import Interval
from forecastops.quality.metrics import as_number

WATERMARK = "<!-- forecastops-report: {kind} -->"
STATUS_LABEL = {
    "changed": "changed",
    "new": "🆕 new",
    "removed": "🗑️ removed",
    "unchanged": "unchanged",
}
VERDICT_WORDS = ("✅ pass", "❌ fail")  # (passed, failed): a PR's smoke gate says "on sample"


def fmt(value: Any) -> str:
    v = as_number(value)
    return "–" if v is None else f"{v:.{DECIMALS}f}"


def fmt_delta(
    base: Any, head: Any, lower_is_better: bool, interval: Interval | None, noise: Noise
) -> str:
    """`` (+0.0700 🔴 worse [+0.0213, +0.1190])`` for a change that ``differs`` counts; empty for
    float noise or a missing side, so a delta never renders as ``+0.0000``."""
    b, h = as_number(base), as_number(head)
    if b is None or h is None or not differs(b, h):
        return ""
    delta = f"{h - b:+.{DECIMALS}f}"
    if interval is None or interval.low is None or interval.high is None:
        return f" ({delta}, no interval)"
    mark = MARKS[noise.verdict(interval, lower_is_better)]
    return f" ({delta} {mark} [{interval.low:+.{DECIMALS}f}, {interval.high:+.{DECIMALS}f}])"


def verdict_text(flag: bool | None, words: tuple[str, str] = VERDICT_WORDS) -> str:
    return "–" if flag is None else (words[0] if flag else words[1])


def gate_cell(row: RowDiff, words: tuple[str, str] = VERDICT_WORDS) -> str:
    """``✅ pass (was ❌ fail)`` and the rule it was judged by with the figure: ``mase=0.8 ≤ 1 …``."""
    if row.status == "removed":
        return f"~~{verdict_text(row.base_passed, words)}~~"
    cell = verdict_text(row.head_passed, words)
    if row.status == "changed" and row.base_passed != row.head_passed:
        cell += f" (was {verdict_text(row.base_passed, words)})"
    return f"{cell} · {row.rule.rsplit(':', 1)[0]}" if row.rule else cell


def row_markdown(
    row: RowDiff, noise: Noise, bold: bool = False, words: tuple[str, str] = VERDICT_WORDS
) -> str:
    shown = row.base if row.status == "removed" else row.head
    intervals = noise.of(row.key)
    cells = []
    for k, _, lower_is_better in COLUMNS:
        cell = fmt((shown or {}).get(k))
        if row.status == "changed":
            base, head = (row.base or {}).get(k), (row.head or {}).get(k)
            cell += fmt_delta(base, head, lower_is_better, intervals.get(k), noise)
        cells.append(cell)
    name = f"**{row.key}**" if bold else f"`{row.key}`"
    return "| " + " | ".join([name, STATUS_LABEL[row.status], *cells, gate_cell(row, words)]) + " |"


def table(
    rows: list[RowDiff],
    noise: Noise,
    overall: RowDiff | None = None,
    words: tuple[str, str] = VERDICT_WORDS,
    classes: list[RowDiff] | None = None,
) -> list[str]:
    """The overall row, then each segment class's (bold), then ``rows``."""
    header = ["segment", "status", *(title for _, title, _ in COLUMNS), "gate"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for top in [overall, *(classes or [])]:
        if top is not None:
            lines.append(row_markdown(top, noise, bold=True, words=words))
    lines.extend(row_markdown(r, noise, words=words) for r in rows)
    return lines
