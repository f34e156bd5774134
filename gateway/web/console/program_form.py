"""The program editor's form and the API's program body, in both directions.

Fields are named by path with ``-`` (``milestones-0-reward-description``); a reward's code
and validity are flattened (``reward-code_mode``, ``reward-validity_count``). Amounts are
typed in the currency's main unit (``2.50``) and stored in minor units, as the API takes them.
Only the fields of the type chosen in each select are read, so a hidden section's leftovers
never reach validation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

# Union tags pydantic puts into an error's location; they name no form field.
_TAGS = frozenset(
    {
        "award",
        "voucher",
        "lottery",
        "shared",
        "unique",
        "pool",
        "unlimited",
        "days",
        "months",
        "fixed_date",
        "per_sale",
        "per_item",
        "per_amount",
    }
)
_FLATTENED = frozenset({"code", "validity"})
_LISTS = re.compile(r"^rules-\d+-(products|categories)$")
MAX_ROWS = 100
Getter = Callable[[str], str]


def body_from_form(form: Mapping[str, str], exponent: int) -> dict[str, Any]:
    """The ``POST /v1/programs`` body the form describes (unvalidated)."""
    get = _getter(form)
    body: dict[str, Any] = {
        "name": get("name"),
        "stamps_goal": _number(get("stamps_goal")),
        "reward": _reward(get, "reward", prize_only=False),
        "milestones": [
            {"stamps": _number(get(f"{row}-stamps")), "reward": _reward(get, f"{row}-reward")}
            for row in rows(form, "milestones")
        ],
        "rules": [_rule(get, row, exponent) for row in rows(form, "rules")],
        "max_stamps_per_sale": _number(get("max_stamps_per_sale")),
        "stampless_when_redeeming": get("stampless_when_redeeming") == "on",
        "auto_enroll": get("auto_enroll") == "on",
    }
    return body


def _getter(form: Mapping[str, str]) -> Getter:
    return lambda name: str(form.get(name, "")).strip()


def rows(form: Mapping[str, str], prefix: str) -> list[str]:
    """The row prefixes present in the form (``rules-0``, ``rules-3``), in form order."""
    seen: dict[int, None] = {}
    for name in form:
        head, _, rest = name.partition(f"{prefix}-")
        index = rest.split("-", 1)[0]
        if not head and index.isdigit() and len(seen) < MAX_ROWS:
            seen.setdefault(int(index), None)
    return [f"{prefix}-{index}" for index in seen]


def _number(text: str) -> int | str | None:
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else text  # the API names a non-number


def _minor(text: str, exponent: int) -> int | str | None:
    if not text:
        return None
    try:
        return int(Decimal(text.replace(",", ".")).scaleb(exponent).to_integral_exact())
    except (InvalidOperation, ValueError):
        return text


def _rule(get: Getter, row: str, exponent: int) -> dict[str, Any]:
    kind = get(f"{row}-kind")
    rule: dict[str, Any] = {"kind": kind, "stamps": _number(get(f"{row}-stamps"))}
    if kind == "per_sale" and get(f"{row}-min_total"):
        rule["min_total"] = _minor(get(f"{row}-min_total"), exponent)
    elif kind == "per_item":
        rule["products"] = id_list(get(f"{row}-products"))
        rule["categories"] = id_list(get(f"{row}-categories"))
    elif kind == "per_amount":
        rule["every"] = _minor(get(f"{row}-every"), exponent)
    return rule


def id_list(text: str) -> list[str]:
    """The ids of a field typed as ``12, 13`` (one per line also), each once, in order."""
    parts = (part.strip() for part in text.replace("\n", ",").split(","))
    return list(dict.fromkeys(part for part in parts if part))


def form_values(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A posted form as one value per name: a rule's products and categories (ticked boxes
    and the typed ids share their name) are joined, any other field keeps its first value."""
    values: dict[str, str] = {}
    for name, value in items:
        if _LISTS.match(name) and name in values:
            values[name] = ", ".join(part for part in (values[name], value.strip()) if part)
        else:
            values.setdefault(name, value)
    return values


def reward_from_form(form: Mapping[str, str], prefix: str) -> dict[str, Any]:
    """One reward's fields of a form (an Award or a Voucher), as the API takes it."""
    return _reward(_getter(form), prefix, prize_only=True)


def _reward(get: Getter, prefix: str, prize_only: bool = False) -> dict[str, Any]:
    kind = get(f"{prefix}-type")
    if kind == "lottery" and not prize_only:
        return {
            "type": "lottery",
            "name": get(f"{prefix}-name"),
            "variants": _variants(get, prefix),
        }
    reward: dict[str, Any] = {"type": kind, "description": get(f"{prefix}-description")}
    if get(f"{prefix}-image_url"):
        reward["image_url"] = get(f"{prefix}-image_url")
    if kind == "voucher":
        reward["redemption"] = get(f"{prefix}-redemption")
        reward["code"] = _code(get, prefix)
        reward["validity"] = _validity(get, prefix)
    return reward


