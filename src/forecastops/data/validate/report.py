"""One rule's outcome (``Check``) and the validation report built from all of them.

Per rule the report holds its severity, action, column, description, the number of violations and
up to 5 example rows with their lineage (``_source_file``, ``_source_row``), so a finding can be
traced to the raw row that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forecastops.config.sections.validation import Rule
from forecastops.data.table import LINEAGE

MAX_EXAMPLES = 5


@dataclass
class Check:
    """One rule's outcome."""

    name: str
    rule: Rule
    column: str | None
    what: str
    violations: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        return {
            "severity": self.rule.severity,
            "action": self.rule.action,
            "enabled": self.rule.enabled,
            "column": self.column,
            "description": self.what,
            "violations": int(self.violations),
            "examples": self.examples,
        }

    @property
    def failed(self) -> bool:
        return self.rule.enabled and self.rule.action == "fail" and self.violations > 0

    def message(self, report_path: str | None) -> str:
        """The error a failed rule stops the stage with: what, where, and example rows."""
        files = sorted({e["_source_file"] for e in self.examples if e.get("_source_file")})
        shown = []
        for e in self.examples:
            if e.get("_source_file"):
                row = e.get("_source_row")
                where = e["_source_file"] + ("" if row is None else f" row {row}")
            else:
                where = "zero-filled/derived row"
            values = ", ".join(f"{k}={v}" for k, v in e.items() if k not in LINEAGE)
            shown.append(f"  {where}: {values}")
        head = (
            f"validation rule '{self.name}' failed ({self.rule.severity}): {self.violations} "
            f"violation(s): {self.what}; column: {self.column or '-'}; "
            f"source file(s): {', '.join(files) or '-'}"
        )
        tail = f"\nfull report: {report_path}" if report_path else ""
        return head + "\nexamples:\n" + "\n".join(shown) + tail


def build_report(checks: list[Check], rows_in: int, rows_out: int) -> dict[str, Any]:
    """Every check's entry by rule name, plus a summary."""
    failed = [c.name for c in checks if c.failed]
    report: dict[str, Any] = {c.name: c.entry() for c in checks}
    report["summary"] = {
        "rows_in": int(rows_in),
        "rows_out": rows_out,
        "passed": not failed,
        "failed_rules": failed,
        "errors": sum(1 for c in checks if c.violations and c.rule.severity == "error"),
        "warnings": sum(1 for c in checks if c.violations and c.rule.severity == "warning"),
    }
    return report
