"""Browser security headers on every response: no sniffing, no framing, no referrer leaks, and
a Content-Security-Policy (strict for HTML pages: scripts only from the gateway itself)."""

from __future__ import annotations

from flask import Flask, Response


def html_policy(*style_sources: str, image_sources: tuple[str, ...] = ()) -> str:
    """The policy of an HTML page: everything from the gateway only, no inline script ever.

    ``style_sources`` adds hashes of inline style elements a page is known to need;
    ``image_sources`` where else its images may come from.
    """
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            " ".join(["style-src 'self'", *style_sources]),
            # The Swagger UI's stylesheet draws its icons as data: images.
            " ".join(["img-src 'self' data:", *image_sources]),
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


HTML_POLICY = html_policy()
# Anything else (JSON, problems, images, CSV) is never a page: it may load nothing.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def add_security_headers(response: Response) -> Response:
    """Set the headers a view did not set itself."""
    for name, value in COMMON.items():
        response.headers.setdefault(name, value)
    policy = HTML_POLICY if response.mimetype == "text/html" else OTHER_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    return response


def install_security_headers(app: Flask) -> None:
    """Add the security headers to every response, errors included."""
    app.after_request(add_security_headers)
