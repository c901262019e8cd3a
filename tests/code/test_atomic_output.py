"""Atomic outputs: scratch lives outside DVC-hashed folders, and a killed writer's leftovers are
swept at the next start, so a crash never changes a tracked output's hash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from forecastops import io

WRITER = """
import sys, time
from forecastops import io
with io.atomic_path(sys.argv[1]) as tmp:
    tmp.mkdir()
    (tmp / "half.bin").write_bytes(b"x" * 10)
    print("writing", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    (tmp_path / "models" / "texas").mkdir(parents=True)
    (tmp_path / "models" / "texas" / "meta.json").write_text("{}\n")
    return tmp_path


def _listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_a_killed_writer_leaves_nothing_in_the_output_folder_and_is_swept(repo):
    before = _listing(repo / "models")
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(repo / "models" / "texas")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _listing(repo / "models") == before  # nothing half-written, no temp folder
    scratch = repo / io.SCRATCH
    assert [p.name.split("-")[0] for p in scratch.iterdir()] == [str(proc.pid)]
    io.write_text(repo / "models" / "note.txt", "ok\n")  # the next start sweeps the dead scratch
    assert list(scratch.iterdir()) == []


def test_replacing_a_directory_keeps_the_old_one_until_the_new_one_is_complete(repo):
    target = repo / "models" / "texas"
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "meta.json").write_text('{"new": true}\n')
        raise RuntimeError("crash mid-write")
    assert (target / "meta.json").read_text() == "{}\n"
    with io.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "meta.json").write_text('{"new": true}\n')
    assert (target / "meta.json").read_text() == '{"new": true}\n'
    assert _listing(repo / "models") == ["texas", "texas/meta.json"]
