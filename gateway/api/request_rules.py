"""The rules every request passes before a view sees it: a bounded body, single-line URLs.

- Bodies are cut off at ``STAMPGATE_MAX_BODY_BYTES`` also when they come chunked (no
  Content-Length): more answers 413 ``payload_too_large``, never a silently shortened body.
- Query parameters, path segments and form fields hold no control characters (400
  ``control_characters``); the JSON rules are in ``gateway.inputs``.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Flask, Request, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import get_input_stream

from gateway.api.problems import reading_raw_input
from gateway.inputs import IN_LINE, IN_TEXT, refuse_places

_READ_SIZE = 64 * 1024


_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


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


def refuse_control_characters_in_url() -> None:
    """Query parameters and path segments are single lines: any control character is refused."""
    places: list[list[str | int]] = []
    for key, value in request.args.items(multi=True):
        if IN_LINE.search(key) or IN_LINE.search(value):
            places.append(["query", key])
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str) and IN_LINE.search(value):
            places.append(["path", key])
    if request.mimetype in _FORMS:
        for key, value in request.form.items(multi=True):
            if IN_LINE.search(key) or IN_TEXT.search(value):
                places.append(["form", key])
    refuse_places(places)


def install_input_rules(app: Flask) -> None:
    """Bound every body; check every URL before the blueprints' hooks (authentication) run."""
    app.request_class = BoundedRequest
    app.before_request(reading_raw_input()(refuse_control_characters_in_url))
