"""Evaluate's per-segment charts are redrawn only where their data changed (the folder is a
persistent DVC output), and what is reused is checked first: a rerun after a one-region change
writes the same bytes a run from scratch writes, and a chart that no longer has its recorded
hash, or that another renderer drew, is drawn again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import yaml

from forecastops.modeling import integrity
from forecastops.quality import plots

ROOT = Path(__file__).resolve().parents[2]
LEVEL = {"texas": 10.0, "plains": 20.0}


def _totals(
    regions: tuple[str, ...] = ("texas", "plains"), bump: str | None = None
) -> pd.DataFrame:
    weeks = pd.date_range("2026-08-03", periods=6, freq="W-MON").strftime("%Y-%m-%d")
    rows = []
    for region in regions:
        for fmt in ("large", "small"):
            for w, week in enumerate(weeks):
                lift = 5.0 if region == bump else 0.0
                value = LEVEL[region] + w
                rows.append([f"{region}/{fmt}/fast", week, value, value + 1 + lift, 9.0, value - 1])
    return pd.DataFrame(
        rows, columns=["segment", "week_start", "actual", "ensemble", "baseline", "naive"]
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_one_region_change_redraws_its_charts_only_and_matches_a_run_from_scratch(tmp_path):
    first = tmp_path / "first"
    assert plots.plot_segments(_totals(), first) == 4
    again = tmp_path / "again"
    assert plots.plot_segments(_totals(bump="texas"), again, previous=first) == 2
    scratch = tmp_path / "scratch"
    assert plots.plot_segments(_totals(bump="texas"), scratch) == 4
    assert _files(again) == _files(scratch)
    assert _files(again)["plains__large__fast.png"] == _files(first)["plains__large__fast.png"]
    assert _files(again)["texas__large__fast.png"] != _files(first)["texas__large__fast.png"]


def test_a_chart_changed_since_it_was_drawn_is_drawn_again(tmp_path):
    first = tmp_path / "first"
    plots.plot_segments(_totals(), first)
    original = (first / "texas__small__fast.png").read_bytes()
    (first / "texas__small__fast.png").write_bytes(b"\x89PNG tampered")
    again = tmp_path / "again"
    assert plots.plot_segments(_totals(), again, previous=first) == 1
    assert (again / "texas__small__fast.png").read_bytes() == original


def test_another_renderer_or_a_broken_index_redraws_everything(tmp_path):
    first = tmp_path / "first"
    plots.plot_segments(_totals(), first)
    index = json.loads((first / plots.INDEX).read_text())
    (first / plots.INDEX).write_text(json.dumps({**index, "renderer": "an older style"}))
    assert plots.plot_segments(_totals(), tmp_path / "a", previous=first) == 4
    (first / plots.INDEX).write_text("{not json")
    assert plots.plot_segments(_totals(), tmp_path / "b", previous=first) == 4
    assert plots.plot_segments(_totals(), tmp_path / "c", previous=tmp_path / "missing") == 4
    # JSON of another shape is no index either: drawn again, never a crash
    for other in ([], {"renderer": plots.RENDERER, "charts": {"texas/large/fast": "x"}}):
        (first / plots.INDEX).write_text(json.dumps(other))
        assert plots.plot_segments(_totals(), tmp_path / "d", previous=first) == 4


def test_the_last_runs_charts_are_trusted_only_as_dvc_lock_pins_them(tmp_path, monkeypatch):
    """The index sits beside the charts it vouches for, so an edit of both would pass its own
    check: evaluate reuses the folder only when it hashes to what dvc.lock recorded."""
    monkeypatch.chdir(tmp_path)
    folder = Path("reports/plots/segments")
    plots.plot_segments(_totals(), folder)
    lock = Path("dvc.lock")
    assert not integrity.matches_lock(folder, lock)  # no dvc.lock: nothing pins it
    pinned, _ = integrity.tree(folder)
    out = {"path": folder.as_posix(), "hash": "md5", "md5": pinned}
    lock.write_text(yaml.safe_dump({"schema": "2.0", "stages": {"evaluate": {"outs": [out]}}}))
    assert integrity.matches_lock(folder, lock)
    assert not integrity.matches_lock(Path("reports/plots"), lock)  # pins no such output
    # a forged chart with an index that agrees with it
    chart = folder / "texas__small__fast.png"
    chart.write_bytes(b"\x89PNG forged")
    index = json.loads((folder / plots.INDEX).read_text())
    index["charts"]["texas/small/fast"]["png"] = hashlib.sha256(chart.read_bytes()).hexdigest()
    (folder / plots.INDEX).write_text(json.dumps(index))
    assert not integrity.matches_lock(folder, lock)


def test_a_segment_that_is_gone_leaves_no_chart_behind(tmp_path):
    first = tmp_path / "first"
    plots.plot_segments(_totals(), first)
    again = tmp_path / "again"
    assert plots.plot_segments(_totals(regions=("plains",)), again, previous=first) == 0
    assert sorted(_files(again)) == [
        "index.json",
        "plains__large__fast.png",
        "plains__small__fast.png",
    ]
    assert set(json.loads((again / plots.INDEX).read_text())["charts"]) == {
        "plains/large/fast",
        "plains/small/fast",
    }


def test_the_charts_folder_is_a_persistent_dvc_output():
    """Without ``persist`` DVC deletes the folder before evaluate runs and nothing is reused."""
    stage = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]["evaluate"]
    outs = {k: v for o in stage["outs"] if isinstance(o, dict) for k, v in o.items()}
    assert outs["${evaluate.plots_dir}/segments"] == {"persist": True}
