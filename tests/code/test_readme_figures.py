"""The README's accuracy table is the pipeline's own output, not figures typed in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_readme_accuracy_table_is_printed_from_the_committed_metrics():
    printed = subprocess.run(
        [sys.executable, "scripts/accuracy_table.py", "reports/metrics.json"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert printed.startswith("| metric |")
    assert printed in (REPO / "README.md").read_text()


def test_the_table_counts_segments_from_their_verdicts(tmp_path):
    doc = json.loads((REPO / "reports/metrics.json").read_text())
    key = sorted(doc["segments"])[0]
    doc["segments"][key]["versus_better_component"]["verdict"] = "worse"
    doc["segments"][key]["bias"] = 0.5
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(doc))
    printed = subprocess.run(
        [sys.executable, "scripts/accuracy_table.py", str(path)],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    original = json.loads((REPO / "reports/metrics.json").read_text())["segments"]
    worse = sum(s["versus_better_component"]["verdict"] == "worse" for s in original.values())
    worse += original[key]["versus_better_component"]["verdict"] != "worse"
    assert "beyond noise | " in printed
    row = next(line for line in printed.splitlines() if "beyond noise" in line)
    assert row.endswith(f"| {worse}/56 |")
