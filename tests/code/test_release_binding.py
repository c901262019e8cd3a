"""A release verdict that cannot be forged: promote and check-ref recompute the gate from what the
version's commit pins (conf/, metrics.json, dvc.lock), and in GitHub Actions require release.yml's
commit status, read with a fake ``gh`` on PATH. Real git repositories, real GTO."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from conftest import commit_files, git, pinned_metrics
from forecastops import cli
from forecastops.gitops.registry.assign import assign
from forecastops.gitops.registry.settings import load_settings

REPORT = "reports/release_validation.json"
CONTEXT = "forecastops/release-validate"
PASSING = {"passed": True, "failures": [], "env": "prod"}


@pytest.fixture
def git_repo(release_repo: Path) -> Path:
    return release_repo


def fo(*args: str) -> int:
    return cli.main(list(args))


def forge(repo: Path, files: dict[str, object]) -> str:
    """The attack of issue 7: a commit with the given files, then a commit adding a passing report
    that names it as validated. Returns the report commit (the one registered)."""
    validated = commit_files(repo, files, "release candidate")
    return commit_files(repo, {REPORT: {**PASSING, "validated_commit": validated}}, "verdict")


def hand_prod_tag(version: str) -> str:
    """A prod tag made without promote's check (pushed by hand)."""
    return assign(".", load_settings(), version, "prod", check_validation=False)


def refused(capsys, *args: str) -> str:
    capsys.readouterr()
    assert fo(*args) == 2
    return capsys.readouterr().err


def test_forged_report_with_failing_metrics_is_refused(git_repo, capsys):
    forge(git_repo, pinned_metrics({"northeast/large/fast": 0.3, "texas/small/slow": 0.9}))
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    err = refused(capsys, "registry", "promote", "v1.0.0")
    assert "refusing to assign prod to forecaster@v1.0.0" in err
    assert "says passed, but the gate recomputed from the pinned metrics fails" in err
    assert "texas/small/slow" in err
    tag = hand_prod_tag("v1.0.0")
    err = refused(capsys, "registry", "check-ref", f"refs/tags/{tag}", "--out", "d.json")
    assert f"refusing to deploy {tag}" in err and "texas/small/slow" in err
    assert not Path("d.json").exists()


def test_forged_metrics_not_pinned_by_dvc_lock_are_refused(git_repo, capsys):
    honest = pinned_metrics({"texas/small/slow": 0.9})
    edited = pinned_metrics({"texas/small/slow": 0.3})["reports/metrics.json"]
    forge(git_repo, {**honest, "reports/metrics.json": edited})  # lock pins the failing run
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    tag = hand_prod_tag("v1.0.0")
    err = refused(capsys, "registry", "check-ref", tag)
    assert "reports/metrics.json (md5 " in err and "is not what dvc.lock pins" in err
    assert "edited after the run" in err


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("no lock", "no dvc.lock at commit"),
        ("no texas model", "dvc.lock pins no models/<region> for: texas"),
        ("no models dep", "stage evaluate (reports/metrics.json) does not depend on models"),
        ("invalid lock", "'./dvc.lock' validation failed"),
    ],
)
def test_metrics_without_pinned_models_are_refused(git_repo, capsys, broken, reason):
    files = pinned_metrics({"texas/small/slow": 0.3})
    lock = yaml.safe_load(files.pop("dvc.lock"))
    if broken == "no texas model":
        del lock["stages"]["train@texas"]
    elif broken == "no models dep":
        lock["stages"]["evaluate"]["deps"] = []
    elif broken == "invalid lock":
        lock["stages"]["evaluate"]["outs"][0]["size"] = "not a number"
    if broken != "no lock":
        files["dvc.lock"] = yaml.safe_dump(lock, sort_keys=False)
    forge(git_repo, files)
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    err = refused(capsys, "registry", "promote", "v1.0.0")
    assert "refusing to assign prod" in err and reason in err


def test_regression_vs_the_prod_it_replaced_is_recomputed(git_repo, capsys):
    forge(git_repo, pinned_metrics({"texas/small/slow": 0.20}))
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    forge(git_repo, pinned_metrics({"texas/small/slow": 0.40}))  # under 0.45, but 0.20 worse
    assert fo("registry", "register", "--version", "v2.0.0") == 0
    err = refused(capsys, "registry", "promote", "v2.0.0")
    assert "regression vs prod" in err and "texas/small/slow" in err
    tag = hand_prod_tag("v2.0.0")
    assert "regression vs prod" in refused(capsys, "registry", "check-ref", tag)
    # rolling back to v1.0.0 deploys: nothing held prod before its first assignment
    assert fo("registry", "rollback", "--to", "v1.0.0") == 0
    capsys.readouterr()
    assert fo("registry", "check-ref", "forecaster#prod#3") == 0
    assert "gate recomputed from the metrics dvc.lock pins (no earlier prod version)" in (
        capsys.readouterr().err
    )


