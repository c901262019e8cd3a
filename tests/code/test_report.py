"""Metric-diff markdown (pure builders) and the `forecastops report` CLI on a real git repo."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import MASE_PER_MAPE, commit_files, metrics
from forecastops import cli
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.report import BootstrapConfig
from forecastops.gitops.report.diff import diff_metrics
from forecastops.gitops.report.metrics_md import build_diff_markdown
from forecastops.gitops.report.noise import Noise
from forecastops.gitops.report.pr_comment import PrInputs, build_pr_markdown
from forecastops.gitops.report.validation_md import build_validation_markdown
from forecastops.quality import metrics as qm
from forecastops.quality.bootstrap import paired_intervals

PARAMS_YAML = """evaluate:
  gate:
    rules:
      fast: {metric: mape, threshold: 0.45}
      slow: {metric: mase, threshold: 1.0}
    beat_baseline: true
    baseline: baseline
  bias_tolerance: 0.1
  plots_dir: reports/plots
report:
  bootstrap: {resamples: 400, seed: 8, level: 0.95, min_effect: 0.01}
  max_plots: 12
segments:
  regions: {northeast: {}, texas: {}}
"""
REPO = Path(__file__).resolve().parents[2]
BOOT = BootstrapConfig(resamples=400, seed=8, level=0.95, min_effect=0.01)
SEGS = {
    "northeast/large/fast": 0.30,
    "northeast/small/slow": 0.50,
    "texas/large/fast": 0.20,
    "texas/small/slow": 0.40,
}


def _gate(threshold: float = 0.45) -> EvaluateConfig:
    """The default rules, fast movers at MAPE <= ``threshold`` and slow movers at the MASE the
    fixture's scaling makes equivalent."""
    rules = {
        "fast": {"metric": "mape", "threshold": threshold},
        "slow": {"metric": "mase", "threshold": threshold * MASE_PER_MAPE},
    }
    return EvaluateConfig.model_validate(
        {
            "gate": {"rules": rules, "beat_baseline": True, "baseline": "baseline"},
            "bias_tolerance": 0.1,
            "plots_dir": "reports/plots",
        }
    )


def _pair():
    base = metrics(SEGS)
    head_vals = dict(SEGS)
    head_vals["texas/small/slow"] = 0.47  # changed, flips to fail
    head_vals["northeast/small/slow"] = 0.44  # changed, flips to pass
    del head_vals["texas/large/fast"]  # removed
    head_vals["florida/large/fast"] = 0.25  # new
    head = metrics(head_vals)
    # untouched segment: keep identical numbers
    head["segments"]["northeast/large/fast"] = dict(base["segments"]["northeast/large/fast"])
    return base, head


def test_diff_statuses_and_order():
    base, head = _pair()
    diff = diff_metrics(base, head, _gate())
    assert [(r.key, r.status) for r in diff.segments] == [
        ("northeast/small/slow", "changed"),
        ("texas/small/slow", "changed"),
        ("florida/large/fast", "new"),
        ("texas/large/fast", "removed"),
        ("northeast/large/fast", "unchanged"),
    ]
    assert diff.changed_segments == [
        "northeast/small/slow",
        "texas/small/slow",
        "florida/large/fast",
        "texas/large/fast",
    ]
    texas = diff.segments[1]
    assert texas.base_passed is True and texas.head_passed is False
    assert abs(texas.deltas["mape"] - 0.07) < 1e-9


