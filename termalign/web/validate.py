"""What a request may bring, checked before anything reaches the term base.

Every JSON-taking endpoint declares its fields (`Field`) and calls `json_object`; query
parameters go through `text_arg`, `choice_arg` and `int_arg`. Anything else — a NUL or a lone surrogate in a
term, a number where text belongs, `NaN`, a body nested 100,000 deep, `limit=-1` — is a
`UserError` (400 with a one-line reason), never text stored as Python's repr of it, and never a
500 from deep inside SQLite or the JSON encoder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Mapping

from flask import request

from termalign.errors import UserError, check_chars



@dataclass(frozen=True)
class Field:
    """One JSON field: its type (`str` or `int`), whether it must be there, whether null is allowed."""

    kind: type
    required: bool = False
    nullable: bool = False
    max_len: int = 1000


def check_text(value: str, name: str, max_len: int = 1000) -> str:
    """`value` unless it holds a character no term can hold or is longer than `max_len`."""
    check_chars(value, name)
    if len(value) > max_len:
        raise UserError(f"{name} is too long: {len(value)} characters, at most {max_len}")
    return value


def text_arg(name: str, default: str = "", max_len: int = 200, form: bool = False) -> str:
    """A query parameter (a form field with `form`) as clean text, stripped."""
    return check_text((request.form if form else request.args).get(name, default), name, max_len).strip()


def choice_arg(name: str, choices: Iterable[str], default: str = "") -> str:
    """A query parameter that must be one of `choices` (or absent -> `default`): a misspelt
    value is a 400 that names the choices, not a silently different answer."""
    value = text_arg(name, default)
    allowed = list(choices)
    if value != default and value not in allowed:
        raise UserError(f"{name} must be one of {', '.join(allowed)}, not {value[:40]!r}")
    return value


def int_arg(name: str, default: int | None, lo: int, hi: int) -> int | None:
    """A query parameter as an integer in [lo, hi]; absent -> `default`; anything else is a 400."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"[+-]?\d{1,18}", raw.strip()):
        raise UserError(f"{name} must be a whole number, not {raw[:40]!r}")
    value = int(raw)
    if not lo <= value <= hi:
        raise UserError(f"{name} must be between {lo} and {hi}, not {value}")
    return value


def _reject_constant(name: str) -> Any:
    raise UserError(f"JSON {name} is not a number termalign accepts")


def parse_json(data: bytes) -> Any:
    """A request body as JSON: UTF-8, no NaN/Infinity; too deep a nesting is a UserError, not a crash."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"the body is not UTF-8 (byte {e.start})") from e
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError as e:
        raise UserError("the JSON body is nested too deeply") from e
    except ValueError as e:
        raise UserError(f"the body is not valid JSON ({str(e).splitlines()[0][:120]})") from e


def check_fields(body: Any, fields: Mapping[str, Field], example: str) -> dict:
    """`body` if it is an object whose keys are `fields`, each of its declared type; else a UserError."""
    if not isinstance(body, dict):
        raise UserError(f"expected a JSON object such as {example}")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise UserError(f"unknown field {unknown[0]!r}: expected {', '.join(fields)}")
    for name, f in fields.items():
        if name not in body:
            if f.required:
                raise UserError(f"missing field {name!r}, e.g. {example}")
            continue
        v = body[name]
        if v is None and f.nullable:
            continue
        # bool is an int to Python, not to a client
        if not isinstance(v, f.kind) or isinstance(v, bool):
            raise UserError(f"{name} must be {_KIND_NAMES[f.kind]}, not {_json_type(v)}")
        if isinstance(v, str):
            check_text(v, name, f.max_len)
    return body


def json_object(fields: Mapping[str, Field], example: str) -> dict:
    """The request's JSON body, checked against `fields` (what every JSON endpoint calls)."""
    if not request.is_json:
        raise UserError(f"send a JSON body (Content-Type: application/json) such as {example}")
    return check_fields(parse_json(request.get_data(cache=True)), fields, example)


_KIND_NAMES = {str: "text", int: "an integer"}


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(type(v), type(v).__name__)
