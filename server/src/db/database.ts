import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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
import * as m0014 from './migrations/0014_referral_loop.js';

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
  '0014_referral_loop': m0014,
};

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
  const pglite = await PGlite.create(database.dataDir, { extensions: { pg_trgm } });
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

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<DB>): Promise<string> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return schemaVersion(db);
}

export async function schemaVersion(db: Kysely<DB>): Promise<string> {
  const row = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1`.execute(db);
  return row.rows[0]?.name ?? 'none';
}

export const LATEST_SCHEMA_VERSION = Object.keys(MIGRATIONS).at(-1)!;
