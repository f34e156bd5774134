"""The rules every request input passes before a view sees it: body size, JSON shape, text.

One place for all of them: the JSON provider, the raw-body webhooks and the URL check all call
in here, so a body read any way is bounded, parsed and checked the same way.

- Bodies are cut off at ``STAMPGATE_MAX_BODY_BYTES`` also when they come chunked (no
  Content-Length): more answers 413 ``payload_too_large``, never a silently shortened body.
- JSON nested deeper than ``MAX_JSON_DEPTH`` is refused (400 ``malformed_json``) before the
  parser recurses into it.
- No string may hold a C0 control character or DEL (PostgreSQL cannot store NUL, and the rest
  hide in ids and codes pasted from elsewhere); JSON strings may keep tab, line feed and
  carriage return, which multi-line text needs. Query parameters and path segments are single
  lines. Refused with ``control_characters``: 422 in an API body, 400 in the URL or a webhook.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

from flask import Flask, Request, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import get_input_stream

from gateway.api.problems import reading_raw_input
from gateway.errors import DomainError
from gateway.text import spelled_out

MAX_JSON_DEPTH = 32
CONTROL_CODE = "control_characters"
CONTROL_MESSAGE = "must not contain control characters"
_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR are text
_IN_LINE = re.compile("[\x00-\x1f\x7f]")
# Escapes that decode to a refused character (when the run of backslashes before the letter
# is odd, the last one escapes it); DEL may also come raw.
_CONTROL_ESCAPE = re.compile(r"(\\+)(?:[bf]|u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])|u007[fF])")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")
_TOO_MANY_OPENERS = re.compile(r"[\[{]{" + str(MAX_JSON_DEPTH + 1) + "}")
_READ_SIZE = 64 * 1024
_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
Loc = tuple[str | int, ...]


class BoundedRequest(Request):
    """A request whose body stream never yields more than ``max_content_length`` bytes.

    Werkzeug bounds a streamed body (``Transfer-Encoding: chunked``) by stopping at the
    limit, so an oversized body reads as a shorter one; here it is read to one byte past the
    limit first, and a body that has it is refused whole.
    """

    @cached_property
    def stream(self) -> IO[bytes]:
        """The body: as werkzeug gives it, or the whole streamed body once it is known to fit."""
        limit = self.max_content_length
        if limit is None or self.content_length is not None or not self._streamed:
            return get_input_stream(self.environ, max_content_length=limit)
        return io.BytesIO(_read_at_most(self.environ["wsgi.input"], limit))

    @property
    def _streamed(self) -> bool:
        # The WSGI server marks a body it ends itself (chunked); others cannot be read safely.
        return bool(self.environ.get("wsgi.input_terminated"))


def _read_at_most(stream: IO[bytes], limit: int) -> bytes:
    body = bytearray()
    while chunk := stream.read(min(_READ_SIZE, limit + 1 - len(body))):
        body += chunk
        if len(body) > limit:
            raise RequestEntityTooLarge()
    return bytes(body)


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
    _refuse([list(loc) for loc in _control_characters(value, ())])


def _control_characters(value: Any, loc: Loc) -> Iterator[Loc]:
    if isinstance(value, str):
        if _IN_TEXT.search(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if _IN_TEXT.search(key):
                yield (*loc, key)
            yield from _control_characters(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _control_characters(item, (*loc, index))


def _refuse(places: list[list[str | int]]) -> None:
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


def refuse_control_characters_in_url() -> None:
    """Query parameters and path segments are single lines: any control character is refused."""
    places: list[list[str | int]] = []
    for key, value in request.args.items(multi=True):
        if _IN_LINE.search(key) or _IN_LINE.search(value):
            places.append(["query", key])
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and _IN_LINE.search(value):
            places.append(["path", key])
    if request.mimetype in _FORMS:
        for key, value in request.form.items(multi=True):
            if _IN_LINE.search(key) or _IN_TEXT.search(value):
                places.append(["form", key])
    _refuse(places)


def install_input_rules(app: Flask) -> None:
    """Bound every body; check every URL before the blueprints' hooks (authentication) run."""
    app.request_class = BoundedRequest
    app.before_request(reading_raw_input()(refuse_control_characters_in_url))
