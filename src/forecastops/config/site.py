"""``conf/site.yaml``: the choices this repository makes for good, above all the company it serves.

It holds Hydra overrides (``data=walmart``, ``env.data_root=/mnt/walmart``) that every composition
of the pipeline's config applies before the command line's, so ``forecastops params`` and
``--check``, ``make params``/``data``/``run``, the smoke pipeline, the release and CI all compose
the same thing. A command-line override of the same key still wins. ``forecastops params --record``
writes it; the generator of the embedded default data (``conf/generate.yaml``) does not read it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from forecastops import io
from forecastops.errors import ForecastopsError

SITE_FILE = "site.yaml"
HEADER = (
    "# The choices this repository makes for good, above all the company it serves: Hydra\n"
    "# overrides every composition of conf/ applies before the command line's (forecastops params\n"
    "# and --check, make params/data/run, smoke, release, CI). Written by\n"
    "#   forecastops params --record data=walmart env.data_root=/mnt/walmart\n"
    "# and read by forecastops.config.site. Empty: the default company, data in conf/env.\n"
)


def override_key(override: str) -> str:
    """The key an override sets: ``+a.b=1`` -> ``a.b``, ``data=walmart`` -> ``data``."""
    return override.split("=", 1)[0].lstrip("~+")


def recorded(conf_dir: Path) -> list[str]:
    """The overrides ``conf/site.yaml`` records (none when the file is absent)."""
    path = conf_dir / SITE_FILE
    if not path.is_file():
        return []
    try:
        data = io.parse_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ForecastopsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or set(data) != {"overrides"}:
        raise ForecastopsError(f"{path}: expected one key, `overrides: [key=value, ...]`")
    overrides = data["overrides"] or []
    if not isinstance(overrides, list):
        raise ForecastopsError(f"{path}: expected one key, `overrides: [key=value, ...]`")
    bad = [o for o in overrides if not isinstance(o, str) or "=" not in o]
    if bad:
        raise ForecastopsError(f"{path}: overrides must be `key=value` strings, got {bad}")
    return overrides


def with_recorded(conf_dir: Path, overrides: list[str]) -> list[str]:
    """The recorded overrides (those the command line does not set again), then the given ones."""
    given = {override_key(o) for o in overrides}
    return [o for o in recorded(conf_dir) if override_key(o) not in given] + list(overrides)


def record(conf_dir: Path, overrides: list[str]) -> Path:
    """Write ``overrides`` as the repository's recorded choices (replacing earlier ones)."""
    path = conf_dir / SITE_FILE
    body = yaml.safe_dump({"overrides": list(overrides)}, default_flow_style=False, width=100)
    io.write_text(path, HEADER + body)
    return path
