"""Registry over real git + real GTO, with a local bare origin; release gate on metrics dicts."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import PROD_OVERRIDES, REPO, commit_files, git, metrics, pinned_metrics
from forecastops import cli
from forecastops.config.compose import compose, dump
from forecastops.config.load import section
from forecastops.config.sections.env import ReleaseGate
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.errors import ForecastopsError
from forecastops.gitops.registry.assign import assign, register
from forecastops.gitops.registry.holder import active_assignment, rollback_target
from forecastops.gitops.registry.settings import load_settings
from forecastops.gitops.registry.tags import registered_versions, stage_history
from forecastops.gitops.registry.verdict import validation_verdict
from forecastops.gitops.registry.versions import next_version
from forecastops.gitops.release.gate import check_gate

PASSING = {"passed": True, "failures": [], "env": "prod"}
FAILING = {
    "passed": False,
    "env": "prod",
    "failures": ["1/2 segments pass their class rule; failing: texas/small/slow (mase=2.0 ≤ 1)"],
    "failing_segments": ["texas/small/slow"],
}
REPORT = "reports/release_validation.json"


@pytest.fixture
def git_repo(release_repo: Path) -> Path:
    """Every test here runs in conftest's release repository (params.yaml, committed conf/)."""
    return release_repo


def prod_holder() -> dict | None:
    return active_assignment(".", "forecaster", "prod")


def tags(repo: Path, remote: bool = False) -> set[str]:
    if remote:
        out = git(repo, "ls-remote", "--tags", "origin")
        return {ln.split("refs/tags/")[1] for ln in out.splitlines() if "^{}" not in ln}
    return set(git(repo, "tag", "--list").split())


def record_report(repo: Path, verdict: dict, validated: str | None = None) -> str:
    """What `release record` does: commit the report about ``validated`` (default HEAD) on top."""
    validated = validated or git(repo, "rev-parse", "HEAD")
    return commit_files(repo, {REPORT: {**verdict, "validated_commit": validated}}, "record")


def release_commit(repo: Path, name: str, verdict: dict | None, mape: float = 0.3) -> str:
    """A release commit (model + metrics), then its validation report recorded in a child commit
    (like release.yml); returns the commit to register. ``verdict=None``: no report at all."""
    files: dict[str, object] = {**pinned_metrics({"texas/small/slow": mape}), "model.txt": name}
    if verdict is None and (repo / REPORT).exists():
        git(repo, "rm", "-q", REPORT)
    head = commit_files(repo, files, f"release {name}")
    return head if verdict is None else record_report(repo, verdict)


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
    assert prod_holder()["version"] == "v1.3.0"

    # rollback: back to the version that held prod before (v1.0.0, not the refused v1.1.0)
    assert fo("registry", "rollback", "--push") == 0
    held = prod_holder()
    assert (held["version"], held["commit"]) == ("v1.0.0", c1)
    assert held["tag"] in tags(git_repo, remote=True)
    assert "rollback from v1.3.0 to v1.0.0" in git(
        git_repo, "tag", "-l", "--format=%(contents:subject)", held["tag"]
    )
    # no ping-pong: nothing held prod before v1.0.0, and v1.3.0 was rolled back from
    capsys.readouterr()
    assert fo("registry", "rollback") == 2
    assert "no earlier version" in capsys.readouterr().err
    assert prod_holder()["version"] == "v1.0.0"
    # rollback to an explicit version that never passed validation is refused
    assert fo("registry", "rollback", "--to", "v1.1.0") == 2
    # an explicit --to a validated version is fine (forward again)
    assert fo("registry", "rollback", "--to", "v1.3.0") == 0
    assert prod_holder()["commit"] == c4

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
    settings = load_settings()
    for name, verdict, version, reason in [
        ("2", None, "v1.1.0", "no reports/release_validation.json"),
        ("3", FAILING, "v1.2.0", "release validation failed"),
    ]:
        release_commit(git_repo, name, verdict, mape=0.9)
        assert fo("registry", "register", "--version", version) == 0
        tag = assign(".", settings, version, "prod", check_validation=False)
        capsys.readouterr()
        assert fo("registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json") == 2
        err = capsys.readouterr().err
        assert f"refusing to deploy {tag}" in err and reason in err
    assert not Path("d.json").exists()
    # rolling back to the validated version makes a deployable tag again
    assert fo("registry", "rollback", "--to", "v1.0.0") == 0
    held = prod_holder()
    assert fo("registry", "check-ref", held["tag"], "--out", "d.json") == 0
    assert json.loads(Path("d.json").read_text())["version"] == "v1.0.0"


