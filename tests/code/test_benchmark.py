"""CI's tiny version of `make bench` (scripts/benchmark.py --tiny): the committed sample's regions at
x1 and x2 through the real pipeline, the executors on the same fits, a one-region rerun and batch
scoring. Checks what the figures show as ratios, never wall times (they depend on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> tuple[dict, str]:
    root = tmp_path_factory.mktemp("bench")
    out = root / "benchmark.json"
    args = ["--tiny", "--out", str(out), "--workdir", str(root / "work")]
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "benchmark.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert not (root / "work").exists()  # the scratch workspaces are removed
    return json.loads(out.read_text()), run.stdout


def test_time_grows_near_linearly_with_regions(bench):
    result, _ = bench
    small, big = result["scale"]
    assert (small["regions"], big["regions"]) == (2, 4)
    assert big["segments"] == 2 * small["segments"] == 16  # same stores/products per region
    growth = result["growth"]["4_vs_2_regions"]
    assert growth["regions_ratio"] == 2.0 and growth["near_linear"], growth
    assert growth["time_ratio"] <= 1.1 * growth["regions_ratio"]
    assert all(p["peak_mib"] > 0 for p in result["scale"])


def test_a_one_region_change_reruns_one_region_in_less_than_the_full_run(bench):
    for point in bench[0]["scale"]:
        rerun = point["one_region_rerun"]
        ran = [name for name, _ in rerun["stages"]]
        trained = [s for s in ran if s.startswith("train@")]
        assert trained == [f"train@{rerun['region']}"], rerun
        assert rerun["ratio_to_full"] < 1, rerun
        # where its time went, in the order it was spent: the region's fits on the executor,
        # its train stage, DVC checking the other stages, then evaluate
        assert ran[:4] == [
            "fits (train-stale, on the executor)",
            f"train@{rerun['region']}",
            "DVC checks after train",
            "evaluate",
        ], rerun
        assert rerun["before_stages_seconds"] >= 0, rerun
    # with more regions the one-region rerun is a smaller share of the full run: counted in
    # train stages, since the two tiny points' time shares lie within each other's noise
    for point in bench[0]["scale"]:
        full_trained = [s for s in point["stages"] if s.startswith("train@")]
        assert len(full_trained) == point["regions"], point["stages"]


def test_every_executor_fits_the_same_segments_and_the_ratios_are_recorded(bench):
    execs = bench[0]["executors"]
    assert set(execs["results"]) == {
        "local_n_jobs_1",
        f"local_n_jobs_{execs['cores']}",
        f"ray_{execs['cores']}_cpus",
    }
    assert {r["segments"] for r in execs["results"].values()} == {8}
    base = execs["results"]["local_n_jobs_1"]["segments_per_minute"]
    for name, ratio in execs["speedup"].items():
        executor = name.removesuffix("_vs_local_n_jobs_1")
        expected = execs["results"][executor]["segments_per_minute"] / base
        assert ratio == pytest.approx(expected, abs=0.01)


def test_scoring_rows_per_second_and_the_readme_table(bench):
    result, stdout = bench
    for point in result["scale"]:
        scoring = point["scoring"]
        assert scoring["rows"] > 0
        assert scoring["rows_per_second"] == pytest.approx(
            scoring["rows"] / scoring["seconds"], rel=0.05
        )
    assert "| regions | segments | full pipeline | peak memory |" in stdout
    assert (
        "| regions | DVC checks before | fits (train-stale, on the executor) | train | DVC checks after train | evaluate |"
        in stdout
    )
    assert result["machine"]["cores"] and result["gpu"]
