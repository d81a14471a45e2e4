/**
 * Generates the synthetic district into the configured database (same environment as the server:
 * DATABASE_URL for PostgreSQL — or MIGRATION_DATABASE_URL, the owner, when set — otherwise PGlite in KANGLIAN_DATA_DIR).
 *
 *   npm run generate -- --residents 600000 [--seed N] [--reset] [--no-demo] [--concurrency N] [--batch N] [--today YYYY-MM-DD]
 *
 * By default the fixed demo log-ins and residents are added too (as the server's demo seed does), so a server
 * started on the result prints log-ins that work. Refuses when the region already exists unless --reset, which
 * drops and recreates the public schema (never on a database named postgres or template*).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../../config/config.js';
import { FieldCrypto } from '../../security/field-crypto.js';
import { migrateToLatest, openDatabase, ownerDatabaseConfig } from '../database.js';
import { DEFAULT_SEED, generateDistrict, regionExists, type GenerateResult } from './district-generator.js';
import { seedDemoDistrict } from './demo-district.js';

const USAGE =
  'usage: npm run generate -- --residents N [--seed N] [--reset] [--no-demo] [--concurrency N] [--batch N] [--today YYYY-MM-DD]';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${value}"\n${USAGE}`);
  return n;
}

const { values } = parseArgs({
  options: {
    residents: { type: 'string' },
    seed: { type: 'string' },
    reset: { type: 'boolean', default: false },
    'no-demo': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    today: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (values.residents === undefined) fail(USAGE);
const residents = positiveInt('residents', values.residents, 0);
const seed = positiveInt('seed', values.seed, DEFAULT_SEED);
if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) fail('--today must be YYYY-MM-DD');

const config = loadConfig();
// A system job: it resets, migrates and bulk-loads (without triggers) as the owner, MIGRATION_DATABASE_URL when set.
const target = ownerDatabaseConfig(config.database);
const database = await openDatabase(target);
const db = database.db;
const crypto = new FieldCrypto(config.keys.encryption, config.keys.blindIndex);
const t0 = Date.now();
const where = target.kind === 'postgresql' ? target.url.replace(/\/\/[^@/]*@/, '//') : target.dataDir;
console.log(`database: ${database.kind} (${where})`);
// National IDs and phones are encrypted with these keys: the server and the benchmarks must use the same ones.
console.log(
  process.env.KANGLIAN_ENCRYPTION_KEY && process.env.KANGLIAN_BLIND_INDEX_KEY
    ? 'keys: from the environment'
    : `keys: ${path.join(config.dataDir, 'dev-keys.json')} (development keys; run the server with the same KANGLIAN_DATA_DIR)`,
);

try {
  if (values.reset) {
    const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(db);
    const name = rows[0]?.name ?? '';
    if (database.kind === 'postgresql' && (name === 'postgres' || name.startsWith('template'))) {
      fail(`--reset refused: it would wipe the "${name}" database; use a dedicated database (e.g. kanglian_bench)`);
    }
    console.log(`reset: dropping and recreating schema public of "${name}"`);
    await sql`DROP SCHEMA public CASCADE`.execute(db);
    await sql`CREATE SCHEMA public`.execute(db);
  }
  const schema = await migrateToLatest(db);
  console.log(`schema: ${schema}`);
  if (await regionExists(db)) fail('the demo region already exists in this database; pass --reset to replace it (drops everything)');

  const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}`);
  const concurrency = positiveInt('concurrency', values.concurrency, database.kind === 'postgresql' ? 2 : 1);
  if (database.kind === 'pglite' && concurrency > 1) fail('--concurrency > 1 needs PostgreSQL (PGlite has one connection)');
  const batchSize = positiveInt('batch', values.batch, 2000);
  const genStart = Date.now();
  let result: GenerateResult | undefined;
  if (values['no-demo']) {
    result = await generateDistrict(db, crypto, { residents, seed, today: values.today, log, concurrency, batchSize });
  } else {
    const seeded = await seedDemoDistrict(db, crypto, { residents, seed, today: values.today, log, concurrency });
    result = seeded.generated;
    console.log(`demo log-ins (password kanglian2026): ${seeded.logins.map((l) => l.username).join(', ')}`);
  }
  const genMs = Date.now() - genStart;

  let vacuumMs = 0;
  if (database.kind === 'postgresql') {
    const v0 = Date.now();
    log('VACUUM (ANALYZE)');
    await sql`VACUUM (ANALYZE)`.execute(db);
    vacuumMs = Date.now() - v0;
  }

  const tables = [
    'institution',
    'team',
    'app_user',
    'resident',
    'resident_identifier',
    'contract',
    'condition',
    'encounter',
    'observation',
    'medication',
    'immunization',
    'screening',
    'programme_enrolment',
    'followup_visit',
    'care_task',
    'elderly_assessment',
    'referral',
  ] as const;
  const counts: [string, number][] = [];
  for (const t of tables) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(db);
    counts.push([t, r.rows[0]?.n ?? 0]);
  }
  const total = counts.reduce((a, [, n]) => a + n, 0);
  const facts = await sql<{ k: string; n: number }>`
    SELECT 'residents with national ID' AS k, count(*)::int AS n FROM resident WHERE national_id_bidx IS NOT NULL
    UNION ALL SELECT 'residents with phone', count(*)::int FROM resident WHERE phone_bidx IS NOT NULL
    UNION ALL SELECT 'distinct names', count(DISTINCT name)::int FROM resident
    UNION ALL SELECT 'active contracts', count(*)::int FROM contract WHERE status = 'active'
    UNION ALL SELECT 'hypertension enrolled', count(*)::int FROM programme_enrolment WHERE programme = 'hypertension'
    UNION ALL SELECT 'diabetes enrolled', count(*)::int FROM programme_enrolment WHERE programme = 'diabetes'
    UNION ALL SELECT 'chronic: latest visit controlled', count(*)::int FROM programme_enrolment WHERE programme IN ('hypertension','diabetes') AND last_controlled
    UNION ALL SELECT 'open care tasks', count(*)::int FROM care_task WHERE status = 'open'`.execute(db);

  console.log('\nrows per table');
  for (const [t, n] of counts) console.log(`  ${t.padEnd(22)} ${n.toLocaleString('en').padStart(12)}`);
  console.log(`  ${'total'.padEnd(22)} ${total.toLocaleString('en').padStart(12)}`);
  console.log('\nfacts');
  for (const f of facts.rows) console.log(`  ${f.k.padEnd(34)} ${f.n.toLocaleString('en').padStart(12)}`);
  console.log('\ntimings');
  console.log(
    `  generate + write   ${(genMs / 1000).toFixed(1)} s${result ? ` (${Math.round((total / genMs) * 1000).toLocaleString('en')} rows/s)` : ''}`,
  );
  if (vacuumMs) console.log(`  VACUUM (ANALYZE)   ${(vacuumMs / 1000).toFixed(1)} s`);
  console.log(`  wall time          ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} finally {
  await database.close();
}
