import pg, { type Pool } from 'pg';

/** PostgreSQL's `insufficient_privilege`: a service role meeting a schema to migrate. */
const INSUFFICIENT_PRIVILEGE = '42501';

/** Arbitrary constant: serialises schema creation when several services start at once. */
const SCHEMA_LOCK = 0x67726964;

/** Also made by PostgresLease itself, for a database that is not a store. */
export const LEASES_DDL = `CREATE TABLE IF NOT EXISTS gridline_leases (
  name       text PRIMARY KEY,
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
)`;

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
-- One round trip per append (docs/performance.md): lock the stream, check the
-- expectation, chain and insert the events, move the head and record under an
-- active idempotency claim, in the caller's single-statement transaction. (No
-- NOTIFY here: it would serialise every appender's commit; the store sends it after.)
-- p_expected: -1 any, -2 no stream, -3 stream exists, n >= 0 the last revision.
-- p_digests: each event's content digest (contentDigest in integrity.ts); the link
-- hash = sha256(previous hash || digest) is computed here, under the lock.
CREATE OR REPLACE FUNCTION gridline_append(
  p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_data jsonb[],
  p_metadata jsonb[], p_occurred timestamptz[], p_digests text[],
  p_claim_scope text, p_claim_key text, p_claim_token uuid, p_claim_case text
) RETURNS TABLE (
  outcome text, current_revision bigint, event_id uuid, stream_id text,
  stream_revision bigint, event_type text, data jsonb, metadata jsonb,
  occurred_at timestamptz, commit_position text, global_position bigint,
  previous_hash text, hash text
) LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
#variable_conflict use_column
DECLARE
  v_writer text := 'gridline_agency_' || split_part(p_stream, '-', 1);
  v_head bigint;
  v_last_hash text;
  v_current bigint;
  v_link text;
  v_previous text[] := '{}';
  v_hashes text[] := '{}';
  v_count int := cardinality(p_ids);
