"""Form errors on pages: the API's own validation messages, placed beside their field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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
    if isinstance(exc, ValidationError):
        return validation_errors(exc, lambda loc: str(loc[0]) if loc else "", known)
    errors = FormErrors()
    name, separator, message = exc.detail.partition(": ")
    if separator and name in known:
        _place(errors, known, name, message)
    else:
        errors.general.append(exc.detail)
    return errors


def validation_errors(
    exc: ValidationError, name_of: Callable[[Sequence[int | str]], str], known: set[str] | None
) -> FormErrors:
    """The API's validation messages, each beside the field ``name_of`` its location names
    (any field when ``known`` is None); beside its field a message need not repeat its name."""
    errors = FormErrors()
    for error in exc.errors(include_url=False, include_input=False):
        place = validation.locate(None, error["loc"])
        text = validation.message(error, place, "form")
        name = name_of(error["loc"])
        if not name or (known is not None and name not in known):
            errors.general.append(text)
            continue
        label = validation.field_label(place.loc, "form")
        rest = text[len(label) :].lstrip(": ") if text.startswith(label) else text
        if rest.startswith(("is ", "must ", "has ", "needs ")):
            rest = f"this field {rest}"
        errors.fields.setdefault(name, rest[:1].upper() + rest[1:])
    return errors


def _place(errors: FormErrors, known: set[str], name: str, message: str) -> None:
    if name in known:
        errors.fields.setdefault(name, message[:1].upper() + message[1:])
    else:
        errors.general.append(f"{name}: {message}" if name else message)
