"""Which keys two parameter documents disagree on: what ``forecastops params`` names when
``params.yaml`` drifts from ``conf/`` and what ``forecastops exp set --from-params`` writes back."""

from __future__ import annotations

from typing import Any


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``; lists and scalars are leaves, an empty mapping too."""
    if not isinstance(tree, dict) or not tree:
        return {prefix.rstrip("."): tree} if prefix else {}
    out: dict[str, Any] = {}
    for key, value in tree.items():
        out.update(flatten(value, f"{prefix}{key}."))
    return out


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Dotted key -> (old value, new value) for every leaf that differs (absent: ``None``)."""
    a, b = flatten(old), flatten(new)
    keys = [*a, *(k for k in b if k not in a)]
    return {k: (a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k) or (k in a) != (k in b)}


def describe(changes: dict[str, tuple[Any, Any]], limit: int = 5) -> str:
    """``model.lasso.alpha: 0.001 -> 0.0005; … and 3 more`` for messages."""
    shown = [f"{k}: {a!r} -> {b!r}" for k, (a, b) in list(changes.items())[:limit]]
    more = len(changes) - limit
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
