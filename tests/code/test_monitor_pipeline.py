"""The loop end to end on the committed sample (issue 9): the real DVC pipeline scores, 8 new weeks
arrive (`forecastops generate ... synth.extend_weeks=8`), `dvc repro` retrains, and `monitor`
matches the first run's forecasts with their actuals; every stage recorded its resources; the
dashboard is checked in headless Chromium (offline, no console errors, the figures of
metrics.json and monitoring.json, a region filter, a screenshot)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from forecastops import cli
from forecastops_synth.generate import generate, load_config

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
DVC = str(Path(sys.executable).parent / "dvc")
CHROMIUM = shutil.which("chromium")
MAX_DASHBOARD_BYTES = 5_000_000  # issue 9: dashboard <= 5 MB


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """The smoke workspace after a first run and a second one with 8 more weeks of data."""
    root = tmp_path_factory.mktemp("loop")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(REPO)
        mp.delenv("FORECASTOPS_RESOURCES", raising=False)
        assert cli.main(["smoke", "--workdir", str(root / "ws"), "--reports", str(root / "r")]) == 0
    ws = root / "ws"
    first = pd.read_csv(ws / "outputs" / "forecasts.csv")
    (ws / "first_forecasts.json").write_text(json.dumps(sorted(first["week_start"].unique())))
    generate(load_config(["synth=sample", "synth.extend_weeks=8"], REPO / "conf"), ws / "sample")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([DVC, "repro"], cwd=ws, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return ws


def _report(ws: Path) -> dict:
    return json.loads((ws / "reports" / "monitoring.json").read_text())


def test_earlier_forecasts_met_their_actuals(ws):
    report = _report(ws)
    log = pd.read_parquet(ws / "monitoring" / "forecast_log.parquet")
    assert log["model_version"].nunique() == 2  # the first run's models and the retrained ones
    first_weeks = json.loads((ws / "first_forecasts.json").read_text())
    matched = report["accuracy"]["matched_rows"]
    old = log[log["week_start"].dt.strftime("%Y-%m-%d").isin(first_weeks)]
    assert 0 < matched <= len(old)
    weeks = {w["week_start"] for w in report["accuracy"]["weekly"]}
    assert weeks == set(first_weeks)
    for block in report["accuracy"]["segments"].values():
        assert block["gate"]["metric"] in ("mape", "mase") and block["weeks"] == len(first_weeks)


def test_every_stage_recorded_its_resources(ws):
    resources = json.loads((ws / "reports" / "resources.json").read_text())
    stages = resources["stages"]
    expected = {"condition", "validate", "featurize", "train@northeast", "train@texas"}
    assert expected | {"evaluate", "score"} <= set(stages)
    for record in stages.values():
        assert record["wall_s"] > 0 and record["peak_rss_mb"] > 0 and record["ok"]
    latency = resources["score_latency"]
    assert latency["batches"] == 8 and 0 < latency["p50_s"] <= latency["p95_s"]
    lines = (ws / ".forecastops" / "resources.jsonl").read_text().splitlines()
    assert {"monitor", "dashboard"} <= {json.loads(line)["stage"] for line in lines}
    assert "resources" not in _report(ws)  # timings stay out of the DVC metric


def test_monitor_is_reproducible_and_exits_non_zero_at_the_configured_level(ws, monkeypatch):
    """The same inputs give the same report, byte for byte (it is hashed into dvc.lock)."""
    monkeypatch.chdir(ws)
    report = _report(ws)
    warned = bool(report["alerts"])
    args = ["monitor", "--out", "m.json", "--resources", "r.json"]
    assert cli.main([*args, "--fail-on", "warn"]) == (3 if warned else 0)
    assert Path("m.json").read_bytes() == (ws / "reports" / "monitoring.json").read_bytes()
    assert cli.main([*args, "--fail-on", "never"]) == 0
    lock = yaml.safe_load((ws / "dvc.lock").read_text())["stages"]
    assert "outs" not in lock["dashboard"]  # not a DVC output: dvc.lock stays reproducible


def test_bad_input_is_a_clear_error_and_writes_nothing(ws, monkeypatch, capsys):
    monkeypatch.chdir(ws)
    monkeypatch.setenv("FORECASTOPS_RESOURCES", str(ws / "scratch.jsonl"))
    before = (ws / "reports" / "monitoring.json").read_bytes()
    assert cli.main(["monitor", "--forecasts", "nowhere.csv"]) == 2
    assert "nowhere.csv: not found; run the score stage first" in capsys.readouterr().err
    broken = ws / "broken.csv"
    broken.write_text("week_start,model_version\n2026-01-05,m\n")
    assert cli.main(["monitor", "--forecasts", str(broken)]) == 2
    assert "broken.csv: no column(s) ['segment'," in capsys.readouterr().err
    rows = pd.read_csv(ws / "outputs" / "forecasts.csv", dtype={"forecast": str})
    rows.loc[3, "forecast"] = "lots"
    rows.to_csv(broken, index=False)
    assert cli.main(["monitor", "--forecasts", str(broken)]) == 2
    assert (
        "broken.csv: data row 4: column forecast: 'lots' is not a valid value"
        in capsys.readouterr().err
    )
    assert (ws / "reports" / "monitoring.json").read_bytes() == before
    # only the columns it needs are read from the features; a missing one or a bad file is named
    features = ws / "features_broken"
    shutil.copytree(ws / "artifacts" / "features", features)
    one = sorted(features.glob("*.parquet"))[0]
    pd.read_parquet(one).drop(columns="target").to_parquet(one)
    assert cli.main(["monitor", "--features", str(features)]) == 2
    assert f"{one.name}: no column(s) ['target'] (the monitor's accuracy on actuals)" in (
        capsys.readouterr().err
    )
    data_out = ["--out", str(ws / "data_report.json")]
    assert cli.main(["monitor-data", "--features", str(features), *data_out]) == 2
    assert f"{one.name}: no column(s) ['target'] (named in params.yaml monitor.drift)" in (
        capsys.readouterr().err
    )
    one.write_bytes(b"not parquet")
    assert cli.main(["monitor", "--features", str(features)]) == 2
    assert f"{one.name}: cannot read:" in capsys.readouterr().err
    assert not (ws / "data_report.json").exists()
    assert (ws / "reports" / "monitoring.json").read_bytes() == before


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "not found; run the monitor_data stage first"),
        ("[1, 2]", "not a data report: it needs the keys ['drift', 'quality', 'alerts']"),
        ('{"drift": {}, "quality": {}, "alerts": [{"level": "warn"}]}', "alert 1 is not an alert"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_data_report_of_another_shape_is_named_and_nothing_written(
    ws, monkeypatch, capsys, content, says
):
    """monitor folds in what monitor_data wrote only after checking its shape."""
    monkeypatch.chdir(ws)
    monkeypatch.setenv("FORECASTOPS_RESOURCES", str(ws / "scratch.jsonl"))
    before = (ws / "reports" / "monitoring.json").read_bytes()
    report = ws / "odd_data_report.json"
    report.unlink(missing_ok=True)
    if content is not None:
        report.write_text(content)
    assert cli.main(["monitor", "--data-report", str(report)]) == 2
    assert f"odd_data_report.json: {says}" in capsys.readouterr().err
    assert (ws / "reports" / "monitoring.json").read_bytes() == before


def _chromium(url: str, *extra: str, tmp: Path) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", f"--user-data-dir={tmp / 'profile'}",
        "--enable-logging=stderr", "--v=0", f"--log-net-log={tmp / 'net.json'}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no network
    ]  # fmt: skip
    return subprocess.run(
        [CHROMIUM, *flags, *extra, url], capture_output=True, text=True, timeout=120, check=False
    )


def _page_requests(net_log: Path) -> list[str]:
    """URLs the page requested beyond files: the browser's own requests (update checks, ...)
    carry the initiator "not an origin" and are not the page's."""
    log = json.loads(net_log.read_text())
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    starts = [
        e.get("params", {}) for e in log["events"] if types[e["type"]] == "URL_REQUEST_START_JOB"
    ]
    return [
        p["url"]
        for p in starts
        if "url" in p  # the job's begin event (its end carries no params)
        and p.get("initiator") != "not an origin"
        and not p["url"].startswith(("file:", "data:"))
    ]


