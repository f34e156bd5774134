"""The query every list takes (times with offsets, ranges in order) and CSV cells."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from gateway.csv_export import FORMULA_STARTS, cell_text, csv_line, spreadsheet_safe
from gateway.errors import DomainError
from gateway.loyalty.cards.schemas import CardQuery
from gateway.loyalty.sales.schemas import SaleQuery
from gateway.pagination import RANGE_CODE, PageQuery


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, tzinfo=UTC)),
        ("2026-12-01t10:00:00.250z", datetime(2026, 12, 1, 10, 0, 0, 250000, tzinfo=UTC)),
        (
            "2026-12-01T10:00:00+02:00",
            datetime(2026, 12, 1, 10, tzinfo=timezone(timedelta(hours=2))),
        ),
        # An unencoded "+" in a query string arrives as a space.
        (
            "2026-12-01T10:00:00 02:00",
            datetime(2026, 12, 1, 10, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2026-12-01 10:00:00-05:00", datetime(2026, 12, 1, 15, tzinfo=UTC)),
    ],
)
def test_times_with_an_offset_are_read(text: str, expected: datetime) -> None:
    assert PageQuery.model_validate({"created_after": text}).created_after == expected


def _refusal(field: str, text: str) -> dict[str, object]:
    with pytest.raises(ValidationError) as raised:
        PageQuery.model_validate({field: text})
    (error,) = raised.value.errors()
    assert error["loc"] == (field,)
    assert str(error["msg"]).startswith(field)
    return dict(error)


def test_a_time_without_offset_is_refused_naming_the_field() -> None:
    for field in ("created_after", "created_before"):
        error = _refusal(field, "2026-12-01T10:00:00")
        assert error["type"] == "time_offset_required"
        assert "offset" in str(error["msg"])
        assert "Z" in str(error["msg"])


@pytest.mark.parametrize("text", ["2026-12-01", "yesterday", "2026-13-01T00:00:00Z", "1733011200"])
def test_what_is_no_rfc_3339_time_is_refused_naming_the_field(text: str) -> None:
    assert _refusal("created_after", text)["type"] == "time_format"


def test_every_range_of_a_query_must_be_in_order() -> None:
    early, late = "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"
    cases = [
        (PageQuery, "created"),
        (CardQuery, "last_visit"),
        (SaleQuery, "closed"),
    ]
    for model, name in cases:
        assert model.model_validate({f"{name}_after": early, f"{name}_before": late})
        for after, before in ((late, early), (early, early)):
            with pytest.raises(DomainError) as raised:
                model.model_validate({f"{name}_after": after, f"{name}_before": before})
            assert raised.value.code == RANGE_CODE
            assert f"{name}_after" in raised.value.detail
            assert f"{name}_before" in raised.value.detail
            locs = [error["loc"] for error in raised.value.extra["errors"]]
            assert locs == [[f"{name}_after"], [f"{name}_before"]]


def test_one_sided_ranges_and_offsets_compare_as_instants() -> None:
    # 10:00+02:00 is 08:00Z: earlier than 09:00Z, so the range is in order.
    query = PageQuery.model_validate(
        {"created_after": "2026-12-01T10:00:00+02:00", "created_before": "2026-12-01T09:00:00Z"}
    )
    assert query.created_after is not None
    assert query.created_before is not None
    assert (
        PageQuery.model_validate({"created_before": "2026-12-01T09:00:00Z"}).created_after is None
    )


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(start: str) -> None:
    text = f'{start}HYPERLINK("http://example.com")'
    assert spreadsheet_safe(text) == f"'{text}"
    (cell,) = next(csv.reader(io.StringIO(csv_line([text]))))
    assert cell == f"'{text}"


def test_other_cells_are_written_as_they_are() -> None:
    assert spreadsheet_safe("Latte = coffee") == "Latte = coffee"
    assert spreadsheet_safe("") == ""
    values = [None, True, False, 42, "a,b", datetime(2026, 12, 1, 12, tzinfo=UTC)]
    assert [cell_text(value) for value in values] == [
        "",
        "true",
        "false",
        "42",
        "a,b",
        "2026-12-01T12:00:00Z",
    ]
    assert csv_line(["a,b", 'say "hi"', None]) == '"a,b","say ""hi""",\r\n'
