"""Experiment tracking with DVCLive: what ``dvc exp show`` and ``dvc metrics show`` list.

``evaluate`` logs the overall and per-class figures to ``reports/live/evaluate/`` and, per region,
its segments' test WAPE and the validation score each ensemble was chosen on (from the region's
``segments.json``) to ``reports/live/regions/<region>/``. The region is in the path, not in the keys,
so ``dvc metrics show`` prints one row per region under shared columns (``large.fast.wape`` ...).
The train stages log nothing outside ``models/<region>``: a file they wrote with ``cache: false``
could not be restored from DVC's run-cache, which main.yml's gather job relies on. dvc.yaml declares
these files as metrics (kept in git); DVCLive neither saves experiments nor edits dvc.yaml itself
(``dvc exp run`` records them), and each directory is written in scratch and moved into place, never
half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dvclive.live as dvclive_live
import pandas as pd
from dvclive import Live

from forecastops import io
from forecastops.quality import metrics

OVERALL_KEYS = ("mape", "wape", "mase", "bias", "mape_reduction", "segments_passed")
CLASS_KEYS = ("mape", "wape", "mase", "passed", "total")  # per class (velocity label)


def _log(out_dir: Path, values: dict[str, float | int | None]) -> None:
    live = Live(dir=str(out_dir), save_dvc_exp=False, dvcyaml=False, report=None)
    for name, value in values.items():
        if value is not None:
            live.log_metric(name, value, plot=False)
    live.end()


def write(out_dir: str | Path, values: dict[str, float | int | None]) -> None:
    """``values`` (``a/b/c`` nests as ``{"a": {"b": {"c": ...}}}``) into ``out_dir/metrics.json``;
    undefined values (``None``) are left out."""
    with io.atomic_path(out_dir) as tmp:
        _log(tmp, values)


@contextmanager
def _one_dvc_repo() -> Iterator[None]:
    """DVCLive opens the DVC repository anew for each ``Live``, most of its cost (0.07 s; 4 s of
    evaluate at 56 regions): the regions' logs, written together, share one."""
    own = dvclive_live.get_dvc_repo
    opened = own()
    dvclive_live.get_dvc_repo = lambda: opened
    try:
        yield
    finally:
        dvclive_live.get_dvc_repo = own


def write_regions(out_dir: str | Path, values: dict[str, dict[str, float | int | None]]) -> None:
    """Each region's ``values`` into ``out_dir/<region>/metrics.json``, all moved in at once."""
    with io.atomic_path(out_dir) as tmp, _one_dvc_repo():
        tmp.mkdir(parents=True)
        for region, region_values in values.items():
            _log(tmp / region, region_values)


def region_values(preds: pd.DataFrame, summary: dict, select_metric: str) -> dict:
    """``<format>/<velocity>/wape`` (test weeks) and ``.../val_<select_metric>`` (the validation
    score the ensemble was chosen on) for each of a region's segments: two columns a segment, so
    ``dvc exp show`` stays narrow; every other metric of a segment is in metrics.json."""
    out: dict[str, float | None] = {}
    for key, rows in preds.groupby("segment", sort=True):
        name = str(key).split("/", 1)[1]
        out[f"{name}/wape"] = metrics.wape(rows["actual"], rows["ensemble"])
        out[f"{name}/val_{select_metric}"] = summary["segments"][key]["val_score"]
    return out


def overall_values(result: dict) -> dict:
    """``overall/<metric>`` and ``classes/<class>/<metric>`` of evaluate's metrics document."""
    out = {f"overall/{k}": result["overall"].get(k) for k in OVERALL_KEYS}
    for cls, block in result.get("classes", {}).items():
        out.update({f"classes/{cls}/{k}": block.get(k) for k in CLASS_KEYS})
    return out


def monitor_values(report: dict) -> dict:
    """The monitoring report's headline: alerts by level and kind, forecasts matched with actuals."""
    summary = report["summary"]
    out: dict[str, float | int | None] = {"alerts": summary["alerts"]}
    out.update({f"level/{k}": v for k, v in sorted(summary["by_level"].items())})
    out.update({f"kind/{k}": v for k, v in sorted(summary["by_kind"].items())})
    out["matched_rows"] = report["accuracy"]["matched_rows"]
    return out
