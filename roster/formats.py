"""Reading and writing the roster interchange format (../shared/roster-format.md).

This module knows the *shape* of the format: which fields exist, how each is
written in JSON Lines and in CSV, and how a file is split into numbered
records. Whether a value is *acceptable* (lengths, codes, ranges) is decided by
the model validators, so the rules live in one place.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from core.vocabulary import LANGUAGE_LEVELS


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    LIST = "list"
    LANGUAGES = "languages"


# Field order is the format's table order; exports write columns in this order.
VOLUNTEER_FIELDS: Mapping[str, Kind] = {
    "external_id": Kind.TEXT,
    "full_name": Kind.TEXT,
    "email": Kind.TEXT,
    "headline": Kind.TEXT,
    "summary": Kind.TEXT,
    "skills": Kind.LIST,
    "languages": Kind.LANGUAGES,
    "education": Kind.TEXT,
    "years_experience": Kind.INTEGER,
    "residence_country": Kind.TEXT,
    "heritage_countries": Kind.LIST,
    "available_from": Kind.DATE,
    "available_until": Kind.DATE,
    "on_site_ok": Kind.BOOLEAN,
    "gender": Kind.TEXT,
}

VACANCY_FIELDS: Mapping[str, Kind] = {
    "external_id": Kind.TEXT,
    "title": Kind.TEXT,
    "host_institution": Kind.TEXT,
    "country": Kind.TEXT,
    "location": Kind.TEXT,
    "sector": Kind.TEXT,
    "description": Kind.TEXT,
    "required_skills": Kind.LIST,
    "preferred_skills": Kind.LIST,
    "required_languages": Kind.LANGUAGES,
    "min_education": Kind.TEXT,
    "min_years_experience": Kind.INTEGER,
    "start_date": Kind.DATE,
    "end_date": Kind.DATE,
    "on_site": Kind.BOOLEAN,
    "positions": Kind.INTEGER,
}

FORMATS = ("jsonl", "csv")

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_TRIGGERS = ("=", "+", "-", "@")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_. -]{1,64}$")


@dataclass(frozen=True)
class Rejection:
    """One reason a line was not imported."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        # Line 0 is the file as a whole (its name, or the command's arguments).
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.field}: {self.reason}"


@dataclass
class Record:
    """One numbered record of a file: typed values, or why they could not be read."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Rejection] = field(default_factory=list)


class FileError(Exception):
    """The file as a whole cannot be read (encoding, header, emptiness)."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(str(rejection))
        self.rejection = rejection


class _ValueError(Exception):
    pass


