"""monitor.yml: weekly and after new data it monitors; on alerts it comments (CML), notifies the
webhook and retrains through main.yml's repository_dispatch trigger (issue 9). The generic rules
(schema, zizmor, pinned SHAs, thin steps, least privilege) are test_workflows.py's, which covers
every workflow including this one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from forecastops.config.compose import compose

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True) if True in data else data["on"]
    return data


def dry_run(target: str) -> str:
    out = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def runs(job: dict) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def test_triggers_weekly_and_after_new_data_never_from_prs():
    on = load("monitor.yml")["on"]
    assert on["schedule"][0]["cron"].split()[-1] == "1"  # weekly (Mondays)
    assert on["push"] == {"branches": ["main"], "paths": ["data.dvc"]}
    assert not {"pull_request", "pull_request_target", "workflow_run"} & set(on)


def test_monitor_job_reads_only_and_marks_alerts():
    job = load("monitor.yml")["jobs"]["monitor"]
    assert job["permissions"] == {"contents": "read"}
    assert runs(job)[-3:] == ["make monitor-run", "make alerts-summary", "make alerts-check"]
    (check,) = [s for s in job["steps"] if s.get("run") == "make alerts-check"]
    assert check["id"] == "check" and check["continue-on-error"] is True
    assert job["outputs"]["alerted"] == "${{ steps.check.outcome == 'failure' }}"
    (upload,) = [s for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["if"] == "always()" and "reports/dashboard/index.html" in upload["with"]["path"]
    assert "forecastops repro dashboard" in dry_run("monitor-run")
    assert "forecastops alerts --report reports/monitoring.json check" in dry_run("alerts-check")


def test_alerts_act_comment_notify_retrain():
    wf = load("monitor.yml")
    act = wf["jobs"]["act"]
    assert act["needs"] == "monitor" and act["if"] == "needs.monitor.outputs.alerted == 'true'"
    assert act["permissions"] == {"contents": "write"} and act["environment"] == "monitoring"
    assert runs(act)[-3:] == ["make monitor-comment", "make alerts-notify", "make retrain-dispatch"]
    (dl,) = [s for s in act["steps"] if "download-artifact" in s.get("uses", "")]
    assert dl["with"] == {"name": "monitoring", "path": "reports"}
    assert "--target=commit" in dry_run("monitor-comment")
    assert "reports/monitoring_summary.md" in dry_run("monitor-comment")
    assert "notify" in dry_run("alerts-notify") and "dispatch" in dry_run("retrain-dispatch")


def test_retrain_goes_through_mains_existing_dispatch_trigger():
    event = compose([], ROOT / "conf")["monitor"]["retrain_event"]
    assert event in load("main.yml")["on"]["repository_dispatch"]["types"]


def test_webhook_secret_only_where_it_is_used_and_only_in_an_environment():
    wf = load("monitor.yml")
    for name, job in wf["jobs"].items():
        for step in job["steps"]:
            env = step.get("env", {})
            if "FORECASTOPS_WEBHOOK_URL" in env:
                assert env["FORECASTOPS_WEBHOOK_URL"] == "${{ secrets.FORECASTOPS_WEBHOOK_URL }}"
                assert job.get("environment") == "monitoring", name
                assert step["run"] in ("make alerts-notify", "make notify-run"), name
    text = (ROOT / ".github" / "workflows" / "monitor.yml").read_text()
    assert text.count("secrets.FORECASTOPS_WEBHOOK_URL") == 2


def test_failed_runs_notify_the_same_webhook():
    job = load("monitor.yml")["jobs"]["notify-failure"]
    assert job["if"] == "failure()" and set(job["needs"]) == {"monitor", "act"}
    assert runs(job)[-1] == "make notify-run"
    assert "forecastops alerts notify --event run-failure" in dry_run("notify-run")


def test_failed_training_runs_notify_without_waiting_for_a_reviewer():
    wf = load("main.yml")
    job = wf["jobs"]["notify-failure"]
    assert job["if"] == "failure()" and set(job["needs"]) == set(wf["jobs"]) - {"notify-failure"}
    assert runs(job)[-1] == "make notify-run"
    env = job["environment"]
    settings = yaml.safe_load((ROOT / ".github" / "repo-settings.yaml").read_text())
    assert settings["environments"][env]["reviewers"] == []
    assert "FORECASTOPS_WEBHOOK_URL" in settings["environments"][env]["secrets"]
    text = (ROOT / ".github" / "workflows" / "main.yml").read_text()
    assert text.count("secrets.FORECASTOPS_WEBHOOK_URL") == 1


def test_the_pipeline_stage_never_fails_on_alerts_but_make_monitor_does():
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    assert "--fail-on never" in stages["monitor"]["cmd"]
    assert stages["monitor"]["outs"] == [
        {"monitoring/forecast_log.parquet": {"persist": True}},
        {"reports/monitoring.json": {"cache": False}},
    ]
    assert stages["monitor"]["metrics"] == [{"reports/live/monitor/metrics.json": {"cache": False}}]
    recipe = dry_run("monitor")
    assert recipe.index("forecastops repro dashboard") < recipe.index("monitoring.json check")
