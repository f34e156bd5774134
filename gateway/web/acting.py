"""What a signed-in page view runs under: its changes audited under the user, and the phones
typed on it read as numbers of the merchant's country, as in the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from gateway.api.guards import record_changes_as
from gateway.api.session import request_session
from gateway.tenancy.countries import set_phone_country
from gateway.tenancy.service import get_merchant

T = TypeVar("T")


def run_as_user(user_id: str, merchant_id: str, view: Callable[[], T]) -> T:
    """Run ``view`` as the user (a person or a staff seat) of the merchant."""
    record_changes_as("user", user_id)  # changing requests only, as the API's
    set_phone_country(get_merchant(request_session(), merchant_id).country)
    try:
        return view()
    finally:
        set_phone_country(None)
