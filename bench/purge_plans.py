"""The purge's query plans at scale: EXPLAIN of each statement it runs, on PostgreSQL.

Seeds a scratch database as a gateway looks after months of hourly purges (ROWS deliveries and
events over their retention, a few thousand rows just past it, inbound events and
Idempotency-Keys likewise), ANALYZEs it and prints the top line of each plan and the
indexes it uses. ``python -m bench.purge_plans``; ``BENCH_PURGE_ROWS`` (default 200000);
``BENCH_PURGE_PLANS=full`` prints each whole plan too.
"""

from __future__ import annotations

import os
import re
from typing import Any

from sqlalchemy import Engine, Select, create_engine, text
from sqlalchemy.sql import ClauseElement

from bench.harness import scratch_database
from gateway import migrate
from gateway.config import Settings
from gateway.db import utcnow
from gateway.retention.purge import count_statements, delete_statements, pick_statement
from gateway.retention.rules import RULES, Cutoffs

ROWS = int(os.environ.get("BENCH_PURGE_ROWS", "200000"))
PAST = max(ROWS // 100, 1000)  # rows just past their retention: an hour or two of traffic

_SEED = """
INSERT INTO merchants (id, name, currency, timezone, created_at)
  VALUES ('mer_plans', 'Plans', 'EUR', 'UTC', now());
INSERT INTO programs (id, merchant_id, name, stamps_goal, reward, milestones, rules,
  stampless_when_redeeming, auto_enroll, created_at, updated_at, is_default)
  VALUES ('prg_plans', 'mer_plans', 'Card', 9, '{}', '[]', '[]', true, true, now(), now(), true);
INSERT INTO webhook_endpoints (id, merchant_id, url, status, secret, failing_announced,
  created_at, updated_at)
  VALUES ('whe_plans', 'mer_plans', 'https://r.example/h', 'enabled', 's', false, now(), now());
INSERT INTO pos_connections (id, merchant_id, program_id, pos, account, status, credentials,
  locations, codes, stale_codes, created_at, updated_at)
  VALUES ('con_plans', 'mer_plans', 'prg_plans', 'poster', 'plans', 'active', 's',
          '{}', '{}', '{}', now(), now());
-- Events over 89 days, and PAST just older than 90 days whose deliveries are gone.
INSERT INTO events (id, merchant_id, type, card_id, data, created_at)
  SELECT 'evt_' || lpad(n::text, 12, '0'), 'mer_plans', 'card.stamped', NULL, '{}',
         now() - (n::float / :rows) * interval '89 days'
  FROM generate_series(1, :rows) AS n;
INSERT INTO events (id, merchant_id, type, card_id, data, created_at)
  SELECT 'evt_old_' || n, 'mer_plans', 'card.stamped', NULL, '{}',
         now() - interval '91 days' FROM generate_series(1, :past) AS n;
-- One delivery per recent event: succeeded within 29 days, a few past 30, some failing.
INSERT INTO deliveries (id, merchant_id, endpoint_id, event_id, status, attempts,
  next_attempt_at, created_at, updated_at)
  SELECT 'dlv_' || lpad(n::text, 12, '0'), 'mer_plans', 'whe_plans',
         'evt_' || lpad(n::text, 12, '0'),
         CASE WHEN n % 50 = 0 THEN 'exhausted' WHEN n % 97 = 0 THEN 'retrying'
              ELSE 'succeeded' END, 1, now(),
         now() - (n::float / :rows) * interval '29 days',
         now() - (n::float / :rows) * interval '29 days'
  FROM generate_series(1, :rows) AS n;
UPDATE deliveries SET updated_at = now() - interval '31 days'
  WHERE id IN (SELECT id FROM deliveries WHERE status = 'succeeded' ORDER BY id LIMIT :past);
INSERT INTO delivery_attempts (delivery_id, attempted_at, duration_ms, status_code, outcome)
  SELECT id, updated_at, 5, 200, 'succeeded' FROM deliveries;
INSERT INTO inbound_events (id, merchant_id, connection_id, pos, dedupe_key, kind, payload,
  status, attempts, next_attempt_at, received_at, processed_at)
  SELECT 'ine_' || n, 'mer_plans', 'con_plans', 'poster', 'k' || n, 'transaction', '{}',
         (ARRAY['processed', 'processed', 'ignored', 'failed'])[1 + n % 4], 1, now(), at, at
  FROM generate_series(1, :rows) AS n,
       LATERAL (SELECT now() - (n::float / :rows) * interval '29 days' AS at) AS received;
UPDATE inbound_events SET processed_at = now() - interval '31 days'
  WHERE id IN (SELECT id FROM inbound_events ORDER BY id LIMIT :past);
INSERT INTO idempotency_keys (scope, key, fingerprint, created_at, locked_until, status_code)
  SELECT 'mer_plans', 'key-' || n, 'f', now() - (n::float / :rows) * interval '47 hours',
         now() - (n::float / :rows) * interval '47 hours', 201
  FROM generate_series(1, :rows) AS n;
INSERT INTO idempotency_keys (scope, key, fingerprint, created_at, locked_until, status_code)
  SELECT 'mer_plans', 'old-' || n, 'f', now() - interval '49 hours',
         now() - interval '49 hours', 201 FROM generate_series(1, :past) AS n;
"""


def _explain(engine: Engine, statement: ClauseElement) -> list[str]:
    compiled = statement.compile(
        dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params)
        return [row[0] for row in rows]


def _summary(plan: list[str]) -> str:
    found = (re.findall(r"(?:using|Index Scan on) (\w+)", line) for line in plan)
    indexes = sorted({name for names in found for name in names})
    seq = sorted({match for line in plan for match in re.findall(r"Seq Scan on (\w+)", line)})
    head = plan[0].split("  (")[0].strip()
    uses = f"indexes {', '.join(indexes) or 'none'}"
    return f"{head}; {uses}" + (f"; seq scan on {', '.join(seq)}" if seq else "")


def _show(engine: Engine, label: str, statement: ClauseElement) -> None:
    plan = _explain(engine, statement)
    print(f"{label:<52} {_summary(plan)}")
    if os.environ.get("BENCH_PURGE_PLANS") == "full":
        print("\n".join(plan))


def _sample_keys(engine: Engine, statement: Select[Any]) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(statement)]


def main() -> None:
    """Seed, analyse and print one summary line per purge statement."""
    with scratch_database("stampgate_purge_plans") as (url, _name):
        migrate.upgrade(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            for part in _SEED.split(";\n"):
                if part.strip():
                    connection.execute(text(part), {"rows": ROWS, "past": PAST})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        cutoffs = Cutoffs.of(Settings(database_url=url), utcnow())
        print(f"rows={ROWS} past retention per table={PAST}")
        for rule in RULES:
            pick = pick_statement(rule, cutoffs, 1000)
            _show(engine, f"{rule.label}: pick", pick)
            keys = _sample_keys(engine, pick) or [("none",) * len(rule.key)]
            for table, statement in delete_statements(rule, cutoffs, keys):
                _show(engine, f"{rule.label}: delete {table}", statement)
            for table, counting in count_statements(rule, cutoffs):
                _show(engine, f"{rule.label}: dry run {table}", counting)
        engine.dispose()


if __name__ == "__main__":
    main()