BEGIN
  -- Whose streams (docs/security.md, "Append-only history"): the function runs as the
  -- store's owner; the role that signed in must be the owner (migrations, imports,
  -- tests) or hold the agency role the stream's prefix names.
  IF NOT pg_has_role(session_user, current_user, 'MEMBER')
     AND NOT (EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = v_writer)
              AND pg_has_role(session_user, v_writer, 'MEMBER')) THEN
    RAISE EXCEPTION 'role % may not append to stream %', session_user, p_stream
      USING ERRCODE = 'GL403';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
  SELECT s.revision, s.last_hash INTO v_head, v_last_hash
    FROM gridline_streams s WHERE s.stream_id = p_stream;
  v_current := coalesce(v_head, -1);
  -- Retried with the same event ids: what is stored, for the caller to check.
  IF EXISTS (SELECT 1 FROM gridline_events e WHERE e.event_id = ANY (p_ids)) THEN
    RETURN QUERY
      SELECT 'replay'::text, v_current, e.event_id, e.stream_id, e.stream_revision,
             e.event_type, e.data, e.metadata, e.occurred_at, e.transaction_id::text,
             e.global_position, e.previous_hash, e.hash
        FROM gridline_events e WHERE e.event_id = ANY (p_ids) ORDER BY e.stream_revision;
    RETURN;
  END IF;
  IF (p_expected = -2 AND v_current >= 0) OR (p_expected = -3 AND v_current < 0)
     OR (p_expected >= 0 AND p_expected <> v_current) THEN
    RETURN QUERY SELECT 'conflict'::text, v_current, NULL::uuid, NULL::text, NULL::bigint,
      NULL::text, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::text, NULL::bigint,
      NULL::text, NULL::text;
    RETURN;
  END IF;
  v_link := coalesce(v_last_hash, repeat('0', 64));
  FOR i IN 1 .. v_count LOOP
    v_previous := v_previous || v_link;
    v_link := encode(sha256(convert_to(v_link || p_digests[i], 'UTF8')), 'hex');
    v_hashes := v_hashes || v_link;
  END LOOP;
  RETURN QUERY
    WITH inserted AS (
      INSERT INTO gridline_events AS e
        (event_id, stream_id, stream_revision, event_type, data, metadata, occurred_at,
         previous_hash, hash)
      SELECT u.id, p_stream, v_current + u.ord, u.type, u.data, u.metadata, u.occurred,
             u.previous, u.link
        FROM unnest(p_ids, p_types, p_data, p_metadata, p_occurred, v_previous, v_hashes)
             WITH ORDINALITY AS u(id, type, data, metadata, occurred, previous, link, ord)
       ORDER BY u.ord
      RETURNING e.event_id, e.stream_revision, e.occurred_at, e.transaction_id,
                e.global_position, e.previous_hash, e.hash
    )
    -- The caller has the data and metadata: they are not sent back.
    SELECT 'appended'::text, v_current + v_count, i.event_id, p_stream, i.stream_revision,
           NULL::text, NULL::jsonb, NULL::jsonb, i.occurred_at, i.transaction_id::text,
           i.global_position, i.previous_hash, i.hash
      FROM inserted i;
  INSERT INTO gridline_streams AS s (stream_id, revision, last_hash)
    VALUES (p_stream, v_current + v_count, v_link)
    ON CONFLICT (stream_id)
      DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash;
  IF p_claim_token IS NOT NULL THEN
    UPDATE gridline_idempotency AS c
       SET committed = coalesce(c.committed, '[]'::jsonb) || jsonb_build_array(
             jsonb_strip_nulls(jsonb_build_object('streamId', p_stream,
               'eventIds', to_jsonb(p_ids), 'revision', v_current + v_count,
               'caseId', p_claim_case)))
     WHERE c.scope = p_claim_scope AND c.key = p_claim_key
       AND c.claim_token = p_claim_token AND c.status IS NULL;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'idempotency claim on % was taken over', p_claim_key
        USING ERRCODE = 'GL409';
    END IF;
  END IF;
END
$fn$;
-- Evidence files (docs/evidence.md): an upload waits here, with its data key sealed
-- under a vault subject of its own, until a command attaches it to evidence or the
-- grace period removes it. Every download of a file is recorded in the access log.
CREATE TABLE IF NOT EXISTS gridline_evidence_uploads (
  upload_id     uuid PRIMARY KEY,
  agency        text NOT NULL,
  uploaded_by   text NOT NULL,
  kind          text NOT NULL,
  status        text NOT NULL DEFAULT 'receiving',
  sealed_key    jsonb NOT NULL,
  content_type  text,
  size          bigint,
  stored_size   bigint,
  sha256        text,
  stored_sha256 text,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  stored_at     timestamptz,
  attached_at   timestamptz,
  attached_to   text,
  CONSTRAINT gridline_evidence_uploads_status
    CHECK (status IN ('receiving', 'stored', 'attaching', 'attached', 'expired'))
);
CREATE INDEX IF NOT EXISTS gridline_evidence_uploads_pending
  ON gridline_evidence_uploads (created_at) WHERE status IN ('receiving', 'stored');
CREATE TABLE IF NOT EXISTS gridline_evidence_access (
  access_id    uuid PRIMARY KEY,
  case_id      uuid NOT NULL,
  evidence_id  uuid NOT NULL,
  principal_id text NOT NULL,
  agency       text,
  roles        text[] NOT NULL DEFAULT '{}',
  outcome      text NOT NULL DEFAULT 'started',
  bytes        bigint NOT NULL DEFAULT 0,
  accessed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at  timestamptz
);
CREATE INDEX IF NOT EXISTS gridline_evidence_access_by_case
  ON gridline_evidence_access (case_id, accessed_at);
