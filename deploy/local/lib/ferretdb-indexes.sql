-- Lookups FerretDB 1.24 can answer from an index (docs/adr/0002-read-models-on-mongodb.md).
--
-- FerretDB keeps each collection in a table of one jsonb column, `_jsonb`, and
-- makes a MongoDB index on a top-level field a btree on `(_jsonb -> 'field')`. It
-- pushes an equality filter down to PostgreSQL as containment,
-- `(_jsonb -> 'field') @> '"value"'`, which a btree cannot serve: every lookup,
-- `_id` included, scans the whole table (9 ms at 20,000 documents, growing with
-- the collection). This event trigger gives each such btree a GIN twin on the
-- same expression (jsonb_path_ops serves `@>`), made in the same transaction as
-- the btree, so each lookup reads the index. Without fastupdate: a GIN index's
-- pending list is read by every lookup until a vacuum merges it, and the
-- projection looks up what it has just inserted (1.3 ms against 4.9 ms a lookup
-- at 60,000 documents, scripts/bench/ferretdb-probe.mjs). A compound index's
-- leading field gets one too (the timeline's `caseId`); a nested field does not
-- (FerretDB pushes no filter on one down).
--
-- Installed by the superuser into FerretDB's backend database (mongo.sh); a real
-- MongoDB needs none of it. The twin goes with its table when the collection is
-- dropped; an index dropped alone through FerretDB leaves its twin until then.

-- The twin of one index, when it is FerretDB's btree on one top-level field.
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION gridline_ferretdb_twin(btree oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  btree_index record;
  expression text;
BEGIN
  SELECT i.indrelid::regclass AS tab, ix.relname INTO btree_index
    FROM pg_index i
    JOIN pg_class ix ON ix.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ix.relam
   WHERE i.indexrelid = btree AND am.amname = 'btree';
  IF NOT FOUND THEN RETURN; END IF;
  expression := pg_get_indexdef(btree, 1, false);
  -- Only FerretDB's shape, a top-level field (an index's leading one): ((_jsonb -> 'name'::text)).
  IF expression !~ '^\(\(_jsonb -> ''[^'']+''::text\)\)$' THEN RETURN; END IF;
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
                 left(btree_index.relname, 59) || '_gin', btree_index.tab, expression);
END $$;

CREATE OR REPLACE FUNCTION gridline_ferretdb_twin_index() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  made record;
BEGIN
  FOR made IN SELECT objid FROM pg_event_trigger_ddl_commands()
               WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM gridline_ferretdb_twin(made.objid);
  END LOOP;
END $$;

DROP EVENT TRIGGER IF EXISTS gridline_ferretdb_twin_index;
CREATE EVENT TRIGGER gridline_ferretdb_twin_index ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION gridline_ferretdb_twin_index();

-- Collections made before the trigger was installed.
SELECT gridline_ferretdb_twin(i.indexrelid)
  FROM pg_index i
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public');
