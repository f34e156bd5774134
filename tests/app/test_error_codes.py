"""One table maps every error code to its status: no code ships without one, and README's
"Error codes" lists exactly the table's codes with the table's statuses."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from gateway.api.problem_docs import MEANINGS
from gateway.api.problems import (
    HTTP_CODES,
    HTTP_ERROR,
    PROMOTED_ERROR_TYPES,
    RAW_INPUT_STATUSES,
    STATUSES,
    domain_problem,
)
from gateway.campaigns.rules import REFUSALS as CAMPAIGN_REFUSALS
from gateway.errors import DomainError
from gateway.inputs import CONTROL_CODE
from gateway.loyalty.codes.lookup import CUSTOMER_REQUIRED, HELD, OTHER_CUSTOMER, UNKNOWN_CODE
from gateway.loyalty.vouchers.states import (
    CHANNEL_NOT_ALLOWED,
    VoucherAction,
    VoucherStatus,
    refusal_reason,
)
from gateway.server.worker import _PARSE_ERRORS

ROOT = Path(__file__).resolve().parents[2]
SOURCE_PACKAGES = ("gateway", "connectors", "webhooks", "mappings")
README_ROW = re.compile(
    r"^\| `(?P<code>[a-z0-9_]+)` \| (?P<status>[^|]+) \| (?P<meaning>[^|]+) \|$"
)


def _voucher_refusals() -> set[str]:
    reasons = {
        refusal_reason(status, action) for status in VoucherStatus for action in VoucherAction
    }
    return {reason for reason in reasons if reason is not None}


# Raise sites whose code is not a literal, by file and expression: the codes each can raise.
COMPUTED_CODES = {
    ("gateway/inputs.py", "CONTROL_CODE"): {CONTROL_CODE},
    ("gateway/campaigns/rules.py", "code"): set(CAMPAIGN_REFUSALS),
    ("gateway/loyalty/vouchers/lifecycle.py", "exc.reason_code"): _voucher_refusals(),
    ("gateway/loyalty/vouchers/service.py", "refusal"): {CHANNEL_NOT_ALLOWED},
    ("gateway/loyalty/codes/desk.py", "reason"): {
        UNKNOWN_CODE,
        CUSTOMER_REQUIRED,
        OTHER_CUSTOMER,
        HELD,
        "conflict",
        *_voucher_refusals(),
    },
}


def _domain_error_codes() -> Iterator[tuple[str, str | None, str]]:
    """(file, literal code or None, the code's expression) of every ``DomainError(...)``."""
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call) and node.args and _called(node) == "DomainError":
                    first = node.args[0]
                    literal = first.value if isinstance(first, ast.Constant) else None
                    code = literal if isinstance(literal, str) else None
                    yield str(path.relative_to(ROOT)), code, ast.unparse(first)


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _readme_matches() -> dict[str, re.Match[str]]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Error codes\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, re.Match[str]] = {}
    for line in section.splitlines():
        match = README_ROW.match(line)
        if match:
            assert match["code"] not in rows, f"{match['code']} is listed twice"
            rows[match["code"]] = match
    return rows


def _readme_rows() -> dict[str, str]:
    return {code: match["status"].strip() for code, match in _readme_matches().items()}


def _statuses_in(cell: str) -> set[int]:
    return {int(status) for status in re.findall(r"\b[1-5]\d\d\b", cell)}


def test_every_code_the_source_raises_has_a_status() -> None:
    raised: set[str] = set()
    computed: set[tuple[str, str]] = set()
    for path, literal, expression in _domain_error_codes():
        if literal is not None:
            raised.add(literal)
        else:
            assert (path, expression) in COMPUTED_CODES, (
                f"{path} raises DomainError({expression}, ...): name the codes it can raise in "
                "COMPUTED_CODES, and give each a status in gateway/api/problems.py"
            )
            computed.add((path, expression))
            raised |= COMPUTED_CODES[path, expression]
    assert computed == set(COMPUTED_CODES), "a computed raise site is gone: drop it here too"
    assert len(raised) > 50  # the scan found the raise sites
    assert raised - STATUSES.keys() == set()


def test_the_codes_answered_outside_domain_errors_have_the_tables_status() -> None:
    answered = {
        **{code: status for status, code, _ in (entry[1:] for entry in _PARSE_ERRORS)},
        **{code: status for status, code in HTTP_CODES.items()},
        **dict.fromkeys(PROMOTED_ERROR_TYPES, 422),
        "validation_error": 422,
        "internal_error": 500,
        "database_unavailable": 503,
    }
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    for status, code in re.findall(r'"status":(\d+),.*?"code":"([a-z_]+)"', nginx):
        answered[code] = int(status)
    assert {code: STATUSES.get(code) for code in answered} == answered


def test_raw_input_statuses_are_for_codes_of_the_table() -> None:
    assert RAW_INPUT_STATUSES.keys() <= STATUSES.keys()
    assert all(RAW_INPUT_STATUSES[code] != STATUSES[code] for code in RAW_INPUT_STATUSES)


def test_readme_lists_every_code_of_the_table_with_its_statuses() -> None:
    rows = _readme_rows()
    assert rows.keys() == {*STATUSES, HTTP_ERROR}
    documented = {code: _statuses_in(cell) for code, cell in rows.items()}
    expected = {code: {status} for code, status in STATUSES.items()}
    for code, status in RAW_INPUT_STATUSES.items():
        expected[code].add(status)
    expected[HTTP_ERROR] = set()  # werkzeug's own status, whatever it is
    assert documented == expected


def test_readme_says_what_each_code_means_as_the_openapi_document_does() -> None:
    meanings = {code: match["meaning"].strip() for code, match in _readme_matches().items()}
    del meanings[HTTP_ERROR]  # not a code of its own: whatever werkzeug raised
    assert meanings == dict(MEANINGS)


def test_a_code_without_a_status_answers_as_an_unexpected_error() -> None:
    response = domain_problem(DomainError("no_such_code", "A code the table does not have."))
    assert response.status_code == 500
    assert response.get_json()["code"] == "internal_error"
