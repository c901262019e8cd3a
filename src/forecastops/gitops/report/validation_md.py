"""The data-validation section of the PR comment, from reports/data_validation.json as written by
``forecastops validate``.

The report holds ``summary`` (``passed``, ``rows_in``, ``rows_out``, ``errors``, ``warnings``,
``failed_rules``) plus one top-level entry per rule (``severity``, ``action``, ``violations``,
``column``, ``description``, ``examples``). Rendered: the verdict in the heading, rows in → out, a
table of the rules with violations (failing rules first, then by severity) and the clean rules in
one line.
"""

from __future__ import annotations

from typing import Any

from forecastops.quality.metrics import as_number

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LINEAGE_KEYS = ("_source_file", "_source_row")
MAX_RULE_ROWS = 50
MAX_EXAMPLE_CHARS = 160
RULE_TABLE_HEADER = [
    "| rule | severity | action | violations | column | first example |",
    "|---|---|---|---:|---|---|",
]


def cell(value: Any) -> str:
    """A markdown table cell: ``|`` escaped, newlines folded, ``None`` blank."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def fmt_count(value: Any) -> str:
    n = as_number(value)
    return "?" if n is None else (f"{int(n):,}" if n == int(n) else f"{n:g}")


def first_example(examples: Any) -> str:
    """The first offending row compactly: ``store_id=1559, units_shipped=-19.0 (file.csv:2428)``
    (lineage keys folded into the trailing ``file:row``, null values left out)."""
    if not isinstance(examples, list) or not examples:
        return ""
    first = examples[0]
    if not isinstance(first, dict):
        text = str(first)
    else:
        values = ", ".join(
            f"{k}={v}" for k, v in first.items() if k not in LINEAGE_KEYS and v is not None
        )
        src, row = first.get("_source_file"), first.get("_source_row")
        where = f"{src}:{row}" if src and row is not None else (src or "")
        text = f"{values} ({where})" if where else values
    if len(text) > MAX_EXAMPLE_CHARS:
        text = text[: MAX_EXAMPLE_CHARS - 1] + "…"
    return text


def summary_facts(summary: dict, failed: list[str]) -> list[str]:
    """``rows: … in → … out · rules with violations: … · failed: …`` as separate facts."""
    facts = []
    if "rows_in" in summary or "rows_out" in summary:
        n_in, n_out = as_number(summary.get("rows_in")), as_number(summary.get("rows_out"))
        rows = f"rows: {fmt_count(n_in)} in → {fmt_count(n_out)} out"
        if n_in is not None and n_out is not None and n_in != n_out:
            rows += f" ({fmt_count(n_out - n_in)})"
        facts.append(rows)
    if "errors" in summary or "warnings" in summary:
        facts.append(
            f"rules with violations: {fmt_count(summary.get('errors', 0))} error, "
            f"{fmt_count(summary.get('warnings', 0))} warning"
        )
    if failed:
        facts.append("failed: " + ", ".join(f"`{r}`" for r in failed))
    return facts


def rule_row(name: str, rule: dict, failed: bool) -> str:
    example = first_example(rule.get("examples"))
    if example and "`" not in example:
        example = f"`{example}`"
    cells = [
        f"❌ `{name}`" if failed else f"`{name}`",
        cell(rule.get("severity")),
        cell(rule.get("action")),
        fmt_count(rule.get("violations")),
        cell(rule.get("column")),
        cell(example),
    ]
    return "| " + " | ".join(cells) + " |"


def rule_table(hit: dict[str, dict], failed: list[str]) -> list[str]:
    """The rules with violations: failing rules first, then by severity, then by name."""
    order = sorted(
        hit,
        key=lambda k: (
            k not in failed,
            SEVERITY_ORDER.get(str(hit[k].get("severity")), len(SEVERITY_ORDER)),
            k,
        ),
    )
    lines = [*RULE_TABLE_HEADER, *(rule_row(k, hit[k], k in failed) for k in order[:MAX_RULE_ROWS])]
    if len(order) > MAX_RULE_ROWS:
        lines.append(f"\n… {len(order) - MAX_RULE_ROWS} more rules with violations")
    return [*lines, ""]


def build_validation_markdown(report: dict | None, heading_level: int = 3) -> str:
    """The section: verdict heading, summary facts, rule table, clean and disabled rules."""
    h = "#" * heading_level
    if not report:
        return f"{h} Data validation\n\nno `reports/data_validation.json` in this run\n"
    summary = report.get("summary")
    summary = summary if isinstance(summary, dict) else {}
    passed = summary.get("passed")
    verdict = "–" if passed is None else ("✅ passed" if passed else "❌ failed")
    lines = [f"{h} Data validation: {verdict}", ""]
    failed = [str(r) for r in summary.get("failed_rules") or []]
    facts = summary_facts(summary, failed)
    if facts:
        lines += [" · ".join(facts), ""]

    rules = {
        str(k): v
        for k, v in report.items()
        if k != "summary" and isinstance(v, dict) and "violations" in v
    }
    hit = {k: v for k, v in rules.items() if (as_number(v.get("violations")) or 0) > 0}
    clean = [k for k in rules if k not in hit and rules[k].get("enabled", True) is not False]
    disabled = [k for k in rules if k not in hit and rules[k].get("enabled", True) is False]
    if hit:
        lines += rule_table(hit, failed)
    if clean:
        lines += [f"No violations ({len(clean)} rules): " + ", ".join(f"`{k}`" for k in clean), ""]
    if disabled:
        lines += ["Disabled: " + ", ".join(f"`{k}`" for k in disabled), ""]
    if not rules:
        lines += ["no rule results in the report", ""]
    return "\n".join(lines)
