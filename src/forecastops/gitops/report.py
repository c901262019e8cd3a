"""Markdown reports for pull requests and main-branch runs (posted by CML).

``forecastops report diff`` compares ``reports/metrics.json`` between two revisions (a git rev is
read with ``git show REV:path``; the head defaults to the working-tree file) and renders one table
per segment plus the overall row: MAPE, RMSE-0, RMSE-all, baseline MAPE, MAPE reduction, the gate
verdict and the deltas. Changed, new and removed segments come first; unchanged segments are folded
into a ``<details>`` block so a one-region change stays readable with hundreds of segments.

``forecastops report pr`` assembles the exact pull-request comment: header, smoke-metrics diff,
data-validation summary and plot links for the segments whose metrics changed (CML uploads local
image paths). Every report starts with a hidden watermark line; the workflows also pass CML's
``--watermark-title`` so a later push updates the comment in place instead of adding a new one.

The markdown builders are pure functions of two metrics dicts (see ``build_diff_markdown``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forecastops import io
from forecastops.errors import ForecastopsError
from forecastops.quality.metrics import as_number

WATERMARK = "<!-- forecastops-report: {kind} -->"
WORKSPACE = "workspace"
# A metric counts as changed only when the change shows at the 4 decimals the tables print:
# metrics.json holds unrounded floats and the smoke baseline may come from another machine, so
# summation-order noise (1e-9 relative, 1e-6 absolute) must neither mark a segment changed (and
# attach its plots) nor render as ``+0.0000 🔴``. ``ABS_TOLERANCE`` is half the last printed digit;
# the relative term only matters for large values (RMSE in the thousands).
DECIMALS = 4
ABS_TOLERANCE = 0.5 * 10**-DECIMALS
REL_TOLERANCE = 1e-7
IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif")

# (key, column title, lower is better)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("mape", "MAPE", True),
    ("rmse_0", "RMSE-0", True),
    ("rmse_all", "RMSE-all", True),
    ("baseline_mape", "baseline MAPE", True),
    ("mape_reduction", "MAPE reduction", False),
)


@dataclass(frozen=True)
class Gate:
    """A segment passes when ``metric <= threshold``; without a threshold, metrics.json's own
    ``passed`` flag is used."""

    metric: str = "mape"
    threshold: float | None = None

    def passed(self, row: dict[str, Any] | None) -> bool | None:
        if not row:
            return None
        value = as_number(row.get(self.metric))
        if self.threshold is not None and value is not None:
            return value <= self.threshold
        flag = row.get("passed")
        return bool(flag) if flag is not None else None

    def describe(self) -> str:
        if self.threshold is None:
            return "gate: `passed` flag from metrics.json"
        return f"gate: `{self.metric}` ≤ {self.threshold:g}"


@dataclass
class RowDiff:
    key: str
    status: str  # changed | new | removed | unchanged
    base: dict[str, Any] | None
    head: dict[str, Any] | None
    base_passed: bool | None = None
    head_passed: bool | None = None
    deltas: dict[str, float | None] = field(default_factory=dict)


@dataclass
class MetricsDiff:
    overall: RowDiff
    segments: list[RowDiff]
    gate: Gate

    def by_status(self, status: str) -> list[RowDiff]:
        return [r for r in self.segments if r.status == status]

    @property
    def changed_segments(self) -> list[str]:
        """Segments whose metrics changed, appeared or disappeared (ordered as in the report)."""
        return [r.key for r in self.segments if r.status != "unchanged"]


# --------------------------------------------------------------------------------------- diffing
def _differs(a: Any, b: Any) -> bool:
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


def diff_row(key: str, base: dict | None, head: dict | None, gate: Gate) -> RowDiff:
    if base is None and head is None:
        status = "unchanged"
    elif base is None:
        status = "new"
    elif head is None:
        status = "removed"
    else:
        keys = [c[0] for c in COLUMNS] + [gate.metric]
        changed = any(_differs(base.get(k), head.get(k)) for k in keys)
        changed = changed or gate.passed(base) != gate.passed(head)
        status = "changed" if changed else "unchanged"
    deltas: dict[str, float | None] = {}
    for k, _, _ in COLUMNS:
        b = as_number((base or {}).get(k))
        h = as_number((head or {}).get(k))
        deltas[k] = h - b if b is not None and h is not None else None
    return RowDiff(key, status, base, head, gate.passed(base), gate.passed(head), deltas)


def diff_metrics(base: dict | None, head: dict | None, gate: Gate | None = None) -> MetricsDiff:
    """Compare two metrics.json dicts (either may be ``None``: no metrics at that revision)."""
    gate = gate or Gate()
    base, head = base or {}, head or {}
    bseg, hseg = base.get("segments") or {}, head.get("segments") or {}
    rows = [diff_row(k, bseg.get(k), hseg.get(k), gate) for k in sorted(set(bseg) | set(hseg))]
    order = {"changed": 0, "new": 1, "removed": 2, "unchanged": 3}
    rows.sort(key=lambda r: (order[r.status], r.key))
    overall = diff_row("overall", base.get("overall"), head.get("overall"), gate)
    return MetricsDiff(overall, rows, gate)


# ------------------------------------------------------------------------------------- rendering
def _fmt(value: Any) -> str:
    v = as_number(value)
    return "–" if v is None else f"{v:.{DECIMALS}f}"


def _fmt_delta(base: Any, head: Any, lower_is_better: bool) -> str:
    """`` (+0.0700 🔴)`` for a change that ``_differs`` counts; empty for noise or a missing side
    (so a delta never renders as ``+0.0000`` with a colour)."""
    b, h = as_number(base), as_number(head)
    if b is None or h is None or not _differs(b, h):
        return ""
    delta = h - b
    better = (delta < 0) == lower_is_better
    return f" ({delta:+.{DECIMALS}f} {'🟢' if better else '🔴'})"


def _verdict(flag: bool | None) -> str:
    return "–" if flag is None else ("✅ pass" if flag else "❌ fail")


def _gate_cell(row: RowDiff) -> str:
    if row.status == "removed":
        return f"~~{_verdict(row.base_passed)}~~"
    cell = _verdict(row.head_passed)
    if row.status == "changed" and row.base_passed != row.head_passed:
        cell += f" (was {_verdict(row.base_passed)})"
    return cell


STATUS_LABEL = {
    "changed": "changed",
    "new": "🆕 new",
    "removed": "🗑️ removed",
    "unchanged": "unchanged",
}


def _row_md(row: RowDiff, bold: bool = False) -> str:
    src = row.base if row.status == "removed" else row.head
    cells = []
    for k, _, lower in COLUMNS:
        cell = _fmt((src or {}).get(k))
        if row.status == "changed":
            cell += _fmt_delta((row.base or {}).get(k), (row.head or {}).get(k), lower)
        cells.append(cell)
    name = f"**{row.key}**" if bold else f"`{row.key}`"
    return "| " + " | ".join([name, STATUS_LABEL[row.status], *cells, _gate_cell(row)]) + " |"


def _table(rows: list[RowDiff], overall: RowDiff | None = None) -> list[str]:
    head = ["segment", "status", *(c[1] for c in COLUMNS), "gate"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    if overall is not None:
        lines.append(_row_md(overall, bold=True))
    lines.extend(_row_md(r) for r in rows)
    return lines


def _pass_count(segments: dict | None, gate: Gate) -> tuple[int, int]:
    flags = [gate.passed(v) for v in (segments or {}).values()]
    return sum(1 for f in flags if f), len(flags)


def build_diff_markdown(
    base: dict | None,
    head: dict | None,
    *,
    gate: Gate | None = None,
    base_label: str = "base",
    head_label: str = "head",
    title: str = "Metrics diff",
    watermark: str | None = WATERMARK.format(kind="metrics-diff"),
    heading_level: int = 3,
) -> str:
    """Markdown table of per-segment and overall metrics of ``head`` against ``base``."""
    diff = diff_metrics(base, head, gate)
    gate = diff.gate
    lines: list[str] = [watermark] if watermark else []
    lines.append(f"{'#' * heading_level} {title}: `{base_label}` → `{head_label}`")
    lines.append("")
    hp, ht = _pass_count((head or {}).get("segments"), gate)
    bp, bt = _pass_count((base or {}).get("segments"), gate)
    counts = {s: len(diff.by_status(s)) for s in ("changed", "new", "removed", "unchanged")}
    lines.append(
        f"{gate.describe()} · segments passing: **{hp}/{ht}** (base {bp}/{bt}) · "
        f"{counts['changed']} changed, {counts['new']} new, {counts['removed']} removed, "
        f"{counts['unchanged']} unchanged"
    )
    if not head:
        lines += ["", f"> ⚠️ no metrics at `{head_label}`"]
    if not base:
        lines += ["", f"> ℹ️ no metrics at `{base_label}`: every segment is shown as new"]
    lines.append("")
    moved = [r for r in diff.segments if r.status != "unchanged"]
    lines.extend(_table(moved, overall=diff.overall))
    lines.append("")
    same = diff.by_status("unchanged")
    if same:
        lines.append(f"<details><summary>{len(same)} unchanged segments</summary>")
        lines.append("")
        lines.extend(_table(same))
        lines.append("")
        lines.append("</details>")
        lines.append("")
    lines.append("Deltas are head − base; 🟢 better, 🔴 worse.")
    return "\n".join(lines) + "\n"


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LINEAGE_KEYS = ("_source_file", "_source_row")
MAX_RULE_ROWS = 50
MAX_EXAMPLE_CHARS = 160


def _cell(value: Any) -> str:
    """A markdown table cell: ``|`` escaped, newlines folded, ``None`` blank."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _fmt_count(value: Any) -> str:
    n = as_number(value)
    return "?" if n is None else (f"{int(n):,}" if n == int(n) else f"{n:g}")


