import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, Migrator, PostgresDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { DB } from './schema.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_chronic_care.js';
import * as m0003 from './migrations/0003_risk_reason_and_kpi_control.js';
import * as m0004 from './migrations/0004_search_indexes.js';
import * as m0005 from './migrations/0005_identifier_lookup.js';
import * as m0006 from './migrations/0006_worklist_indexes.js';
import * as m0007 from './migrations/0007_kpi_covering_indexes.js';
import * as m0008 from './migrations/0008_resident_activity.js';
import * as m0009 from './migrations/0009_one_way_in.js';
import * as m0010 from './migrations/0010_login_throttle.js';
import * as m0011 from './migrations/0011_race_constraints.js';
import * as m0012 from './migrations/0012_audit_chain.js';
import * as m0013 from './migrations/0013_sterile_supply.js';
import * as m0014 from './migrations/0014_referral_loop.js';
import * as m0015 from './migrations/0015_fhir.js';
import * as m0016 from './migrations/0016_clinical_integrity.js';

/** Versioned migrations, in order. A new file is appended here; applied ones are never edited. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_chronic_care': m0002,
  '0003_risk_reason_and_kpi_control': m0003,
  '0004_search_indexes': m0004,
  '0005_identifier_lookup': m0005,
  '0006_worklist_indexes': m0006,
  '0007_kpi_covering_indexes': m0007,
  '0008_resident_activity': m0008,
  '0009_one_way_in': m0009,
  '0010_login_throttle': m0010,
  '0011_race_constraints': m0011,
  '0012_audit_chain': m0012,
  '0013_sterile_supply': m0013,
  '0014_referral_loop': m0014,
  '0015_fhir': m0015,
  '0016_clinical_integrity': m0016,
};

/** The role the application connects as (created by migration 0012; see grantApplicationRole). */
export const APP_ROLE = 'kanglian_app';

// DATE columns are calendar dates, not instants: keep them as 'YYYY-MM-DD' strings end to end.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
// bigint counts (COUNT(*)) fit in a JS number at our scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgresql';
  close(): Promise<void>;
}

export async function openDatabase(database: Config['database']): Promise<Database> {
  if (database.kind === 'postgresql') {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgresql', close: () => db.destroy() };
  }
  // PGlite needs the data folder's parent to exist; memory:// is used by tests.
  if (!database.dataDir.startsWith('memory://')) mkdirSync(path.dirname(database.dataDir), { recursive: true });
  const pglite = await PGlite.create(database.dataDir, { extensions: { pg_trgm, btree_gist } });
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** Where system jobs connect: the owner's URL (MIGRATION_DATABASE_URL) when given, else the application's. */
export function ownerDatabaseConfig(database: Config['database']): Config['database'] {
  return database.kind === 'postgresql' ? { kind: 'postgresql', url: database.migrationUrl ?? database.url } : database;
}

/**
 * The owner's connection beside the application's `app` handle, for migrations and the demo seed. With
 * PGlite (one connection) or without a separate MIGRATION_DATABASE_URL it is `app` itself, and its
 * close() then leaves `app` open.
 */
export async function openOwnerDatabase(database: Config['database'], app: Database): Promise<Database> {
  const owner = ownerDatabaseConfig(database);
  if (owner.kind === 'postgresql' && database.kind === 'postgresql' && owner.url !== database.url) return openDatabase(owner);
  return { ...app, close: async () => {} };
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<DB>): Promise<string> {
  // Branches land out of numeric order (0015 may be applied before 0014): each migration is
  // independent, so an earlier-numbered one that arrives later is applied then.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  await grantApplicationRole(db);
  return schemaVersion(db);
}

/**
 * (Re)grants the application role its privileges on everything in `public`, so that tables added by any
 * migration are covered: read and write on the application's tables and sequences, but on audit_event
 * only SELECT and INSERT, and on the migrator's own tables only SELECT. Never TRUNCATE, REFERENCES or
 * TRIGGER. Default privileges cover what the migrating role creates later. Runs after every migration
 * run; does nothing where the role does not exist (migration 0012 warns when it could not create it) or
 * when the application role itself runs the (then empty) migration.
 */
export async function grantApplicationRole(db: Kysely<DB>): Promise<void> {
  await sql
    .raw(
      `
DO $do$
BEGIN
  -- Absent, or migrating as the application role itself (an up-to-date schema: nothing to grant).
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') OR current_user = '${APP_ROLE}' THEN RETURN; END IF;
  GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
  REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE};
  REVOKE UPDATE, DELETE ON audit_event FROM ${APP_ROLE};
  REVOKE INSERT, UPDATE, DELETE ON kysely_migration, kysely_migration_lock FROM ${APP_ROLE};
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE};
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE};
END
$do$;`,
    )
    .execute(db);
}

/** Migrates up to `name` only (tests of a migration against data written by the schema before it). */
export async function migrateTo(db: Kysely<DB>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw new Error(`Migration to ${name} failed: ${String(error)}`);
}

export async function schemaVersion(db: Kysely<DB>): Promise<string> {
  const row = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1`.execute(db);
  return row.rows[0]?.name ?? 'none';
}

export const LATEST_SCHEMA_VERSION = Object.keys(MIGRATIONS).at(-1)!;
