/**
 * Shared harness for the HTTP benchmarks (npm run bench:search | bench:worklist | bench:kpi).
 *
 * Loads the configuration exactly as the server does (DATABASE_URL → PostgreSQL, else PGlite in
 * KANGLIAN_DATA_DIR), opens the database, builds the real app with buildApp, listens on 127.0.0.1 on a free
 * port, logs in over HTTP and fires each case's requests with a fixed concurrency from a load client in its
 * own process (bench/load-client.mjs). Beside the cases it measures, in the same run, the ceiling of
 * GET /api/health and (PostgreSQL) the cases' SQL alone as prepared statements. Prints a table and writes bench/results/<name>-<db kind>-<residents>.json.
 *
 * Environment / flags: BENCH_REQUESTS or --requests N (per case), BENCH_CONCURRENCY or --concurrency N
 * (default 4), BENCH_WARMUP or --warmup N (default 50 per case), LOG_LEVEL (default 'warn' here, so request
 * logging does not flood the terminal). The database must already hold a district (npm run generate).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/src/app.js';
import { createSession } from '../server/src/auth/sessions.js';
import { loadConfig, type Config } from '../server/src/config/config.js';
import { migrateToLatest, openDatabase, openOwnerDatabase, type Database } from '../server/src/db/database.js';
import type { DB } from '../server/src/db/schema.js';
import type { FieldCrypto } from '../server/src/security/field-crypto.js';

export interface BenchEnv {
  db: Kysely<DB>;
  crypto: FieldCrypto;
  config: Config;
  dbKind: Database['kind'];
  residents: number;
  baseUrl: string;
  /** `preferred` if that account exists, else the first account with the role (by username). */
  userWithRole(role: string, preferred?: string): Promise<string>;
}

export interface BenchCase {
  label: string;
  /** Paths (cycled through) or a factory from the request index, e.g. `/api/residents?q=…`. */
  urls: readonly string[] | ((i: number) => string);
  /** Account to log in as (default: the bench's default user). */
  user?: string;
  requests?: number;
  concurrency?: number;
  method?: 'GET' | 'POST';
  body?: (i: number) => unknown;
  /** Unmeasured requests before the measured ones (default: --warmup). */
  warmup?: number;
  /** Inspects each 2xx JSON body; false counts the request as a miss (answered, but not what was expected). */
  check?: (body: unknown, i: number) => boolean;
}

export interface CaseResult {
  label: string;
  user: string;
  requests: number;
  concurrency: number;
  errors: number;
  misses: number;
  firstError: string | null;
  ms: { p50: number; p95: number; p99: number; max: number; mean: number };
  requestsPerSecond: number;
  /** p50 over the p50 of GET /api/health in the same run. */
  vsHealthP50?: number;
}

export interface BenchOptions {
  /** Results file stem: bench/results/<name>-<db kind>-<residents>.json. */
  name: string;
  /** Default account for cases without `user` (a username, resolved with userWithRole by the caller). */
  user: (env: BenchEnv) => Promise<string>;
  cases: (env: BenchEnv) => Promise<BenchCase[]>;
  /** Extra facts recorded in the JSON (e.g. how samples were drawn). */
  notes?: Record<string, unknown>;
  /** The SQL the cases stand on, timed alone in the same run (PostgreSQL only). */
  sqlCeilings?: (env: BenchEnv) => Promise<SqlCeiling[]>;
}

function flags() {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string' },
    },
    strict: false,
  });
  const num = (flag: unknown, env: string | undefined, fallback: number) => {
    const raw = typeof flag === 'string' ? flag : env;
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`bad number: ${String(raw)}`);
    return n;
  };
  return {
    requests: num(values.requests, process.env.BENCH_REQUESTS, 0),
    concurrency: num(values.concurrency, process.env.BENCH_CONCURRENCY, 4),
    warmup: num(values.warmup, process.env.BENCH_WARMUP, 50),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * A session for `username`, opened in the database: generated staff accounts have no usable password (only the
 * demo log-ins do), and the benchmarks measure what follows the log-in, not the log-in.
 */
async function sessionFor(db: Kysely<DB>, username: string, ttlMs: number): Promise<string> {
  const user = await db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  return (await createSession(db, user.id, ttlMs)).token;
}

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load-client.mjs');

/** Runs the load generator in its own process and returns what it measured. */
function runClient(job: unknown): Promise<{ latencies: number[]; statuses: number[]; bodies: (string | undefined)[]; errors: string[]; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')));
    });
    child.stdin.end(JSON.stringify(job));
  });
}

