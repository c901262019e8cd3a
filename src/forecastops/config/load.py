"""Read ``params.yaml`` back and validate a section of it, with errors that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from forecastops import io
from forecastops.errors import ForecastopsError

M = TypeVar("M", bound=BaseModel)


def describe(exc: ValidationError, prefix: str = "") -> str:
    """Pydantic's errors as ``key.path: message (got value)``, one per line, no traceback."""
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        message = err["msg"].removeprefix("Value error, ")
        if not err["loc"]:  # a rule across keys: its message names them; the input is everything
            lines.append(message)
            continue
        got = "" if err["type"] == "missing" else f" (got {err.get('input')!r:.60})"
        lines.append(f"{key}: {message}{got}")
    return "; ".join(lines)


def load_params(path: str | Path = "params.yaml") -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise ForecastopsError(
            f"{path}: not found; run `forecastops params` to compose it from conf/"
        )
    try:
        data = io.parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ForecastopsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ForecastopsError(f"{path}: expected a mapping at the top level")
    return data


def section(params: dict[str, Any], key: str, model: type[M], source: str = "params.yaml") -> M:
    """Validate one section of the params with its typed schema; errors name the key."""
    if key not in params:
        raise ForecastopsError(f"{source}: missing section '{key}'")
    try:
        return model.model_validate(params[key])
    except ValidationError as exc:
        raise ForecastopsError(f"{source}: invalid {describe(exc, key)}") from exc
