r"""How werkmatch records are written as CSV rows, and read back.

The CSV format
--------------

UTF-8 (a byte-order mark is allowed), comma-separated, double quotes around a value that holds
a comma, quote or line break (standard CSV). The first line is the header; column names are
the record's field names (see :mod:`features.records`), in any order. Export writes every column
in field order, with ``\n`` line ends; import accepts ``\r\n`` too.

* **Scalar fields** (text, numbers, dates, enums): one column each. An empty cell means "not
  given": the field takes its default (``None`` for optional fields). Booleans are ``true`` /
  ``false`` (``1``/``0``, ``yes``/``no``, ``ja``/``nee`` are read too). Dates ``2025-03-01``,
  times ``05:30:00``, moments ``2025-03-01T09:15:00`` (ISO 8601, optionally with an offset).
* **List fields** (``skills``, ``driving_licences``, ``transport_modes``, ``restrictions``, ...):
  one column, items separated by ``;``. An empty cell is an empty list; empty items are
  dropped (so a trailing ``;`` does no harm)::

      skills: heftruck rijden;klantcontact;Excel
* **work_history**: items separated by ``;``, the parts of an item by ``|`` in this fixed order,
  trailing empty parts left off::

      title|years|isco|esco_uri|end_year
      work_history: Magazijnmedewerker|3.5|9321|http://data.europa.eu/esco/occupation/...|2021;Schoonmaker|1

* **languages**: items separated by ``;``, each ``language:level``::

      languages: nl:native;en:B1;ar:native
* **protected attributes** of a candidate (stored apart, for the fairness audit only): columns
  ``protected.birth_year``, ``protected.gender``, ``protected.nationality``,
  ``protected.migration_background``. They may be left out of an import file.

Inside list and nested columns a backslash escapes the separators: ``\;`` is a literal ``;``,
``\|`` a literal ``|`` and ``\\`` a literal backslash (``Hout\; metaal`` is one skill). A
backslash before any other character is kept as it is. Scalar columns are never escaped.

Export then import gives back the same records, so export → import → export is byte-identical.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from features.errors import FieldProblem, UnusableFileError
from features.records import RECORD_TYPES, Record

__all__ = [
    "CsvColumn",
    "check_header",
    "columns",
    "decode_row",
    "encode_record",
    "header",
]

ColumnKind = Literal["scalar", "list", "nested"]

# Nested list fields: the order of the parts of one item and the separator between them.
_NESTED: dict[str, tuple[tuple[str, ...], str]] = {
    "work_history": (("title", "years", "isco", "esco_uri", "end_year"), "|"),
    "languages": (("language", "level"), ":"),
}
_PROTECTED = "protected"
_ITEM_SEP = ";"
_ESCAPED = frozenset("\\;|")
_BOOL_WORDS = {"ja": "true", "j": "true", "nee": "false"}


@dataclass(frozen=True, slots=True)
class CsvColumn:
    """One CSV column: its header name, the record field it fills and how it is coded."""

    name: str
    field: str
    sub: str | None  # the sub-field for ``protected.x`` columns
    kind: ColumnKind
    is_bool: bool = False
    required: bool = False


def _is_bool(annotation: Any) -> bool:
    return annotation is bool or (
        typing.get_origin(annotation) in (typing.Union, types.UnionType)
        and bool in typing.get_args(annotation)
    )


@functools.cache
def columns(kind: str) -> tuple[CsvColumn, ...]:
    """The CSV columns of a kind of record, in export order."""
    try:
        model = RECORD_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(RECORD_TYPES)}") from None
    result: list[CsvColumn] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if name == _PROTECTED:
            sub_model = typing.cast(type[BaseModel], annotation)
            for sub, sub_info in sub_model.model_fields.items():
                result.append(
                    CsvColumn(
                        f"{_PROTECTED}.{sub}", name, sub, "scalar", _is_bool(sub_info.annotation)
                    )
                )
            continue
        if typing.get_origin(annotation) is list:
            (inner,) = typing.get_args(annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                if name not in _NESTED:  # a new nested field needs a documented coding first
                    raise RuntimeError(f"no CSV coding for nested field {kind}.{name}")
                result.append(CsvColumn(name, name, None, "nested"))
            else:
                result.append(CsvColumn(name, name, None, "list"))
            continue
        result.append(
            CsvColumn(name, name, None, "scalar", _is_bool(annotation), info.is_required())
        )
    return tuple(result)


def header(kind: str, *, protected: bool = True) -> list[str]:
    """The header row export writes for ``kind`` (``protected=False``: without protected.*)."""
    return [column.name for column in columns(kind) if protected or column.sub is None]


def check_header(kind: str, names: Sequence[str]) -> list[CsvColumn]:
    """The columns a file's header names, in file order.

    Raises :class:`UnusableFileError` naming unknown, repeated and missing required columns,
    because then no row of the file can be read right.
    """
    by_name = {column.name: column for column in columns(kind)}
    cleaned = [name.strip().lower() for name in names]
    if cleaned:
        cleaned[0] = cleaned[0].removeprefix("\ufeff")
    problems = []
    unknown = [name for name in cleaned if name not in by_name]
    if unknown:
        problems.append(
            "unknown columns: " + ", ".join(repr(n) for n in unknown)
            + f"; the {kind} columns are: " + ", ".join(by_name)
        )  # fmt: skip
    repeated = sorted({name for name in cleaned if cleaned.count(name) > 1})
    if repeated:
        problems.append("columns named more than once: " + ", ".join(repr(n) for n in repeated))
    missing = [c.name for c in columns(kind) if c.required and c.name not in cleaned]
    if missing:
        problems.append("missing required columns: " + ", ".join(repr(n) for n in missing))
    if problems:
        raise UnusableFileError("CSV header: " + "; ".join(problems))
    return [by_name[name] for name in cleaned]


# -- encoding ------------------------------------------------------------------------------------


def _scalar_text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _escape(text: str) -> str:
    if "\\" in text or ";" in text or "|" in text:
        return text.replace("\\", "\\\\").replace(";", "\\;").replace("|", "\\|")
    return text


def _encode_item(item: Mapping[str, Any], parts: tuple[str, ...], sep: str) -> str:
    texts = [_escape(_scalar_text(item.get(part))) for part in parts]
    while texts and texts[-1] == "":
        texts.pop()
    return sep.join(texts)


def encode_record(kind: str, record: Record, *, protected: bool = True) -> list[str]:
    """The CSV cells of one record, in :func:`header` order."""
    data = record.model_dump(mode="json")
    cells = []
    for column in columns(kind):
        value = data[column.field]
        if column.sub is not None:
            if protected:
                cells.append(_scalar_text(value[column.sub]))
        elif column.kind == "scalar":
            cells.append(_scalar_text(value))
        elif column.kind == "list":
            cells.append(_ITEM_SEP.join(_escape(_scalar_text(v)) for v in value))
        else:
            parts, sep = _NESTED[column.field]
            cells.append(_ITEM_SEP.join(_encode_item(item, parts, sep) for item in value))
    return cells


# -- decoding ------------------------------------------------------------------------------------


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped; escapes stay in the pieces."""
    if "\\" not in text:
        return text.split(sep)
    pieces, current, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == sep:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    pieces.append("".join(current))
    return pieces


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPED:
            out.append(text[i + 1])
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _decode_nested(field: str, cell: str, problems: list[FieldProblem]) -> list[dict[str, str]]:
    parts, sep = _NESTED[field]
    items = []
    for index, raw in enumerate(p for p in _split(cell, _ITEM_SEP) if p.strip()):
        pieces = _split(raw, sep)
        if len(pieces) > len(parts):
            problems.append(
                FieldProblem(
                    f"{field}.{index}",
                    f"{_unescape(raw)!r} has {len(pieces)} parts; expected at most "
                    f"{len(parts)}: {sep.join(parts)}",
                )
            )
            continue
        if field == "languages" and len(pieces) < 2:
            problems.append(
                FieldProblem(
                    f"{field}.{index}",
                    f"{_unescape(raw)!r} needs a level after a colon, e.g. nl:B1 or ar:native",
                )
            )
            continue
        items.append(
            {
                part: _unescape(piece)
                for part, piece in zip(parts, pieces, strict=False)
                if piece.strip()
            }
        )
    return items


