"""The exact package versions a model is trained with, to record beside it.

A model's behaviour depends on more than its code and data: numpy, torch, scikit-learn and pandas
change results between releases. pyproject.toml only states ranges, so a trained model records
the versions that were actually installed: this package and every runtime dependency it declares
(its distribution's ``Requires-Dist``, extras such as ``dev`` left out), read with
``importlib.metadata``. The list of packages comes from the installed metadata, so it follows
pyproject.toml without a second copy here.
"""

from __future__ import annotations

import functools
import re
from importlib import metadata

from forecastops.errors import ForecastopsError

TOP_PACKAGE = __name__.split(".")[0]
NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")  # a requirement's project name
EXTRA = re.compile(r"\bextra\s*==")  # a requirement only an optional extra needs


@functools.cache
def own_distribution() -> str:
    """The installed distribution that provides this package (``forecastops``); looked up once a
    process (it reads every installed distribution's metadata: 0.4 s, twice per train stage)."""
    found = metadata.packages_distributions().get(TOP_PACKAGE) or []
    if not found:
        raise ForecastopsError(
            f"no installed distribution provides {TOP_PACKAGE} (pip install -e .)"
        )
    return found[0]


def runtime_requirements(dist: str) -> dict[str, bool]:
    """``{project name: has an environment marker}`` for what ``dist`` requires at runtime (its
    optional extras left out)."""
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError as exc:
        raise ForecastopsError(f"distribution {dist} is not installed") from exc
    names = {}
    for requirement in requires:
        _, _, marker = requirement.partition(";")
        match = NAME.match(requirement)
        if match and not EXTRA.search(marker):
            names[match.group(1)] = bool(marker.strip())
    return names


def runtime_versions(dist: str | None = None) -> dict[str, str]:
    """``{package: installed version}`` for ``dist`` (default: this package's distribution) and
    each runtime dependency it declares, sorted by name. A dependency its marker leaves out on this
    platform is skipped; any other that is missing is an error (a broken environment would record
    an incomplete provenance)."""
    dist = dist or own_distribution()
    requirements = runtime_requirements(dist)
    versions = {dist: metadata.version(dist)}
    for name, conditional in requirements.items():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError as exc:
            if conditional:
                continue
            raise ForecastopsError(f"{dist} requires {name}, which is not installed") from exc
    return dict(sorted(versions.items()))
