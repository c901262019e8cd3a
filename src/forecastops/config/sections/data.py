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
# How a column is aggregated to weeks (``forecastops.data.adapters.aggregate``).
Aggregation = Literal["sum", "mean", "min", "max", "count", "share"]
# The key columns of a covariate source: it is joined onto the weekly table by those it maps.
COVARIATE_KEYS = ("store_id", "product_id", "region", "week_start")
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
    # standard column -> aggregation: rows are summed up to one row per value of the other columns
    # (a daily source anchored to weeks: one row per key x week)
    aggregate: dict[str, Aggregation] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _aggregate_known_numeric_columns(self) -> SourceSpec:
        if not self.aggregate:
            return self
        unknown = [c for c in self.aggregate if c not in self.columns]
        if unknown:
            raise ValueError(
                f"aggregate: {unknown} not column(s) of this source (its columns: "
                f"{sorted(self.columns)})"
            )
        if "week_start" not in self.columns or "week_start" in self.aggregate:
            raise ValueError("aggregate: needs a week_start column (not aggregated) to group by")
        textual = [c for c in self.aggregate if self.columns[c].dtype in ("str", "date")]
        if textual:
            raise ValueError(
                f"aggregate: {textual} are not numbers or flags (dtype str/date): only int, "
                "float and bool columns can be aggregated"
            )
        return self

    def kind(self, column: str) -> Literal["numeric", "category", "date"]:
        """What a column holds once loaded (and aggregated): numbers (bool flags count as 0/1),
        categories (text) or dates."""
        if column in self.aggregate:
            return "numeric"
        dtype = self.columns[column].dtype
        return "category" if dtype == "str" else "date" if dtype == "date" else "numeric"


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
    # named covariate sources: each is keyed by the COVARIATE_KEYS it maps (per store-week, per
    # store, per week, ...) and every other column it maps becomes a column of the weekly table
    covariates: dict[str, SourceSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _covariates_keyed_and_typed(self) -> Sources:
        kinds: dict[str, tuple[str, str]] = {}
        for name, spec in self.covariates.items():
            keys = [c for c in spec.columns if c in COVARIATE_KEYS]
            values = [c for c in spec.columns if c not in COVARIATE_KEYS]
            if not keys or not values:
                raise ValueError(
                    f"covariates.{name}: map at least one key column {list(COVARIATE_KEYS)} "
                    f"and one covariate column (it maps {sorted(spec.columns)})"
                )
            for column in values:
                kind = spec.kind(column)
                if kind == "date":
                    raise ValueError(
                        f"covariates.{name}.columns.{column}: a date cannot be a covariate "
                        "(a covariate is a number or a category)"
                    )
                seen = kinds.setdefault(column, (name, kind))
                if seen[1] != kind:
                    raise ValueError(
                        f"covariates.{name}.columns.{column} is {kind} but covariates."
                        f"{seen[0]} maps it as {seen[1]}"
                    )
        return self

    def covariate_kinds(self) -> dict[str, str]:
        """Covariate column -> numeric | category, in declaration order."""
        return {
            column: spec.kind(column)
            for spec in self.covariates.values()
            for column in spec.columns
            if column not in COVARIATE_KEYS
        }


class DataConfig(Section):
    """The ``data`` section of params.yaml (every company's file in ``conf/data`` sets each key)."""

    company: str
    sources: Sources
    store_format: StoreFormatRule
    demographics: list[str]  # stores columns copied to the table
    all_scope: str  # events / promotions scope value meaning "every region"
    default_category: str  # category when there is no products source
