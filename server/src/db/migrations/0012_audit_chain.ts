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
CREATE FUNCTION audit_row_hash(e audit_event) RETURNS bytea
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $fn$
  SELECT sha256(e.prev_hash || convert_to(jsonb_build_array(
    e.chain_seq, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor_user_id, e.actor_role, e.actor_institution_id, e.action, e.outcome, e.resident_id,
    e.resource, e.fields, e.access_basis, e.reason, e.client_ip, e.detail)::text, 'UTF8'))
$fn$;

-- Rows written before the chain existed: chained in id order (the append-only trigger is set aside
-- for this one statement of the migration, inside its transaction).
ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
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
    UPDATE audit_event SET chain_seq = r.chain_seq, prev_hash = r.prev_hash, row_hash = r.row_hash WHERE id = r.id;
    prev := r.row_hash;
  END LOOP;
END
$do$;
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
