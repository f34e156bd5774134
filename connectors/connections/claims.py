"""Proving that a connection's credentials own the POS account it claims, before it claims it.

The proof is asked of the POS at its own configured address, never at a merchant's
``api_base_url`` (a server the merchant runs would confirm anything). Every failed claim
answers alike, also when another merchant has the account connected: a claim tells nobody
which accounts other tenants have.
"""

from __future__ import annotations

from collections.abc import Mapping

from connectors.base import Connector, NamesCurrency
from connectors.errors import PosUnavailable
from gateway.errors import DomainError


def account_not_verified() -> DomainError:
    """422 ``account_not_verified``: the same answer for every claim that is not proven."""
    return DomainError(
        "account_not_verified",
        "The POS did not confirm that these credentials belong to this account.",
    )


def pos_unreachable() -> DomainError:
    """502 ``pos_unreachable``: one answer however the call failed (no address, no reason)."""
    return DomainError("pos_unreachable", "The POS could not be reached; try again later.")


def prove_ownership(connector: Connector, account: str, credentials: Mapping[str, str]) -> None:
    """Raise unless the POS confirms that ``credentials`` belong to ``account``."""
    try:
        owned = connector.owns_account(account, credentials)
    except PosUnavailable as exc:
        raise pos_unreachable() from exc
    if not owned:
        raise account_not_verified()


def currency_mismatch(pos_currency: str, merchant_currency: str) -> DomainError:
    """422 ``currency_mismatch``: the POS account counts in another currency than the merchant."""
    return DomainError(
        "currency_mismatch",
        f"The POS organization's currency is {pos_currency}; the merchant's is "
        f"{merchant_currency}.",
    )


def prove_currency(
    connector: Connector, account: str, credentials: Mapping[str, str], merchant_currency: str
) -> None:
    """Raise unless the POS account, where it names a currency, names the merchant's."""
    if not isinstance(connector, NamesCurrency):
        return
    try:
        found = connector.account_currency(account, credentials)
    except PosUnavailable as exc:
        raise pos_unreachable() from exc
    if found is not None and found != merchant_currency.upper():
        raise currency_mismatch(found, merchant_currency)