CREATE TABLE IF NOT EXISTS gridline_checkpoints (
  name             text PRIMARY KEY,
  commit_position  bigint NOT NULL,
  prepare_position bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Named, expiring locks (libs/platform postgres-lease.ts), e.g. one relay per agency.
${LEASES_DDL};
-- SWC's open assignments and their due times (apps/swc-service deadline-tracker.ts).
CREATE TABLE IF NOT EXISTS swc_assignment_deadlines (
  assignment_id  uuid PRIMARY KEY,
  case_id        uuid NOT NULL,
  agency         text NOT NULL,
  due_at         timestamptz NOT NULL,
  open           boolean NOT NULL,
  escalated_for  timestamptz
);
CREATE INDEX IF NOT EXISTS swc_assignment_deadlines_due
  ON swc_assignment_deadlines (due_at) WHERE open;
-- Seals over the whole log (libs/eventsourcing log-seal.ts, docs/security.md): each a
-- digest chained over every event up to a log position, signed outside the database.
CREATE TABLE IF NOT EXISTS gridline_log_seals (
  seal_no    bigint PRIMARY KEY CHECK (seal_no > 0),
  up_to      text        NOT NULL,
  events     bigint      NOT NULL,
  digest     text        NOT NULL,
  sealed_at  timestamptz NOT NULL,
  key_id     text        NOT NULL,
  signature  text        NOT NULL
);
`;

const APPEND_SIGNATURE =
  'gridline_append(text, bigint, uuid[], text[], jsonb[], jsonb[], timestamptz[], text[], text, text, uuid, text)';

/**
 * What each database role may do (docs/security.md, "Append-only history"). The
 * roles are the cluster's, made by whoever provisions it (deploy/local/lib/postgres.sh,
 * deploy/docker/postgres-roles.sh, deploy/k8s): `gridline_service` for the agencies'
 * services (with `gridline_agency_<agency>` naming whose streams), `gridline_reader`
 * for the gateway and the projector. Granted here, by the owner, only for the roles
 * that exist: a database without them (the tests') is used by its owner alone.
 * Nobody but the owner may change an event or a stream's head: events go in only
 * through gridline_append, which is the owner's (SECURITY DEFINER).
 */
const GRANTS = `
REVOKE ALL ON FUNCTION ${APPEND_SIGNATURE} FROM PUBLIC;
DO $grants$
DECLARE
  v_schema record;
  v_table record;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridline_service') THEN
    GRANT EXECUTE ON FUNCTION ${APPEND_SIGNATURE} TO gridline_service;
    GRANT SELECT ON gridline_events, gridline_streams, gridline_log_seals, gridline_schema
      TO gridline_service;
    GRANT SELECT, INSERT, UPDATE, DELETE ON gridline_idempotency, gridline_checkpoints,
      gridline_leases, gridline_evidence_uploads, swc_assignment_deadlines TO gridline_service;
    -- The access log is only added to.
    GRANT SELECT, INSERT, UPDATE ON gridline_evidence_access TO gridline_service;
    -- The personal-data key store: only the agency that records personal data
    -- (street; PERSONAL_DATA_HOLDERS in libs/platform) may read or add keys, and
    -- erase them (UPDATE). An upgraded database loses the grant of version 5.
    REVOKE ALL ON gridline_subject_keys FROM gridline_service;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridline_agency_street') THEN
      GRANT SELECT, INSERT, UPDATE ON gridline_subject_keys TO gridline_agency_street;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridline_reader') THEN
    GRANT SELECT ON gridline_events, gridline_streams, gridline_schema, gridline_evidence_uploads
      TO gridline_reader;
    -- Exports mark erased subjects' key ids; the wrapped keys themselves stay unread.
    GRANT SELECT (key_id, erased_at) ON gridline_subject_keys TO gridline_reader;
    -- The gateway seals the log (with a key the database does not hold).
    GRANT SELECT, INSERT ON gridline_log_seals TO gridline_reader;
    GRANT SELECT, INSERT, UPDATE ON gridline_export_audit, gridline_evidence_access
      TO gridline_reader;
    GRANT SELECT, INSERT, UPDATE, DELETE ON gridline_checkpoints, gridline_leases,
      gridline_idempotency TO gridline_reader;
    -- The read-model tables (schemas gridline_rm_*, ADR 0007) are the reader's own.
    EXECUTE format('GRANT CREATE ON DATABASE %I TO gridline_reader', current_database());
    IF pg_has_role(current_user, 'gridline_reader', 'MEMBER') THEN
      FOR v_schema IN
        SELECT n.nspname FROM pg_namespace n
         WHERE n.nspname LIKE 'gridline\\_rm\\_%' AND n.nspowner = current_user::text::regrole
      LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO gridline_reader', v_schema.nspname);
        FOR v_table IN SELECT t.tablename FROM pg_tables t WHERE t.schemaname = v_schema.nspname
        LOOP
          EXECUTE format('ALTER TABLE %I.%I OWNER TO gridline_reader',
            v_schema.nspname, v_table.tablename);
        END LOOP;
      END LOOP;
    END IF;
  END IF;
END
$grants$;
`;

/**
 * Bump when DDL changes. A store already at this version is left alone: DDL such
 * as `ALTER TABLE … ADD COLUMN IF NOT EXISTS` takes an exclusive lock even when
 * there is nothing to do, which deadlocks against appends in flight.
 */
export const EVENT_STORE_SCHEMA_VERSION = 6;

async function schemaVersion(db: Pick<Pool, 'query'>): Promise<number | undefined> {
  const exists = await db.query<{ present: boolean }>(
    `SELECT to_regclass('gridline_schema') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return undefined;
  const { rows } = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM gridline_schema',
  );
  return rows[0]?.version ?? undefined;
}