def test_markdown_changed_first_deltas_flags_and_details():
    base, head = _pair()
    md = build_diff_markdown(base, head, evaluate=_gate(), base_label="main")
    lines = md.splitlines()
    assert lines[0] == "<!-- forecastops-report: metrics-diff -->"
    assert "`main` → `head`" in lines[1]
    assert "gate: fast: mape ≤ 0.45; slow: mase ≤ 1; each below the baseline's" in md
    assert "2 changed, 1 new, 1 removed, 1 unchanged" in md
    main_table, details = md.split("<details>")
    # changed rows come first, then new/removed; the unchanged one only inside <details>
    order = [
        main_table.index(k)
        for k in (
            "**overall**",
            "`northeast/small/slow`",
            "`texas/small/slow`",
            "`florida/large/fast`",
            "`texas/large/fast`",
        )
    ]
    assert order == sorted(order)
    assert "`northeast/large/fast`" not in main_table
    assert "`northeast/large/fast`" in details and "1 unchanged segments" in details
    texas_row = next(ln for ln in lines if ln.startswith("| `texas/small/slow`"))
    # without per-row predictions a delta is shown but never coloured: noise cannot be judged
    assert "0.4700 (+0.0700, no interval)" in texas_row
    assert "❌ fail (was ✅ pass)" in texas_row
    ne_row = next(ln for ln in lines if ln.startswith("| `northeast/small/slow`"))
    assert "(-0.0600, no interval)" in ne_row and "✅ pass (was ❌ fail)" in ne_row
    assert "🆕 new" in md and "🗑️ removed" in md
    assert "🟢" not in md and "🔴" not in md
    assert "⚠️ Deltas carry no interval (no test predictions were given)" in md


def test_verdict_recomputed_from_metrics_not_the_flag():
    base = metrics({"a/large/fast": 0.30})
    head = metrics({"a/large/fast": 0.30})
    strict = _gate(0.25)
    diff = diff_metrics(base, head, strict)
    assert diff.segments[0].status == "unchanged"
    assert diff.segments[0].head_passed is False  # the file says passed: true
    md = build_diff_markdown(base, head, evaluate=strict)
    assert "segments passing: **0/1**" in md
    # a flag that contradicts the metrics is ignored either way; a missing metric fails
    head["segments"]["a/large/fast"]["passed"] = False
    assert diff_metrics(base, head, _gate()).segments[0].head_passed is True
    head["segments"]["a/large/fast"]["mape"] = None
    row = diff_metrics(base, head, _gate()).segments[0]
    assert (row.status, row.base_passed, row.head_passed) == ("changed", True, False)


def _noisy(m: dict) -> dict:
    """``m`` as another machine would write it: unrounded floats off by summation-order noise."""
    out = copy.deepcopy(m)
    for row in [out["overall"], *out["segments"].values()]:
        row["mape"] *= 1 + 3e-9
        row["rmse_all"] += 2e-6
        row["baseline_mape"] -= 1e-7
    return out


def test_float_noise_is_not_a_change():
    base = metrics(SEGS)
    head = _noisy(base)
    diff = diff_metrics(base, head, _gate())
    assert {r.status for r in diff.segments} == {"unchanged"}
    assert diff.overall.status == "unchanged"
    assert diff.changed_segments == []  # so no plots get attached either
    md = build_diff_markdown(base, head, evaluate=_gate())
    assert f"0 changed, 0 new, 0 removed, {len(SEGS)} unchanged" in md
    assert "+0.0000" not in md and "-0.0000" not in md
    assert "🔴" not in md.split("Deltas are")[0] and "🟢" not in md.split("Deltas are")[0]


def test_delta_marks_use_display_precision():
    base = metrics(SEGS)
    head = _noisy(base)
    seg = head["segments"]["texas/large/fast"]
    seg["rmse_0"] += 0.0001  # smallest visible change: shown and coloured
    diff = diff_metrics(base, head, _gate())
    assert diff.changed_segments == ["texas/large/fast"]
    md = build_diff_markdown(base, head, evaluate=_gate())
    row = next(ln for ln in md.splitlines() if ln.startswith("| `texas/large/fast`"))
    assert "2.0001 (+0.0001, no interval)" in row
    # the noisy columns of the changed row carry no delta at all
    assert row.count("no interval") == 1
    assert "0.0000 " not in row
    # below half the last printed digit is noise, whatever the sign
    head["segments"]["texas/large/fast"]["rmse_0"] = (
        base["segments"]["texas/large/fast"]["rmse_0"] - 4e-5
    )
    assert diff_metrics(base, head, _gate()).changed_segments == []


def test_no_base_metrics_all_new():
    head = metrics(SEGS)
    md = build_diff_markdown(None, head, evaluate=_gate())
    assert "no metrics at `base`" in md
    assert md.count("🆕 new") == len(SEGS) + 1  # + overall
    assert "<details>" not in md


def _rule(severity, action, violations, column, examples=(), description="a rule"):
    return {
        "action": action,
        "column": column,
        "description": description,
        "enabled": True,
        "examples": list(examples),
        "severity": severity,
        "violations": violations,
    }