def decode_row(
    columns_in_file: Sequence[CsvColumn], cells: Sequence[str]
) -> tuple[dict[str, Any] | None, list[FieldProblem]]:
    """The raw record mapping of one CSV row (to validate with ``validate_record``) and the
    problems found while splitting its cells (malformed nested items are left out of the
    mapping). With the wrong number of cells there is no mapping (``None``)."""
    problems: list[FieldProblem] = []
    if len(cells) != len(columns_in_file):
        problems.append(
            FieldProblem(
                "record",
                f"has {len(cells)} cells but the header has {len(columns_in_file)} columns "
                "(check the quoting)",
            )
        )
        return None, problems
    mapping: dict[str, Any] = {}
    for column, cell in zip(columns_in_file, cells, strict=True):
        if column.kind == "scalar":
            if not cell.strip():
                continue
            value: Any = cell
            if column.is_bool:
                value = _BOOL_WORDS.get(cell.strip().lower(), cell)
            if column.sub is not None:
                mapping.setdefault(column.field, {})[column.sub] = value
            else:
                mapping[column.field] = value
        elif column.kind == "list":
            mapping[column.field] = [
                _unescape(piece) for piece in _split(cell, _ITEM_SEP) if piece.strip()
            ]
        else:
            mapping[column.field] = _decode_nested(column.field, cell, problems)
    return mapping, problems
