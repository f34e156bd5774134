"""On PostgreSQL, a transaction starts at a unit of work's first write, not at its first read.

A request that only reads (an authenticated GET, a code check) would otherwise pay a BEGIN
and a ROLLBACK round trip around its one SELECT. Under READ COMMITTED, PostgreSQL's level and
ours, every statement of a transaction takes its own snapshot anyway, so a plain SELECT run
on its own sees what it would have seen as the first statement of a transaction.

So every pooled connection is handed out in psycopg's autocommit mode (which only stops the
driver from sending BEGIN: nothing goes to the server), and the first statement that is not
a plain read turns it back before it runs: a write, a locking read (``FOR UPDATE``, ``FOR
SHARE``), a savepoint, raw SQL, a streamed result. psycopg then opens the transaction right
there, and everything from that statement on is one transaction, as before. Connections a
caller put in an isolation level of its own (``AUTOCOMMIT`` for a single-statement unit) are
left as that caller set them. A ``select()`` counts as a plain read by its shape alone, so one
calling a function with an effect that lasts to the transaction's end (``pg_advisory_xact_lock``)
must be raw SQL or ``FOR UPDATE`` to be sure of running inside the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Engine, Select, event


def start_transactions_at_first_write(engine: Engine) -> None:
    """Install the deferral on a PostgreSQL (psycopg) engine."""
    event.listen(engine.pool, "checkout", _hand_out_outside_a_transaction)
    event.listen(engine, "before_execute", _open_the_transaction_unless_plain_read)


def _hand_out_outside_a_transaction(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # A checked-in connection is idle (the pool rolled it back), so the switch is allowed.
    dbapi_connection.autocommit = True


def _open_the_transaction_unless_plain_read(
    connection: Connection,
    statement: Any,
    _multiparams: Any,
    _params: Any,
    execution_options: Mapping[str, Any],
) -> None:
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is None or not dbapi_connection.autocommit:
        return
    options = connection.get_execution_options()
    if "isolation_level" in options or "isolation_level" in execution_options:
        return  # the caller chose this connection's mode
    if is_plain_read(statement, {**options, **execution_options}):
        return
    # Between autocommitted statements the connection is idle: leaving autocommit is allowed,
    # and psycopg sends BEGIN before this statement.
    dbapi_connection.autocommit = False


def is_plain_read(statement: Any, options: Mapping[str, Any]) -> bool:
    """A SELECT that locks nothing and is read at once: it may run outside a transaction."""
    return (
        isinstance(statement, Select)
        and statement._for_update_arg is None
        and not options.get("stream_results")
        and not options.get("yield_per")
    )