def _cell(dom: str, row_attr: str, key: str) -> str:
    row = re.search(rf"<tr[^>]*{re.escape(row_attr)}[^>]*>(.*?)</tr>", dom, re.S)
    assert row, row_attr
    return re.search(rf'data-key="{key}">([^<]*)<', row.group(1)).group(1)


def _value(dom: str, key: str) -> str:
    return html.unescape(re.search(rf'data-key="{re.escape(key)}"[^>]*>([^<]*)<', dom).group(1))


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_dashboard_in_headless_chromium(ws, tmp_path):
    page = ws / "reports" / "dashboard" / "index.html"
    assert page.stat().st_size <= MAX_DASHBOARD_BYTES
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page.read_text())
    url = page.as_uri() + "#region=texas"
    out = _chromium(url, "--dump-dom", tmp=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout.split('<script id="data"')[0]  # the rendered page, not the script source
    assert 'data-ready="true"' in dom and '<pre id="errors" class="fail"></pre>' in dom
    assert "Uncaught" not in out.stderr and ":ERROR:CONSOLE" not in out.stderr
    assert not _page_requests(tmp_path / "net.json")  # no host asked for anything
    metrics, report = (
        json.loads((ws / "reports" / n).read_text()) for n in ("metrics.json", "monitoring.json")
    )
    assert _value(dom, "metrics.overall.mape") == f"{metrics['overall']['mape']:.4f}"
    assert _value(dom, "metrics.overall.segments_passed") == str(
        metrics["overall"]["segments_passed"]
    )
    for segment, block in metrics["segments"].items():
        assert _cell(dom, f'data-segment="{segment}"', "mape") == f"{block['mape']:.4f}"
    assert _value(dom, "monitoring.summary.alerts") == str(report["summary"]["alerts"])
    assert _value(dom, "monitoring.accuracy.matched_rows") == str(
        report["accuracy"]["matched_rows"]
    )
    # the filter from the URL: only texas rows and series are shown
    rows = re.findall(r'<(?:tr|div) class="(?:series )?filterable"([^>]*)>', dom)
    assert rows and {"texas"} == {
        re.search(r'data-region="(\w+)"', r).group(1) for r in rows if "hidden" not in r
    }
    assert any('data-region="northeast"' in r and "hidden" in r for r in rows)
    shown = re.search(r'<span id="shown">(\d+) of (\d+) series', dom)
    assert 0 < int(shown.group(1)) < int(shown.group(2))
    shot = tmp_path / "dashboard.png"
    out = _chromium(url, f"--screenshot={shot}", "--window-size=1400,2400", tmp=tmp_path)
    assert out.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
)
def test_the_browser_check_fails_on_an_external_request(ws, tmp_path):
    """The checks above can fail: a page asking a host for an image is caught (its CSP blocks the
    request and the page reports the violation)."""
    page = (ws / "reports" / "dashboard" / "index.html").read_text()
    bad = tmp_path / "bad.html"
    bad.write_text(page.replace("<header>", '<img src="http://127.0.0.1:9/logo.png"><header>', 1))
    dom = _chromium(bad.as_uri(), "--dump-dom", tmp=tmp_path).stdout
    assert re.search(r'<pre id="errors" class="fail">[^<]*http://127\.0\.0\.1:9/logo\.png', dom)
