"""Proving that a connection's credentials own the POS account it claims, before it claims it.

The proof is asked of the POS at its own configured address, never at a merchant's
``api_base_url`` (a server the merchant runs would confirm anything). Every failed claim
answers alike, also when another merchant has the account connected: a claim tells nobody
which accounts other tenants have.
"""

from __future__ import annotations

from collections.abc import Mapping

from connectors.base import Connector
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
