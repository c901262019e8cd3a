"""The ``data`` section: raw sources, their column adapters and the store-format rule.

How each option is applied is described in ``forecastops.data.adapters`` (and the store-format rule
in ``forecastops.data.condition.store_format``); this module only says what a valid configuration
is, so a mistake in ``conf/data`` fails when the config is composed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from forecastops.config.sections.base import Section

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Conversion = Literal["none", "fahrenheit_to_celsius", "inch_to_mm", "percent_to_fraction"]
DEFAULT_NA = ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"]


def norm_key(k: Any) -> str:
    """A YAML scalar as the text a raw file would hold (``true``, ``1`` not ``1.0``), so that map
    keys and filter values written as numbers or booleans match the raw text."""
    if isinstance(k, bool):
        return str(k).lower()
    if isinstance(k, float) and k.is_integer():
        return str(int(k))
    return str(k).strip()


class ColumnSpec(Section):
    """How one standard column is derived from a raw source."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str | None = Field(default=None, alias="from")
    constant: Any = None
    dtype: Literal["str", "int", "float", "bool", "date"] = "str"
    format: str | None = None
    anchor: Literal["none", "day", "week_ending", "week_starting"] = "none"
    week_end_day: Weekday | None = None
    convert: Conversion = "none"
    map: dict[str, Any] | None = None
    map_default: Any = None
    nullable: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"from": data}
        if isinstance(data, dict) and isinstance(data.get("map"), dict):
            data = {**data, "map": {norm_key(k): v for k, v in data["map"].items()}}
        return data

    @model_validator(mode="after")
    def _check(self) -> ColumnSpec:
        if (self.from_ is None) == (self.constant is None):
            raise ValueError("give exactly one of 'from' (raw column) or 'constant'")
        if self.anchor != "none" and self.dtype != "date":
            raise ValueError("'anchor' needs dtype: date")
        if self.week_end_day and self.anchor not in ("week_ending", "week_starting"):
            raise ValueError("'week_end_day' needs anchor: week_ending or week_starting")
        if self.convert != "none" and self.dtype not in ("int", "float"):
            raise ValueError("'convert' needs a numeric dtype (int or float)")
        return self


class SourceSpec(Section):
    """One raw source: files, format and column adapters."""

    path: str
    format: Literal["csv", "jsonl", "json"] = "csv"
    columns: dict[str, ColumnSpec]
    # keep only rows whose raw column value is one of the listed values (case-insensitive strings)
    where: dict[str, list[Any]] = Field(default_factory=dict)
    na_values: list[str] = Field(default_factory=lambda: list(DEFAULT_NA))
    delimiter: str = ","
    encoding: str = "utf-8"
    records_path: str | None = (
        None  # json: dotted path to the array of records (default: top level)
    )
    granularity: Literal["daily", "weekly"] = (
        "daily"  # weather sources: one row per day or per week
    )
    allow_empty: bool = False  # a file with no data rows is an error unless this is set


class StoreFormatRule(Section):
    """Store format from a stores column: either a size threshold or a value mapping."""

    column: str  # a standard column of the stores source (e.g. sq_ft, store_type)
    threshold: float | None = None
    at_or_above: str = "large"
    below: str = "small"
    mapping: dict[str, str] | None = None
    default: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
            data = {**data, "mapping": {norm_key(k): v for k, v in data["mapping"].items()}}
        return data

    @model_validator(mode="after")
    def _one(self) -> StoreFormatRule:
        if (self.threshold is None) == (self.mapping is None):
            raise ValueError("store_format: give exactly one of 'threshold' or 'mapping'")
        return self


class Sources(Section):
    """The raw sources: shipments and stores are needed, the others joined when configured."""

    shipments: SourceSpec
    stores: SourceSpec
    returns: SourceSpec | None = None
    products: SourceSpec | None = None
    promotions: SourceSpec | None = None
    events: SourceSpec | None = None
    weather_observed: SourceSpec | None = None
    weather_forecast: SourceSpec | None = None


class DataConfig(Section):
    """The ``data`` section of params.yaml (every company's file in ``conf/data`` sets each key)."""

    company: str
    sources: Sources
    store_format: StoreFormatRule
    demographics: list[str]  # stores columns copied to the table
    all_scope: str  # events / promotions scope value meaning "every region"
    default_category: str  # category when there is no products source
