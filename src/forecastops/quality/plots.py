"""Plot data and images of the test weeks: what DVC plots and CML comments show."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")  # before pyplot: no display on CI or runners
import matplotlib.pyplot as plt


def weekly_totals(preds: pd.DataFrame) -> pd.DataFrame:
    """Actual vs forecasts summed per segment and week: the DVC plot data."""
    cols = ["actual", "ensemble", "baseline", "naive"]
    out = preds.groupby(["segment", "week_start"], sort=True)[cols].sum().reset_index()
    out["week_start"] = out["week_start"].dt.strftime("%Y-%m-%d")
    return out.round(3)


def plot_segments(totals: pd.DataFrame, out_dir: Path) -> None:
    """One PNG per segment (CML attaches these to PR comments)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for segment, rows in totals.groupby("segment"):
        fig, ax = plt.subplots(figsize=(6, 2.6), dpi=80)
        for col, style in (
            ("actual", "k-"),
            ("ensemble", "b-"),
            ("baseline", "r--"),
            ("naive", "g:"),
        ):
            ax.plot(pd.to_datetime(rows["week_start"]), rows[col], style, label=col, linewidth=1.2)
        ax.set_title(segment, fontsize=9)
        ax.legend(fontsize=7, ncol=4, loc="upper left")
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(out_dir / f"{segment.replace('/', '__')}.png")
        plt.close(fig)