def _example(examples: Any) -> str:
    """The first offending row compactly: ``store_id=1559, units_shipped=-19.0 (file.csv:2428)``
    (lineage keys folded into the trailing ``file:row``, null values left out)."""
    if not isinstance(examples, list) or not examples:
        return ""
    first = examples[0]
    if not isinstance(first, dict):
        text = str(first)
    else:
        vals = ", ".join(
            f"{k}={v}" for k, v in first.items() if k not in LINEAGE_KEYS and v is not None
        )
        src, row = first.get("_source_file"), first.get("_source_row")
        where = f"{src}:{row}" if src and row is not None else (src or "")
        text = f"{vals} ({where})" if where else vals
    if len(text) > MAX_EXAMPLE_CHARS:
        text = text[: MAX_EXAMPLE_CHARS - 1] + "…"
    return text


def build_validation_markdown(report: dict | None, heading_level: int = 3) -> str:
    """Summary of reports/data_validation.json as written by ``forecastops validate``.

    The report holds ``summary`` (``passed``, ``rows_in``, ``rows_out``, ``errors``,
    ``warnings``, ``failed_rules``) plus one top-level entry per rule (``severity``, ``action``,
    ``violations``, ``column``, ``description``, ``examples``). Rendered: the verdict in the
    heading, rows in → out, a table of the rules with violations (failing rules first, then by
    severity) and the clean rules in one line.
    """
    h = "#" * heading_level
    if not report:
        return f"{h} Data validation\n\nno `reports/data_validation.json` in this run\n"
    summary = report.get("summary")
    summary = summary if isinstance(summary, dict) else {}
    passed = summary.get("passed")
    verdict = "–" if passed is None else ("✅ passed" if passed else "❌ failed")
    lines = [f"{h} Data validation: {verdict}", ""]

    failed = [str(r) for r in summary.get("failed_rules") or []]
    facts = []
    if "rows_in" in summary or "rows_out" in summary:
        n_in, n_out = as_number(summary.get("rows_in")), as_number(summary.get("rows_out"))
        rows = f"rows: {_fmt_count(n_in)} in → {_fmt_count(n_out)} out"
        if n_in is not None and n_out is not None and n_in != n_out:
            rows += f" ({_fmt_count(n_out - n_in)})"
        facts.append(rows)
    if "errors" in summary or "warnings" in summary:
        facts.append(
            f"rules with violations: {_fmt_count(summary.get('errors', 0))} error, "
            f"{_fmt_count(summary.get('warnings', 0))} warning"
        )
    if failed:
        facts.append("failed: " + ", ".join(f"`{r}`" for r in failed))
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
        order = sorted(
            hit,
            key=lambda k: (
                k not in failed,
                SEVERITY_ORDER.get(str(hit[k].get("severity")), len(SEVERITY_ORDER)),
                k,
            ),
        )
        lines += [
            "| rule | severity | action | violations | column | first example |",
            "|---|---|---|---:|---|---|",
        ]
        for k in order[:MAX_RULE_ROWS]:
            v = hit[k]
            name = f"❌ `{k}`" if k in failed else f"`{k}`"
            example = _example(v.get("examples"))
            if example and "`" not in example:
                example = f"`{example}`"
            lines.append(
                "| "
                + " | ".join(
                    [
                        name,
                        _cell(v.get("severity")),
                        _cell(v.get("action")),
                        _fmt_count(v.get("violations")),
                        _cell(v.get("column")),
                        _cell(example),
                    ]
                )
                + " |"
            )
        if len(order) > MAX_RULE_ROWS:
            lines.append(f"\n… {len(order) - MAX_RULE_ROWS} more rules with violations")
        lines.append("")
    if clean:
        lines += [f"No violations ({len(clean)} rules): " + ", ".join(f"`{k}`" for k in clean), ""]
    if disabled:
        lines += ["Disabled: " + ", ".join(f"`{k}`" for k in disabled), ""]
    if not rules:
        lines += ["no rule results in the report", ""]
    return "\n".join(lines)


