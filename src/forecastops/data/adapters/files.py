"""A source file's text, checked before any parser sees it: decodable, no binary garbage, and for
line formats (csv, jsonl) whole lines only.

A line file that does not end with a newline was cut off mid-line (a crashed writer, a half copied
file): its last line is a partial record, and a cut-off number still parses (``12`` of ``1234``),
so the parsers never see it. It is kept aside as ``Partial`` (line number and text) for
``validate`` to report (rule ``truncated_file``). JSON Lines may omit the final newline: there a
last line that parses as a JSON object is a whole record. Control characters other than tab, CR
and LF (NUL padding after a crash, a binary file) are an error naming the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forecastops.config.sections.data import SourceSpec
from forecastops.data.adapters.text import shown
from forecastops.errors import ForecastopsError

# bytes no text source holds: C0 controls except tab, LF, CR; and DEL
BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _never_whole(_tail: str) -> bool:
    return False


def _json_object(tail: str) -> bool:
    try:
        return isinstance(json.loads(tail), dict)
    except (ValueError, RecursionError):  # not JSON, a huge number, or absurdly deep nesting
        return False


# line formats -> whether a last line without a newline is still a whole record
WHOLE_LAST_LINE: dict[str, Callable[[str], bool]] = {"csv": _never_whole, "jsonl": _json_object}


@dataclass(frozen=True)
class Partial:
    """The cut-off last line of a line file: not loaded, reported."""

    line: int  # 1-based line number in the file
    text: str  # as decoded (undecodable bytes replaced)


@dataclass
class SourceText:
    """A file's whole lines (``data`` as bytes, ``text`` decoded) and its cut-off last line."""

    path: Path
    data: bytes
    text: str
    partial: Partial | None


def newline_bytes(encoding: str) -> bytes:
    """``\\n`` in ``encoding`` without a byte order mark (utf-16, utf-8-sig write one first)."""
    one, two = "\n".encode(encoding), "\n\n".encode(encoding)
    return two[len(one) :]


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(newline_bytes(encoding), 0, exc.start) + 1
        raise ForecastopsError(
            f"{path}: line {line}: not {encoding} text ({exc.reason} at byte {exc.start})"
        ) from exc
    garbage = BINARY.search(text)
    if garbage:
        line = text.count("\n", 0, garbage.start()) + 1
        raise ForecastopsError(
            f"{path}: line {line}: binary garbage (control character "
            f"{garbage.group()!r}); a text source holds none (a crash or a bad copy?)"
        )
    return text


def _split_last_line(data: bytes, encoding: str, fmt: str) -> tuple[bytes, Partial | None]:
    """(the whole lines, the cut-off last line or None)."""
    newline = newline_bytes(encoding)
    if not data or data.endswith(newline):
        return data, None
    cut = data.rfind(newline)
    head, tail = (
        (b"", data) if cut < 0 else (data[: cut + len(newline)], data[cut + len(newline) :])
    )
    text = tail.decode(encoding, errors="replace")
    if WHOLE_LAST_LINE[fmt](text):
        return data, None
    return head, Partial(line=head.count(newline) + 1, text=text)


def require_content(src: SourceText, what: str) -> None:
    """A file without any record is an error, saying so when its only line was cut off."""
    if src.text.strip():
        return
    cut = src.partial
    only = f"; its only line ({cut.line}) was cut off: {shown(cut.text)}" if cut else ""
    raise ForecastopsError(f"{src.path}: empty file (no {what}){only}")


def read_source_text(path: Path, spec: SourceSpec) -> SourceText:
    """The file's checked text; a line format's cut-off last line split off."""
    try:
        newline_bytes(spec.encoding)
    except LookupError as exc:
        raise ForecastopsError(f"{path}: unknown encoding {spec.encoding!r} (params.yaml)") from exc
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ForecastopsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    partial = None
    if spec.format in WHOLE_LAST_LINE:
        data, partial = _split_last_line(data, spec.encoding, spec.format)
    return SourceText(path, data, _decode(path, data, spec.encoding), partial)