def format_of(filename: str) -> str:
    """``jsonl`` or ``csv`` from a file name's extension."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise FileError(Rejection(0, "file", f"cannot tell the format of {filename!r}: name it .jsonl or .csv"))
    return suffix


def read_records(data: bytes, *, fmt: str, fields: Mapping[str, Kind]) -> list[Record]:
    """Split a file into numbered records of typed values.

    Raises FileError when the whole file is unreadable; a problem confined to
    one line is reported on that line's record instead.
    """
    text = _decode(data)
    if not text.strip():
        raise FileError(Rejection(1, "file", "is empty: no header and no records"))
    if fmt == "jsonl":
        return _read_jsonl(text, fields)
    if fmt == "csv":
        return _read_csv(text, fields)
    raise FileError(Rejection(0, "file", f"unknown format {fmt!r}; use jsonl or csv"))


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileError(Rejection(1, "file", "is UTF-16; save it as UTF-8"))
    try:
        # utf-8-sig: spreadsheet programs often put a byte-order mark first.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise FileError(
            Rejection(line, "file", f"is not UTF-8 (byte 0x{byte:02x} on this line); save the file as UTF-8")
        ) from None


def _safe_name(name: str) -> str:
    """A field name fit to echo back in a report (an unknown key may be anything)."""
    return name if _PLAIN_NAME.match(name) else repr(name)[:80]


# --- JSON Lines -------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _read_jsonl(text: str, fields: Mapping[str, Kind]) -> list[Record]:
    records = []
    # Split on "\n" only: str.splitlines() would also split on U+2028 and
    # friends, which JSON allows unescaped inside strings.
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        record = Record(line=number)
        records.append(record)
        try:
            obj = json.loads(raw, object_pairs_hook=_no_duplicate_keys)
        except _DuplicateKey as exc:
            record.errors.append(Rejection(number, _safe_name(exc.key), "appears twice in the record"))
            continue
        except json.JSONDecodeError as exc:
            record.errors.append(Rejection(number, "record", f"is not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except RecursionError:
            record.errors.append(Rejection(number, "record", "is nested too deeply"))
            continue
        if not isinstance(obj, dict):
            record.errors.append(Rejection(number, "record", "must be a JSON object"))
            continue
        for key, value in obj.items():
            if key not in fields:
                record.errors.append(Rejection(number, _safe_name(key), "is not a field of the roster format"))
                continue
            if value is None:  # null is the same as leaving the field out
                continue
            try:
                record.values[key] = _from_json(fields[key], value)
            except _ValueError as exc:
                record.errors.append(Rejection(number, key, str(exc)))
    return records


def _from_json(kind: Kind, value: Any) -> Any:
    if kind is Kind.TEXT:
        if not isinstance(value, str):
            raise _ValueError("must be a string")
        return value.strip()
    if kind is Kind.INTEGER:
        # bool is an int in Python; true is not a number of years.
        if not isinstance(value, int) or isinstance(value, bool):
            raise _ValueError("must be a whole number")
        return value
    if kind is Kind.BOOLEAN:
        if not isinstance(value, bool):
            raise _ValueError("must be true or false")
        return value
    if kind is Kind.DATE:
        if not isinstance(value, str):
            raise _ValueError("must be a date written YYYY-MM-DD")
        return _parse_date(value.strip())
    if kind is Kind.LIST:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _ValueError("must be a list of strings")
        return [item.strip() for item in value]
    if kind is Kind.LANGUAGES:
        if not isinstance(value, dict):
            raise _ValueError('must be an object of ISO 639-1 code to level, e.g. {"so": "native"}')
        return {code.strip(): level.strip() if isinstance(level, str) else level for code, level in value.items()}
    raise AssertionError(kind)


def _parse_date(value: str) -> date:
    # date.fromisoformat alone would also take "20270301" and "2027-W10-1".
    if not _DATE.match(value):
        raise _ValueError("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _ValueError(f"{value!r} is not a calendar date") from None


# --- CSV --------------------------------------------------------------------


def _read_csv(text: str, fields: Mapping[str, Kind]) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise FileError(Rejection(1, "file", f"has an unreadable header ({exc})")) from None
    _check_header(header, fields)

    records = []
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            # A broken quote swallows the rest of the file; nothing after it can be trusted.
            records.append(Record(line=start, errors=[Rejection(start, "record", f"is not valid CSV ({exc})")]))
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        record = Record(line=start)
        records.append(record)
        if len(row) != len(header):
            record.errors.append(Rejection(start, "record", f"has {len(row)} cells but the header has {len(header)}"))
            continue
        for name, cell in zip(header, row, strict=True):
            cell = _unneutralise(cell.strip())
            if not cell:  # an empty cell is an absent field
                continue
            try:
                record.values[name] = _from_cell(fields[name], cell)
            except _ValueError as exc:
                record.errors.append(Rejection(start, name, str(exc)))
    return records


def _check_header(header: list[str], fields: Mapping[str, Kind]) -> None:
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            raise FileError(Rejection(1, "file", f"column {position} has no name"))
        if name not in fields:
            raise FileError(Rejection(1, _safe_name(name), "is not a field of the roster format"))
        if name in seen:
            raise FileError(Rejection(1, name, "is a column twice"))
        seen.add(name)


def _from_cell(kind: Kind, cell: str) -> Any:
    if kind is Kind.TEXT:
        return cell
    if kind is Kind.INTEGER:
        if not _INTEGER.match(cell):
            raise _ValueError("must be a whole number")
        return int(cell)
    if kind is Kind.BOOLEAN:
        if cell.lower() not in ("true", "false"):
            raise _ValueError("must be true or false")
        return cell.lower() == "true"
    if kind is Kind.DATE:
        return _parse_date(cell)
    if kind is Kind.LIST:
        return [item.strip() for item in cell.split(";") if item.strip()]
    if kind is Kind.LANGUAGES:
        languages: dict[str, str] = {}
        for item in filter(None, (piece.strip() for piece in cell.split(";"))):
            code, colon, level = item.partition(":")
            if not colon:
                raise _ValueError(f"write each language as code:level, e.g. so:native (got {item!r})")
            code = code.strip()
            if code in languages:
                raise _ValueError(f"language {code!r} is given twice")
            languages[code] = level.strip()
        return languages
    raise AssertionError(kind)


def _unneutralise(cell: str) -> str:
    """Undo ``_neutralise``: drop the one quote put before a formula trigger."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _neutralise(cell: str) -> str:
    """Prefix a quote so a spreadsheet shows the cell as text, not a formula.

    Cells that already start with quotes before a trigger get one more, so
    that ``_unneutralise`` gives back exactly what was exported.
    """
    if cell.lstrip("'").startswith(_FORMULA_TRIGGERS):
        return "'" + cell
    return cell


# --- Writing ----------------------------------------------------------------


def _is_absent(value: Any) -> bool:
    return value is None or value in ("", [], {})


_LEVEL_RANK = {level: rank for rank, level in enumerate(LANGUAGE_LEVELS)}


def _languages_in_order(value: Mapping[str, str]) -> list[tuple[str, str]]:
    # PostgreSQL's jsonb keeps no key order, so write the strongest language
    # first (then by code): the same file from SQLite and PostgreSQL alike.
    return sorted(value.items(), key=lambda item: (-_LEVEL_RANK.get(item[1], -1), item[0]))


def _to_json(kind: Kind, value: Any) -> Any:
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.LANGUAGES:
        return dict(_languages_in_order(value))
    return value


def _to_cell(kind: Kind, value: Any) -> str:
    if _is_absent(value):
        return ""
    if kind is Kind.BOOLEAN:
        text = "true" if value else "false"
    elif kind is Kind.DATE:
        text = value.isoformat()
    elif kind is Kind.LIST:
        text = ";".join(value)
    elif kind is Kind.LANGUAGES:
        text = ";".join(f"{code}:{level}" for code, level in _languages_in_order(value))
    else:
        text = str(value)
    return _neutralise(text)


def write_records(rows: Iterable[Mapping[str, Any]], *, fmt: str, fields: Mapping[str, Kind]) -> Iterator[str]:
    """Serialise records (field name to Python value) as JSON Lines or CSV, a chunk at a time.

    Absent values (None, empty text, empty list or object) are left out of
    JSON Lines and written as empty cells in CSV: both read back as absent.
    """
    if fmt == "jsonl":
        for row in rows:
            obj = {name: _to_json(kind, row[name]) for name, kind in fields.items() if not _is_absent(row.get(name))}
            yield json.dumps(obj, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(fields)
        for row in rows:
            writer.writerow([_to_cell(kind, row.get(name)) for name, kind in fields.items()])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    else:
        raise ValueError(f"unknown format {fmt!r}")