def test_promote_twice_is_a_noop(git_repo, capsys):
    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register") == 0
    assert registered_versions(".", "forecaster")[0]["version"] == "v0.1.0"
    assert fo("registry", "promote") == 0
    n = len(tags(git_repo))
    assert fo("registry", "promote") == 0
    assert "already in prod" in capsys.readouterr().out
    assert len(tags(git_repo)) == n


def test_next_version_from_release_branch(git_repo):
    assert next_version(".", "forecaster", "release/2.4") == "v2.4.0"
    release_commit(git_repo, "1", PASSING)
    register(".", load_settings(), version="v2.4.0")
    assert next_version(".", "forecaster", "refs/heads/release/2.4") == "v2.4.1"
    assert next_version(".", "forecaster", "release/2.5") == "v2.5.0"
    with pytest.raises(Exception, match=r"release/X\.Y"):
        next_version(".", "forecaster", "feature/x")


def test_settings_from_params_or_composed_conf(tmp_path, monkeypatch, prod_params):
    p = tmp_path / "params.yaml"
    monkeypatch.chdir(REPO)  # no params.yaml: conf/ composed, i.e. conf/registry/default.yaml
    default = yaml.safe_load((REPO / "conf" / "registry" / "default.yaml").read_text())
    assert load_settings(p).model_dump() == default
    renamed = ["registry.artifact=demand", "registry.prod_stage=live"]
    p.write_text(dump(compose([*PROD_OVERRIDES, *renamed], REPO / "conf")))
    s = load_settings(p)
    assert (s.artifact, s.prod_stage, s.remote) == ("demand", "live", "origin")
    p.write_text(dump({**prod_params, "registry": {**prod_params["registry"], "artefact": "x"}}))
    with pytest.raises(ForecastopsError, match=r"registry\.artefact"):
        load_settings(p)
    p.unlink()
    monkeypatch.chdir(tmp_path)  # neither params.yaml nor conf/: a clear error
    with pytest.raises(
        ForecastopsError, match=r"params\.yaml not found, and conf/ cannot be composed"
    ):
        load_settings(p)


def test_dvc_yaml_declares_the_registry_artifact(prod_params):
    """DVC's model registry convention: dvc.yaml's ``artifacts:`` declares the model GTO tags,
    under the name the ``registry`` section gives."""
    declared = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["artifacts"]
    model = declared[prod_params["registry"]["artifact"]]
    assert (model["type"], model["path"]) == ("model", "models") and model["desc"]


# ----------------------------------------------------------------------------- release validate
def _workspace(root: Path, seg_mapes: dict[str, float], dv_passed: bool = True) -> None:
    """The pulled pipeline outputs release validate reads (params.yaml: the fixture's, prod env)."""
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