def _code(get: Getter, prefix: str) -> dict[str, Any] | None:
    mode = get(f"{prefix}-code_mode")
    if mode == "shared":
        return {"mode": mode, "value": get(f"{prefix}-code_value")}
    if mode == "unique":
        return {"mode": mode, "pattern": get(f"{prefix}-code_pattern")}
    if mode == "pool":
        return {"mode": mode, "pool_id": get(f"{prefix}-code_pool_id")}
    return None


def _validity(get: Getter, prefix: str) -> dict[str, Any]:
    kind = get(f"{prefix}-validity_kind") or "unlimited"
    if kind in {"days", "months"}:
        return {"kind": kind, "count": _number(get(f"{prefix}-validity_count"))}
    if kind == "fixed_date":
        return {"kind": kind, "date": get(f"{prefix}-validity_date")}
    return {"kind": "unlimited"}


def _variants(get: Getter, prefix: str) -> list[dict[str, Any]]:
    variants = []
    for index in range(MAX_ROWS):
        row = f"{prefix}-variants-{index}"
        kind = get(f"{row}-kind")
        if not kind:
            continue
        variant: dict[str, Any] = {
            "kind": kind,
            "probability": get(f"{row}-probability") or None,
            "name": get(f"{row}-name"),
            "greeting": get(f"{row}-greeting"),
        }
        if kind in {"award", "voucher"}:
            variant["reward"] = _reward(
                _with_type(get, f"{row}-reward", kind), f"{row}-reward", True
            )
        variants.append(variant)
    return variants


def _with_type(get: Getter, prefix: str, kind: str) -> Getter:
    # A prize's type is its variant's kind: the form does not ask twice.
    return lambda name: kind if name == f"{prefix}-type" else get(name)


def field_of(loc: Sequence[str | int]) -> str:
    """The form field an error at ``loc`` (pydantic's location) belongs beside."""
    parts: list[str] = []
    for segment in loc:
        text = str(segment)
        if text in _TAGS:
            continue
        if parts and parts[-1] in _FLATTENED:
            parts[-1] = f"{parts[-1]}_{text}"
            continue
        parts.append(text)
    if parts and parts[-1] in _FLATTENED:
        parts[-1] = f"{parts[-1]}_{'mode' if parts[-1] == 'code' else 'kind'}"
    return "-".join(parts)


def form_from_program(fields: Mapping[str, Any], exponent: int) -> dict[str, str]:
    """The form's values for a stored program (the inverse of ``body_from_form``)."""
    values: dict[str, str] = {
        "name": str(fields["name"]),
        "stamps_goal": str(fields["stamps_goal"]),
        "max_stamps_per_sale": _text(fields.get("max_stamps_per_sale")),
        "stampless_when_redeeming": "on" if fields.get("stampless_when_redeeming") else "",
        "auto_enroll": "on" if fields.get("auto_enroll") else "",
    }
    _reward_values(values, "reward", fields["reward"])
    for index, milestone in enumerate(fields.get("milestones") or []):
        values[f"milestones-{index}-stamps"] = str(milestone["stamps"])
        _reward_values(values, f"milestones-{index}-reward", milestone["reward"])
    for index, rule in enumerate(fields.get("rules") or []):
        row = f"rules-{index}"
        values[f"{row}-kind"] = rule["kind"]
        values[f"{row}-stamps"] = str(rule["stamps"])
        values[f"{row}-min_total"] = _major(rule.get("min_total"), exponent)
        values[f"{row}-every"] = _major(rule.get("every"), exponent)
        values[f"{row}-products"] = ", ".join(rule.get("products") or [])
        values[f"{row}-categories"] = ", ".join(rule.get("categories") or [])
    return values


def reward_form_values(prefix: str, reward: Mapping[str, Any]) -> dict[str, str]:
    """The form's values of a stored reward under ``prefix``."""
    values: dict[str, str] = {}
    _reward_values(values, prefix, reward)
    return values


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _major(value: int | None, exponent: int) -> str:
    return "" if value is None else str(Decimal(value).scaleb(-exponent))


def _reward_values(values: dict[str, str], prefix: str, reward: Mapping[str, Any]) -> None:
    values[f"{prefix}-type"] = reward["type"]
    for name in ("description", "image_url", "redemption", "name"):
        values[f"{prefix}-{name}"] = _text(reward.get(name))
    code = reward.get("code") or {}
    values[f"{prefix}-code_mode"] = code.get("mode", "")
    for name in ("value", "pattern", "pool_id"):
        values[f"{prefix}-code_{name}"] = _text(code.get(name))
    validity = reward.get("validity") or {"kind": "unlimited"}
    values[f"{prefix}-validity_kind"] = validity["kind"]
    values[f"{prefix}-validity_count"] = _text(validity.get("count"))
    values[f"{prefix}-validity_date"] = _text(validity.get("date"))
    for index, variant in enumerate(reward.get("variants") or []):
        row = f"{prefix}-variants-{index}"
        for name in ("kind", "probability", "name", "greeting"):
            values[f"{row}-{name}"] = _text(variant.get(name))
        if variant.get("reward"):
            _reward_values(values, f"{row}-reward", variant["reward"])
