"""Pictures on the customer's pages: a code as a QR code or Code 128 barcode, served under the
page's own token."""

from __future__ import annotations

import hashlib

from flask import Response, request

from gateway.loyalty.vouchers.images import RENDERERS

# The picture is the customer's own; a pool voucher's picture changes once it gets its code.
_PICTURE_CACHE = "private, max-age=300"


def picture(text: str, kind: str) -> Response:
    """``text`` drawn as ``kind`` (``qr.svg``, ``barcode.svg``), conditional on its ETag."""
    render, content_type = RENDERERS[kind]
    response = Response(render(text), content_type=content_type)
    response.set_etag(hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest())
    response.headers["Cache-Control"] = _PICTURE_CACHE
    response.make_conditional(request)
    return response
