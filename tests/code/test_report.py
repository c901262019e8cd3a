"""Metric-diff markdown (pure builders) and the `forecastops report` CLI on a real git repo."""

from __future__ import annotations

import json

from conftest import commit_files, metrics
from forecastops import cli
from forecastops.report import (
    Gate,
    build_diff_markdown,
    build_pr_markdown,
    diff_metrics,
    find_plots,
)

SEGS = {
    "northeast/large/fast": 0.30,
    "northeast/small/slow": 0.50,
    "texas/large/fast": 0.20,
    "texas/small/slow": 0.40,
}


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
    diff = diff_metrics(base, head, Gate("mape", 0.45))
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
    md = build_diff_markdown(base, head, gate=Gate("mape", 0.45), base_label="main")
    lines = md.splitlines()
    assert lines[0] == "<!-- forecastops-report: metrics-diff -->"
    assert "`main` → `head`" in lines[1]
    assert "gate: `mape` ≤ 0.45" in md
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


def test_threshold_overrides_passed_flag():
    base = metrics({"a/large/fast": 0.30})
    head = metrics({"a/large/fast": 0.30})
    strict = Gate("mape", 0.25)
    diff = diff_metrics(base, head, strict)
    assert diff.segments[0].status == "unchanged"
    assert diff.segments[0].head_passed is False
    md = build_diff_markdown(base, head, gate=strict)
    assert "segments passing: **0/1**" in md
    # without a threshold, metrics.json's own flag is used
    assert diff_metrics(base, head, Gate()).segments[0].head_passed is True


def test_no_base_metrics_all_new():
    head = metrics(SEGS)
    md = build_diff_markdown(None, head, gate=Gate("mape", 0.45))
    assert "no metrics at `base`" in md
    assert md.count("🆕 new") == len(SEGS) + 1  # + overall
    assert "<details>" not in md


def test_pr_markdown_sections(tmp_path):
    base, head = _pair()
    plots = tmp_path / "plots"
    (plots / "texas").mkdir(parents=True)
    (plots / "texas" / "small_slow.png").write_bytes(b"png")
    (plots / "northeast_small_slow.png").write_bytes(b"png")
    (plots / "northeast_large_fast.png").write_bytes(b"png")
    found = find_plots(plots, diff_metrics(base, head, Gate("mape", 0.45)).changed_segments)
    assert set(found) == {"texas/small/slow", "northeast/small/slow"}
    md = build_pr_markdown(
        base,
        head,
        gate=Gate("mape", 0.45),
        validation={"passed": True, "summary": {"rows": 10, "errors": 0}},
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
    (git_repo / "params.yaml").write_text(
        "evaluate:\n  pass_metric: mape\n  pass_threshold: 0.45\n"
    )
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
    (smoke / "data_validation.json").write_text(
        json.dumps(
            {
                "passed": False,
                "checks": [
                    {
                        "name": "negative_qty",
                        "passed": False,
                        "severity": "warn",
                        "n_rows": 4,
                        "message": "negative quantities",
                    }
                ],
            }
        )
    )
    (smoke / "plots" / "texas_small_slow.png").write_bytes(b"png")
    rc = cli.main(["report", "pr", "--base", "HEAD", "--out", "reports/pr_comment.md"])
    assert rc == 0
    md = (git_repo / "reports" / "pr_comment.md").read_text()
    assert "negative_qty" in md and "❌ failed" in md
    # image links are relative to the comment file (CML uploads local images)
    assert "![texas/small/slow](smoke/plots/texas_small_slow.png)" in md


def test_cli_missing_rev_is_user_error(git_repo, capsys):
    (git_repo / "reports").mkdir()
    (git_repo / "reports" / "metrics.json").write_text(json.dumps(metrics(SEGS)))
    assert cli.main(["report", "diff", "--base", "nope-branch"]) == 2
    assert "nope-branch" in capsys.readouterr().err
