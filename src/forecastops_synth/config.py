"""The generator's settings (conf/synth/*.yaml) as strict pydantic models.

Every field is validated when `forecastops generate` composes the config, so a typo or an
inconsistent value (a start that is not a Monday, an event lifting an unknown category) stops the
run with a named error instead of silently producing different data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    """Unknown keys are errors: a misspelt setting must not fall back to its default."""

    model_config = ConfigDict(extra="forbid")


class RegionSpec(_Strict):
    """A region's share of the stores, its climate (deg F, inches), zip prefixes and demographics."""

    weight: float = Field(gt=0)
    temp_mean_f: float
    temp_amp_f: float = Field(ge=0)
    temp_anom_sd_f: float = Field(default=7.0, ge=0)
    diurnal_f: float = Field(default=18.0, gt=0)
    wet_day_prob: float = Field(ge=0, le=1)
    wet_day_mean_in: float = Field(gt=0)
    zip_prefixes: list[str] = Field(min_length=1)
    median_income: float = Field(gt=0)
    pop_density: float = Field(gt=0)
    median_age: float = Field(gt=0)

    @model_validator(mode="after")
    def _prefixes(self) -> RegionSpec:
        for p in self.zip_prefixes:
            if len(p) != 3 or not p.isdigit():
                raise ValueError(f"zip prefix {p!r} must be 3 digits (quote it in YAML)")
        return self


class CategorySpec(_Strict):
    """A product category: its items and how its demand reacts to season, weather, people, price."""

    items: list[str] = Field(min_length=1)
    peak_doy: float
    season_amp: float = Field(ge=0)
    season_amp2: float = 0.0
    temp_sens: float = 0.0  # log effect per +10 deg F of weekly temperature anomaly
    rain_effect: float = 0.0  # log effect per heavy-rain day in the week
    kids_elasticity: float = 0.0
    age_elasticity: float = 0.0
    premium_share: float = Field(default=0.3, ge=0, le=1)
    promo_elasticity: float = Field(ge=0)  # log lift per unit of discount fraction
    post_promo_dip: float = Field(default=0.2, ge=0)
    shelf_life_days: tuple[int, int]
    return_rate_mult: float = Field(default=1.0, gt=0)


class EventSpec(_Strict):
    """An announced event (events.csv): the rule that dates it each year and its demand lifts."""

    name: str
    rule: Literal["fixed", "nth_weekday", "easter", "superbowl"]
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    weekday: int | None = Field(default=None, ge=0, le=6)  # 0 = Monday
    n: int | None = None  # 1..4, or -1 for the last one of the month
    offset_days: int = 0
    scope: list[str] = Field(default_factory=lambda: ["ALL"])
    shop_days: int = Field(default=4, ge=1, le=28)
    lifts: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rule_fields(self) -> EventSpec:
        need = {"fixed": ("month", "day"), "nth_weekday": ("month", "weekday", "n")}
        for f in need.get(self.rule, ()):
            if getattr(self, f) is None:
                raise ValueError(f"event {self.name!r}: rule {self.rule} needs '{f}'")
        if self.rule == "nth_weekday" and self.n not in (1, 2, 3, 4, -1):
            raise ValueError(f"event {self.name!r}: n must be 1..4 or -1")
        return self


class ShockSpec(_Strict):
    """An unannounced shock: pantry loading for `weeks`, then a new normal fading over `after_weeks`."""

    name: str
    start: dt.date
    weeks: int = Field(ge=1)
    lifts: dict[str, float]
    after_weeks: int = Field(default=0, ge=0)
    after_lifts: dict[str, float] = Field(default_factory=dict)


class TrendSd(_Strict):
    """Yearly log-slope spread of the product, store and series trends."""

    product: float = Field(ge=0)
    store: float = Field(ge=0)
    series: float = Field(ge=0)


class LatentSpec(_Strict):
    """AR(1) drift of log demand: store traffic and series level (persistence, stationary sd)."""

    store_phi: float = Field(ge=0, lt=1)
    store_sd: float = Field(ge=0)
    series_phi: float = Field(ge=0, lt=1)
    series_sd: float = Field(ge=0)