/**
 * Creates or upgrades the store's tables and functions. Safe to call from many
 * processes: one upgrades under an advisory lock, the others find it done.
 */
export async function ensureEventStoreSchema(
  pool: Pool,
  options: { readonly regrant?: boolean } = {},
): Promise<void> {
  if (!options.regrant && (await schemaVersion(pool)) === EVENT_STORE_SCHEMA_VERSION) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    if ((await schemaVersion(client)) !== EVENT_STORE_SCHEMA_VERSION) {
      await client.query(DDL);
      await client.query('CREATE TABLE IF NOT EXISTS gridline_schema (version integer NOT NULL)');
      await client.query(GRANTS);
      await client.query('DELETE FROM gridline_schema');
      await client.query('INSERT INTO gridline_schema (version) VALUES ($1)', [
        EVENT_STORE_SCHEMA_VERSION,
      ]);
    } else if (options.regrant) {
      // Roles made after the schema (a new cluster role, a restored database).
      await client.query(GRANTS);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE)
      throw new Error(
        `the event store's schema needs version ${EVENT_STORE_SCHEMA_VERSION}, and this database role may not change it: run \`npm run gridline -- migrate\` with the owner's DATABASE_URL (docs/security.md)`,
      );
    throw error;
  } finally {
    client.release();
  }
}

/**
 * `gridline migrate` and the Kubernetes migration Job (deploy/k8s/migrate.yaml): the
 * schema at this release's version, and the grants applied again (a role made since).
 * Run with the owner's connection string; returns the version and the group roles
 * that were granted to.
 */
export async function migrateEventStore(
  connectionString: string,
): Promise<{ readonly version: number; readonly granted: readonly string[] }> {
  const pool = new pg.Pool({ connectionString, max: 1, application_name: 'gridline-migrate' });
  try {
    await ensureEventStoreSchema(pool, { regrant: true });
    const { rows } = await pool.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE rolname IN ('gridline_service', 'gridline_reader') ORDER BY 1`,
    );
    return { version: EVENT_STORE_SCHEMA_VERSION, granted: rows.map((r) => r.rolname) };
  } finally {
    await pool.end();
  }
}
