import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { DestinationStream } from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { migrateToLatest, openDatabase, type Database } from '../../src/db/database.js';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  close(): Promise<void>;
}

/**
 * A fresh database per test file: PGlite in memory by default; with DATABASE_URL the server's
 * public schema is dropped and migrated again (files then run one at a time, see vitest.config.ts).
 */
export async function createTestApp(opts: { logLevel?: string; logStream?: DestinationStream; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  const url = process.env.DATABASE_URL;
  const config = loadConfig(
    {
      KANGLIAN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      KANGLIAN_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
      KANGLIAN_SEED: 'none',
      ...opts.env,
      ...(url ? { DATABASE_URL: url } : {}),
    },
    url ? {} : { database: { kind: 'pglite', dataDir: 'memory://' } },
  );
  const database = await openDatabase(config.database);
  if (database.kind === 'postgresql') {
    await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
    await sql`CREATE SCHEMA public`.execute(database.db);
  }
  const schemaVersion = await migrateToLatest(database.db);
  const app = await buildApp({ config, database, schemaVersion, logStream: opts.logStream });
  await app.ready();
  return {
    app,
    database,
    config,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
