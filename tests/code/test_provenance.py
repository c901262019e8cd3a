"""``provenance.runtime_versions``: the installed versions of forecastops and its runtime
dependencies (read from the installed metadata), never the dev tools."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest

from conftest import REPO
from forecastops.errors import ForecastopsError
from forecastops.provenance import runtime_requirements, runtime_versions


def declared() -> set[str]:
    """pyproject.toml's runtime dependencies, read independently of the installed metadata."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return {re.match(r"[A-Za-z0-9._-]+", d).group(0) for d in project["dependencies"]}


def test_records_this_package_and_each_runtime_dependency_exactly():
    versions = runtime_versions()
    assert set(versions) == {"forecastops"} | declared()
    assert versions == {name: metadata.version(name) for name in versions}
    assert versions["torch"] == metadata.version("torch")  # e.g. 2.13.0+cpu: the exact build
    assert list(versions) == sorted(versions)


def test_dev_tools_and_extras_are_not_runtime():
    versions = runtime_versions()
    dev = {"pytest", "ruff", "zizmor", "pre-commit", "check-jsonschema"}
    assert not dev & set(versions)
    # dvc's optional remotes are extras (`dvc[s3]`), not what dvc itself needs
    needs = runtime_requirements("dvc")
    assert "dvc-s3" not in needs and "mypy" not in needs and "dvc-data" in needs


def test_a_distribution_that_is_not_installed_is_named():
    with pytest.raises(ForecastopsError, match="distribution no-such-dist-xyz is not installed"):
        runtime_versions("no-such-dist-xyz")