class CarryBase(_Strict):
    """Probability floor that a store format carries even the least popular product."""

    large: float = Field(ge=0, le=1)
    small: float = Field(ge=0, le=1)


class Rates(_Strict):
    """How often lifecycle changes, promotions, returns and the feed quirks happen."""

    store_open_after_start: float = Field(ge=0, le=1)
    store_close_before_end: float = Field(ge=0, le=1)
    product_launch_after_start: float = Field(ge=0, le=1)
    product_discontinue_before_end: float = Field(ge=0, le=1)
    outage_store_week: float = Field(ge=0, le=0.2)
    negative_correction: float = Field(ge=0, le=0.01)
    promo_start_per_week: float = Field(ge=0, le=1)
    promo_misaligned: float = Field(ge=0, le=1)
    return_rate_mean: float = Field(ge=0, le=0.5)
    return_rate_log_sd: float = Field(ge=0)
    return_event_units: float = Field(ge=1)
    bulk_return: float = Field(ge=0, le=0.01)
    weather_missing_cell: float = Field(ge=0, le=0.1)


class DriftSpec(_Strict):
    """A change injected into the new weeks of an extension (``extend_weeks``), from its week
    ``from_week`` (0 = the first new week) up to ``to_week`` (exclusive; null = the last)."""

    kind: Literal["demand_shift", "weather_anomaly", "feed_outage", "new_products"]
    region: str | None = None  # demand_shift, weather_anomaly, feed_outage: the region hit
    from_week: int = Field(default=0, ge=0)
    to_week: int | None = Field(default=None, ge=1)
    factor: float = Field(default=1.0, gt=0)  # demand_shift: demand multiplied by this
    delta_f: float = 0.0  # weather_anomaly: deg F added to every day's high and low
    category: str | None = None  # new_products: the category the family joins
    count: int = Field(default=0, ge=0)  # new_products: how many

    def weeks(self, n_weeks: int) -> slice:
        return slice(self.from_week, n_weeks if self.to_week is None else self.to_week)


