"""No silent data loss (issue 7): cut-off files, rows lost against the last validated report and
store-weeks without observed weather are findings, through the real condition + validate CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from forecastops import cli
from forecastops.config.compose import compose
from forecastops.config.sections.validation import ValidationConfig

REPO = Path(__file__).resolve().parents[2]
PREVIOUS = b"previous validated table"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def _stages(params: Path, root: Path, work: Path, capsys, *extra: str) -> tuple[int, str, str]:
    """condition, then validate into ``work`` (artifacts/, reports/); (exit, stdout, stderr)."""
    table, out = (
        work / "artifacts" / "conditioned.parquet",
        work / "artifacts" / "validated.parquet",
    )
    condition = ["condition", "--data", str(root), "--out", str(table)]
    validate = ["validate", "--in", str(table), "--out", str(out)]
    validate += ["--report", str(work / "reports" / "data_validation.json"), *extra]
    for command in (condition, validate):
        out.parent.mkdir(parents=True, exist_ok=True)
        if command is validate:
            out.write_bytes(PREVIOUS)
        rc = cli.main([command[0], "--params", str(params), *command[1:]])
        if rc:
            break
    seen = capsys.readouterr()
    return rc, seen.out, seen.err


def _report(work: Path) -> dict:
    return json.loads((work / "reports" / "data_validation.json").read_text())


def _cut(path: Path, tail: int) -> None:
    """Drop the last ``tail`` bytes: the file then ends mid-line."""
    data = path.read_bytes()
    path.write_bytes(data[:-tail])


def test_a_csv_cut_mid_line_fails_naming_file_and_line(make_params, raw_default, tmp_path, capsys):
    observed = raw_default / "weather" / "observed.csv"
    lines = observed.read_text().splitlines()
    _cut(observed, 5)  # '...,41,41,0.2\n' -> '...,41,4': still parses (tmax, tmin nullable)
    rc, out, err = _stages(make_params(), raw_default, tmp_path, capsys)
    assert rc == 2 and "validation rule 'truncated_file' failed (error)" in err, err
    assert f"weather/observed.csv row {len(lines) - 1}" in err and f"line={len(lines)}" in err
    assert "weather/observed.csv ends mid-line" in out  # condition says so at once
    assert (tmp_path / "artifacts" / "validated.parquet").read_bytes() == PREVIOUS
    report = _report(tmp_path)
    assert report["summary"]["failed_rules"] == ["truncated_file"]
    # the cut-off line was never loaded: one record less than lines of data
    assert report["sources"]["weather_observed"]["rows"] == len(lines) - 2


def test_report_action_keeps_only_whole_lines(make_params, raw_default, tmp_path, capsys):
    shipments = raw_default / "shipments" / "shipments_2024.csv"
    last = shipments.read_text().splitlines()[-1]  # '1002,SKU-1,03/03/2024,3'
    _cut(shipments, 1)  # only the newline is gone: whole or cut ('3' of '35')? nobody can tell
    params = make_params(**{"validation.truncated_file.action": "report"})
    rc, _, err = _stages(params, raw_default, tmp_path, capsys)
    assert rc == 0, err
    entry = _report(tmp_path)["truncated_file"]
    assert entry["violations"] == 1 and entry["examples"][0]["text"] == repr(last)
    table = pd.read_parquet(tmp_path / "artifacts" / "conditioned.parquet")
    cut_row = (table.store_id == "1002") & (table.week_start == "2024-02-26") & ~table._filled
    assert not cut_row.any()  # the partial record is not in the table


def test_jsonl_cut_mid_record_is_truncation_a_whole_last_record_is_not(
    make_params, raw_default, tmp_path, capsys
):
    returns = raw_default / "returns.jsonl"
    intact = returns.read_bytes()
    returns.write_bytes(intact[:-1])  # the last record is whole, only its newline is missing
    rc, _, err = _stages(make_params(), raw_default, tmp_path / "whole", capsys)
    assert rc == 0, err
    report = _report(tmp_path / "whole")
    assert report["truncated_file"]["violations"] == 0 and report["sources"]["returns"]["rows"] == 3
    returns.write_bytes(intact[:-10])  # '..."reason": "x"}\n' cut inside the record
    rc, _, err = _stages(make_params(), raw_default, tmp_path / "cut", capsys)
    assert rc == 2 and "returns.jsonl row 3: source=returns, line=3" in err, err


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git repository the reports are written into (the last validated one is committed)."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    return root


def _commit_report(repo: Path, message: str) -> None:
    _git(repo, "add", "reports/data_validation.json")
    _git(repo, "commit", "-q", "-m", message)


def test_rows_lost_against_the_committed_report_are_reported(
    make_params, raw_default, repo, capsys
):
    rc, out, err = _stages(make_params(), raw_default, repo, capsys)
    assert rc == 0 and "not in a git repository" not in out, err
    assert "no committed version" in _report(repo)["lost_rows"]["description"]
    _commit_report(repo, "validated")
    # a later failed run's report, committed by mistake, is no baseline
    failing = make_params(**{"validation.too_few_rows.min_rows": 10**6})
    assert _stages(failing, raw_default, repo, capsys)[0] == 2
    _commit_report(repo, "failed run")
    returns = raw_default / "returns.jsonl"
    returns.write_text("".join(returns.read_text().splitlines(keepends=True)[1:]))
    rc, out, err = _stages(make_params(), raw_default, repo, capsys)
    assert rc == 0, err
    entry = _report(repo)["lost_rows"]
    assert (entry["violations"], entry["severity"], entry["action"]) == (1, "warning", "report")
    (example,) = entry["examples"]
    assert example["_source_file"] == "returns.jsonl"
    assert (example["source"], example["rows"], example["baseline_rows"]) == ("returns", 2, 3)
    assert "as committed in" in out


def test_lost_rows_share_and_fail_action_come_from_conf(make_params, raw_default, repo, capsys):
    assert _stages(make_params(), raw_default, repo, capsys)[0] == 0
    _commit_report(repo, "validated")
    shipments = raw_default / "shipments" / "shipments_2024.csv"
    lines = shipments.read_text().splitlines(keepends=True)
    shipments.write_text("".join(lines[:-4]))  # 4 of 38 shipment rows (10.5%)
    lenient = make_params(**{"validation.lost_rows.max_lost_share": 0.2})
    assert _stages(lenient, raw_default, repo, capsys)[0] == 0
    assert _report(repo)["lost_rows"]["violations"] == 0
    strict = make_params(**{"validation.lost_rows.action": "fail"})
    rc, _, err = _stages(strict, raw_default, repo, capsys)
    assert rc == 2 and "validation rule 'lost_rows' failed" in err
    assert "source file(s): shipments/shipments_2024.csv" in err, err


def test_an_explicit_baseline_must_exist(make_params, raw_default, tmp_path, capsys):
    missing = str(tmp_path / "nowhere.json")
    rc, _, err = _stages(make_params(), raw_default, tmp_path, capsys, "--baseline", missing)
    assert rc == 2 and "nowhere.json: baseline report not found" in err


def test_store_weeks_without_observed_weather_fail(make_params, raw_default, tmp_path, capsys):
    observed = raw_default / "weather" / "observed.csv"
    kept = [ln for ln in observed.read_text().splitlines() if not ln.startswith("75001,")]
    observed.write_text("\n".join(kept) + "\n")  # store 2001's zip: no observed weather left
    rc, _, err = _stages(make_params(), raw_default, tmp_path / "strict", capsys)
    assert rc == 2 and "validation rule 'observed_weather' failed (error)" in err, err
    assert "6 of 26 history store-weeks" in err and "store_id=2001" in err
    assert "source file(s): weather/observed.csv" in err
    lenient = make_params(**{"validation.observed_weather.max_share": 0.5})
    rc, _, err = _stages(lenient, raw_default, tmp_path / "lenient", capsys)
    assert rc == 0, err
    assert _report(tmp_path / "lenient")["observed_weather"]["violations"] == 0


@pytest.mark.parametrize(
    ("rule", "setting"),
    [
        ("lost_rows", {"max_lost_share": 1.5}),
        ("lost_rows", {"max_lost_shar": 0.1}),
        ("observed_weather", {"max_share": -0.1}),
        ("truncated_file", {"action": "drop"}),
    ],
)
def test_source_rule_settings_are_validated(rule, setting):
    params = compose([], REPO / "conf")["validation"]
    params[rule] = {**params[rule], **setting}
    with pytest.raises(ValidationError, match=rule):
        ValidationConfig.model_validate(params)
