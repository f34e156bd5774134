"""The JSON input rules agree with a plain walk of the parsed value, whatever the text holds."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import DomainError
from gateway.inputs import MAX_JSON_DEPTH, parse_json

REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Text that is hard on a scanner: quotes, backslashes, brackets, escapes, every control.
tricky_text = st.text(st.sampled_from(list('ab"\\[]{}u0\x00\x01\x08\t\n\r\x0b\x1f\x7f ')))
scalars = st.none() | st.booleans() | st.integers() | tricky_text
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=20,
)


def depth(value: Any) -> int:
    """How many arrays and objects nest, at most."""
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


def refused_text(value: Any) -> bool:
    """Whether a key or string holds a refused control character."""
    if isinstance(value, str):
        return bool(REFUSED.search(value))
    if isinstance(value, list):
        return any(map(refused_text, value))
    if isinstance(value, dict):
        return any(refused_text(key) or refused_text(item) for key, item in value.items())
    return False


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A value wrapped in enough containers to land around the depth limit."""
    value = draw(values)
    for _ in range(draw(st.integers(0, MAX_JSON_DEPTH + 3))):
        value = [value] if draw(st.booleans()) else {draw(tricky_text): value}
    return value


@given(documents(), st.booleans())
def test_parse_json_refuses_exactly_what_the_rules_say(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    if depth(value) > MAX_JSON_DEPTH:
        with pytest.raises(DomainError) as too_deep:
            parse_json(text.encode())
        assert too_deep.value.code == "malformed_json"
    elif refused_text(value):
        with pytest.raises(DomainError) as refused:
            parse_json(text.encode())
        assert refused.value.code == "control_characters"
    else:
        assert parse_json(text.encode()) == value


def chain(height: int) -> Any:
    """Lists nested ``height`` deep."""
    value: Any = 0
    for _ in range(height):
        value = [value]
    return value


@pytest.mark.parametrize(("levels", "sibling"), [(1, 31), (16, 16), (17, 16), (40, 31)])
def test_depth_hidden_behind_deep_siblings_is_counted(levels: int, sibling: int) -> None:
    # Every level first holds a deep sibling, so no long run of openers shows at any round.
    value: Any = 0
    for _ in range(levels):
        value = [chain(sibling), value]
    text = json.dumps(value)
    assert depth(value) == levels + sibling
    if depth(value) > MAX_JSON_DEPTH:
        with pytest.raises(DomainError):
            parse_json(text)
    else:
        assert parse_json(text) == value


def test_brackets_and_escapes_inside_strings_do_not_nest() -> None:
    text = json.dumps({"a": "[" * 100 + '\\"' + "{" * 100, "b": "\\\\u0000"})
    assert parse_json(text)["b"] == "\\\\u0000"


@pytest.mark.parametrize("text", ['{"a": [1}', "]]]]", "[" * 5 + "}" * 5, '{"a": "\\'])
def test_malformed_shallow_json_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the parser's own error
        parse_json(text)