def _validation(passed: bool) -> dict:
    """A report in the shape `forecastops validate` writes (reports/data_validation.json)."""
    rep = {
        "demand_max": _rule("warning", "report", 0, "units_shipped"),
        "duplicates": _rule("error", "fail", 0, "store_id, product_id, week_start"),
        "negative_quantity": _rule(
            "warning",
            "drop",
            3,
            "units_shipped",
            [
                {
                    "_source_file": "shipments/shipments_2023.csv",
                    "_source_row": 2428,
                    "product_id": "SKU-26562",
                    "region": "texas",
                    "store_id": "1559",
                    "units_shipped": -19.0,
                    "week_start": "2023-07-03",
                },
                {"_source_file": "shipments/shipments_2023.csv", "_source_row": 9},
            ],
        ),
        "missing_weeks": _rule(
            "warning",
            "drop",
            66,
            "store_id, week_start",
            [{"_source_file": None, "_source_row": None, "store_id": "1475", "week_start": "x"}],
        ),
        "negative_net_demand": _rule("info", "clip", 135, "net_demand"),
        "schema": _rule("error", "fail", 0, None),
    }
    failed = []
    if not passed:
        rep["duplicates"]["violations"] = 2
        rep["duplicates"]["examples"] = [{"store_id": "1|2", "week_start": "2023-01-02"}]
        failed = ["duplicates"]
    rep["summary"] = {
        "errors": len(failed),
        "failed_rules": failed,
        "passed": passed,
        "rows_in": 25783,
        "rows_out": 25714,
        "warnings": 2,
    }
    return rep


def test_validation_markdown_passing():
    md = build_validation_markdown(_validation(passed=True))
    lines = md.splitlines()
    assert lines[0] == "### Data validation: ✅ passed"
    assert "rows: 25,783 in → 25,714 out (-69)" in md
    table = [ln for ln in lines if ln.startswith("| `")]
    # rules with violations only: warnings before info, alphabetical within a severity
    assert [ln.split("`")[1] for ln in table] == [
        "missing_weeks",
        "negative_quantity",
        "negative_net_demand",
    ]
    assert table[1] == (
        "| `negative_quantity` | warning | drop | 3 | units_shipped | "
        "`product_id=SKU-26562, region=texas, store_id=1559, units_shipped=-19.0, "
        "week_start=2023-07-03 (shipments/shipments_2023.csv:2428)` |"
    )
    # null lineage is left out; no examples -> empty cell
    assert "`store_id=1475, week_start=x` |" in table[0]
    assert table[2].endswith("| 135 | net_demand |  |")
    assert "No violations (3 rules): `demand_max`, `duplicates`, `schema`" in md
    assert "❌" not in md


def test_validation_markdown_failing():
    md = build_validation_markdown(_validation(passed=False))
    lines = md.splitlines()
    assert lines[0] == "### Data validation: ❌ failed"
    assert "failed: `duplicates`" in md
    table = [ln for ln in lines if ln.startswith("| ") and not ln.startswith("| rule ")]
    # the failing rule leads the table; a pipe inside an example cannot break the row
    assert table[0] == (
        "| ❌ `duplicates` | error | fail | 2 | store_id, product_id, week_start | "
        "`store_id=1\\|2, week_start=2023-01-02` |"
    )
    assert "No violations (2 rules): `demand_max`, `schema`" in md


def test_validation_markdown_missing_report():
    assert "no `reports/data_validation.json`" in build_validation_markdown(None)


