"""The monitoring report in words: the notification event and the markdown CML posts, with two key
plots beside it (accuracy on actuals week by week, and the largest drift) that CML uploads."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on CI or runners
import matplotlib.pyplot as plt
import pandas as pd

from forecastops import io
from forecastops.monitoring.alerts import reaching
from forecastops.monitoring.notify import event

TOP = 10  # rows of the drift plot and of each markdown table


def alert_event(report: dict, min_level: str, max_lines: int) -> dict | None:
    """The alerts at ``min_level`` or worse as a notification event; None when there are none."""
    found = reaching(report["alerts"], min_level)
    if not found:
        return None
    s = report["summary"]
    lines = [f"[{a['level']}] {a['kind']}: {a['message']}" for a in found[:max_lines]]
    if len(found) > max_lines:
        lines.append(f"... and {len(found) - max_lines} more in reports/monitoring.json")
    title = f"forecastops monitor: {len(found)} alert(s), worst '{s['worst']}'"
    return event(
        "monitor-alerts", title, lines, {"by_kind": s["by_kind"], "by_level": s["by_level"]}
    )


def _largest_drift(report: dict) -> pd.DataFrame:
    blocks = [(None, report["drift"]["features"]), *report["drift"]["segments"].items()]
    rows = [
        {"where": f"{segment}: {feature}" if segment else feature, "psi": result["psi"]}
        for segment, results in blocks
        for feature, result in results.items()
        if "psi" in result
    ]
    return pd.DataFrame(rows, columns=["where", "psi"]).nlargest(TOP, "psi")


def _plots(report: dict, folder: Path) -> list[str]:
    """accuracy.png (MAPE per week on actuals, per model version) and drift.png; their names."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    weekly = pd.DataFrame(report["accuracy"]["weekly"])
    if not weekly.empty:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        for version, rows in weekly.groupby("model_version"):
            wape = rows.groupby("week_start")[["wape", "baseline_wape"]].median()
            ax.plot(wape.index, wape["wape"], marker="o", label=f"{version} (median WAPE)")
            ax.plot(wape.index, wape["baseline_wape"], ls="--", label="baseline")
        ax.set_title("Accuracy on actuals, median over segments")
        ax.legend(fontsize=7)
        fig.autofmt_xdate()
        made.append(_save(fig, folder / "accuracy.png"))
    drift = _largest_drift(report)
    if not drift.empty:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.barh(drift["where"][::-1], drift["psi"][::-1])
        ax.set_title("Largest drift (PSI)")
        ax.tick_params(labelsize=7)
        made.append(_save(fig, folder / "drift.png"))
    return made


def _save(fig, path: Path) -> str:
    fig.tight_layout()
    io.atomic_write(path, lambda p: fig.savefig(p, format="png", dpi=90))
    plt.close(fig)
    return path.name


def write_summary(report: dict, out: Path, link: str | None) -> None:
    """``out`` (markdown) and its plots in ``<out stem>_plots/``, linked relatively."""
    s = report["summary"]
    lines = [
        "## Monitoring",
        "",
        f"**{s['alerts']} alert(s)** {s['by_level']} by kind {s['by_kind']}; "
        f"fails at `{s['fail_on']}`. Stale check at {report['stale']['scoring_date']}; "
        f"{report['accuracy']['matched_rows']} forecasts matched with actuals.",
        "",
    ]
    if link:
        lines += [f"Dashboard: [reports/dashboard/index.html]({link})", ""]
    if report["alerts"]:
        lines += [
            "| level | kind | segment | figure | value | threshold |",
            "|---|---|---|---|---|---|",
        ]
        for a in sorted(report["alerts"], key=lambda a: a["level"] != "alert")[:TOP]:
            value = "n/a" if a["value"] is None else f"{a['value']:.3f}"
            lines.append(
                f"| {a['level']} | {a['kind']} | {a['segment'] or '-'} | {a['figure']} | "
                f"{value} | {a['threshold']} |"
            )
        lines.append("")
    folder = out.parent / f"{out.stem}_plots"
    lines += [f"![{name}]({folder.name}/{name})" for name in _plots(report, folder)]
    io.write_text(out, "\n".join(lines) + "\n")
