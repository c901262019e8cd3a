"""Plot data and images of the test weeks: what DVC plots and CML comments show."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")  # before pyplot: no display on CI or runners
import matplotlib.pyplot as plt

INDEX = "index.json"  # in the charts folder: segment -> hashes of its data and its PNG


def weekly_totals(preds: pd.DataFrame) -> pd.DataFrame:
    """Actual vs forecasts summed per segment and week: the DVC plot data."""
    cols = ["actual", "ensemble", "baseline", "naive"]
    out = preds.groupby(["segment", "week_start"], sort=True)[cols].sum().reset_index()
    out["week_start"] = out["week_start"].dt.strftime("%Y-%m-%d")
    return out.round(3)


def _draw(segment: str, rows: pd.DataFrame, out: Path) -> None:
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
    fig.savefig(out, metadata={"Software": None})  # no version stamp: RENDERER names it
    plt.close(fig)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# What draws a chart: this module's code and matplotlib's version. A chart is reused only when
# both its data and this are unchanged, so a style change redraws every chart.
RENDERER = _sha256(Path(__file__).read_bytes() + matplotlib.__version__.encode())


def _reusable(previous: Path) -> dict[str, dict]:
    """The previous run's index, when the same renderer drew it ({} otherwise, or when it is not
    the shape this module writes)."""
    try:
        index = json.loads((previous / INDEX).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(index, dict) or index.get("renderer") != RENDERER:
        return {}
    charts = index.get("charts")
    return (
        {k: v for k, v in charts.items() if isinstance(v, dict)} if isinstance(charts, dict) else {}
    )


def chart_name(segment: str) -> str:
    """A segment's chart file name (``region__format__velocity.png``)."""
    return f"{segment.replace('/', '__')}.png"


def _reuse(was: dict, data: str, chart: Path, out_dir: Path) -> str | None:
    """Copy ``chart`` into ``out_dir`` when it was drawn from ``data`` and has its recorded hash;
    that hash, or None when it must be drawn."""
    if was.get("data") != data or not chart.is_file():
        return None
    png = chart.read_bytes()  # read once: the bytes checked are the bytes written
    if _sha256(png) != was.get("png"):
        return None  # changed since it was drawn: evidence of nothing, draw it again
    (out_dir / chart.name).write_bytes(png)
    return was["png"]


def plot_segments(totals: pd.DataFrame, out_dir: Path, previous: Path | None = None) -> int:
    """One PNG per segment (CML attaches these to PR comments) and an index of what each was
    drawn from; the number drawn. A chart of ``previous`` (the last run's folder, a persistent
    DVC output the caller has checked against ``dvc.lock``) is copied instead of drawn when its
    data and renderer are the same and the file still has the hash its index recorded: a
    one-region change redraws 4 charts, not all."""
    out_dir.mkdir(parents=True, exist_ok=True)
    old = _reusable(previous) if previous is not None else {}
    charts, drawn = {}, 0
    for segment, rows in totals.groupby("segment", sort=True):
        name = chart_name(str(segment))
        data = _sha256(rows.drop(columns="segment").to_csv(index=False).encode())
        png = _reuse(old.get(segment, {}), data, previous / name, out_dir) if old else None
        if png is None:
            _draw(str(segment), rows, out_dir / name)
            png, drawn = _sha256((out_dir / name).read_bytes()), drawn + 1
        charts[segment] = {"data": data, "png": png}
    index = {"renderer": RENDERER, "charts": charts}
    (out_dir / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n")
    return drawn
