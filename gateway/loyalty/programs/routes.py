"""Program routes: stamp cards, their rewards and stamp rules."""

from __future__ import annotations

from typing import Any

from flask_openapi3.models.tag import Tag

from gateway.api.guards import current_merchant_id, merchant_blueprint
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.loyalty.programs import service
from gateway.loyalty.programs.models import Program
from gateway.loyalty.programs.schemas import (
    ProgramCreate,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
    ProgramPath,
)
from gateway.loyalty.programs.warnings import ProgramWarning
from gateway.pagination import PageQuery

programs = merchant_blueprint(
    "programs", __name__, Tag(name="Programs", description="Stamp cards: goal, rewards, rules.")
)


def _out(program: Program, warnings: list[ProgramWarning] | None = None) -> dict[str, Any]:
    fields = {
        column: getattr(program, column)
        for column in ProgramOut.model_fields
        if column != "warnings"
    }
    return ProgramOut.model_validate({**fields, "warnings": warnings or []}).model_dump(mode="json")


@programs.post("/programs", responses={201: ProgramOut})
def create_program(body: ProgramCreate) -> tuple[dict[str, Any], int]:
    """Create a program; the answer lists warnings about an unusual set-up."""
    result = service.create_program(request_session(), current_merchant_id(), body)
    return _out(result.program, result.warnings), 201


@programs.get("/programs", responses={200: ProgramPage})
def list_programs(query: PageQuery) -> dict[str, Any]:
    """The merchant's programs, newest first."""
    page = service.list_programs(request_session(), current_merchant_id(), query)
    return {"items": [_out(program) for program in page.items], "next_cursor": page.next_cursor}


@programs.get("/programs/<program_id>", responses={200: ProgramOut, **problem_responses(404)})
def get_program(path: ProgramPath) -> dict[str, Any]:
    """Read a program."""
    return _out(service.get_program(request_session(), current_merchant_id(), path.program_id))


@programs.patch("/programs/<program_id>", responses={200: ProgramOut, **problem_responses(404)})
def update_program(path: ProgramPath, body: ProgramPatch) -> dict[str, Any]:
    """Change a program; changing what cards earn after cards exist is answered with a warning."""
    result = service.update_program(request_session(), current_merchant_id(), path.program_id, body)
    return _out(result.program, result.warnings)
