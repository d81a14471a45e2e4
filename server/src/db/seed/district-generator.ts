/**
 * Synthetic district generator (SPEC "Organisation tree": seed 001 art. 12 — ~600,000 people, 9 community
 * health centres, 46 stations). Deterministic for a seed. Writes in batches of residents, each batch one
 * transaction of `INSERT … SELECT FROM unnest(…)` statements (see bulk-insert.ts); works on PostgreSQL and PGlite.
 */
import { sql, type Kysely } from 'kysely';
import type { FieldCrypto } from '../../security/field-crypto.js';
import { todayIso } from '../../shared/dates.js';
import type { DB } from '../schema.js';
import { RowBuffer, type TableName } from './bulk-insert.js';
import { createOrganisation, REGION, type DistrictOrg, type StaffOverrides } from './organisation.js';
import { ResidentFactory, type GenCounters } from './resident-factory.js';
import { Random } from './random.js';

/**
 * Password of the demo log-ins among the generated staff (staffOverrides), each with its own hash. Other generated
 * staff accounts have no usable password.
 */
export const STAFF_PASSWORD = 'kanglian2026';
export const DEFAULT_SEED = 20_260_101;

export interface GenerateOptions {
  residents: number;
  seed?: number;
  /** The generator's "today" (YYYY-MM-DD, China time); defaults to the real date. */
  today?: string;
  log?: (message: string) => void;
  /** Residents per batch (one transaction each); default 2,000. */
  batchSize?: number;
  /**
   * Open a transaction per batch (default). Pass false when `db` is already a transaction (e.g. the demo seed
   * writes a small district atomically).
   */
  batchTransactions?: boolean;
  /** Batches in flight at once (PostgreSQL only — PGlite has a single connection). Default 1. */
  concurrency?: number;
  /** Renames of generated staff (e.g. c1t1_gp → gp1 with a fixed display name). */
  staffOverrides?: StaffOverrides;
  /** National IDs and phones the generator must not hand out (fixed demo residents). */
  reserved?: { nationalIds?: string[]; phones?: string[] };
  /** Runs after the organisation is written and before the first generated resident. */
  beforeResidents?: (org: DistrictOrg, db: Kysely<DB>) => Promise<void>;
}

export interface GenerateResult {
  org: DistrictOrg;
  counters: GenCounters;
  /** Rows written per table. */
  rows: Record<string, number>;
  ms: number;
}

export async function regionExists(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('region').select('code').where('code', '=', REGION.code).executeTakeFirst();
  return row !== undefined;
}

export async function generateDistrict(db: Kysely<DB>, crypto: FieldCrypto, opts: GenerateOptions): Promise<GenerateResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? DEFAULT_SEED;
  const today = opts.today ?? todayIso();
  const batchSize = Math.max(1, opts.batchSize ?? 2000);
  const useTransactions = opts.batchTransactions ?? true;
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const rng = new Random(seed);
  const rows: Record<string, number> = {};
  const tally = (buf: RowBuffer) => {
    for (const [t, n] of buf.counts()) rows[t] = (rows[t] ?? 0) + n;
  };
  const inTransaction = <T>(work: (d: Kysely<DB>) => Promise<T>): Promise<T> =>
    useTransactions
      ? db.transaction().execute(async (trx) => {
          await sql`SET LOCAL synchronous_commit = off`.execute(trx);
          // Bulk load: no per-statement triggers (resident_activity is refreshed once at the end).
          await sql`SET LOCAL session_replication_role = replica`.execute(trx);
          return work(trx);
        })
      : work(db);

  log(`generator: seed ${seed}, today ${today}, ${opts.residents.toLocaleString('en')} residents`);
  const org = await inTransaction((d) => createOrganisation(d, rng, STAFF_PASSWORD, opts.staffOverrides));
  const orgRows = await countOrg(db);
  Object.assign(rows, orgRows);
  log(
    `generator: organisation — ${org.centres.length} centres, ${org.centres.reduce((n, c) => n + c.stations.length, 0)} stations, ` +
      `${org.teams.length} teams, ${orgRows.app_user} staff accounts`,
  );
  if (opts.beforeResidents) await opts.beforeResidents(org, db);

  const factory = new ResidentFactory(rng, crypto, org, {
    today,
    nowIso: new Date().toISOString(),
    reservedNationalIds: opts.reserved?.nationalIds,
    reservedPhones: opts.reserved?.phones,
  });

  const pending: Promise<void>[] = [];
  let written = 0;
  let lastLog = Date.now();
  for (let start = 0; start < opts.residents; start += batchSize) {
    const n = Math.min(batchSize, opts.residents - start);
    const buf = new RowBuffer();
    for (let i = 0; i < n; i++) {
      factory.resident(buf);
      // With writes in flight, let their I/O progress while the next batch is built.
      if (concurrency > 1 && i % 250 === 249) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    tally(buf);
    const write = inTransaction((d) => buf.flush(d)).then(() => {
      written += n;
      if (Date.now() - lastLog > 10_000 || written === opts.residents) {
        lastLog = Date.now();
        const s = (Date.now() - started) / 1000;
        log(
          `generator: ${written.toLocaleString('en')} / ${opts.residents.toLocaleString('en')} residents (${s.toFixed(0)} s, ${Math.round(written / s)} residents/s)`,
        );
      }
    });
    if (concurrency === 1) await write;
    else {
      write.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
      pending.push(write);
      if (pending.length >= concurrency) await pending.shift();
    }
  }
  await Promise.all(pending);
  // Statistics first: the refresh probes every resident's entries and needs the planner to know the tables.
  log('generator: ANALYZE');
  await sql`ANALYZE`.execute(db);
  log('generator: resident_activity');
  await sql`SELECT refresh_resident_activity(ARRAY(SELECT id FROM resident))`.execute(db);
  await sql`ANALYZE resident_activity`.execute(db);
  const ms = Date.now() - started;
  log(
    `generator: done in ${(ms / 1000).toFixed(1)} s — ${Object.values(rows)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en')} rows`,
  );
  return { org, counters: factory.counters, rows, ms };
}

async function countOrg(db: Kysely<DB>): Promise<Record<string, number>> {
  const tables: TableName[] = ['region', 'institution', 'department', 'team', 'grid', 'app_user', 'team_member', 'service_package'];
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}
