"""The names and order of the model inputs, from ``conf/features`` (models store the order)."""

from __future__ import annotations

from forecastops.config.sections.features import FeaturesConfig


def lag_columns(cfg: FeaturesConfig, horizon: int) -> list[str]:
    return [f"lag_{horizon + o}" for o in cfg.lag_offsets]


def numeric_columns(cfg: FeaturesConfig, horizon: int) -> list[str]:
    """Numeric model inputs, in a fixed order (models store it with their weights)."""
    rolling = [*(f"rmean_{w}" for w in cfg.rolling_windows), "rmean_all"]
    return [
        *lag_columns(cfg, horizon),
        *rolling,
        *cfg.engineered,
        *cfg.numeric_exogenous,
        *cfg.demographics,
    ]
