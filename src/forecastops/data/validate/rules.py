"""``RULES``: every rule after ``schema``, in the order they run, each on the rows the previous
ones left.

A rule's report column and description come from its config alone, so a disabled rule is reported
with them too. ``schema`` is not in the table: it is the precondition of these (they need the
columns) and ``stage`` runs it first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from forecastops.config.sections.validation import Rule
from forecastops.data.table import SERIES_WEEK_KEY
from forecastops.data.validate import row_rules, table_rules
from forecastops.data.validate.report import Check
from forecastops.errors import ForecastopsError


@dataclass(frozen=True)
class RuleDef:
    column: Callable[[Any], str | None]  # rule config -> the report's column
    description: Callable[[Any], str]  # rule config -> the report's description
    apply: Callable[[pd.DataFrame, Check], pd.DataFrame]


def _configured_column(rule: Any) -> str:
    return rule.column


def _range(rule: Any) -> str:
    return f"{rule.column} outside [{rule.min}, {rule.max}]"


RULES: dict[str, RuleDef] = {
    "unknown_store": RuleDef(
        lambda _: "store_id",
        lambda _: "store not in the stores source (no region)",
        row_rules.unknown_store,
    ),
    "unknown_product": RuleDef(
        lambda _: "product_id",
        lambda _: "product not in the products source",
        row_rules.unknown_product,
    ),
    "duplicates": RuleDef(
        lambda _: ", ".join(SERIES_WEEK_KEY),
        lambda _: "more than one raw shipment row for a store x product x week",
        row_rules.duplicates,
    ),
    "negative_quantity": RuleDef(
        _configured_column, lambda rule: f"{rule.column} < 0", row_rules.negative
    ),
    "missing_values": RuleDef(
        lambda rule: ", ".join(rule.columns),
        lambda _: "missing demand values on history rows",
        row_rules.missing_values,
    ),
    "negative_net_demand": RuleDef(
        _configured_column, lambda _: "returns exceed shipments in the week", row_rules.negative
    ),
    "temperature_range": RuleDef(_configured_column, _range, row_rules.out_of_range),
    "promo_range": RuleDef(_configured_column, _range, row_rules.out_of_range),
    "demand_max": RuleDef(_configured_column, _range, row_rules.out_of_range),
    "missing_weeks": RuleDef(
        lambda _: "store_id, week_start",
        lambda _: (
            "store-week without any raw shipment row while the store is open and other "
            "stores reported (feed outage, or a region whose feed lags)"
        ),
        row_rules.missing_weeks,
    ),
    "stale_data": RuleDef(
        lambda _: "week_start", lambda _: "last history week too old", table_rules.stale_data
    ),
    "too_few_rows": RuleDef(
        lambda _: None,
        lambda rule: f"fewer than {rule.min_rows} history rows",
        table_rules.too_few_rows,
    ),
}


def check_rule_columns(rules: dict[str, Rule], df: pd.DataFrame) -> None:
    """Every column a rule names (enabled or not) must be a column of the table: a config error
    otherwise, named by its params.yaml key."""
    named = {
        f"validation.{name}.column": rule.column
        for name, rule in rules.items()
        if isinstance(getattr(rule, "column", None), str)
    }
    named |= {
        f"validation.missing_values.columns[{i}]": column
        for i, column in enumerate(rules["missing_values"].columns)
    }
    unknown = {key: column for key, column in named.items() if column not in df.columns}
    if unknown:
        raise ForecastopsError(
            f"params.yaml: {', '.join(f'{k} = {v!r}' for k, v in unknown.items())} "
            f"not a column of the weekly table (columns: {', '.join(df.columns)})"
        )
