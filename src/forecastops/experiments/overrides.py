"""``key=value`` settings in Hydra's override grammar, as ``dvc exp run -S`` takes them.

``model.lasso.alpha=0.001`` sets one value; ``model.lasso.alpha=0.0005,0.002`` (or
``choice(...)``, ``range(...)``) is a sweep: one experiment per combination of the swept values.
Group choices (``env=local``) and deletions (``~key``) are refused: they are not values a file of
``conf/`` holds.
"""

from __future__ import annotations

import itertools
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException

from forecastops.errors import ForecastopsError


def _parse(text: str) -> tuple[str, list[Any]]:
    try:
        override = OverridesParser.create().parse_overrides([text])[0]
    except HydraException as exc:
        raise ForecastopsError(f"`{text}`: not a key=value setting: {exc}") from exc
    key = override.key_or_group
    if override.is_delete():
        raise ForecastopsError(f"`{text}`: deleting a key is not an experiment value")
    if "." not in key:
        raise ForecastopsError(
            f"`{text}`: `{key}` is a config group or section, not a value; set a dotted key "
            "(e.g. model.lasso.alpha=0.001)"
        )
    if override.is_sweep_override():
        return key, list(override.sweep_iterator())
    return key, [override.value()]


def points(settings: list[str]) -> list[dict[str, Any]]:
    """Every combination of the settings' values (one dict per experiment, in order)."""
    parsed = [_parse(s) for s in settings]
    keys = [k for k, _ in parsed]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ForecastopsError(f"{repeated}: set more than once")
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(v for _, v in parsed))
    ]


def label(point: dict[str, Any]) -> str:
    """``model.lasso.alpha=0.001 train.seed=1`` (for messages)."""
    return " ".join(f"{k}={v}" for k, v in point.items())
