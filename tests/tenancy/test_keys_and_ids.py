"""API key material and ids (pure)."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from gateway.ids import has_prefix, new_id
from gateway.tenancy.keys import generate_key, hash_key, key_matches, prefix_of


def test_generated_keys_are_distinct_and_self_consistent() -> None:
    keys = [generate_key() for _ in range(200)]
    assert len({key.plaintext for key in keys}) == 200
    for key in keys:
        assert key.plaintext.startswith("sgk_")
        assert len(key.plaintext) >= 4 + 43
        assert prefix_of(key.plaintext) == key.prefix
        assert key.key_hash == hash_key(key.plaintext)
        assert key.plaintext not in key.key_hash
        assert key_matches(key.plaintext, key.key_hash)


def test_a_changed_key_does_not_match() -> None:
    key = generate_key()
    assert not key_matches(key.plaintext + "x", key.key_hash)
    assert not key_matches(key.plaintext[:-1], key.key_hash)


@given(st.text(max_size=80))
def test_foreign_strings_have_no_prefix_unless_shaped_like_a_key(text: str) -> None:
    prefix = prefix_of(text)
    if prefix is not None:
        assert text.startswith("sgk_")
        assert text[4:].isalnum()


def test_prefix_refuses_other_schemes() -> None:
    assert prefix_of("sk_live_abcdefghijklmnopqrstuvwxyz") is None
    assert prefix_of("sgk_short") is None
    assert prefix_of("sgk_has-dash-and_underscore-000000") is None


def test_ids_carry_their_prefix_and_sort_by_creation() -> None:
    earlier = new_id("mer")
    time.sleep(0.002)
    later = new_id("mer")
    assert has_prefix(earlier, "mer")
    assert not has_prefix(earlier, "crd")
    assert earlier < later
    assert len({new_id("evt") for _ in range(10_000)}) == 10_000


def test_ids_made_in_a_row_keep_their_order() -> None:
    made = [new_id("evt") for _ in range(5_000)]
    assert made == sorted(made)


def test_has_prefix_refuses_malformed_ids() -> None:
    assert not has_prefix("mer_", "mer")
    assert not has_prefix("mer_" + "I" * 26, "mer")
    assert not has_prefix("mer" + "0" * 26, "mer")
