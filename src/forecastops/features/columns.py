"""The names and order of the model inputs, from ``conf/features`` (models store the order)."""

from __future__ import annotations

from forecastops.config.sections.features import FeaturesConfig


def lag_columns(cfg: FeaturesConfig) -> list[str]:
    return [f"lag_{k}" for k in cfg.lags]


def numeric_columns(cfg: FeaturesConfig, horizon: int) -> list[str]:
    """Numeric model inputs, in a fixed order (models store it with their weights)."""
    rolling = [*(f"rmean_{w}" for w in cfg.rolling_windows), "rmean_all"]
    return [
        *lag_columns(cfg),
        *rolling,
        *cfg.engineered,
        *cfg.numeric_exogenous,
        *cfg.demographics,
    ]
