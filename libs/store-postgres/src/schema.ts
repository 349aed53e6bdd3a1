import type { Pool } from 'pg';

/** Arbitrary constant: serialises schema creation when several services start at once. */
const SCHEMA_LOCK = 0x67726964;

const DDL = `
CREATE TABLE IF NOT EXISTS gridline_events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL,
  event_type      text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT gridline_events_stream_revision UNIQUE (stream_id, stream_revision)
);
CREATE INDEX IF NOT EXISTS gridline_events_log_order
  ON gridline_events (transaction_id, global_position);
CREATE INDEX IF NOT EXISTS gridline_events_by_case
  ON gridline_events ((metadata->>'caseId'), transaction_id, global_position);
CREATE INDEX IF NOT EXISTS gridline_events_occurred_at
  ON gridline_events (occurred_at);
CREATE TABLE IF NOT EXISTS gridline_export_audit (
  export_id     uuid PRIMARY KEY,
  principal_id  text NOT NULL,
  agency        text,
  roles         text[] NOT NULL DEFAULT '{}',
  selection     jsonb NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at   timestamptz,
  outcome       text NOT NULL DEFAULT 'started',
  event_count   bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS gridline_streams (
  stream_id text PRIMARY KEY,
  revision  bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS gridline_subject_keys (
  subject_id  text PRIMARY KEY,
  key_id      text NOT NULL UNIQUE,
  wrapped_key bytea,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  erased_at   timestamptz
);
CREATE TABLE IF NOT EXISTS gridline_idempotency (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (scope, key)
);
-- A claim is fenced by a token: a request that outlives its lease loses the key,
-- and its later appends fail instead of doubling the retry's effect.
ALTER TABLE gridline_idempotency ADD COLUMN IF NOT EXISTS claim_token uuid;
ALTER TABLE gridline_idempotency ADD COLUMN IF NOT EXISTS claimed_at timestamptz;
-- What the request appended, written in the append's own transaction.
ALTER TABLE gridline_idempotency ADD COLUMN IF NOT EXISTS committed jsonb;
-- Tamper evidence (docs/security.md): each event's hash and its predecessor's;
-- a stream's head keeps the last hash so an append chains without another read.
ALTER TABLE gridline_events ADD COLUMN IF NOT EXISTS previous_hash text;
ALTER TABLE gridline_events ADD COLUMN IF NOT EXISTS hash text;
ALTER TABLE gridline_streams ADD COLUMN IF NOT EXISTS last_hash text;
CREATE TABLE IF NOT EXISTS gridline_checkpoints (
  name             text PRIMARY KEY,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
`;

/** Creates the store's tables if they are missing. Safe to call from many processes. */
export async function ensureEventStoreSchema(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(DDL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
