/**
 * Migrates the configured database (MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded one) to the latest schema and
 * prints its version: CI's proof that the migrations apply on a real PostgreSQL server.
 */
import { sql } from 'kysely';
import { loadConfig } from '../config/config.js';
import { LATEST_SCHEMA_VERSION, migrateToLatest, openDatabase, ownerDatabaseConfig } from './database.js';

const config = loadConfig();
const database = await openDatabase(ownerDatabaseConfig(config.database));
if (database.kind === 'postgresql' && process.argv.includes('--fresh')) {
  await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(database.db);
  await sql`CREATE SCHEMA public`.execute(database.db);
}
const version = await migrateToLatest(database.db);
await database.close();
if (version !== LATEST_SCHEMA_VERSION) {
  console.error(`schema at ${version}, expected ${LATEST_SCHEMA_VERSION}`);
  process.exit(1);
}
console.log(`${database.kind}: schema ${version}`);