def _norm(text: str) -> str:
    return re.sub(r"[/\\\-_]+", "_", text.lower())


def find_plots(plots_dir: str | Path, segments: list[str]) -> dict[str, list[Path]]:
    """Image files under ``plots_dir`` whose relative path names one of ``segments``
    (``texas/large/fast.png``, ``texas_large_fast_forecast.png``, ``texas/large_fast.svg`` …)."""
    plots_dir = Path(plots_dir)
    if not plots_dir.is_dir():
        return {}
    images = sorted(p for p in plots_dir.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    stems = [
        (img, "_" + _norm(img.relative_to(plots_dir).with_suffix("").as_posix()) + "_")
        for img in images
    ]
    found: dict[str, list[Path]] = {}
    for seg in segments:
        key = "_" + _norm(seg) + "_"
        hits = [img for img, stem in stems if key in stem]
        if hits:
            found[seg] = hits
    return found


def build_pr_markdown(
    base: dict | None,
    head: dict | None,
    *,
    gate: Gate | None = None,
    base_label: str = "base",
    head_label: str = "head",
    validation: dict | None = None,
    plots: dict[str, list[str]] | None = None,
    run_url: str | None = None,
) -> str:
    """The pull-request comment: header, smoke metrics diff, validation summary, plot links."""
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
            gate=gate,
            base_label=base_label,
            head_label=head_label,
            title="Smoke metrics",
            watermark=None,
        )
    )
    lines.append(build_validation_markdown(validation))
    if plots:
        lines.append("### Plots of changed segments")
        lines.append("")
        for seg, paths in plots.items():
            lines.append(f"**{seg}**")
            lines.append("")
            lines.extend(f"![{seg}]({p})" for p in paths)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------- loading


