"""Dependency checks behind ``/readyz``."""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


def _database(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("database not ready", extra={"error": str(exc)})
        return "unreachable"
    return "ok"


def _redis(client: Redis) -> str:
    try:
        client.ping()
    except RedisError as exc:
        log.warning("redis not ready", extra={"error": str(exc)})
        return "unreachable"
    return "ok"


def check_readiness(engine: Engine, redis: Redis | None) -> dict[str, str]:
    """``{"database": "ok" | "unreachable", "redis": ...}``; Redis only when configured."""
    checks = {"database": _database(engine)}
    if redis is not None:
        checks["redis"] = _redis(redis)
    return checks
