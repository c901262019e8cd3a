"""Registry over real git + real GTO, with a local bare origin; release gate on metrics dicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import commit_files, git, metrics
from forecastops import cli, registry, release

PASSING = {"passed": True, "failures": [], "env": "prod"}
FAILING = {
    "passed": False,
    "env": "prod",
    "failures": ["1/2 segments pass mape ≤ 0.45 (need 100%); failing: texas/small/slow (mape=0.9)"],
    "failing_segments": ["texas/small/slow"],
}
REPORT = "reports/release_validation.json"


def tags(repo: Path, remote: bool = False) -> set[str]:
    if remote:
        out = git(repo, "ls-remote", "--tags", "origin")
        return {ln.split("refs/tags/")[1] for ln in out.splitlines() if "^{}" not in ln}
    return set(git(repo, "tag", "--list").split())


def release_commit(repo: Path, name: str, verdict: dict | None, mape: float = 0.3) -> str:
    files: dict[str, object] = {
        "reports/metrics.json": metrics({"texas/small/slow": mape}),
        "model.txt": name,
    }
    if verdict is not None:
        files[REPORT] = verdict
    elif (repo / REPORT).exists():
        git(repo, "rm", "-q", REPORT)
    return commit_files(repo, files, f"release {name}")


def fo(*args: str) -> int:
    return cli.main(list(args))


def test_register_promote_refuse_rollback_which(git_repo, capsys):
    c1 = release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--release-branch", "release/1.0", "--push") == 0
    assert "forecaster@v1.0.0" in tags(git_repo, remote=True)
    assert fo("registry", "promote", "v1.0.0", "--push") == 0
    assert "forecaster#prod#1" in tags(git_repo, remote=True)
    capsys.readouterr()
    assert fo("registry", "which", "--stage", "prod") == 0
    assert capsys.readouterr().out.strip() == f"v1.0.0 {c1}"

    # a version whose release validation failed: refused with the reason, no tag anywhere
    release_commit(git_repo, "2", FAILING, mape=0.9)
    assert fo("registry", "register", "--version", "v1.1.0", "--push") == 0
    before_local, before_remote = tags(git_repo), tags(git_repo, remote=True)
    assert fo("registry", "promote", "v1.1.0", "--push") == 2
    err = capsys.readouterr().err
    assert "refusing to assign prod to forecaster@v1.1.0" in err
    assert "release validation failed" in err and "texas/small/slow" in err
    assert tags(git_repo) == before_local and tags(git_repo, remote=True) == before_remote

    # a version without any validation report is refused too
    release_commit(git_repo, "3", None)
    assert fo("registry", "register", "--version", "v1.2.0") == 0
    assert fo("registry", "promote", "v1.2.0") == 2
    assert "no reports/release_validation.json" in capsys.readouterr().err

    c4 = release_commit(git_repo, "4", PASSING)
    assert fo("registry", "register", "--release-branch", "release/1.3", "--push") == 0
    assert fo("registry", "promote", "--push") == 0  # HEAD's version
    assert registry.which(".", "forecaster", "prod")["version"] == "v1.3.0"

    # rollback: back to the version that held prod before (v1.0.0, not the refused v1.1.0)
    assert fo("registry", "rollback", "--push") == 0
    held = registry.which(".", "forecaster", "prod")
    assert (held["version"], held["commit"]) == ("v1.0.0", c1)
    assert held["tag"] in tags(git_repo, remote=True)
    # and forward again: the previous holder is now v1.3.0
    assert fo("registry", "rollback") == 0
    assert registry.which(".", "forecaster", "prod")["commit"] == c4
    # rollback to an explicit version that never passed validation is refused
    assert fo("registry", "rollback", "--to", "v1.1.0") == 2

    capsys.readouterr()
    assert fo("registry", "list", "--json") == 0
    listed = {v["version"]: v for v in json.loads(capsys.readouterr().out)}
    assert listed["v1.3.0"]["stages"] == ["prod"] and listed["v1.3.0"]["validated"]
    assert listed["v1.1.0"]["validated"] is False and listed["v1.1.0"]["stages"] == []


def test_check_ref_accepts_only_active_prod_assignment(git_repo, capsys):
    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--version", "1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    commit2 = release_commit(git_repo, "2", PASSING)
    assert fo("registry", "register") == 0  # GTO bumps the patch: v1.0.1
    assert fo("registry", "promote", "v1.0.1") == 0
    capsys.readouterr()
    assert fo("registry", "check-ref", "refs/tags/forecaster#prod#2", "--out", "d.json") == 0
    info = json.loads(Path("d.json").read_text())
    assert info["version"] == "v1.0.1" and info["commit"] == commit2
    assert fo("registry", "check-ref", "forecaster#prod#1") == 2
    assert "superseded" in capsys.readouterr().err
    assert fo("registry", "check-ref", "refs/tags/forecaster@v1.0.1") == 2
    assert fo("registry", "check-ref", "refs/heads/main") == 2


def test_check_ref_refuses_a_prod_tag_without_passing_validation(git_repo, capsys):
    """A prod tag made outside `promote` (e.g. pushed by hand) must not deploy an unvalidated or
    failed version."""
    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--version", "1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    settings = registry.load_settings()
    for name, verdict, version, reason in [
        ("2", None, "v1.1.0", "no reports/release_validation.json"),
        ("3", FAILING, "v1.2.0", "release validation failed"),
    ]:
        release_commit(git_repo, name, verdict, mape=0.9)
        assert fo("registry", "register", "--version", version) == 0
        tag = registry.assign(".", settings, version, "prod", check_validation=False)
        capsys.readouterr()
        assert fo("registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json") == 2
        err = capsys.readouterr().err
        assert f"refusing to deploy {tag}" in err and reason in err
    assert not Path("d.json").exists()
    # rolling back to the validated version makes a deployable tag again
    assert fo("registry", "rollback", "--to", "v1.0.0") == 0
    held = registry.which(".", "forecaster", "prod")
    assert fo("registry", "check-ref", held["tag"], "--out", "d.json") == 0
    assert json.loads(Path("d.json").read_text())["version"] == "v1.0.0"


def test_promote_twice_is_a_noop(git_repo, capsys):
    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register") == 0
    assert registry.versions(".", "forecaster")[0]["version"] == "v0.1.0"
    assert fo("registry", "promote") == 0
    n = len(tags(git_repo))
    assert fo("registry", "promote") == 0
    assert "already in prod" in capsys.readouterr().out
    assert len(tags(git_repo)) == n


def test_next_version_from_release_branch(git_repo):
    assert registry.next_version(".", "forecaster", "release/2.4") == "v2.4.0"
    release_commit(git_repo, "1", PASSING)
    registry.register(".", registry.load_settings(), version="v2.4.0")
    assert registry.next_version(".", "forecaster", "refs/heads/release/2.4") == "v2.4.1"
    assert registry.next_version(".", "forecaster", "release/2.5") == "v2.5.0"
    with pytest.raises(Exception, match=r"release/X\.Y"):
        registry.next_version(".", "forecaster", "feature/x")


def test_settings_from_params(tmp_path):
    p = tmp_path / "params.yaml"
    assert registry.load_settings(p).artifact == "forecaster"  # no file: defaults
    p.write_text("registry:\n  artifact: demand\n  prod_stage: live\n")
    s = registry.load_settings(p)
    assert (s.artifact, s.prod_stage, s.remote) == ("demand", "live", "origin")
    p.write_text("registry:\n  artefact: typo\n")
    with pytest.raises(Exception, match="unknown keys"):
        registry.load_settings(p)


def test_settings_file_matches_defaults():
    import yaml

    conf = Path(__file__).resolve().parents[2] / "conf" / "registry" / "default.yaml"
    assert yaml.safe_load(conf.read_text()) == registry.DEFAULTS


# ----------------------------------------------------------------------------- release validate
PARAMS = """\
segments:
  regions: {northeast: {}, texas: {}}