def test_check_gate_thresholds_and_regression(prod_params):
    evaluate = section(prod_params, "evaluate", EvaluateConfig)  # fast: mape <= 0.45 passes
    assert evaluate.gate.rules["fast"].model_dump() == {"metric": "mape", "threshold": 0.45}
    gate = ReleaseGate(max_regression=0.02, min_pass_fraction=0.5, overall_metric="wape")
    cand = metrics({"a/large/fast": 0.30, "b/large/fast": 0.50})
    res = check_gate(cand, evaluate, gate)
    assert res["passed"] and res["failing_segments"] == ["b/large/fast"]
    res = check_gate(cand, evaluate, gate.model_copy(update={"min_pass_fraction": 1.0}))
    assert not res["passed"]
    assert "b/large/fast (mape=0.5000 ≤ 0.45 and < baseline 0.7500: fail)" in res["failures"][0]
    prod = metrics({"a/large/fast": 0.25, "b/large/fast": 0.49})
    res = check_gate(cand, evaluate, gate, prod)  # overall WAPE 0.185 -> 0.2: within 0.02
    assert [(r["segment"], r["metric"]) for r in res["regressions"]] == [("a/large/fast", "mape")]
    prod = metrics({"a/large/fast": 0.25, "b/large/fast": 0.45})  # overall WAPE 0.175 -> 0.2
    res = check_gate(cand, evaluate, gate, prod)
    assert [r["segment"] for r in res["regressions"]] == ["a/large/fast", "b/large/fast", "overall"]
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
        pinned_metrics({"northeast/large/fast": 0.20, "texas/small/slow": 0.30}),
        "prod model",
    )
    record_report(git_repo, PASSING)
    fo("registry", "register", "--version", "v1.0.0")
    fo("registry", "promote", "v1.0.0")
    _workspace(git_repo, {"northeast/large/fast": 0.21, "texas/small/slow": 0.40})
    capsys.readouterr()
    assert fo("release", "validate", "--out", REPORT) == 2
    err = capsys.readouterr().err
    assert "regression vs prod" in err and "texas/small/slow (0.6667 → 0.8889 mase)" in err
    assert "northeast" not in err.split("regression vs prod")[1]
    report = json.loads((git_repo / REPORT).read_text())
    assert report["prod"]["version"] == "v1.0.0"
    # the same candidate against an explicit, worse prod metrics file passes
    worse = git_repo / "prod_metrics.json"
    worse.write_text(json.dumps(metrics({"northeast/large/fast": 0.4, "texas/small/slow": 0.41})))
    assert fo("release", "validate", "--prod-metrics", str(worse), "--out", REPORT) == 0


def test_release_record_then_promote(git_repo):
    values = {"northeast/large/fast": 0.30, "texas/small/slow": 0.40}
    _workspace(git_repo, values)
    commit_files(git_repo, pinned_metrics(values), "model update")  # what main's PR merged
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


# ------------------------------------------------------------- release gate bound to the commit
def test_promote_and_check_ref_refuse_a_report_carried_past_its_commit(git_repo, capsys):
    """A commit that changes the model after validation still carries the old passing report: the
    report is about its ancestor, so promote and check-ref must refuse it."""
    files = {**pinned_metrics({"texas/small/slow": 0.3}), "model.txt": "validated model"}
    validated = commit_files(git_repo, files, "release 1")
    recorded = record_report(git_repo, PASSING)
    assert git(git_repo, "rev-parse", "HEAD~1") == validated
    # the `release record` commit (only adds the report) is accepted
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    ok, reason = validation_verdict(".", recorded, load_settings())
    assert ok and validated[:10] in reason
    stale = commit_files(git_repo, {"model.txt": "changed after validation"}, "later change")
    assert json.loads(git(git_repo, "show", f"{stale}:{REPORT}"))["passed"] is True
    assert fo("registry", "register", "--version", "v1.1.0") == 0
    capsys.readouterr()
    assert fo("registry", "promote", "v1.1.0") == 2
    err = capsys.readouterr().err
    assert "refusing to assign prod to forecaster@v1.1.0" in err
    assert f"validated commit {validated[:10]}" in err and "model.txt" in err
    assert prod_holder()["version"] == "v1.0.0"
    # a prod tag made by hand for it does not deploy either
    tag = assign(".", load_settings(), "v1.1.0", "prod", check_validation=False)
    capsys.readouterr()
    assert fo("registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json") == 2
    err = capsys.readouterr().err
    assert f"refusing to deploy {tag}" in err and "model.txt" in err
    assert not Path("d.json").exists()


def test_report_must_name_an_ancestor_as_validated_commit(git_repo, capsys):
    base = git(git_repo, "rev-parse", "HEAD")
    git(git_repo, "checkout", "-q", "-b", "other")
    elsewhere = commit_files(git_repo, {"model.txt": "other branch"}, "other")
    git(git_repo, "checkout", "-q", "main")
    commit_files(git_repo, {"model.txt": "main"}, "release")
    settings = load_settings()
    # validated on another branch: not an ancestor
    head = record_report(git_repo, PASSING, validated=elsewhere)
    ok, reason = validation_verdict(".", head, settings)
    assert not ok and "not an ancestor" in reason
    # an ancestor, but with changes since (model.txt)
    head = record_report(git_repo, PASSING, validated=base)
    ok, reason = validation_verdict(".", head, settings)
    assert not ok and "changed since: model.txt" in reason
    # no validated_commit at all (or not a commit hash)
    for bad in ({}, {"validated_commit": "HEAD"}):
        head = commit_files(git_repo, {REPORT: {**PASSING, **bad}}, "no commit named")
        ok, reason = validation_verdict(".", head, settings)
        assert not ok and "names no validated_commit" in reason
    # a hash that is not in the repository
    head = commit_files(git_repo, {REPORT: {**PASSING, "validated_commit": "0" * 40}}, "unknown")
    ok, reason = validation_verdict(".", head, settings)
    assert not ok and "not in this repository" in reason


