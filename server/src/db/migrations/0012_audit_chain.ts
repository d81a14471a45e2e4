import { sql, type Kysely } from 'kysely';

/**
 * Audit that the database owner cannot quietly rewrite.
 *
 * 1. kanglian_app: the role the application connects as (DATABASE_URL). It logs in, owns nothing and is
 *    no superuser, so it can neither `ALTER TABLE … DISABLE TRIGGER` (owner only) nor
 *    `SET session_replication_role` (superuser only). It may read and write the application's tables,
 *    but on audit_event only SELECT and INSERT. Roles are cluster-wide: creating it is idempotent and
 *    tolerates another database of the same cluster creating it at the same moment. The grants are
 *    repeated after every migration run by `grantApplicationRole` (database.ts), which also covers
 *    tables that later migrations add.
 * 2. A hash chain over audit_event: a BEFORE INSERT trigger gives each row the next `chain_seq`, the
 *    previous row's hash as `prev_hash`, and `row_hash` = sha256(prev_hash || canonical text of the
 *    row). `audit_row_hash(audit_event)` is the one definition of that hash: the trigger calls it and
 *    so does `npm run audit:verify`, so the two cannot drift. Rows that existed before this migration
 *    are chained here, in id order.
 * 3. The append-only triggers and the chain trigger fire ALWAYS, so even a superuser's
 *    `session_replication_role = replica` no longer silences them (only DDL on the table does, which
 *    the application role may not run and which the chain then exposes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kanglian_app') THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
      RAISE WARNING 'role kanglian_app does not exist and % may not create it: create it (LOGIN NOSUPERUSER) and migrate again', current_user;
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE kanglian_app LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another database of this cluster created it meanwhile
    END;
  END IF;
END
$do$;

ALTER TABLE audit_event
  ADD COLUMN chain_seq bigint NOT NULL DEFAULT 0,
  ADD COLUMN prev_hash bytea NOT NULL DEFAULT ''::bytea,
  ADD COLUMN row_hash bytea NOT NULL DEFAULT ''::bytea;

-- The canonical content of a row, hashed with the previous row's hash. Every column is named (a column
-- added to audit_event later is not covered until this function is replaced); values are rendered as one
-- JSON array (unambiguous quoting, null distinct from ''), the time in UTC whatever the session's TimeZone.
-- (No SET search_path, so that the planner can inline it: every name it uses is in pg_catalog, which is
-- searched first, and pg_temp is never searched for functions or operators.)
CREATE FUNCTION audit_row_hash(e audit_event) RETURNS bytea
LANGUAGE sql STABLE AS $fn$
  SELECT pg_catalog.sha256(e.prev_hash || pg_catalog.convert_to(pg_catalog.jsonb_build_array(
    e.chain_seq, e.id, pg_catalog.to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id, e.actor_role, e.actor_institution_id, e.action, e.outcome, e.resident_id,
    e.resource, e.fields, e.access_basis, e.reason, e.client_ip, e.detail)::text, 'UTF8'))
$fn$;

-- Rows written before the chain existed: chained in id order. The links are computed into a temporary
-- table, then written in one UPDATE (the append-only trigger is set aside for it, inside this migration's
-- transaction).
CREATE TEMPORARY TABLE audit_chain_backfill (id bigint PRIMARY KEY, chain_seq bigint, prev_hash bytea, row_hash bytea);
DO $do$
DECLARE
  r audit_event;
  prev bytea := decode(repeat('00', 32), 'hex');
  seq bigint := 0;
BEGIN
  FOR r IN SELECT * FROM audit_event ORDER BY id LOOP
    seq := seq + 1;
    r.chain_seq := seq;
    r.prev_hash := prev;
    r.row_hash := audit_row_hash(r);
    INSERT INTO audit_chain_backfill VALUES (r.id, r.chain_seq, r.prev_hash, r.row_hash);
    prev := r.row_hash;
  END LOOP;
END
$do$;
ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
-- Secondary indexes are rebuilt rather than updated row by row (half the time on a million rows).
DO $do$
DECLARE
  defs text[];
  def text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM audit_chain_backfill) THEN RETURN; END IF;
  SELECT coalesce(array_agg(i.indexdef), '{}') INTO defs FROM pg_indexes i
   WHERE i.schemaname = current_schema() AND i.tablename = 'audit_event' AND i.indexname <> 'audit_event_pkey';
  EXECUTE (SELECT 'DROP INDEX ' || string_agg(quote_ident(i.indexname), ', ') FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = 'audit_event' AND i.indexname <> 'audit_event_pkey');
  UPDATE audit_event a SET chain_seq = b.chain_seq, prev_hash = b.prev_hash, row_hash = b.row_hash
    FROM audit_chain_backfill b WHERE b.id = a.id;
  FOREACH def IN ARRAY defs LOOP EXECUTE def; END LOOP;
END
$do$;
DROP TABLE audit_chain_backfill;
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_update;
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_truncate;

-- The defaults only exist so that an insert need not name these columns: the trigger always sets them,
-- and a row that escaped it would fail these checks.
ALTER TABLE audit_event
  ADD CONSTRAINT audit_event_chain_seq_check CHECK (chain_seq > 0),
  ADD CONSTRAINT audit_event_prev_hash_check CHECK (octet_length(prev_hash) = 32),
  ADD CONSTRAINT audit_event_row_hash_check CHECK (octet_length(row_hash) = 32);
CREATE UNIQUE INDEX audit_event_chain_seq_key ON audit_event(chain_seq);

-- One chain, one link at a time: the transaction-scoped advisory lock makes chain order a total order
-- across connections. It is held until the inserting transaction ends, so audit rows of a write are
-- inserted last in their transaction (CareContext.writeForResident). Under REPEATABLE READ a stale
-- snapshot would reuse a chain_seq: the unique index then refuses the insert instead of forking the chain.
CREATE FUNCTION audit_event_chain() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $fn$
DECLARE
  last_seq bigint;
  last_hash bytea;
BEGIN
  PERFORM pg_advisory_xact_lock(7142026012);
  SELECT a.chain_seq, a.row_hash INTO last_seq, last_hash FROM audit_event a ORDER BY a.chain_seq DESC LIMIT 1;
  NEW.chain_seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, decode(repeat('00', 32), 'hex'));
  NEW.row_hash := audit_row_hash(NEW);
  RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain();
ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_chain;

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kanglian_app') THEN
    GRANT USAGE ON SCHEMA public TO kanglian_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kanglian_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO kanglian_app;
    REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM kanglian_app;
  END IF;
END
$do$;
`,
    )
    .execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only; restore from backup to go back.');
}
