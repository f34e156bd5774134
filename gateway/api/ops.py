"""Operations routes: liveness, readiness."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_openapi3.blueprint import APIBlueprint
from flask_openapi3.models.tag import Tag
from pydantic import BaseModel

from gateway.api.openapi_docs import operation_id, problem_responses
from gateway.api.readiness import check_readiness
from gateway.errors import DomainError
from gateway.examples import example
from gateway.extensions import extensions

ops = APIBlueprint(
    "ops", __name__, abp_tags=[Tag(name="Operations")], operation_id_callback=operation_id
)


class Health(BaseModel):
    """The process is up."""

    model_config = example({"status": "ok"})

    status: str


class Readiness(BaseModel):
    """Each dependency and whether it answered."""

    model_config = example({"status": "ok", "checks": {"database": "ok", "redis": "ok"}})

    status: str
    checks: dict[str, str]


@ops.get("/healthz", responses={200: Health})
def healthz() -> dict[str, Any]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@ops.get("/readyz", responses={200: Readiness, **problem_responses("not_ready")})
def readyz() -> dict[str, Any]:
    """Readiness: the database, and Redis when configured, answer."""
    ext = extensions()
    checks = check_readiness(ext.engine, ext.redis)
    if any(result != "ok" for result in checks.values()):
        raise DomainError("not_ready", "A dependency is not reachable.", checks=checks)
    return {"status": "ready", "checks": checks}


def install_ops(app: Flask) -> None:
    """Register the operations routes."""
    app.register_api(ops)  # type: ignore[attr-defined]
