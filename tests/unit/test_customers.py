"""POS customers: the identifiers that find their card, and when a sale may enrol one."""

from __future__ import annotations

from dataclasses import dataclass

from mappings.customers import LOOKUP_ORDER, card_lookups, may_enrol, pos_identities


@dataclass(frozen=True)
class Customer:
    card_number: str | None = None
    pos_customer_id: str | None = None
    phone: str | None = None
    email: str | None = None


EVERYTHING = Customer(
    card_number="4000000000006", pos_customer_id="17", phone="+15551234567", email="a@b.example"
)


def test_identifiers_are_tried_strongest_first() -> None:
    assert card_lookups(EVERYTHING) == [
        ("card_number", "4000000000006"),
        ("pos_customer_id", "17"),
        ("phone", "+15551234567"),
        ("email", "a@b.example"),
    ]
    assert LOOKUP_ORDER == ("card_number", "pos_customer_id", "phone", "email")


def test_missing_identifiers_are_skipped() -> None:
    assert card_lookups(Customer(email="a@b.example", pos_customer_id="17")) == [
        ("pos_customer_id", "17"),
        ("email", "a@b.example"),
    ]
    assert card_lookups(Customer(phone="")) == []
    assert card_lookups(Customer()) == []


def test_an_identified_customer_is_enrolled_when_the_program_allows() -> None:
    assert may_enrol(Customer(phone="+15551234567"), auto_enroll=True)
    assert may_enrol(Customer(pos_customer_id="17"), auto_enroll=True)
    assert not may_enrol(Customer(phone="+15551234567"), auto_enroll=False)


def test_a_card_number_never_enrols() -> None:
    assert not may_enrol(EVERYTHING, auto_enroll=True)
    assert not may_enrol(Customer(card_number="4000000000006"), auto_enroll=True)


def test_an_anonymous_sale_never_enrols() -> None:
    assert not may_enrol(Customer(), auto_enroll=True)


def test_a_new_card_keeps_the_customers_id_in_its_pos() -> None:
    assert pos_identities("poster", "17") == {"poster": "17"}
    assert pos_identities("serve", None) == {}
    assert pos_identities("serve", "") == {}