def load_metrics(rev: str | None, path: str) -> dict | None:
    """``rev`` = a git revision, or ``None``/``"workspace"`` for the working-tree file."""
    if rev in (None, "", WORKSPACE):
        return io.read_json(path)
    return io.json_at_rev(rev, path)


def load_gate(params_path: str | Path) -> Gate:
    """Gate from params ``evaluate.pass_metric`` / ``pass_threshold`` (defaults if absent)."""
    from forecastops.config.load import load_params

    if not Path(params_path).is_file():
        return Gate()
    ev = load_params(params_path).get("evaluate") or {}
    threshold = as_number(ev.get("pass_threshold"))
    return Gate(metric=str(ev.get("pass_metric") or "mape"), threshold=threshold)


def _short(rev: str) -> str:
    if rev in (None, "", WORKSPACE):
        return WORKSPACE
    out = subprocess.run(
        ["git", "rev-parse", "--short", rev], capture_output=True, text=True, check=False
    )
    sha = out.stdout.strip()
    return f"{rev} ({sha})" if sha and not sha.startswith(rev) else rev


def _emit(text: str, out: str | None) -> None:
    if out:
        io.write_text(out, text)
        print(f"wrote {out}")
    else:
        print(text, end="")


# ------------------------------------------------------------------------------------------- CLI
def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="report_command", required=True, metavar="REPORT")

    d = sub.add_parser("diff", help="metric diff between two revisions (markdown)")
    d.add_argument("--base", required=True, help="git revision of the base metrics")
    d.add_argument("--head", default=WORKSPACE, help="git revision or 'workspace' (default)")
    d.add_argument("--metrics", default="reports/metrics.json", help="metrics file path")
    d.add_argument("--params", default="params.yaml", help="pass/fail gate from evaluate.*")
    d.add_argument("--title", default="Metrics diff")
    d.add_argument("--out", help="write the markdown here (default: stdout)")

    p = sub.add_parser("pr", help="the pull-request comment (smoke metrics vs the base branch)")
    p.add_argument("--base", required=True, help="git revision of the base branch")
    p.add_argument(
        "--metrics",
        default="reports/smoke/metrics.json",
        help="smoke metrics path: read at --base from git (default: reports/smoke/metrics.json)",
    )
    p.add_argument(
        "--head-metrics",
        default=None,
        help="this run's smoke metrics file (default: the --metrics path in the working tree)",
    )
    p.add_argument("--validation", default="reports/smoke/data_validation.json")
    p.add_argument("--plots-dir", default="reports/smoke/plots")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--out", default="reports/pr_comment.md")


