"""Base and head on one chart per changed segment: weekly test-period totals of the actuals and of
both runs' forecasts, so a reviewer sees where a change moved the forecast. Linked relative to the
comment file (CML uploads local images; ``report publish`` swaps them for URLs the job summary
can show). The most moved segments come first, at most ``report.max_plots`` of them."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pandas as pd

from forecastops import io
from forecastops.gitops.report.diff import MetricsDiff, RowDiff
from forecastops.quality.plots import chart_name

matplotlib.use("Agg")  # before pyplot: no display on CI or runners
import matplotlib.pyplot as plt

# column -> (line style, colour): the base dashed grey under the head in blue
STYLE = {"actual": ("-", "black"), "base": ("--", "0.55"), "head": ("-", "tab:blue")}


def most_moved(diff: MetricsDiff, limit: int) -> list[str]:
    """The changed segments, largest WAPE move first (then by name), at most ``limit``."""
    changed = diff.by_status("changed")

    def moved(row: RowDiff) -> float:
        delta = row.deltas.get("wape")
        return -abs(delta) if delta is not None else 0.0

    return [r.key for r in sorted(changed, key=lambda r: (moved(r), r.key))][:limit]


def weekly(base: pd.DataFrame, head: pd.DataFrame, segment: str) -> pd.DataFrame:
    """One segment's weekly totals: actual, base forecast, head forecast."""
    sides = []
    for name, frame in (("base", base), ("head", head)):
        rows = frame[frame["segment"] == segment]
        sides.append(rows.groupby("week_start")["ensemble"].sum().rename(name))
    actual = head[head["segment"] == segment].groupby("week_start")["actual"].sum()
    return pd.concat([actual, *sides], axis=1).sort_index()


def _chart(totals: pd.DataFrame, segment: str, out: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 2.6), dpi=80)
    for col, (style, color) in STYLE.items():
        ax.plot(totals.index, totals[col], linestyle=style, color=color, label=col, linewidth=1.2)
    ax.set_title(f"{segment}: weekly test totals", fontsize=9)
    ax.legend(fontsize=7, ncol=3, loc="upper left")
    ax.tick_params(labelsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out, metadata={"Software": None})  # no version stamp: same bytes on rerun
    plt.close(fig)


def draw(
    base: pd.DataFrame, head: pd.DataFrame, segments: list[str], out_dir: str | Path
) -> dict[str, Path]:
    """A chart per segment in ``out_dir`` (replaced whole); segment -> image path."""
    out_dir = Path(out_dir)
    names = {seg: chart_name(seg) for seg in segments}
    with io.atomic_path(out_dir) as tmp:
        tmp.mkdir(parents=True)
        for seg, name in names.items():
            _chart(weekly(base, head, seg), seg, tmp / name)
    return {seg: out_dir / name for seg, name in names.items()}


def links(images: dict[str, Path], comment: str | Path) -> dict[str, str]:
    """Image paths relative to the directory of the ``comment`` markdown file."""
    comment_dir = Path(comment).resolve().parent
    return {
        seg: Path(os.path.relpath(path.resolve(), comment_dir)).as_posix()
        for seg, path in images.items()
    }
