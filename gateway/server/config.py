"""gunicorn settings for ``stampgate serve`` (``gunicorn -c python:gateway.server.config``)."""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import multiprocess

from gateway.api.proxies import exposure_warning
from gateway.config import Settings, default_address


def _default_workers() -> int:
    # The gateway waits on the database and the network more than it computes.
    return (os.cpu_count() or 1) * 2 + 1


bind = os.environ.get("STAMPGATE_BIND", default_address())
workers = int(os.environ.get("STAMPGATE_WORKERS", _default_workers()))
worker_class = "gateway.server.worker.ProblemThreadWorker"  # gthread, problem+json errors
threads = int(os.environ.get("STAMPGATE_THREADS", "4"))
timeout = 30
graceful_timeout = 30
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("STAMPGATE_LOG_LEVEL", "info").lower()
logger_class = "gateway.observability.gunicorn_logs.JsonGunicornLogger"
proc_name = "stampgate"


def child_exit(_server: Any, worker: Any) -> None:
    """Fold a dead worker's samples into the totals (prometheus multi-process mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def when_ready(server: Any) -> None:
    """Warn when the server faces the network with no proxy declared in front of it."""
    warning = exposure_warning(server.cfg.address, Settings().proxy_hops)
    if warning:
        server.log.warning(warning)