def test_release_record_refuses_a_report_naming_no_commit(git_repo, capsys):
    (git_repo / "reports").mkdir()
    (git_repo / REPORT).write_text(json.dumps(PASSING))
    capsys.readouterr()
    assert fo("release", "record", "--report", REPORT) == 2
    assert "names no commit" in capsys.readouterr().err
    assert git(git_repo, "diff", "--cached", "--name-only") == ""


# -------------------------------------------------------------------- stage holder, tag ordering
def hand_tag(repo: Path, tag: str, commit: str, date: str, message: str = "by hand") -> None:
    """An annotated tag with a fixed tagger date (``GIT_COMMITTER_DATE``), like GTO makes."""
    subprocess.run(
        ["git", "tag", "-a", tag, commit, "-m", message],
        cwd=repo,
        check=True,
        env={**os.environ, "GIT_COMMITTER_DATE": date},
    )


def test_same_second_tags_ordered_by_counter(git_repo, capsys):
    """#9 and #10 made in the same second: #10 holds prod (GTO's own order may say #9)."""
    c1 = release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    c2 = release_commit(git_repo, "2", PASSING)
    assert fo("registry", "register", "--version", "v1.1.0") == 0
    when = "2024-05-01T12:00:00+00:00"
    hand_tag(git_repo, "forecaster#prod#9", c1, when)
    hand_tag(git_repo, "forecaster#prod#10", c2, when)
    held = prod_holder()
    assert (held["version"], held["commit"], held["tag"]) == ("v1.1.0", c2, "forecaster#prod#10")
    capsys.readouterr()
    assert fo("registry", "check-ref", "refs/tags/forecaster#prod#10", "--out", "d.json") == 0
    assert json.loads(Path("d.json").read_text())["tag"] == "forecaster#prod#10"
    assert fo("registry", "check-ref", "forecaster#prod#9") == 2
    assert "superseded" in capsys.readouterr().err
    assert fo("registry", "promote", "v1.1.0") == 0
    assert "already in prod (forecaster#prod#10)" in capsys.readouterr().out
    # release validate compares with the same holder
    info = active_assignment(".", "forecaster", "prod")
    assert info == held
    # rollback goes to v1.0.0 with the next counter, and that tag is then the active one
    assert fo("registry", "rollback") == 0
    held = prod_holder()
    assert (held["version"], held["tag"]) == ("v1.0.0", "forecaster#prod#11")


def test_unassignment_tag_withdraws_a_version(git_repo, capsys):
    from gto import api

    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    release_commit(git_repo, "2", PASSING)
    assert fo("registry", "register", "--version", "v2.0.0") == 0
    assert fo("registry", "promote", "v2.0.0") == 0
    api.unassign(".", "forecaster", version="v2.0.0", stage="prod")  # forecaster#prod!#3
    held = prod_holder()
    assert (held["version"], held["tag"]) == ("v1.0.0", "forecaster#prod#1")
    capsys.readouterr()
    assert fo("registry", "check-ref", "forecaster#prod#2") == 2
    assert "superseded" in capsys.readouterr().err
    # nothing held prod before v1.0.0; the unassigned v2.0.0 is not brought back
    assert fo("registry", "rollback") == 2
    assert "no earlier version" in capsys.readouterr().err
    assert prod_holder()["version"] == "v1.0.0"


def promote_versions(repo: Path, *versions: str) -> None:
    for i, version in enumerate(versions):
        release_commit(repo, str(i), PASSING)
        assert fo("registry", "register", "--version", version) == 0
        assert fo("registry", "promote", version) == 0


