"""The ``registry`` params section (``RegistryConfig``): from params.yaml, else composed from conf/.

conf/registry/default.yaml is the one place its values are written; the registry commands also run
where params.yaml is not generated (a deploy checkout of an older commit), so they compose conf/.
"""

from __future__ import annotations

from pathlib import Path

from forecastops.config.compose import compose
from forecastops.config.load import load_params, section
from forecastops.config.sections.registry import RegistryConfig
from forecastops.errors import ForecastopsError


def load_settings(params_path: str | Path = "params.yaml") -> RegistryConfig:
    """The validated ``registry`` section of ``params_path``, or of conf/ composed when it is absent."""
    if Path(params_path).is_file():
        return section(load_params(params_path), "registry", RegistryConfig, str(params_path))
    try:
        params = compose()
    except ForecastopsError as exc:
        raise ForecastopsError(
            f"{params_path} not found, and conf/ cannot be composed: {exc}"
        ) from exc
    return section(params, "registry", RegistryConfig, "conf/")