function summarise(label: string, user: string, requests: number, concurrency: number, latencies: number[], elapsedMs: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    label,
    user,
    requests,
    concurrency,
    ms: {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? NaN),
      mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    },
    requestsPerSecond: Math.round((requests / elapsedMs) * 1000),
  };
}

/**
 * Runs one case: `requests` requests at `concurrency`, sent by the load client in its own process
 * (after `warmup` unmeasured ones); the bodies come back so that `check` can judge them here.
 */
export async function runCase(
  baseUrl: string,
  token: string,
  c: BenchCase,
  defaults: { requests: number; concurrency: number; warmup: number; user: string },
): Promise<CaseResult> {
  const requests = c.requests ?? defaults.requests;
  const concurrency = Math.max(1, c.concurrency ?? defaults.concurrency);
  const urlAt = (i: number) => (typeof c.urls === 'function' ? c.urls(i) : c.urls[i % c.urls.length]!);
  // Measured requests first (0…requests-1), then the warm-up ones (numbered after them).
  const warmup = c.warmup ?? defaults.warmup;
  const list = Array.from({ length: requests + warmup }, (_, i) => ({ url: urlAt(i), ...(c.body ? { body: c.body(i) } : {}) }));
  const r = await runClient({ baseUrl, token, method: c.method ?? 'GET', requests: list, warmup, concurrency, keepBodies: Boolean(c.check) });
  let errors = 0;
  let misses = 0;
  r.statuses.forEach((status, i) => {
    if (status < 200 || status >= 300) errors++;
    else if (c.check && !c.check(JSON.parse(r.bodies[i]!) as unknown, i)) misses++;
  });
  return { ...summarise(c.label, c.user ?? defaults.user, requests, concurrency, r.latencies, r.elapsedMs), errors, misses, firstError: r.errors[0] ?? null };
}

/** A statement timed on its own (prepared, through its own pool, same concurrency): the SQL ceiling. */
export interface SqlCeiling {
  label: string;
  text: string;
  params: (i: number) => unknown[];
}

async function runSqlCeiling(url: string, s: SqlCeiling, requests: number, concurrency: number, warmup: number): Promise<CaseResult> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  try {
    const name = `ceiling_${s.label.replace(/[^a-z0-9]+/gi, '_')}`;
    const one = (i: number) => pool.query({ name, text: s.text, values: s.params(i) });
    for (let i = 0; i < warmup; i++) await one(requests + i);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= requests) return;
          const t = performance.now();
          await one(i);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { ...summarise(`SQL: ${s.label}`, 'pg', requests, concurrency, latencies, performance.now() - started), errors: 0, misses: 0, firstError: null };
  } finally {
    await pool.end();
  }
}

export function printTable(title: string, results: readonly CaseResult[]): void {
  const header = ['case', 'reqs', 'conc', 'err', 'miss', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'req/s', '× health p50'];
  const rows = results.map((r) => [
    r.label,
    String(r.requests),
    String(r.concurrency),
    String(r.errors),
    String(r.misses),
    r.ms.p50.toFixed(1),
    r.ms.p95.toFixed(1),
    r.ms.p99.toFixed(1),
    r.ms.max.toFixed(1),
    String(r.requestsPerSecond),
    r.vsHealthP50 === undefined ? '' : r.vsHealthP50.toFixed(1),
  ]);
  const width = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const pad = (s: string, i: number) => (i === 0 ? s + ' '.repeat(widths[i]! - width(s)) : ' '.repeat(widths[i]! - width(s)) + s);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  for (const r of results) if (r.firstError) console.log(`  ${r.label}: first error: ${r.firstError}`);
}

