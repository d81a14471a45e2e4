import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { RESIDENT_TABLES } from '../src/http/care-context.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/**
 * Modules that may hold the raw database handle, each for a reason. Everything else reaches the
 * database through the request's CareContext (resident data) or `ctx.shared` (the rest).
 */
const RAW_HANDLE_ALLOWED: Record<string, string> = {
  'server.ts': 'the process entry: opens and migrates the database',
  'auth/auth.plugin.ts': 'resolves the session into the CareContext it builds',
  'auth/auth.routes.ts': 'log-in precedes any session (users, lock-out, sessions)',
  'http/health.routes.ts': 'liveness: SELECT now(), no table',
  'fhir/fhir.routes.ts': 'SMART token issuance and scope lookup precede any context (like log-in); the subscription worker is a system job that matches with each subscriber\'s own context',
};

/** Where the raw handle is allowed by construction: the database layer, the context itself, CLIs. */
const outOfScope = (rel: string) => rel.startsWith('db/') || rel === 'http/care-context.ts' || rel.endsWith('-cli.ts') || rel.endsWith('.test.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** A value import of db/database.js (a type-only import cannot reach the handle) or a use of app.deps.database. */
function reachesRawHandle(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gms)) {
    if (!m[1] && /(^|\/)db\/database\.js$|^\.\/database\.js$/.test(m[2]!)) found.push(`imports ${m[2]}`);
  }
  if (/\bdeps\s*\.\s*database\b/.test(source)) found.push('uses app.deps.database');
  if (/\bdeps\s*;?\s*\}?\s*=\s*app\b|\{\s*database\s*\}\s*=\s*app\.deps/.test(source)) found.push('destructures app.deps');
  return found;
}

describe('one way in: no route module or service holds the raw database handle', () => {
  it('the detector sees a value import and app.deps.database, and lets a type import pass', () => {
    expect(reachesRawHandle(`import { openDatabase } from '../db/database.js';`)).toEqual(['imports ../db/database.js']);
    expect(reachesRawHandle(`import {\n  openDatabase,\n} from '../db/database.js';`)).toEqual(['imports ../db/database.js']);
    expect(reachesRawHandle(`import type { Database } from './db/database.js';`)).toEqual([]);
    expect(reachesRawHandle(`const db = app.deps.database.db;`)).toEqual(['uses app.deps.database']);
    expect(reachesRawHandle(`const { database } = app.deps;`)).toEqual(['destructures app.deps']);
    expect(reachesRawHandle(`import { sql } from 'kysely';`)).toEqual([]);
  });

  it('every module under server/src reaches the database through the context, except the allow-list', () => {
    const offenders: string[] = [];
    const allowedAndUsed = new Set<string>();
    const files = sourceFiles(SRC).map((full) => path.relative(SRC, full).split(path.sep).join('/'));
    expect(files).toContain('residents/resident.routes.ts');
    for (const rel of files.filter((r) => !outOfScope(r))) {
      const hits = reachesRawHandle(readFileSync(path.join(SRC, rel), 'utf8'));
      if (hits.length === 0) continue;
      if (rel in RAW_HANDLE_ALLOWED) allowedAndUsed.add(rel);
      else offenders.push(`${rel}: ${hits.join(', ')}`);
    }
    expect(offenders).toEqual([]);
    // An allow-list entry that no longer needs the handle is removed, so the list stays honest.
    expect(Object.keys(RAW_HANDLE_ALLOWED).filter((r) => !allowedAndUsed.has(r))).toEqual([]);
  });
});

describe('every table with a resident column is a resident table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  /** Tables with a resident column that are not resident data, each with its reason. */
  const NOT_RESIDENT_DATA: Record<string, string> = {
    app_user: 'the log-in of a resident user links to its record; accounts belong to the auth layer',
  };

  it('information_schema agrees with RESIDENT_TABLES', async () => {
    const { rows } = await sql<{ table_name: string }>`
      SELECT DISTINCT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
       WHERE c.table_schema = 'public'
         AND c.column_name IN ('resident_id', 'survivor_id', 'merged_id', 'merged_into_id')
       ORDER BY 1`.execute(t.database.db);
    const tables = rows.map((r) => r.table_name);
    expect(tables).toContain('condition');
    const resident = new Set<string>(RESIDENT_TABLES);
    expect(tables.filter((name) => !resident.has(name) && !(name in NOT_RESIDENT_DATA))).toEqual([]);
    // The exceptions exist (a stale one is removed).
    expect(Object.keys(NOT_RESIDENT_DATA).filter((name) => !tables.includes(name))).toEqual([]);
  });
});
