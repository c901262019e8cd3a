"""The metric diff between two metrics.json documents: one row per segment plus the overall row,
each with a status (changed, new, removed, unchanged), the gate verdict on both sides and deltas.

The verdict is recomputed from the metrics with ``forecastops.quality.gate.judge`` and the
``evaluate`` section of the params; metrics.json's own ``passed`` flag is never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.quality.bootstrap import CLASS_ROW
from forecastops.quality.gate import Verdict, judge
from forecastops.quality.metrics import as_number

# A metric counts as changed only when the change shows at the 4 decimals the tables print:
# metrics.json holds unrounded floats and the smoke baseline may come from another machine, so
# summation-order noise (1e-9 relative, 1e-6 absolute) must neither mark a segment changed (and
# attach its plots) nor render as ``+0.0000 🔴``. ``ABS_TOLERANCE`` is half the last printed digit;
# the relative term only matters for large values (RMSE in the thousands).
DECIMALS = 4
ABS_TOLERANCE = 0.5 * 10**-DECIMALS
REL_TOLERANCE = 1e-7

# (key, column title, lower is better)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("mape", "MAPE", True),
    ("wape", "WAPE", True),
    ("rmse_0", "RMSE-0", True),
    ("rmse_all", "RMSE-all", True),
    ("baseline_mape", "baseline MAPE", True),
    ("mape_reduction", "MAPE reduction", False),
)
OVERALL = "overall"
STATUS_ORDER = {"changed": 0, "new": 1, "removed": 2, "unchanged": 3}


@dataclass
class RowDiff:
    key: str
    status: str  # changed | new | removed | unchanged
    base: dict[str, Any] | None
    head: dict[str, Any] | None
    base_passed: bool | None = None
    head_passed: bool | None = None
    deltas: dict[str, float | None] = field(default_factory=dict)
    rule: str = ""  # the verdict spelled out: which rule, the figure, the threshold


@dataclass
class MetricsDiff:
    overall: RowDiff
    segments: list[RowDiff]
    classes: list[RowDiff] = field(default_factory=list)  # "fast movers", ...: no gate verdict

    def by_status(self, status: str) -> list[RowDiff]:
        return [r for r in self.segments if r.status == status]

    @property
    def moved(self) -> list[RowDiff]:
        """Rows whose metrics changed, appeared or disappeared (ordered as in the report)."""
        return [r for r in self.segments if r.status != "unchanged"]

    @property
    def changed_segments(self) -> list[str]:
        return [r.key for r in self.moved]


def differs(a: Any, b: Any) -> bool:
    """True when ``a`` → ``b`` is a real change: a value appeared/disappeared, or the difference
    is visible at display precision (see ``ABS_TOLERANCE``); float noise is not a change."""
    na, nb = as_number(a), as_number(b)
    if na is None or nb is None:
        return (na is None) != (nb is None)
    if na == nb:
        return False
    diff = abs(na - nb)
    if diff != diff:  # inf - inf
        return False
    return diff > ABS_TOLERANCE + REL_TOLERANCE * max(abs(na), abs(nb))


def verdict(key: str, row: dict[str, Any] | None, evaluate: EvaluateConfig) -> Verdict | None:
    """A segment's gate verdict; ``None`` when the row is absent on that side."""
    return judge(key, row, evaluate) if row else None


def _passed(v: Verdict | None) -> bool | None:
    return None if v is None else v.passed


def _value(v: Verdict | None) -> float | None:
    return None if v is None else v.value


def _status(
    base: dict | None, head: dict | None, base_verdict: Verdict | None, head_verdict: Verdict | None
) -> str:
    if base is None:
        return "unchanged" if head is None else "new"
    if head is None:
        return "removed"
    changed = (
        any(differs(base.get(k), head.get(k)) for k, _, _ in COLUMNS)
        or differs(_value(base_verdict), _value(head_verdict))
        or _passed(base_verdict) != _passed(head_verdict)
    )
    return "changed" if changed else "unchanged"


def diff_row(
    key: str, base: dict | None, head: dict | None, evaluate: EvaluateConfig, judged: bool = True
) -> RowDiff:
    """One row; ``judged``: a segment (the gate judges segments, not the overall or class rows)."""
    deltas: dict[str, float | None] = {}
    for k, _, _ in COLUMNS:
        b = as_number((base or {}).get(k))
        h = as_number((head or {}).get(k))
        deltas[k] = h - b if b is not None and h is not None else None
    base_verdict, head_verdict = (
        (verdict(key, base, evaluate), verdict(key, head, evaluate)) if judged else (None, None)
    )
    shown = head_verdict or base_verdict
    return RowDiff(
        key,
        _status(base, head, base_verdict, head_verdict),
        base,
        head,
        _passed(base_verdict),
        _passed(head_verdict),
        deltas,
        "" if shown is None else shown.describe(),
    )


def diff_metrics(base: dict | None, head: dict | None, evaluate: EvaluateConfig) -> MetricsDiff:
    """Compare two metrics.json dicts (either may be ``None``: no metrics at that revision)."""
    base, head = base or {}, head or {}
    base_segments, head_segments = base.get("segments") or {}, head.get("segments") or {}
    keys = sorted(set(base_segments) | set(head_segments))
    rows = [diff_row(k, base_segments.get(k), head_segments.get(k), evaluate) for k in keys]
    rows.sort(key=lambda r: (STATUS_ORDER[r.status], r.key))
    overall = diff_row(OVERALL, base.get(OVERALL), head.get(OVERALL), evaluate, judged=False)
    base_classes, head_classes = base.get("classes") or {}, head.get("classes") or {}
    classes = [
        diff_row(
            CLASS_ROW.format(c), base_classes.get(c), head_classes.get(c), evaluate, judged=False
        )
        for c in sorted(set(base_classes) | set(head_classes))
    ]
    return MetricsDiff(overall, rows, classes)


def pass_count(segments: dict | None, evaluate: EvaluateConfig) -> tuple[int, int]:
    """(segments passing, segments) of one metrics document's ``segments``."""
    flags = [_passed(verdict(key, row, evaluate)) for key, row in (segments or {}).items()]
    return sum(1 for f in flags if f), len(flags)
