"""The rules every input passes, read any way: JSON shape and text without control characters.

The JSON provider, the raw-body webhooks and the URL check (``gateway.api.request_rules``, which
also bounds the body) all call in here, so an input is parsed and checked the same way.

- JSON nested deeper than ``MAX_JSON_DEPTH`` is refused (400 ``malformed_json``) before the
  parser recurses into it.
- No string may hold a C0 control character or DEL (PostgreSQL cannot store NUL, and the rest
  hide in ids and codes pasted from elsewhere); JSON strings may keep tab, line feed and
  carriage return, which multi-line text needs. Query parameters and path segments are single
  lines. Refused with ``control_characters``: 422 in an API body, 400 in the URL or a webhook.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from gateway.errors import DomainError
from gateway.text import spelled_out

MAX_JSON_DEPTH = 32
CONTROL_CODE = "control_characters"
CONTROL_MESSAGE = "must not contain control characters"
IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are text
IN_LINE = re.compile("[\x00-\x1f\x7f]")
# Escapes that decode to a refused character (when the run of backslashes before the letter
# is odd, the last one escapes it); DEL may also come raw.
_CONTROL_ESCAPE = re.compile(r"(\\+)(?:[bf]|u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])|u007[fF])")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")
_TOO_MANY_OPENERS = re.compile(r"[\[{]{" + str(MAX_JSON_DEPTH + 1) + "}")
Loc = tuple[str | int, ...]


def parse_json(data: str | bytes) -> Any:
    """Parse request JSON: bounded nesting, no NaN/Infinity, no control characters in strings.

    Invalid JSON raises ``ValueError`` (callers answer ``malformed_json``); too deep a document
    and control characters raise the domain error directly.
    """
    text = (
        data.decode(json.detect_encoding(data), "surrogatepass")
        if isinstance(data, bytes)
        else data
    )
    if _too_deep(text):
        raise DomainError(
            "malformed_json", f"The JSON is nested deeper than {MAX_JSON_DEPTH} levels."
        )
    value = json.loads(text, parse_constant=_reject_constant)
    if _may_hold_control_characters(text):  # only then is the value walked, to name fields
        refuse_control_characters(value)
    return value


def _may_hold_control_characters(text: str) -> bool:
    if "\x7f" in text:
        return True
    return any(len(match.group(1)) % 2 == 1 for match in _CONTROL_ESCAPE.finditer(text))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _too_deep(text: str) -> bool:
    # Only the brackets outside strings nest. Emptied pairs are dropped round by round, one
    # round per level at C speed: a document that empties within MAX_JSON_DEPTH rounds is
    # shallow enough. Anything else (deep, or not balanced) is counted bracket by bracket.
    structure = _NOT_A_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    reduced = structure
    for _ in range(MAX_JSON_DEPTH):
        if _TOO_MANY_OPENERS.search(reduced):
            return True
        reduced, dropped = _EMPTY_PAIR.subn("", reduced)
        if not dropped:
            break
    return bool(reduced) and _deeper_than_allowed(structure)


def _deeper_than_allowed(structure: str) -> bool:
    depth = 0
    for bracket in structure:
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
        if depth < 0:
            return False  # unbalanced: the parser stops here, no deeper than counted so far
    return False


def refuse_control_characters(value: Any) -> None:
    """Refuse a parsed JSON value whose keys or strings hold control characters."""
    refuse_places([list(loc) for loc in _control_characters(value, ())])


def _control_characters(value: Any, loc: Loc) -> Iterator[Loc]:
    if isinstance(value, str):
        if IN_TEXT.search(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if IN_TEXT.search(key):
                yield (*loc, key)
            yield from _control_characters(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_characters(item, (*loc, index))


def refuse_places(places: list[list[str | int]]) -> None:
    """Refuse the input if any place (a field's location) holds control characters."""
    if not places:
        return
    errors = [
        {
            "loc": [spelled_out(str(part)) for part in loc],
            "msg": CONTROL_MESSAGE,
            "type": CONTROL_CODE,
        }
        for loc in places
    ]
    fields = "1 field" if len(places) == 1 else f"{len(places)} fields"
    detail = f"{fields} {CONTROL_MESSAGE} (JSON text may hold tab, line feed and carriage return)."
    raise DomainError(CONTROL_CODE, detail, errors=errors)
