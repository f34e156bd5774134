"""Warnings a program answer carries: allowed, but probably not what the merchant meant."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel

from gateway.enums import Meanings

WARNING_CODES: dict[str, str] = {
    "no_rules": "the program has no rules, so sales earn no stamps",
    "default_program": (
        "the merchant has several programs; says which one gets sales without program_id"
    ),
    "earning_changed": "what existing cards earn from now on has changed",
    "lottery_certain_outcome": "a lottery variant has a 100% probability",
    "lottery_mostly_no_prize": "a lottery's no_prize probability is above 50%",
}
WarningCode = Annotated[
    Literal[
        "no_rules",
        "default_program",
        "earning_changed",
        "lottery_certain_outcome",
        "lottery_mostly_no_prize",
    ],
    Meanings(WARNING_CODES, "What the warning is about (stable, for machines)."),
]


class ProgramWarning(BaseModel):
    """One warning: a stable ``code`` for machines and a ``detail`` that names the fix."""

    code: WarningCode
    detail: str


def warning(code: WarningCode, detail: str) -> ProgramWarning:
    """A warning with its stable code."""
    return ProgramWarning(code=code, detail=detail)