def test_successive_rollbacks_walk_back(git_repo, capsys):
    promote_versions(git_repo, "v1.0.0", "v2.0.0", "v3.0.0")
    held = lambda: prod_holder()["version"]  # noqa: E731
    assert fo("registry", "rollback") == 0 and held() == "v2.0.0"
    assert fo("registry", "rollback") == 0 and held() == "v1.0.0"  # not back to v3.0.0
    capsys.readouterr()
    assert fo("registry", "rollback") == 2 and held() == "v1.0.0"
    assert "no earlier version" in capsys.readouterr().err
    # a new release, then rollback: the holder before it (v1.0.0), then nothing further back
    release_commit(git_repo, "4", PASSING)
    assert fo("registry", "register", "--version", "v4.0.0") == 0
    assert fo("registry", "promote", "v4.0.0") == 0
    assert fo("registry", "rollback") == 0 and held() == "v1.0.0"
    assert fo("registry", "rollback") == 2 and held() == "v1.0.0"
    messages = git(git_repo, "tag", "-l", "--format=%(contents:subject)", "forecaster#prod#*")
    assert "rollback from v3.0.0 to v2.0.0" in messages
    assert "rollback from v2.0.0 to v1.0.0" in messages
    # an explicit re-promotion clears the "rolled back from" mark
    assert fo("registry", "rollback", "--to", "v3.0.0", "-m", "fixed upstream") == 0
    assert held() == "v3.0.0"
    assert "rollback from v1.0.0 to v3.0.0: fixed upstream" in git(
        git_repo, "tag", "-l", "--format=%(contents:subject)", "forecaster#prod#*"
    )


def test_rollback_skips_unassigned_versions(git_repo):
    from gto import api

    promote_versions(git_repo, "v1.0.0", "v2.0.0", "v3.0.0")
    api.unassign(".", "forecaster", version="v2.0.0", stage="prod")  # withdrawn, v3.0.0 still holds
    assert prod_holder()["version"] == "v3.0.0"
    assert fo("registry", "rollback") == 0
    assert prod_holder()["version"] == "v1.0.0"


def test_rollback_target_walks_past_rolled_back_versions(git_repo):
    promote_versions(git_repo, "v1.0.0", "v2.0.0", "v3.0.0")
    assert fo("registry", "rollback") == 0  # v3 -> v2
    release_commit(git_repo, "4", PASSING)
    assert fo("registry", "register", "--version", "v4.0.0") == 0
    assert fo("registry", "promote", "v4.0.0") == 0
    history = stage_history(".", "forecaster", "prod")
    assert rollback_target(history) == ("v4.0.0", "v2.0.0")
    assert fo("registry", "rollback") == 0  # v4 -> v2
    history = stage_history(".", "forecaster", "prod")
    assert rollback_target(history) == ("v2.0.0", "v1.0.0")


# ----------------------------------------------------------------------- tags from the remote
def test_promote_fetches_tags_made_elsewhere(git_repo, tmp_path, capsys):
    """Another clone (another release run) tagged prod and pushed: the next tag must come after
    it (counter and time), or the push would collide / the order would be wrong."""
    release_commit(git_repo, "1", PASSING)
    assert fo("registry", "register", "--version", "v1.0.0", "--push") == 0
    release_commit(git_repo, "2", PASSING)
    assert fo("registry", "register", "--version", "v1.1.0", "--push") == 0
    git(git_repo, "push", "-q", "origin", "main")
    other = tmp_path / "other"
    subprocess.run(["git", "clone", "-q", str(tmp_path / "origin.git"), str(other)], check=True)
    settings = load_settings()
    assert assign(other, settings, "v1.0.0", "prod", push=True) == "forecaster#prod#1"
    assert "forecaster#prod#1" not in tags(git_repo)
    assert fo("registry", "promote", "v1.1.0", "--push") == 0
    assert {"forecaster#prod#1", "forecaster#prod#2"} <= tags(git_repo, remote=True)
    assert prod_holder()["tag"] == "forecaster#prod#2"
    # offline: a warning, and the decision from local tags
    git(git_repo, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    capsys.readouterr()
    assert fo("registry", "rollback") == 0
    assert "could not fetch tags from origin" in capsys.readouterr().err
    assert prod_holder()["version"] == "v1.0.0"
