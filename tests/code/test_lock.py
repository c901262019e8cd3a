"""The pinned environment: `make install` installs the lock (exact versions, hashes, every
dependency), torch is pinned to its CPU build (CUDA build for the GPU runners' lock), and each lock
still satisfies pyproject.toml's ranges (which stay ranges, for library users)."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

LOCKS = {"dev.txt": "2.13.0+cpu", "dev-cuda.txt": "2.13.0"}  # lock -> its torch
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", flags=re.M)


def pins(name: str) -> dict[str, str]:
    return {
        canonicalize_name(p): v for p, v in PIN.findall((REPO / "requirements" / name).read_text())
    }


def dry_run(*args: str) -> str:
    out = subprocess.run(
        ["make", "-n", "-C", str(REPO), *args], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_make_install_installs_only_the_lock():
    recipe = dry_run("-B", "install")
    assert "pip install -q --retries 1 --require-hashes -r requirements/dev.txt" in recipe
    # the project itself adds nothing: its dependencies all come from the lock
    assert "pip install -q --no-deps --no-build-isolation -e ." in recipe
    assert "pip check" in recipe
    assert not re.search(r"pip install[^\n]*\btorch\b", recipe)  # never resolved outside the lock
    assert "-r requirements/dev-cuda.txt" in dry_run(
        "-B", "install", "LOCK=requirements/dev-cuda.txt"
    )


@pytest.mark.parametrize(("lock", "torch"), LOCKS.items())
def test_every_requirement_is_pinned_with_hashes(lock, torch):
    text = (REPO / "requirements" / lock).read_text()
    entries = [b for b in re.split(r"\n(?=[A-Za-z])", text) if re.match(r"[A-Za-z]", b)]
    assert len(entries) == len(pins(lock)) > 100
    for entry in entries:
        assert "--hash=sha256:" in entry, entry.splitlines()[0]
    assert pins(lock)["torch"] == torch
    cpu_index = "--extra-index-url https://download.pytorch.org/whl/cpu"
    assert text.startswith(cpu_index) == (lock == "dev.txt")


@pytest.mark.parametrize("lock", LOCKS)
def test_lock_satisfies_pyproject_ranges(lock):
    """A range changed in pyproject.toml without `make lock` fails here."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    required = [*project["dependencies"], *extras["dev"], *extras["ray"]]
    locked = pins(lock)
    for spec in map(Requirement, required):
        version = locked.get(canonicalize_name(spec.name))
        assert version is not None, f"requirements/{lock}: {spec.name} is not locked (make lock)"
        assert spec.specifier.contains(version, prereleases=True), f"{lock}: {spec} vs {version}"


def test_ray_is_an_optional_extra_the_dev_locks_install():
    """executor=ray needs Ray; library users opt in (`forecastops[ray]`), tests always have it."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not [
        r for r in project["dependencies"] if canonicalize_name(Requirement(r).name) == "ray"
    ]
    assert [Requirement(r).name for r in project["optional-dependencies"]["ray"]] == ["ray"]
    for lock in LOCKS:
        assert "ray" in pins(lock), lock
    assert "--extra dev --extra ray" in dry_run("-B", "lock")


def test_gpu_jobs_install_the_cuda_lock():
    workflows = REPO / ".github" / "workflows"
    for path in sorted(workflows.glob("*.yml")):
        for name, job in yaml.safe_load(path.read_text())["jobs"].items():
            gpu = "self-hosted" in str(job["runs-on"])
            lock = (job.get("env") or {}).get("LOCK")
            assert lock == ("requirements/dev-cuda.txt" if gpu else None), f"{path.name}:{name}"
