"""Resources recorded by the stages themselves: one JSON line per run (issue 9)."""

from __future__ import annotations

import argparse
import time

import pytest

from forecastops.errors import ForecastopsError
from forecastops.monitoring import resources


def test_a_decorated_run_appends_wall_cpu_peak_and_batches(tmp_path, monkeypatch):
    log = tmp_path / "r.jsonl"
    monkeypatch.setenv(resources.ENV, str(log))

    @resources.recorded("train", key="region")
    def run(args: argparse.Namespace) -> int:
        for rows in (10, 20):
            with resources.batch(rows):
                sum(i * i for i in range(200_000))  # CPU work
        time.sleep(0.05)
        return 0

    assert run(argparse.Namespace(region="texas")) == 0
    record = resources.latest()["train@texas"]
    assert record["ok"] is True and record["wall_s"] >= 0.05
    assert 0 < record["cpu_s"] <= record["wall_s"] + 0.05
    assert record["peak_rss_mb"] > 10
    assert [b["rows"] for b in record["batches"]] == [10, 20]
    assert all(b["seconds"] > 0 for b in record["batches"])


def test_a_failed_run_is_recorded_and_still_raises(tmp_path, monkeypatch):
    monkeypatch.setenv(resources.ENV, str(tmp_path / "r.jsonl"))

    @resources.recorded("score")
    def run(args: argparse.Namespace) -> int:
        raise ForecastopsError("boom")

    with pytest.raises(ForecastopsError, match="boom"):
        run(argparse.Namespace())
    assert resources.latest()["score"]["ok"] is False


def test_latest_keeps_each_stage_last_run_and_names_a_bad_line(tmp_path):
    log = tmp_path / "r.jsonl"
    for wall in (1.0, 2.0):
        resources.append({"stage": "evaluate", "wall_s": wall}, log)
    assert resources.latest(log)["evaluate"]["wall_s"] == 2.0
    assert resources.latest(tmp_path / "none.jsonl") == {}
    log.write_text(log.read_text() + "not json\n")
    with pytest.raises(ForecastopsError, match=r"r\.jsonl: line 3: not a stage record"):
        resources.latest(log)


def test_default_log_is_at_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.delenv(resources.ENV, raising=False)
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert resources.log_path() == tmp_path / ".forecastops" / "resources.jsonl"
