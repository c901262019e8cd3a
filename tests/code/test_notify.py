"""Alerts that act: `forecastops alerts` against a real HTTP server on 127.0.0.1 (the webhook and a
stand-in for GitHub's repository_dispatch API), and with that server down (issue 9)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from forecastops import cli, io
from forecastops.config.compose import compose, dump

REPO = Path(__file__).resolve().parents[2]
SECRET_PATH = "/hooks/T000/B000/s3cr3t-token"


class Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(
            {
                "path": self.path,
                "headers": dict(self.headers),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def server():
    Recorder.received, Recorder.status = [], 200
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ALERTS = [
    {"level": "alert", "kind": "drift", "segment": "texas/large/fast", "figure": "psi(target)",
     "value": 0.61, "threshold": 0.25, "message": "target in texas/large/fast: psi 0.610 >= 0.25"},
    {"level": "warn", "kind": "quality", "segment": None, "figure": "violations(missing_weeks)",
     "value": 12.0, "threshold": 0.0, "message": "missing_weeks: 12 violation(s)"},
]  # fmt: skip


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """params.yaml and a monitoring report with one alert and one warning."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORECASTOPS_WEBHOOK_URL", raising=False)
    (tmp_path / "params.yaml").write_text(dump(compose([], REPO / "conf")))
    summary = {"alerts": 2, "by_level": {"warn": 1, "alert": 1}, "by_kind": {"drift": 1, "quality": 1}, "worst": "alert", "fail_on": "alert"}  # fmt: skip
    io.write_json("reports/monitoring.json", {"summary": summary, "alerts": ALERTS})
    return tmp_path


def notify(*extra: str) -> int:
    return cli.main(["alerts", "--report", "reports/monitoring.json", "notify", *extra])


def test_notifier_posts_the_alerts_as_slack_json(server, workspace, monkeypatch, capsys):
    monkeypatch.setenv("FORECASTOPS_WEBHOOK_URL", server + SECRET_PATH)
    assert notify() == 0
    (got,) = Recorder.received
    assert got["path"] == SECRET_PATH and got["headers"]["Content-Type"] == "application/json"
    body = got["body"]
    assert body["text"] == "forecastops monitor: 2 alert(s), worst 'alert'"
    section = body["blocks"][1]["text"]["text"]
    assert "[alert] drift: target in texas/large/fast: psi 0.610 >= 0.25" in section
    assert "[warn] quality: missing_weeks: 12 violation(s)" in section
    out = capsys.readouterr().out
    assert "HTTP 200" in out and "s3cr3t" not in out


@pytest.mark.parametrize("fmt", ["teams", "json"])
def test_other_formats(server, workspace, monkeypatch, fmt):
    params = compose([f"monitor.notify.format={fmt}"], REPO / "conf")
    (workspace / "params.yaml").write_text(dump(params))
    monkeypatch.setenv("FORECASTOPS_WEBHOOK_URL", server + "/x")
    assert notify() == 0
    body = Recorder.received[0]["body"]
    if fmt == "teams":
        assert body["@type"] == "MessageCard" and "psi 0.610" in body["text"]
    else:
        assert body["event"] == "monitor-alerts" and body["details"]["by_kind"]["drift"] == 1
        assert len(body["lines"]) == 2


def test_events_of_runs_and_promotions(server, workspace, monkeypatch):
    monkeypatch.setenv("FORECASTOPS_WEBHOOK_URL", server + "/x")
    args = ["--event", "run-failure", "--title", "main: failure", "--line", "http://run/1"]
    assert notify(*args) == 0
    assert Recorder.received[0]["body"]["text"] == "main: failure"


def test_server_down_is_a_clear_error_not_a_crash(workspace, monkeypatch, capsys):
    url = f"http://127.0.0.1:{_free_port()}{SECRET_PATH}"
    monkeypatch.setenv("FORECASTOPS_WEBHOOK_URL", url)
    assert notify() == 4
    err = capsys.readouterr().err
    assert err.startswith("forecastops alerts notify: not delivered: http://127.0.0.1:")
    assert "unreachable" in err and "refused" in err.lower()
    assert "s3cr3t" not in err and "Traceback" not in err
    assert json.loads(Path("reports/monitoring.json").read_text())["alerts"] == ALERTS


def test_server_error_status_is_reported(server, workspace, monkeypatch, capsys):
    Recorder.status = 500
    monkeypatch.setenv("FORECASTOPS_WEBHOOK_URL", server + "/x")
    assert notify() == 4
    assert "answered HTTP 500" in capsys.readouterr().err


def test_unconfigured_webhook_sends_nothing(workspace, capsys):
    assert notify() == 0
    assert "FORECASTOPS_WEBHOOK_URL is not set" in capsys.readouterr().out


def test_check_exits_3_at_the_configured_level(workspace, capsys):
    assert cli.main(["alerts", "check"]) == 3
    assert "1 alert(s) at level 'alert'" in capsys.readouterr().out
    (workspace / "params.yaml").write_text(dump(compose(["monitor.fail_on=never"], REPO / "conf")))
    assert cli.main(["alerts", "check"]) == 0


def test_dispatch_asks_main_to_retrain(server, workspace, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_API_URL", server)
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/forecastops")
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    assert cli.main(["alerts", "dispatch"]) == 0
    (got,) = Recorder.received
    assert got["path"] == "/repos/acme/forecastops/dispatches"
    assert got["headers"]["Authorization"] == "Bearer t0ken"
    assert got["body"]["event_type"] == "data-updated"
    assert got["body"]["client_payload"]["kinds"] == ["drift"]
    monkeypatch.delenv("GITHUB_TOKEN")
    assert cli.main(["alerts", "dispatch"]) == 2
    assert "dispatch needs GITHUB_TOKEN" in capsys.readouterr().err


def test_missing_report_names_the_file(workspace, capsys):
    assert cli.main(["alerts", "--report", "nope.json", "check"]) == 2
    assert "nope.json: not a monitoring report" in capsys.readouterr().err
