"""gunicorn's error and access logs as JSON lines, like the app's own."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from gunicorn.glogging import Logger

from gateway.observability.logs import REQUEST_ID_HEADER, JsonFormatter


def redacted_query(query: str) -> list[str] | None:
    """The parameter names of a query string, each once, in order; values (phone numbers,
    e-mail addresses, OAuth codes) are never logged."""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True) if name]
    return list(dict.fromkeys(names)) or None


class JsonGunicornLogger(Logger):  # type: ignore[misc]
    """Error log through the app's JSON formatter; one JSON object per access."""

    def setup(self, cfg: Any) -> None:
        """Let gunicorn set up its handlers, then make them speak JSON."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Write the access line for one finished request."""
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = {name.lower(): value for name, value in resp.headers}
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "info",
            "logger": "gunicorn.access",
            "message": "request",
            "method": req.method,
            "path": req.path,
            "query_params": redacted_query(req.query),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "remote": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "request_id": headers.get(REQUEST_ID_HEADER.lower()),
        }
        self.access_log.info(json.dumps(entry))