def test_gate_config_is_read_at_the_versions_commit(git_repo, capsys):
    """The thresholds are the ones committed with the version, not today's working tree."""
    config = git_repo / "conf" / "config.yaml"
    strict = config.read_text(encoding="utf-8")
    rule = "slow: {metric: mase, threshold: 1.0}"  # texas/small/slow is judged by it
    assert rule in strict
    lenient = strict.replace(rule, "slow: {metric: mase, threshold: 2.5}")
    forge(git_repo, {**pinned_metrics({"texas/small/slow": 0.9}), "conf/config.yaml": lenient})
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    commit_files(git_repo, {"conf/config.yaml": strict}, "stricter from now on")
    assert fo("registry", "promote", "v1.0.0") == 0  # judged by its own conf/
    forge(git_repo, pinned_metrics({"texas/small/slow": 0.85}))  # a better model, strict conf/
    assert fo("registry", "register", "--version", "v2.0.0") == 0
    err = refused(capsys, "registry", "promote", "v2.0.0")
    assert "gate recomputed from the pinned metrics fails" in err and "texas/small/slow" in err


# ----------------------------------------------------------------- release.yml's commit status
def statuses(*entries: tuple[str, str]) -> str:
    """The statuses API's answer, newest first: each (state, creator login)."""
    return json.dumps(
        [
            {"context": CONTEXT, "state": state, "creator": {"login": who}, "target_url": "u"}
            for state, who in entries
        ]
    )


def deployable(repo: Path) -> tuple[str, str]:
    """A version promoted the honest way; (its prod tag, the commit its report validated)."""
    report_commit = forge(repo, pinned_metrics({"texas/small/slow": 0.3}))
    assert fo("registry", "register", "--version", "v1.0.0") == 0
    assert fo("registry", "promote", "v1.0.0") == 0
    return "forecaster#prod#1", git(repo, "rev-parse", f"{report_commit}~1")


def test_in_actions_check_ref_requires_release_status(git_repo, capsys, monkeypatch, fake_gh):
    tag, validated = deployable(git_repo)
    endpoint = f"repos/{{owner}}/{{repo}}/commits/{validated}/statuses?per_page=100"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    for reply, reason in [
        (statuses(), f"no commit status '{CONTEXT}': release.yml never validated this commit"),
        (statuses(("success", "mallory")), "was set only by mallory, not by github-actions[bot]"),
        (
            statuses(("failure", "github-actions[bot]"), ("success", "github-actions[bot]")),
            "is failure",
        ),
    ]:
        fake_gh.reply(endpoint, reply)
        err = refused(capsys, "registry", "check-ref", tag)
        assert f"refusing to deploy {tag}" in err and reason in err
    # the newest trusted status counts; a newer one from anyone else is ignored
    fake_gh.reply(endpoint, statuses(("failure", "mallory"), ("success", "github-actions[bot]")))
    assert fo("registry", "check-ref", tag, "--out", "d.json") == 0
    assert f"GitHub status '{CONTEXT}' on {validated[:10]}: success" in capsys.readouterr().err
    assert fake_gh.calls()[-1] == (["api", endpoint], None)
    # gh failing (no token, no network) refuses with gh's message
    monkeypatch.setenv("FAKE_GH_EXIT", "1")
    assert f"gh api {endpoint} failed (exit 1)" in refused(capsys, "registry", "check-ref", tag)


def test_outside_actions_the_status_check_is_skipped_or_required_by_config(
    git_repo, capsys, monkeypatch, tmp_path
):
    tag, _ = deployable(git_repo)
    capsys.readouterr()
    assert fo("registry", "check-ref", tag) == 0
    assert "not in GitHub Actions and registry.release_status.outside_actions is skip" in (
        capsys.readouterr().err
    )
    params = git_repo / "params.yaml"
    params.write_text(
        params.read_text().replace("outside_actions: skip", "outside_actions: require")
    )
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(git_path())
    monkeypatch.setenv("PATH", str(only_git))
    assert "gh (GitHub CLI) not found on PATH" in refused(capsys, "registry", "check-ref", tag)


def git_path() -> str:
    found = [Path(d) / "git" for d in os.environ["PATH"].split(os.pathsep)]
    return str(next(p for p in found if p.is_file()))


def test_release_status_posts_the_verdict_about_head(git_repo, capsys, monkeypatch, fake_gh):
    head = git(git_repo, "rev-parse", "HEAD")
    for key, value in {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "42"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/forecastops")
    (git_repo / "reports").mkdir()
    report = git_repo / REPORT
    report.write_text(json.dumps({**PASSING, "validated_commit": head}))
    assert fo("release", "status") == 0
    post = ["api", "--method", "POST", f"repos/{{owner}}/{{repo}}/statuses/{head}"]
    assert fake_gh.calls()[-1] == (
        [
            *post,
            *("-f", "state=success", "-f", f"context={CONTEXT}"),
            *("-f", "description=release gate passed (prod env)"),
            *("-f", "target_url=https://github.com/acme/forecastops/actions/runs/42"),
        ],
        None,
    )
    report.write_text(
        json.dumps({"passed": False, "failures": ["x" * 200], "validated_commit": head})
    )
    assert fo("release", "status") == 0
    args = fake_gh.calls()[-1][0]
    posted = dict(a.split("=", 1) for a in args[len(post) + 1 :: 2])
    assert posted["state"] == "failure" and len(posted["description"]) == 140
    report.unlink()  # the validate job died before writing it
    assert fo("release", "status") == 0
    assert "state=error" in fake_gh.calls()[-1][0]
    report.write_text(json.dumps({**PASSING, "validated_commit": "0" * 40}))
    n = len(fake_gh.calls())
    assert "not setting a status about another commit" in refused(capsys, "release", "status")
    assert len(fake_gh.calls()) == n
