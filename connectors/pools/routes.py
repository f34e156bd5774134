"""Code pools filled from the POS: bind a pool to a connection's coupon series, sync it now."""

from __future__ import annotations

from typing import Any

from connectors.connections.mapping import POS_CALL_PROBLEMS
from connectors.pools import sync as pool_sync
from gateway.api.guards import current_merchant_id
from gateway.api.openapi_docs import problem_responses
from gateway.api.session import request_session
from gateway.extensions import extensions
from gateway.loyalty.codes.presenters import pools_out
from gateway.loyalty.codes.routes import code_pools
from gateway.loyalty.codes.schemas import CodePoolOut, CodePoolPatch, CodePoolPath

# On the code pools' own blueprint: one path's operations must come from one blueprint, or
# /openapi.json keeps only the last one registered.
pool_sources = code_pools
_POS_CALL = POS_CALL_PROBLEMS


@pool_sources.patch(
    "/code-pools/<pool_id>",
    responses={
        200: CodePoolOut,
        **problem_responses(*_POS_CALL, "unknown_coupon_series", "pool_source_unsupported"),
    },
)
def update_pool(path: CodePoolPath, body: CodePoolPatch) -> dict[str, Any]:
    """Bind the pool to a Syrve connection's coupon series (``source``), checked with the POS
    and synced at once; ``"source": null`` unbinds it and keeps its codes. Another merchant's
    connection is 404; a POS without coupon series (Poster) 422 ``pool_source_unsupported``."""
    ext = extensions()
    session = request_session()
    source = (body.source.connection_id, body.source.series_id) if body.source else None
    pool = pool_sync.set_pool_source(
        session, ext.settings, ext.connectors, current_merchant_id(), path.pool_id, source
    )
    return pools_out(session, [pool])[0]


@pool_sources.post(
    "/code-pools/<pool_id>/sync",
    responses={200: CodePoolOut, **problem_responses(*_POS_CALL, "pool_not_bound")},
)
def sync_pool(path: CodePoolPath) -> dict[str, Any]:
    """Sync the pool with its POS series now: new unused coupons join it, coupons the POS
    reports activated or deleted are never handed out, waiting vouchers get their codes. A
    failure answers its problem and stays on the pool as ``source.sync_error``."""
    ext = extensions()
    session = request_session()
    pool = pool_sync.sync_pool_now(
        session, ext.settings, ext.connectors, current_merchant_id(), path.pool_id
    )
    return pools_out(session, [pool])[0]


POOL_SOURCE_VIEWS = (update_pool, sync_pool)
"""The views added to the code pools' blueprint (imported before it is registered)."""