env:
  name: prod
  gate: {metric: mape, threshold: 0.45, max_regression: 0.02, min_pass_fraction: 1.0}
"""


def _workspace(root: Path, seg_mapes: dict[str, float], dv_passed: bool = True) -> None:
    (root / "params.yaml").write_text(PARAMS)
    (root / "reports").mkdir(exist_ok=True)
    (root / "reports" / "metrics.json").write_text(json.dumps(metrics(seg_mapes)))
    (root / "reports" / "data_validation.json").write_text(
        json.dumps(
            {"summary": {"passed": dv_passed, "failed_rules": [] if dv_passed else ["duplicates"]}}
        )
    )
    for region in ("northeast", "texas"):
        (root / "models" / region).mkdir(parents=True, exist_ok=True)
        (root / "models" / region / "segments.json").write_text("{}")


def test_check_gate_thresholds_and_regression():
    gate = {"metric": "mape", "threshold": 0.45, "max_regression": 0.02, "min_pass_fraction": 0.5}
    cand = metrics({"a/large/fast": 0.30, "b/large/fast": 0.50})
    res = release.check_gate(cand, gate)
    assert res["passed"] and res["failing_segments"] == ["b/large/fast"]
    res = release.check_gate(cand, {**gate, "min_pass_fraction": 1.0})
    assert not res["passed"] and "b/large/fast (mape=0.5000)" in res["failures"][0]
    prod = metrics({"a/large/fast": 0.25, "b/large/fast": 0.49})
    res = release.check_gate(cand, gate, prod)
    assert [r["segment"] for r in res["regressions"]] == ["a/large/fast", "overall"]
    assert not res["passed"] and "regression vs prod" in res["failures"][-1]


def test_release_validate_cli(git_repo, capsys):
    _workspace(git_repo, {"northeast/large/fast": 0.30, "texas/small/slow": 0.40})
    assert fo("release", "validate", "--out", REPORT) == 0
    report = json.loads((git_repo / REPORT).read_text())
    assert report["passed"] and report["prod"] is None and report["env"] == "prod"

    _workspace(git_repo, {"northeast/large/fast": 0.30, "texas/small/slow": 0.60}, dv_passed=False)
    (git_repo / "models" / "texas" / "segments.json").unlink()
    capsys.readouterr()
    assert fo("release", "validate", "--out", REPORT) == 2
    err = capsys.readouterr().err
    assert "texas/small/slow" in err and "data validation failed" in err
    assert "models/<region>/ for: texas" in err
    report = json.loads((git_repo / REPORT).read_text())
    assert not report["passed"] and report["failing_segments"] == ["texas/small/slow"]


def test_release_validate_regression_vs_gto_prod(git_repo, capsys):
    # prod = a registered version whose committed metrics are better than the candidate's
    commit_files(
        git_repo,
        {
            "reports/metrics.json": metrics(
                {"northeast/large/fast": 0.20, "texas/small/slow": 0.30}
            ),
            REPORT: PASSING,
        },
        "prod model",
    )
    fo("registry", "register", "--version", "v1.0.0")
    fo("registry", "promote", "v1.0.0")
    _workspace(git_repo, {"northeast/large/fast": 0.21, "texas/small/slow": 0.40})
    capsys.readouterr()
    assert fo("release", "validate", "--out", REPORT) == 2
    err = capsys.readouterr().err
    assert "regression vs prod" in err and "texas/small/slow (0.3000 → 0.4000)" in err
    assert "northeast" not in err.split("regression vs prod")[1]
    report = json.loads((git_repo / REPORT).read_text())
    assert report["prod"]["version"] == "v1.0.0"
    # the same candidate against an explicit, worse prod metrics file passes
    worse = git_repo / "prod_metrics.json"
    worse.write_text(json.dumps(metrics({"northeast/large/fast": 0.4, "texas/small/slow": 0.41})))
    assert fo("release", "validate", "--prod-metrics", str(worse), "--out", REPORT) == 0


def test_release_record_then_promote(git_repo):
    _workspace(git_repo, {"northeast/large/fast": 0.30, "texas/small/slow": 0.40})
    assert fo("release", "validate", "--out", REPORT) == 0
    assert fo("release", "record", "--report", REPORT, "--push") == 0
    assert "[skip ci]" in git(git_repo, "log", "-1", "--format=%s")
    assert git(git_repo, "rev-parse", "HEAD") == git(git_repo, "rev-parse", "origin/main")
    assert fo("registry", "register", "--version", "v3.0.0") == 0
    assert fo("registry", "promote") == 0


def test_release_record_refuses_a_report_about_another_commit(git_repo, capsys):
    """release.yml validates in one job and records in the approved promote job: a report that
    validated another commit must not be committed as this commit's verdict."""
    _workspace(git_repo, {"northeast/large/fast": 0.30, "texas/small/slow": 0.40})
    assert fo("release", "validate", "--out", REPORT) == 0
    head = commit_files(git_repo, {"model.txt": "changed after validation"}, "later change")
    capsys.readouterr()
    assert fo("release", "record", "--report", REPORT) == 2
    assert "not recording a verdict about another commit" in capsys.readouterr().err
    assert git(git_repo, "rev-parse", "HEAD") == head
    assert git(git_repo, "diff", "--cached", "--name-only") == ""
