"""Prometheus metrics: request counts and latencies by route and status.

Under gunicorn, ``stampgate serve`` sets ``PROMETHEUS_MULTIPROC_DIR`` so every worker writes
its samples to shared files and ``/metrics`` sums them across workers.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from gateway.api.proxies import is_loopback
from gateway.errors import DomainError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    """The HTTP metrics of one app, in a registry of its own."""

    def __init__(self) -> None:
        self._token: str | None = None
        self._proxy_hops = 0
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "stampgate_http_requests",
            "HTTP requests served, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stampgate_http_request_duration_seconds",
            "Time from request start to response, by method and route template.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        """The text format, summed over every worker process when running multi-process."""
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)

    def install(self, app: Flask, token: str | None = None, proxy_hops: int = 0) -> None:
        """Time every request and serve ``GET /metrics``: with ``token`` to whoever sends it as
        a bearer token, without one to loopback clients only."""
        self._token = token
        self._proxy_hops = proxy_hops
        app.before_request(self._start)
        app.after_request(self._observe)
        app.add_url_rule("/metrics", "metrics", self._serve, methods=["GET"])

    @staticmethod
    def _start() -> None:
        g.request_started = time.perf_counter()

    def _observe(self, response: Response) -> Response:
        started = g.get("request_started")
        # Route templates, never raw paths: ids in paths would explode the label space.
        route = request.url_rule.rule if request.url_rule else "unmatched"
        self.requests.labels(request.method, route, str(response.status_code)).inc()
        if started is not None:
            self.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    def _serve(self) -> Response:
        self._authorize()
        return Response(self.exposition(), content_type=CONTENT_TYPE_LATEST)

    def _authorize(self) -> None:
        if self._token is not None:
            scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                sent.strip().encode(), self._token.encode()
            ):
                raise DomainError(
                    "unauthorized",
                    "Send STAMPGATE_METRICS_TOKEN as a bearer token.",
                    challenge='Bearer realm="metrics"',
                )
            return
        # Through a proxy nobody declared, every client would look like loopback.
        undeclared_proxy = not self._proxy_hops and "X-Forwarded-For" in request.headers
        if undeclared_proxy or not is_loopback(request.remote_addr):
            raise DomainError(
                "forbidden",
                "/metrics answers loopback clients only; set STAMPGATE_METRICS_TOKEN to scrape "
                "it from elsewhere.",
            )
