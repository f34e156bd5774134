"""Stamp rules: their validation and what a sale earns under them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mappings.rules import (
    DEFAULT_MAX_STAMPS_PER_SALE,
    MAX_MINOR_UNITS,
    MAX_STAMPS_PER_SALE,
    RULES,
    PerAmountRule,
    PerItemRule,
    PerSaleRule,
    Rule,
    SaleLine,
    stamps_for_sale,
)

LATTE = SaleLine(product="12", category="3", quantity=2, amount=900)


def parse(*rules: dict[str, Any]) -> list[Rule]:
    return RULES.validate_python(list(rules))


def test_the_contract_rules_parse() -> None:
    rules = parse(
        {"kind": "per_sale", "stamps": 1, "min_total": 500},
        {"kind": "per_item", "stamps": 1, "products": ["12"], "categories": ["3"]},
        {"kind": "per_amount", "stamps": 1, "every": 500},
    )
    assert [type(rule) for rule in rules] == [PerSaleRule, PerItemRule, PerAmountRule]


def test_optional_fields_have_defaults() -> None:
    per_sale, per_item = parse(
        {"kind": "per_sale", "stamps": 2}, {"kind": "per_item", "stamps": 1, "categories": ["3"]}
    )
    assert isinstance(per_sale, PerSaleRule)
    assert per_sale.min_total is None
    assert isinstance(per_item, PerItemRule)
    assert per_item.products == []


@pytest.mark.parametrize(
    ("rule", "loc", "error_type"),
    [
        ({"kind": "per_sale", "stamps": 0}, ("per_sale", "stamps"), "greater_than_equal"),
        ({"kind": "per_sale", "stamps": 1, "min_total": -1}, ("per_sale", "min_total"), None),
        ({"kind": "per_sale", "stamps": 1, "bonus": 2}, ("per_sale", "bonus"), "extra_forbidden"),
        ({"kind": "per_amount", "stamps": 1, "every": 0}, ("per_amount", "every"), None),
        ({"kind": "per_amount", "stamps": 1}, ("per_amount", "every"), "missing"),
        ({"kind": "per_item", "stamps": 1}, ("per_item",), "value_error"),
        ({"kind": "per_item", "stamps": 1, "products": [], "categories": []}, ("per_item",), None),
        ({"kind": "per_item", "stamps": 1, "products": [" "]}, ("per_item", "products", 0), None),
        ({"kind": "per_visit", "stamps": 1}, (), "union_tag_invalid"),
        ({"kind": "per_sale", "stamps": 3_000_000_000}, ("per_sale", "stamps"), "less_than_equal"),
        (
            {"kind": "per_sale", "stamps": 1, "min_total": MAX_MINOR_UNITS + 1},
            ("per_sale", "min_total"),
            "less_than_equal",
        ),
        (
            {"kind": "per_amount", "stamps": MAX_STAMPS_PER_SALE + 1, "every": 1},
            ("per_amount", "stamps"),
            "less_than_equal",
        ),
        (
            {"kind": "per_amount", "stamps": 1, "every": MAX_MINOR_UNITS + 1},
            ("per_amount", "every"),
            "less_than_equal",
        ),
        (
            {"kind": "per_item", "stamps": MAX_STAMPS_PER_SALE + 1, "products": ["1"]},
            ("per_item", "stamps"),
            "less_than_equal",
        ),
        ({"stamps": 1}, (), "union_tag_not_found"),
    ],
)
def test_invalid_rules_fail_on_their_field(
    rule: dict[str, Any], loc: tuple[str | int, ...], error_type: str | None
) -> None:
    with pytest.raises(ValidationError) as caught:
        parse(rule)
    (error,) = caught.value.errors()
    assert error["loc"] == (0, *loc)
    if error_type is not None:
        assert error["type"] == error_type


@pytest.mark.parametrize("field", ["quantity", "amount"])
def test_sale_lines_refuse_negative_numbers(field: str) -> None:
    values: dict[str, Any] = {"quantity": 1, "amount": 100, field: -1}
    with pytest.raises(ValidationError):
        SaleLine(**values)


@pytest.mark.parametrize(("total", "expected"), [(499, 0), (500, 1), (10_000, 1)])
def test_per_sale_needs_the_minimum_total(total: int, expected: int) -> None:
    rules = parse({"kind": "per_sale", "stamps": 1, "min_total": 500})
    assert stamps_for_sale([], total, rules, None) == expected


def test_per_sale_without_minimum_counts_any_sale() -> None:
    assert stamps_for_sale([], 0, parse({"kind": "per_sale", "stamps": 3}), None) == 3


def test_per_item_counts_units_and_a_line_matching_twice_once() -> None:
    rules = parse({"kind": "per_item", "stamps": 2, "products": ["12"], "categories": ["3"]})
    lines = [
        LATTE,  # product and category both match: counted once
        SaleLine(product="99", category="3", quantity=3, amount=300),
        SaleLine(product="12", category=None, quantity=1, amount=450),
        SaleLine(product="99", category="7", quantity=5, amount=500),
        SaleLine(product=None, category=None, quantity=4, amount=100),
    ]
    assert stamps_for_sale(lines, 2250, rules, None) == 2 * (2 + 3 + 1)


@pytest.mark.parametrize(("total", "expected"), [(0, 0), (499, 0), (500, 1), (999, 1), (1500, 3)])
def test_per_amount_floors(total: int, expected: int) -> None:
    rules = parse({"kind": "per_amount", "stamps": 1, "every": 500})
    assert stamps_for_sale([], total, rules, None) == expected


def test_rules_add_up_and_the_cap_applies() -> None:
    rules = parse(
        {"kind": "per_sale", "stamps": 1, "min_total": 500},
        {"kind": "per_item", "stamps": 1, "products": ["12"]},
        {"kind": "per_amount", "stamps": 1, "every": 300},
    )
    assert stamps_for_sale([LATTE], 900, rules, None) == 1 + 2 + 3
    assert stamps_for_sale([LATTE], 900, rules, 4) == 4
    assert stamps_for_sale([LATTE], 900, rules, 0) == 0


def test_the_largest_rules_parse() -> None:
    rules = parse(
        {"kind": "per_sale", "stamps": MAX_STAMPS_PER_SALE, "min_total": MAX_MINOR_UNITS},
        {"kind": "per_item", "stamps": MAX_STAMPS_PER_SALE, "products": ["12"]},
        {"kind": "per_amount", "stamps": MAX_STAMPS_PER_SALE, "every": MAX_MINOR_UNITS},
    )
    assert len(rules) == 3


def test_a_program_without_a_cap_gets_the_default_one() -> None:
    rules = parse({"kind": "per_amount", "stamps": MAX_STAMPS_PER_SALE, "every": 1})
    assert stamps_for_sale([], MAX_MINOR_UNITS, rules, None) == DEFAULT_MAX_STAMPS_PER_SALE
    assert stamps_for_sale([], MAX_MINOR_UNITS, rules, MAX_STAMPS_PER_SALE) == MAX_STAMPS_PER_SALE


def test_no_rules_earn_nothing() -> None:
    assert stamps_for_sale([LATTE], 900, [], None) == 0


ids = st.sampled_from(["1", "2", "3"])
lines_strategy = st.lists(
    st.builds(
        SaleLine,
        product=st.none() | ids,
        category=st.none() | ids,
        quantity=st.integers(0, 50),
        amount=st.integers(0, 100_000),
    ),
    max_size=8,
)
rule_strategy = st.one_of(
    st.builds(
        PerSaleRule,
        kind=st.just("per_sale"),
        stamps=st.integers(1, 5),
        min_total=st.none() | st.integers(0, 10_000),
    ),
    st.builds(
        PerItemRule,
        kind=st.just("per_item"),
        stamps=st.integers(1, 5),
        products=st.lists(ids, min_size=1, max_size=3),
        categories=st.lists(ids, max_size=3),
    ),
    st.builds(
        PerAmountRule,
        kind=st.just("per_amount"),
        stamps=st.integers(1, 5),
        every=st.integers(1, 5000),
    ),
)
totals = st.integers(-1_000, 1_000_000)
caps = st.none() | st.integers(0, 100)


@given(lines_strategy, totals, st.lists(rule_strategy, max_size=5), caps)
def test_stamps_are_never_negative_and_respect_the_cap(
    lines: list[SaleLine], total: int, rules: list[Rule], cap: int | None
) -> None:
    earned = stamps_for_sale(lines, total, rules, cap)
    assert earned >= 0
    assert earned <= (DEFAULT_MAX_STAMPS_PER_SALE if cap is None else cap)
    if cap is not None:
        assert earned == min(stamps_for_sale(lines, total, rules, None), cap)


# Small enough to stay under the default cap: 8 lines of at most 50 units, 2 stamps each.
@given(lines_strategy, st.integers(1, 2), ids, st.lists(ids, max_size=2))
def test_per_item_counts_quantities(
    lines: list[SaleLine], stamps: int, product: str, categories: list[str]
) -> None:
    rule = PerItemRule(kind="per_item", stamps=stamps, products=[product], categories=categories)
    units = sum(
        line.quantity for line in lines if line.product == product or line.category in categories
    )
    assert stamps_for_sale(lines, 0, [rule], None) == stamps * units


# At most 200 units of 5 stamps: under the default cap.
@given(st.integers(0, 10_000_000), st.integers(1, 5), st.integers(50_000, 100_000))
def test_per_amount_floors_the_total(total: int, stamps: int, every: int) -> None:
    earned = stamps_for_sale(
        [], total, [PerAmountRule(kind="per_amount", stamps=stamps, every=every)], None
    )
    assert earned % stamps == 0
    assert (earned // stamps) * every <= total < (earned // stamps + 1) * every
