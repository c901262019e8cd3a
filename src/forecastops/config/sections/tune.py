"""The ``tune`` section: the search space ``forecastops tune`` explores for one region.

``space`` mirrors ``model`` (the keys a region override may set); each leaf is the list of its
candidate values, so a list-valued parameter lists lists. Every candidate is merged over the
region's model and validated like any override before anything is fitted.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from forecastops.config.sections.base import Section


def leaves(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"lasso": {"alpha": [..]}}`` -> ``{"lasso.alpha": [..]}``."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(leaves(value, f"{path}."))
        else:
            out[path] = value
    return out


class TuneConfig(Section):
    method: Literal["grid", "random"]
    n_random: int = Field(ge=1)
    seed: int
    space: dict[str, Any] = Field(min_length=1)

    @field_validator("space")
    @classmethod
    def _leaves_list_candidates(cls, space: dict[str, Any]) -> dict[str, Any]:
        bad = [k for k, v in leaves(space).items() if not isinstance(v, list) or not v]
        if bad:
            raise ValueError(f"each leaf must be a non-empty list of candidates: {bad}")
        return space

    def candidates(self) -> dict[str, list[Any]]:
        """Dotted ``model`` key -> its candidate values, in conf/ order."""
        return leaves(self.space)