/** Starts the app on the configured database, runs the cases, prints and saves the results. */
export async function runBench(opts: BenchOptions): Promise<CaseResult[]> {
  const f = flags();
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const database = await openDatabase(config.database);
  let app: FastifyInstance | undefined;
  try {
    const owner = await openOwnerDatabase(config.database, database);
    const schemaVersion = await migrateToLatest(owner.db).finally(() => owner.close());
    app = await buildApp({ config, database, schemaVersion });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const db = database.db;
    const residents = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM resident`.execute(db)).rows[0]?.n ?? 0);
    if (residents === 0) throw new Error('no residents in this database: run `npm run generate -- --residents N` first');
    const env: BenchEnv = {
      db,
      crypto: app.deps.crypto,
      config,
      dbKind: database.kind,
      residents,
      baseUrl: address,
      async userWithRole(role, preferred) {
        if (preferred) {
          const p = await db
            .selectFrom('app_user')
            .select('username')
            .where('username', '=', preferred)
            .where('active', '=', true)
            .executeTakeFirst();
          if (p) return p.username;
        }
        const u = await db
          .selectFrom('app_user')
          .select('username')
          .where('role', '=', role)
          .where('active', '=', true)
          .orderBy('username')
          .executeTakeFirst();
        if (!u) throw new Error(`no ${role} account in this database`);
        return u.username;
      },
    };
    const defaultUser = await opts.user(env);
    console.log(
      `${opts.name}: ${database.kind}, ${residents.toLocaleString('en')} residents, node ${process.version}, ${os.cpus().length} CPUs; default user ${defaultUser}`,
    );
    const cases = await opts.cases(env);
    const tokens = new Map<string, string>();
    const results: CaseResult[] = [];
    // Ceilings measured in the same run: the server's hello-world through the same client, and
    // the statements alone, so that ratios (which hold on a noisy machine) sit beside the times.
    const healthCase: BenchCase = { label: 'ceiling: GET /api/health', urls: ['/api/health'] };
    for (const c of [healthCase, ...cases]) {
      const user = c.user ?? defaultUser;
      let token = tokens.get(user);
      if (!token) tokens.set(user, (token = await sessionFor(db, user, config.sessionTtlMs)));
      const r = await runCase(address, token, f.requests ? { ...c, requests: f.requests } : c, {
        requests: 1000,
        concurrency: f.concurrency,
        warmup: f.warmup,
        user: defaultUser,
      });
      results.push(r);
      console.log(
        `  ${r.label}: p50 ${r.ms.p50} ms, p99 ${r.ms.p99} ms, ${r.requestsPerSecond} req/s${r.errors ? `, ${r.errors} errors` : ''}`,
      );
    }
    if (opts.sqlCeilings && database.kind === 'postgresql' && config.database.kind === 'postgresql') {
      for (const s of await opts.sqlCeilings(env)) {
        const r = await runSqlCeiling(config.database.url, s, f.requests || 1000, f.concurrency, f.warmup);
        results.push(r);
        console.log(`  ${r.label}: p50 ${r.ms.p50} ms, p99 ${r.ms.p99} ms, ${r.requestsPerSecond} req/s`);
      }
    }
    const health = results[0]!;
    for (const r of results) r.vsHealthP50 = round(r.ms.p50 / health.ms.p50);
    printTable(`${opts.name} — ${database.kind}, ${residents.toLocaleString('en')} residents, concurrency ${f.concurrency} (load from a separate process)`, results);
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${opts.name}-${database.kind}-${residents}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          name: opts.name,
          date: new Date().toISOString(),
          residents,
          db: database.kind,
          node: process.version,
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model ?? null,
          concurrency: f.concurrency,
          warmupPerCase: f.warmup,
          defaultUser,
          notes: opts.notes ?? {},
          results,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
    return results;
  } finally {
    await app?.close();
    await database.close();
  }
}
