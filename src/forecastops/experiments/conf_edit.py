"""Set keys of the composed config in the ``conf/`` files they come from, keeping their comments.

Experiments (``forecastops exp``) and tuning (``forecastops tune``) change the configuration the way
a person would: each value lands in the YAML file the composition takes the key from (of the files
in ``conf/config.yaml``'s defaults list, the one holding the most of the key's path; on a tie the
later one, which wins in the composition). Then ``params.yaml`` is recomposed, so
``forecastops params --check`` stays green and the change is a reviewable diff of ``conf/``. If the
result does not compose, or a value does not reach the composition, every file is put back.
"""

from __future__ import annotations

import io as textio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from forecastops import io
from forecastops.config.compose import compose, dump
from forecastops.config.diff import flatten
from forecastops.errors import ForecastopsError

GLOBAL = "_global_"


@dataclass(frozen=True)
class Source:
    path: Path
    package: tuple[str, ...]  # where the file's keys sit in the composition (() for _global_)


def _package(path: Path, group: str) -> tuple[str, ...]:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0].strip()
    if first.startswith("# @package "):
        name = first.removeprefix("# @package ").strip()
        return () if name == GLOBAL else tuple(name.split("."))
    return (group,)


def sources(conf_dir: Path, config_name: str = "config") -> list[Source]:
    """The files of the composition in order (Hydra's: the defaults list, ``_self_`` where it
    stands, else last)."""
    root = conf_dir / f"{config_name}.yaml"
    defaults = (io.parse_yaml(root.read_text(encoding="utf-8")) or {}).get("defaults", [])
    out = []
    for entry in [*defaults, *([] if "_self_" in defaults else ["_self_"])]:
        if entry == "_self_":
            out.append(Source(root, ()))
        elif isinstance(entry, dict) and len(entry) == 1:
            group, option = next(iter(entry.items()))
            path = conf_dir / str(group) / f"{option}.yaml"
            out.append(Source(path, _package(path, str(group))))
        else:
            raise ForecastopsError(f"{root}: defaults entry {entry!r} is not `group: option`")
    return out


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a line the file did not touch
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return y


def _load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8")) or CommentedMap()


def _reach(source: Source, data: Any, parts: list[str]) -> int:
    """How many leading parts of the key this file sets, its package counted (0: another
    package, or a global file that sets none of it)."""
    n = len(source.package)
    if tuple(parts[:n]) != source.package or len(parts) <= n:
        return 0
    depth = n
    for part in parts[n:]:
        if not isinstance(data, dict) or part not in data:
            break
        data, depth = data[part], depth + 1
    return depth


def locate(key: str, conf_dir: Path) -> Source:
    """The file that holds ``key`` (or the most of its path); ties go to the later file."""
    parts = key.split(".")
    best: tuple[int, Source] | None = None
    for source in sources(conf_dir):
        depth = _reach(source, _load(source.path), parts)
        if depth and (best is None or depth >= best[0]):
            best = (depth, source)
    if best is None:
        raise ForecastopsError(f"{key}: no file in {conf_dir}/ sets `{parts[0]}`")
    return best[1]


def _set(data: Any, parts: list[str], value: Any, where: str) -> None:
    node = data
    for i, part in enumerate(parts[:-1]):
        if part not in node:
            node[part] = CommentedMap()
        node = node[part]
        if not isinstance(node, dict):
            path = ".".join(parts[: i + 1])
            raise ForecastopsError(
                f"{where}: `{path}` is {node!r}, not a mapping: set the key it is computed from"
            )
    node[parts[-1]] = value


def _dump(data: Any) -> str:
    buf = textio.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def _edit(values: dict[str, Any], conf_dir: Path, originals: dict[Path, str]) -> None:
    """Write every value into its file, keeping each edited file's original text in ``originals``."""
    for key, value in values.items():
        source = locate(key, conf_dir)
        originals.setdefault(source.path, source.path.read_text(encoding="utf-8"))
        data = _load(source.path)
        _set(data, key.split(".")[len(source.package) :], value, f"{source.path} ({key})")
        io.write_text(source.path, _dump(data))


def restore(originals: dict[Path, str]) -> None:
    for path, text in originals.items():
        io.write_text(path, text)


def set_values(
    values: dict[str, Any], conf_dir: Path = Path("conf"), params_out: Path = Path("params.yaml")
) -> dict[Path, str]:
    """Put ``values`` (dotted key -> value) into ``conf/`` and recompose ``params_out``; returns
    the original text of every file it changed (``params_out`` included), for ``restore``."""
    originals: dict[Path, str] = {}
    try:
        _edit(values, conf_dir, originals)
        params = compose([], conf_dir)
        composed = flatten(params)
        missed = {k: composed.get(k) for k, v in flatten(values).items() if composed.get(k) != v}
        if missed:
            raise ForecastopsError(
                f"{conf_dir}/: the composition does not take {missed} from where they were "
                "written (a later file of the defaults list sets them)"
            )
    except ForecastopsError:
        restore(originals)
        raise
    if params_out.is_file():
        originals[params_out] = params_out.read_text(encoding="utf-8")
    io.write_text(params_out, dump(params))
    return originals