class SynthConfig(_Strict):
    """The whole generator config (the `synth` section composed by conf/generate.yaml)."""

    seed: int
    start_week: dt.date
    end_week: dt.date
    future_weeks: int = Field(ge=8)
    forecast_days: int = Field(ge=1, le=28)
    n_stores: int = Field(ge=4)
    include_regions: list[str] | None = None
    region_copies: int = Field(ge=1)
    large_sqft_threshold: int = Field(gt=0)
    sqft_median: float = Field(gt=0)
    sqft_log_sd: float = Field(ge=0)
    zips_per_store: float = Field(gt=0)
    n_products: int = Field(ge=1, le=99999)
    zipf_exponent: float = Field(ge=0)
    carry_base: CarryBase
    demand_scale: float = Field(gt=0)
    sqft_elasticity: float
    series_sd: float = Field(ge=0)
    premium_income_elasticity: float
    value_income_elasticity: float
    density_elasticity: float
    trend_sd_per_year: TrendSd
    latent: LatentSpec
    dispersion_median: float = Field(gt=0)
    dispersion_log_sd: float = Field(ge=0)
    dispersion_slow_knee: float = Field(ge=0)
    product_event_sd: float = Field(ge=0)
    promo_elasticity_sd: float = Field(ge=0)
    heavy_rain_in: float = Field(gt=0)
    launch_ramp_weeks: float = Field(gt=0)
    discontinue_fade_weeks: float = Field(gt=0)
    store_ramp_weeks: float = Field(gt=0)
    velocity_threshold: float = Field(gt=0)
    min_series_per_segment: int = Field(ge=0)
    rates: Rates
    regions: dict[str, RegionSpec] = Field(min_length=1)
    categories: dict[str, CategorySpec] = Field(min_length=1)
    events: list[EventSpec] = Field(default_factory=list)
    shocks: list[ShockSpec] = Field(default_factory=list)
    extend_weeks: int = Field(ge=0)  # weeks generated after end_week (earlier weeks unchanged)
    drift: list[DriftSpec]  # injected into the extension's weeks (conf/synth/drift)

    @model_validator(mode="before")
    @classmethod
    def _copied_regions(cls, data: Any) -> Any:
        """``region_copies: k`` repeats every region k times (``texas``, ``texas_2``, ...), each with
        the region's climate, demographics and share of ``n_stores``: k times the regions with the
        same stores and products per region (the benchmark's scales)."""
        copies = data.get("region_copies") if isinstance(data, dict) else None
        if not isinstance(copies, int) or copies <= 1 or not isinstance(data.get("regions"), dict):
            return data

        def copy(region: str, i: int) -> str:
            return region if i == 0 else f"{region}_{i + 1}"

        out = {**data, "n_stores": data["n_stores"] * copies}
        regions = data["regions"].items()
        out["regions"] = {copy(r, i): spec for i in range(copies) for r, spec in regions}
        if data.get("include_regions"):
            out["include_regions"] = [
                copy(r, i) for i in range(copies) for r in data["include_regions"]
            ]
        return out

    @model_validator(mode="after")
    def _consistent(self) -> SynthConfig:
        for name in ("start_week", "end_week"):
            if getattr(self, name).weekday() != 0:
                raise ValueError(f"{name} {getattr(self, name)} must be a Monday")
        if (self.end_week - self.start_week).days < 7 * 60:
            raise ValueError("end_week must be at least 60 weeks after start_week")
        unknown = set(self.include_regions or []) - set(self.regions)
        if unknown:
            raise ValueError(f"include_regions: unknown regions {sorted(unknown)}")
        regions = self.region_ids()
        if self.n_stores < 4 * len(regions):
            raise ValueError(
                f"n_stores must be >= 4 per region (2 large + 2 small): {4 * len(regions)}"
            )
        for ev in self.events:
            bad = set(ev.lifts) - set(self.categories)
            bad |= {s for s in ev.scope if s != "ALL" and s not in self.regions}
            if bad:
                raise ValueError(f"event {ev.name!r}: unknown categories/regions {sorted(bad)}")
        self._check_extension()
        for sh in self.shocks:
            bad = (set(sh.lifts) | set(sh.after_lifts)) - set(self.categories)
            if bad:
                raise ValueError(f"shock {sh.name!r}: unknown categories {sorted(bad)}")
        return self

    def _check_extension(self) -> None:
        if self.extend_weeks > self.future_weeks:
            raise ValueError(
                f"extend_weeks {self.extend_weeks} > future_weeks {self.future_weeks}: the new "
                "weeks are the planned future (events, promotions); extend at most that far"
            )
        if self.drift and not self.extend_weeks:
            raise ValueError("drift is injected into new weeks: set extend_weeks > 0")
        for d in self.drift:
            need = "category" if d.kind == "new_products" else "region"
            if getattr(d, need) is None:
                raise ValueError(f"drift {d.kind}: needs '{need}'")
            if d.region is not None and d.region not in self.region_ids():
                raise ValueError(f"drift {d.kind}: region {d.region!r} is not generated")
            if d.category is not None and d.category not in self.categories:
                raise ValueError(f"drift {d.kind}: unknown category {d.category!r}")
            if d.from_week >= self.extend_weeks:
                raise ValueError(f"drift {d.kind}: from_week {d.from_week} >= extend_weeks")

    def region_ids(self) -> list[str]:
        """The generated regions, in the order that indexes every per-region array."""
        return list(self.include_regions) if self.include_regions else list(self.regions)

    def category_ids(self) -> list[str]:
        """The categories, in the order that indexes every per-category array."""
        return list(self.categories)

    def region_values(self, field: str) -> np.ndarray:
        """One `RegionSpec` field over `region_ids()`, to index by region position."""
        return np.array([getattr(self.regions[r], field) for r in self.region_ids()])

    def category_values(self, field: str) -> np.ndarray:
        """One `CategorySpec` field over `category_ids()`, to index by category position."""
        return np.array([getattr(spec, field) for spec in self.categories.values()])
