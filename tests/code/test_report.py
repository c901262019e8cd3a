"""Metric-diff markdown (pure builders) and the `forecastops report` CLI on a real git repo."""

from __future__ import annotations

import copy
import json

from conftest import MASE_PER_MAPE, commit_files, metrics
from forecastops import cli
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.gitops.report.diff import diff_metrics
from forecastops.gitops.report.metrics_md import build_diff_markdown
from forecastops.gitops.report.plots import find_plots
from forecastops.gitops.report.pr_comment import build_pr_markdown
from forecastops.gitops.report.validation_md import build_validation_markdown

PARAMS_YAML = """evaluate:
  gate:
    rules:
      fast: {metric: mape, threshold: 0.45}
      slow: {metric: mase, threshold: 1.0}
    beat_baseline: true
    baseline: baseline
  bias_tolerance: 0.1
  plots_dir: reports/plots
"""
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
    assert "0.4700 (+0.0700 🔴)" in texas_row
    assert "❌ fail (was ✅ pass)" in texas_row
    ne_row = next(ln for ln in lines if ln.startswith("| `northeast/small/slow`"))
    assert "(-0.0600 🟢)" in ne_row and "✅ pass (was ❌ fail)" in ne_row
    assert "🆕 new" in md and "🗑️ removed" in md
    # higher MAPE reduction is better: sign of the colour flips
    assert md.count("🟢") >= 1


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
    assert "2.0001 (+0.0001 🔴)" in row
    # the noisy columns of the changed row carry no delta at all
    assert row.count("🔴") + row.count("🟢") == 1
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


def test_pr_markdown_sections(tmp_path):
    base, head = _pair()
    plots = tmp_path / "plots"
    (plots / "texas").mkdir(parents=True)
    (plots / "texas" / "small_slow.png").write_bytes(b"png")
    (plots / "northeast_small_slow.png").write_bytes(b"png")
    (plots / "northeast_large_fast.png").write_bytes(b"png")
    found = find_plots(plots, diff_metrics(base, head, _gate()).changed_segments)
    assert set(found) == {"texas/small/slow", "northeast/small/slow"}
    md = build_pr_markdown(
        base,
        head,
        evaluate=_gate(),
        validation=_validation(passed=True),
        plots={k: [f"plots/{p.name}" for p in v] for k, v in found.items()},
    )
    assert md.startswith("<!-- forecastops-report: pr -->\n## ")
    assert "### Smoke metrics" in md and "### Data validation: ✅ passed" in md
    assert "![texas/small/slow](plots/small_slow.png)" in md
    assert "northeast_large_fast" not in md


def test_cli_diff_git_rev_vs_workspace(git_repo, capsys):
    base, head = _pair()
    commit_files(git_repo, {"reports/metrics.json": base}, "metrics v1")
    (git_repo / "reports" / "metrics.json").write_text(json.dumps(head))
    (git_repo / "params.yaml").write_text(PARAMS_YAML)
    rc = cli.main(["report", "diff", "--base", "HEAD", "--out", "reports/diff.md"])
    assert rc == 0
    md = (git_repo / "reports" / "diff.md").read_text()
    assert md.splitlines()[0].startswith("<!-- forecastops-report:")
    assert "`HEAD" in md and "`workspace`" in md
    assert "❌ fail (was ✅ pass)" in md


def test_cli_pr_comment(git_repo):
    base, head = _pair()
    commit_files(git_repo, {"reports/smoke/metrics.json": base}, "smoke baseline")
    smoke = git_repo / "reports" / "smoke"
    (smoke / "plots").mkdir(parents=True)
    (smoke / "metrics.json").write_text(json.dumps(head))
    (smoke / "data_validation.json").write_text(json.dumps(_validation(passed=False)))
    (smoke / "plots" / "texas_small_slow.png").write_bytes(b"png")
    (git_repo / "params.yaml").write_text(PARAMS_YAML)
    rc = cli.main(["report", "pr", "--base", "HEAD", "--out", "reports/pr_comment.md"])
    assert rc == 0
    md = (git_repo / "reports" / "pr_comment.md").read_text()
    assert "### Data validation: ❌ failed" in md
    assert "| ❌ `duplicates` | error | fail | 2 |" in md
    # image links are relative to the comment file (CML uploads local images)
    assert "![texas/small/slow](smoke/plots/texas_small_slow.png)" in md


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
