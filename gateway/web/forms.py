"""Form errors on pages: the API's own validation messages, placed beside their field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from gateway.api import validation
from gateway.errors import DomainError


@dataclass
class FormErrors:
    """Messages by field name, and those that belong to no single field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def errors_of(exc: DomainError | ValidationError, form_fields: Iterable[str]) -> FormErrors:
    """Where each message of ``exc`` goes on a form with ``form_fields``.

    Domain errors name their field the way the API's details do (``"email: ..."``).
    """
    known = set(form_fields)
    errors = FormErrors()
    if isinstance(exc, ValidationError):
        for error in exc.errors(include_url=False, include_input=False):
            name = str(error["loc"][0]) if error["loc"] else ""
            place = validation.locate(None, error["loc"])
            _place(errors, known, name, validation.message(error, place, "form"))
        return errors
    name, separator, message = exc.detail.partition(": ")
    if separator and name in known:
        _place(errors, known, name, message)
    else:
        errors.general.append(exc.detail)
    return errors


def _place(errors: FormErrors, known: set[str], name: str, message: str) -> None:
    if name in known:
        errors.fields.setdefault(name, message[:1].upper() + message[1:])
    else:
        errors.general.append(f"{name}: {message}" if name else message)