def _predictions(segments=("northeast/large/fast", "texas/large/fast"), n_series=40, seed=0):
    """Per-row test predictions (the columns the report reads): 8 weeks of noisy series."""
    rng = np.random.default_rng(seed)
    rows = []
    for seg in segments:
        for s in range(n_series):
            level = rng.uniform(2, 60)
            actual = rng.poisson(level, 8).astype(float)
            rows.append(
                pd.DataFrame(
                    {
                        "segment": seg,
                        "store_id": f"S{s % 7}",
                        "product_id": f"P{s}",
                        "week_start": pd.date_range("2024-01-01", periods=8, freq="7D"),
                        "actual": actual,
                        "ensemble": level * rng.uniform(0.8, 1.2, 8),
                        "baseline": np.full(8, level * 1.3),
                        "naive": np.roll(actual, 1),
                        "mase_scale": np.full(8, 3.0),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def _doc(frame: pd.DataFrame) -> dict:
    """metrics.json's shape, computed with quality.metrics (not the bootstrap's own sums)."""

    def block(rows):
        a, f, b = rows["actual"], rows["ensemble"], rows["baseline"]
        out = {
            "mape": qm.mape(a, f),
            "wape": qm.wape(a, f),
            "rmse_0": qm.rmse_zero(a, f),
            "rmse_all": qm.rmse(a, f),
            "baseline_mape": qm.mape(a, b),
            "mase": qm.mase(a, f, rows["mase_scale"]),
            "baseline_mase": qm.mase(a, b, rows["mase_scale"]),
        }
        out["mape_reduction"] = 1 - out["mape"] / out["baseline_mape"]
        return out

    segments = {k: block(r) for k, r in frame.groupby("segment")}
    velocity = frame["segment"].str.rsplit("/", n=1).str[-1]
    classes = {k: block(r) for k, r in frame.groupby(velocity)}
    return {"overall": block(frame), "classes": classes, "segments": segments}


def test_bootstrap_points_are_the_metrics_and_identical_runs_are_unchanged():
    base = _predictions()
    intervals = paired_intervals(base, base.copy(), BOOT)
    doc = _doc(base)
    for key in ("texas/large/fast", "overall"):
        for interval in intervals[key].values():
            assert (interval.delta, interval.low, interval.high) == (0.0, 0.0, 0.0)
            assert interval.verdict(True) == "unchanged"
    # the intervals are of the very metrics metrics.json holds: a shift moves them by the same
    head = base.assign(ensemble=base["ensemble"] * 1.2)
    shifted = paired_intervals(base, head, BOOT)
    for key, new in (("overall", _doc(head)["overall"]), ("texas/large/fast", None)):
        new = new or _doc(head)["segments"][key]
        old = doc["overall"] if key == "overall" else doc["segments"][key]
        for metric in ("mape", "wape", "rmse_all", "mase", "mape_reduction"):
            assert shifted[key][metric].delta == pytest.approx(new[metric] - old[metric], abs=1e-12)


def test_a_real_shift_is_beyond_noise_and_a_jitter_is_within_it():
    base = _predictions()
    head = base.copy()
    texas = head["segment"] == "texas/large/fast"
    head.loc[texas, "ensemble"] *= 1.35  # every series over-forecast: a real change
    jitter = np.random.default_rng(1).normal(1, 0.002, (~texas).sum())
    head.loc[~texas, "ensemble"] *= jitter  # tiny, unsystematic
    intervals = paired_intervals(base, head, BOOT)
    assert intervals["texas/large/fast"]["wape"].verdict(lower_is_better=True) == "worse"
    assert intervals["texas/large/fast"]["mape_reduction"].verdict(False) == "worse"
    assert intervals["northeast/large/fast"]["wape"].verdict(True) == "within noise"
    # seeded: the same inputs give the same interval; another seed moves its ends
    again = paired_intervals(base, head, BOOT)["texas/large/fast"]["wape"]
    assert again == intervals["texas/large/fast"]["wape"]
    other = paired_intervals(base, head, BOOT.model_copy(update={"seed": 9}))
    assert other["texas/large/fast"]["wape"].low != again.low


def test_each_segment_class_gets_a_row_with_the_interval_of_its_segments_added_up():
    segs = ("northeast/large/fast", "texas/large/fast", "texas/small/slow")
    base = _predictions(segs)
    head = base.copy()
    slow = head["segment"] == "texas/small/slow"
    head.loc[slow, "ensemble"] *= 1.35
    intervals = paired_intervals(base, head, BOOT)
    assert {"fast movers", "slow movers"} <= set(intervals)
    # one slow segment: its class interval is its own; the fast class did not move
    assert intervals["slow movers"]["wape"] == intervals["texas/small/slow"]["wape"]
    assert intervals["fast movers"]["wape"].verdict(True) == "unchanged"
    old, new = _doc(base)["classes"]["slow"], _doc(head)["classes"]["slow"]
    assert intervals["slow movers"]["wape"].delta == pytest.approx(new["wape"] - old["wape"])
    md = build_diff_markdown(_doc(base), _doc(head), evaluate=_gate(), noise=Noise(intervals, BOOT))
    lines = md.splitlines()
    top = [ln for ln in lines if ln.startswith("| **")]
    assert [ln.split(" | ")[0] for ln in top] == [
        "| **overall**", "| **fast movers**", "| **slow movers**"
    ]  # fmt: skip
    assert "🔴 worse [" in top[2] and top[2].endswith(" | – |")  # classes have no gate verdict
    assert " | unchanged | " in top[1]


def test_comment_marks_each_delta_and_says_when_nothing_moved_beyond_noise():
    base = _predictions()
    head = base.copy()
    jitter = np.random.default_rng(2).normal(1, 0.002, len(head))
    head["ensemble"] *= jitter
    noise = Noise(paired_intervals(base, head, BOOT), BOOT)
    md = build_diff_markdown(_doc(base), _doc(head), evaluate=_gate(), noise=noise)
    assert (
        "**No change beyond noise**: every changed metric is within noise "
        "(95% interval, 1% minimum effect)." in md
    )
    row = next(ln for ln in md.splitlines() if ln.startswith("| `texas/large/fast`"))
    assert "⚪ within noise [" in row and "🔴" not in row and "🟢" not in row
    assert "paired bootstrap 95% interval (400 resamples of store × product series" in md

    head.loc[head["segment"] == "texas/large/fast", "ensemble"] *= 1.35
    noise = Noise(paired_intervals(base, head, BOOT), BOOT)
    md = build_diff_markdown(_doc(base), _doc(head), evaluate=_gate(), noise=noise)
    assert "No change beyond noise" not in md
    assert "**Beyond noise:** 0 better," in md and "`texas/large/fast` MAPE, WAPE" in md
    assert "`northeast/large/fast`" not in md.split("\n\n")[1]  # the headline
    row = next(ln for ln in md.splitlines() if ln.startswith("| `texas/large/fast`"))
    cell = row.split(" | ")[3]  # WAPE
    delta = (
        _doc(head)["segments"]["texas/large/fast"]["wape"]
        - _doc(base)["segments"]["texas/large/fast"]["wape"]
    )
    low = noise.of("texas/large/fast")["wape"].low
    assert cell.startswith(f"{_doc(head)['segments']['texas/large/fast']['wape']:.4f} ")
    assert f"({delta:+.4f} 🔴 worse [{low:+.4f}, " in cell


def test_pr_markdown_sections():
    base, head = _pair()
    md = build_pr_markdown(
        base,
        head,
        evaluate=_gate(),
        base_label="main",
        inputs=PrInputs(
            params_rows=[
                "| Path | Param | main | workspace |",
                "|---|---|---|---|",
                "| x | y | 1 | 2 |",
            ],
            validation=_validation(passed=True),
            charts={"texas/small/slow": "smoke/plots/compare/texas__small__slow.png"},
        ),
    )
    assert md.startswith("<!-- forecastops-report: pr -->\n## ")
    assert (
        "### Params changed vs `main` (`dvc params diff --md`)" in md and "| x | y | 1 | 2 |" in md
    )
    assert "### Smoke metrics" in md and "### Data validation: ✅ passed" in md
    # the smoke gate is labelled for what it is, its failures too
    assert "smoke gate (sample data, small models: indicative" in md
    assert "⚠️ fail on sample (was ✅ pass)" in md and "❌" not in md.split("### Data")[0]
    assert "### Base vs head: changed segments" in md
    assert "![texas/small/slow](smoke/plots/compare/texas__small__slow.png)" in md


def test_cli_pr_comment(git_repo):
    base_rows = _predictions()
    head_rows = base_rows.assign(
        ensemble=np.where(
            base_rows["segment"] == "texas/large/fast",
            base_rows["ensemble"] * 1.35,
            base_rows["ensemble"],
        )
    )
    smoke = git_repo / "reports" / "smoke"
    smoke.mkdir(parents=True)
    base_rows.to_parquet(smoke / "predictions.parquet", index=False)
    subprocess.run(["git", "add", "-f", "reports/smoke/predictions.parquet"], check=True)
    base_doc = _doc(base_rows)
    commit_files(
        git_repo, {"reports/smoke/metrics.json": base_doc, "params.yaml": PARAMS_YAML}, "base"
    )
    head_rows.to_parquet(smoke / "predictions.parquet", index=False)
    (smoke / "metrics.json").write_text(json.dumps(_doc(head_rows)))
    (smoke / "data_validation.json").write_text(json.dumps(_validation(passed=False)))
    rc = cli.main(["report", "pr", "--base", "HEAD", "--out", "reports/pr_comment.md"])
    assert rc == 0
    md = (git_repo / "reports" / "pr_comment.md").read_text()
    assert "### Data validation: ❌ failed" in md
    assert "| ❌ `duplicates` | error | fail | 2 |" in md
    assert "`texas/large/fast` MAPE, WAPE" in md
    assert "### Params: none changed vs `HEAD" in md  # no dvc.yaml params in this repo
    # one chart (base and head together) per changed segment, linked relative to the comment
    link = "smoke/plots/compare/texas__large__fast.png"
    assert f"![texas/large/fast]({link})" in md and "northeast__large__fast" not in md
    assert (git_repo / "reports" / link).read_bytes().startswith(b"\x89PNG")


def test_cli_diff_reads_dvc_tracked_predictions_at_the_base_revision(git_repo):
    """The main comment: base rows are DVC outputs (models/<region>/...), read from the cache."""
    dvc = [sys.executable, "-m", "dvc"]
    subprocess.run([*dvc, "init", "-q"], check=True)
    rows = _predictions()
    for region in ("northeast", "texas"):
        (git_repo / "models" / region).mkdir(parents=True)
        part = rows[rows["segment"].str.startswith(region)]
        part.to_parquet(git_repo / "models" / region / "test_predictions.parquet", index=False)
    subprocess.run([*dvc, "add", "-q", "models"], check=True)
    commit_files(
        git_repo,
        {"reports/metrics.json": _doc(rows), "models.dvc": (git_repo / "models.dvc").read_text()},
        "models v1",
    )
    subprocess.run(["git", "add", ".dvc", ".gitignore"], check=True)
    subprocess.run(["git", "commit", "-qm", "dvc"], check=True)
    head = rows.assign(ensemble=rows["ensemble"] * 1.3)
    path = git_repo / "models" / "texas" / "test_predictions.parquet"
    path.chmod(0o644)
    path.unlink()  # DVC may have linked it read-only from the cache
    head[head["segment"].str.startswith("texas")].to_parquet(path, index=False)
    (git_repo / "reports" / "metrics.json").write_text(
        json.dumps(_doc(head.where(head["segment"].str.startswith("texas"), rows)))
    )
    (git_repo / "params.yaml").write_text(PARAMS_YAML)
    args = ["report", "diff", "--base", "HEAD", "--out", "main.md"]
    assert cli.main([*args, "--predictions", "models/{region}/test_predictions.parquet"]) == 0
    md = (git_repo / "main.md").read_text()
    assert "`texas/large/fast` MAPE, WAPE" in md and "🔴 worse [" in md
    assert "`northeast/large/fast`" not in md.split("<details>")[0]
    # base and head on one chart for the changed segment, linked relative to the comment
    charts = md.split("### Base vs head: changed segments")[1]
    link = charts.split("![texas/large/fast](")[1].split(")")[0]
    assert (git_repo / link).is_file() and "northeast" not in charts


def test_publish_swaps_local_images_for_urls_and_never_leaves_a_broken_one(tmp_path, capsys):
    (tmp_path / "plots").mkdir()
    (tmp_path / "plots" / "a.png").write_bytes(b"\x89PNG")
    comment = tmp_path / "pr_comment.md"
    comment.write_text("x\n![a](plots/a.png)\n![web](https://example.com/b.png)\n")
    fake = tmp_path / "publish.py"  # prints a URL like `cml asset publish` does
    fake.write_text(
        "import sys\nprint('uploading')\nprint('https://asset.example/' + sys.argv[1][-5:])\n"
    )
    out = tmp_path / "summary.md"
    args = ["report", "publish", "--in", str(comment), "--out", str(out)]
    assert cli.main([*args, "--command", f"{sys.executable} {fake}"]) == 0
    text = out.read_text()
    assert "![a](https://asset.example/a.png)" in text
    assert "![web](https://example.com/b.png)" in text
    # a publisher that fails leaves a note naming the file, not a broken image
    assert cli.main([*args, "--command", f"{sys.executable} -c 'raise SystemExit(3)'"]) == 0
    assert "not published; `plots/a.png`" in out.read_text() and "![a]" not in out.read_text()
    assert "plots/a.png not published" in capsys.readouterr().err
    # a link to a missing file is the comment's error: named, exit 2, nothing written
    comment.write_text("![gone](plots/gone.png)\n")
    out.unlink()
    assert cli.main([*args, "--command", f"{sys.executable} {fake}"]) == 2
    assert "plots/gone.png" in capsys.readouterr().err and not out.exists()


def test_cli_missing_rev_is_user_error(git_repo, capsys):
    (git_repo / "reports").mkdir()
    (git_repo / "reports" / "metrics.json").write_text(json.dumps(metrics(SEGS)))
    (git_repo / "params.yaml").write_text(PARAMS_YAML)
    assert cli.main(["report", "diff", "--base", "nope-branch"]) == 2
    err = capsys.readouterr().err
    assert "git revision 'nope-branch' not found (fetch it, e.g. fetch-depth: 0)" in err


def test_cli_base_without_metrics_shows_all_new(git_repo):
    (git_repo / "reports").mkdir()
    (git_repo / "reports" / "metrics.json").write_text(json.dumps(metrics(SEGS)))
    (git_repo / "params.yaml").write_text(PARAMS_YAML)
    assert cli.main(["report", "diff", "--base", "HEAD", "--out", "diff.md"]) == 0
    md = (git_repo / "diff.md").read_text()
    assert "no metrics at `HEAD" in md and md.count("🆕 new") == len(SEGS) + 1


def test_cli_gate_needs_the_evaluate_section(git_repo, capsys):
    (git_repo / "reports").mkdir()
    (git_repo / "reports" / "metrics.json").write_text(json.dumps(metrics(SEGS)))
    assert cli.main(["report", "diff", "--base", "HEAD"]) == 2
    assert "params.yaml: not found" in capsys.readouterr().err
    (git_repo / "params.yaml").write_text("evaluate:\n  plots_dir: reports/plots\n")
    assert cli.main(["report", "diff", "--base", "HEAD"]) == 2
    assert "evaluate.gate" in capsys.readouterr().err


def test_dvc_plots_diff_against_a_revision_needs_only_git(git_repo):
    """The declared plots' data is in git (cache: false), so `dvc plots diff main` renders both
    revisions on a fresh clone with an empty DVC cache, like `dvc metrics diff`."""
    dvc = [sys.executable, "-m", "dvc"]
    subprocess.run([*dvc, "init", "-q"], check=True)
    shutil.copy2(REPO / "dvc.yaml", git_repo / "dvc.yaml")
    shutil.copy2(REPO / "params.yaml", git_repo / "params.yaml")
    plots = git_repo / "reports" / "plots"
    plots.mkdir(parents=True)

    def write(scale: float) -> None:
        weeks = pd.DataFrame({"week_start": ["2024-01-01", "2024-01-08"], "actual": [10.0, 12.0]})
        for col in ("ensemble", "baseline", "naive"):
            weeks[col] = weeks["actual"] * scale
        weeks.to_csv(plots / "weekly_totals.csv", index=False)
        rows = [{"segment": "texas/large/fast", "mape": 0.3 * scale, "baseline_mape": 0.5}]
        (plots / "segment_mape.json").write_text(json.dumps(rows))

    write(1.0)
    subprocess.run(["git", "add", "-A", "-f"], check=True)
    subprocess.run(["git", "commit", "-qm", "plots v1"], check=True)
    write(1.1)
    out = subprocess.run(
        [*dvc, "plots", "diff", "HEAD", "--json"], capture_output=True, text=True, check=True
    )
    shown = json.loads(out.stdout)
    data = json.dumps(shown)
    assert "errors" not in shown or not shown["errors"], shown.get("errors")
    for rev in ("HEAD", "workspace"):
        assert f'"rev": "{rev}"' in data, rev
    assert not any((git_repo / ".dvc" / "cache").rglob("*"))  # nothing came from a cache