def run(args: argparse.Namespace) -> int:
    gate = load_gate(args.params)
    if args.report_command == "diff":
        base = load_metrics(args.base, args.metrics)
        head = load_metrics(args.head, args.metrics)
        if head is None:
            where = args.metrics if args.head == WORKSPACE else f"{args.head}:{args.metrics}"
            raise ForecastopsError(f"{where}: no metrics to report (run the pipeline first)")
        text = build_diff_markdown(
            base,
            head,
            gate=gate,
            base_label=_short(args.base),
            head_label=_short(args.head),
            title=args.title,
            watermark=WATERMARK.format(kind="main"),
        )
        _emit(text, args.out)
        return 0

    head_path = args.head_metrics or args.metrics
    head = io.read_json(head_path)
    if head is None:
        raise ForecastopsError(f"{head_path}: not found; run `make smoke` first")
    base = load_metrics(args.base, args.metrics)
    diff = diff_metrics(base, head, gate)
    plots: dict[str, list[str]] = {}
    out_dir = Path(args.out).resolve().parent
    for seg, files in find_plots(args.plots_dir, diff.changed_segments).items():
        plots[seg] = [Path(os.path.relpath(f.resolve(), out_dir)).as_posix() for f in files]
    server = os.environ.get("GITHUB_SERVER_URL")
    repo, run_id = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else None
    text = build_pr_markdown(
        base,
        head,
        gate=gate,
        base_label=_short(args.base),
        head_label="this PR (smoke)",
        validation=io.read_json(args.validation),
        plots=plots,
        run_url=run_url,
    )
    _emit(text, args.out)
    return 0
