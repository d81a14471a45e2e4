import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { connectedAsSuperuser, GENESIS_HASH, verifyAuditChain } from '../src/audit/audit-chain.js';
import { recordAudit } from '../src/audit/audit-log.js';
import { loadConfig } from '../src/config/config.js';
import { APP_ROLE, grantApplicationRole, migrateTo, migrateToLatest, openDatabase, type Database } from '../src/db/database.js';
import type { DB } from '../src/db/schema.js';
import { createFixture, login } from './support/fixture.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Audit that the database owner cannot quietly rewrite (migration 0012): the application role cannot set
 * the append-only trigger aside nor remove audit rows, every row is chained to the one before it, and the
 * verifier names the first link a superuser broke. Runs on PGlite and PostgreSQL; on PostgreSQL the
 * application role's checks go through a real connection as kanglian_app, on PGlite (one connection)
 * through SET ROLE.
 */

const url = process.env.DATABASE_URL;
const onPostgres = url !== undefined;

/** The same database as the tests', connected as the application role (trust authentication here). */
function appRoleUrl(): string {
  const u = new URL(url!);
  u.username = APP_ROLE;
  u.password = '';
  return u.toString();
}

interface ChainRow {
  id: number;
  chain_seq: number;
  prev_hash: string;
  row_hash: string;
}

async function chainRows(db: Kysely<DB>): Promise<ChainRow[]> {
  const r = await sql<ChainRow>`
    SELECT id, chain_seq, encode(prev_hash, 'hex') AS prev_hash, encode(row_hash, 'hex') AS row_hash
      FROM audit_event ORDER BY chain_seq`.execute(db);
  return r.rows;
}

function expectLinked(rows: ChainRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  rows.forEach((r, i) => {
    expect(r.chain_seq).toBe(i + 1);
    expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.row_hash);
    expect(r.row_hash).toMatch(/^[0-9a-f]{64}$/);
  });
  expect(new Set(rows.map((r) => r.row_hash)).size).toBe(rows.length);
}

/** As superuser: sets the append-only trigger aside for one statement, as an owner could. */
async function tamper(db: Kysely<DB>, statement: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update`.execute(trx);
    await sql.raw(statement).execute(trx);
    await sql`ALTER TABLE audit_event ENABLE ALWAYS TRIGGER audit_event_no_update`.execute(trx);
  });
}

describe('migration 0012 on a database written before it', () => {
  it('chains the audit rows that already exist, in id order', async () => {
    const database = onPostgres
      ? await openDatabase({ kind: 'postgresql', url: url! })
      : await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      const db = database.db;
      if (onPostgres) {
        await sql`DROP SCHEMA IF EXISTS public CASCADE`.execute(db);
        await sql`CREATE SCHEMA public`.execute(db);
      }
      await migrateTo(db, '0008_resident_activity');
      // Written by the schema before 0012 (no chain columns yet), in an order unlike their timestamps.
      for (const [i, reason] of ['first', 'second', 'third', 'fourth'].entries()) {
        await sql`INSERT INTO audit_event (occurred_at, action, resource, reason, fields, detail)
                  VALUES (${new Date(Date.UTC(2026, 0, 10 - i)).toISOString()}, 'read', 'resident', ${reason}, ${['name']}, ${JSON.stringify({ i })})`.execute(
          db,
        );
      }
      await migrateToLatest(db);
      const rows = await chainRows(db);
      expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
      expectLinked(rows);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 4 });
      // The secondary indexes set aside for the backfill are back.
      const indexes = await sql<{
        name: string;
      }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_event' ORDER BY 1`.execute(db);
      expect(indexes.rows.map((r) => r.name)).toEqual([
        'audit_event_actor_idx',
        'audit_event_chain_seq_key',
        'audit_event_pkey',
        'audit_event_resident_idx',
      ]);
      // New rows continue the chain where the old ones end.
      await recordAudit(db, null, null, { action: 'read', resource: 'resident' });
      const after = await chainRows(db);
      expectLinked(after);
      expect(after).toHaveLength(5);
    } finally {
      await database.close();
    }
  });
});

describe('audit integrity', () => {
  let t: TestApp;
  let f: Awaited<ReturnType<typeof createFixture>>;
  let db: Kysely<DB>;
  /** PostgreSQL: a pool connected as kanglian_app. */
  let appDatabase: Database | undefined;
  /** The application built on the application role's connection. */
  let appAsRole: FastifyInstance | undefined;

  beforeAll(async () => {
    t = await createTestApp();
    f = await createFixture(t.app);
    db = t.database.db;
    if (onPostgres) {
      appDatabase = await openDatabase({ kind: 'postgresql', url: appRoleUrl() });
      // A server started without MIGRATION_DATABASE_URL migrates as the application role: on an up-to-date
      // schema that is a no-op which must leave nothing owned by the role (checked below).
      expect(await migrateToLatest(appDatabase.db)).toBe(t.app.deps.schemaVersion);
      appAsRole = await buildApp({ config: t.config, database: appDatabase, schemaVersion: t.app.deps.schemaVersion });
      await appAsRole.ready();
    }
  });
  afterAll(async () => {
    await appAsRole?.close();
    await appDatabase?.close();
    await t?.close();
  });

  /**
   * Runs `statement` as the application role and returns the error it raised (or null): through its own
   * connection on PostgreSQL, with SET LOCAL ROLE inside a transaction that is rolled back on PGlite.
   */
  async function asAppRole(statement: string): Promise<string | null> {
    try {
      if (appDatabase) {
        await sql.raw(statement).execute(appDatabase.db);
      } else {
        await db.transaction().execute(async (trx) => {
          await sql.raw(`SET LOCAL ROLE ${APP_ROLE}`).execute(trx);
          await sql.raw(statement).execute(trx);
          throw new Error('rollback');
        });
      }
      return null;
    } catch (err) {
      const message = (err as Error).message;
      return message === 'rollback' ? null : message;
    }
  }

  it('the application role logs in, owns nothing and holds no superuser power', async () => {
    const role = await sql<{
      rolsuper: boolean;
      rolcreaterole: boolean;
      rolcreatedb: boolean;
      rolbypassrls: boolean;
      rolreplication: boolean;
      rolcanlogin: boolean;
    }>`
      SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolcanlogin FROM pg_roles WHERE rolname = ${APP_ROLE}`.execute(
      db,
    );
    expect(role.rows).toEqual([
      { rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false, rolreplication: false, rolcanlogin: true },
    ]);
    const owned = await sql<{ n: number }>`
      SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
           + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid) + (SELECT count(*) FROM pg_default_acl WHERE defaclrole = r.oid) AS n
        FROM pg_roles r WHERE r.rolname = ${APP_ROLE}`.execute(db);
    expect(Number(owned.rows[0]?.n)).toBe(0);
    if (appDatabase) {
      const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(appDatabase.db);
      expect(who.rows[0]?.u).toBe(APP_ROLE);
      // The server warns at start when its own connection is a superuser (CI's is).
      expect(await connectedAsSuperuser(appDatabase)).toBe(false);
      expect(await connectedAsSuperuser(t.database)).toBe(true);
    }
  });

  it('the application role cannot set the audit trigger aside, nor change or remove audit rows', async () => {
    expect(await asAppRole('ALTER TABLE audit_event DISABLE TRIGGER ALL')).toMatch(/must be owner/);
    expect(await asAppRole('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update')).toMatch(/must be owner/);
    expect(await asAppRole('SET session_replication_role = replica')).toMatch(/permission denied/);
    expect(await asAppRole('DELETE FROM audit_event')).toMatch(/permission denied/);
    expect(await asAppRole(`UPDATE audit_event SET reason = 'tampered'`)).toMatch(/permission denied/);
    expect(await asAppRole('TRUNCATE audit_event')).toMatch(/permission denied/);
    expect(await asAppRole('DROP TABLE audit_event')).toMatch(/must be owner/);
    expect(await asAppRole('CREATE TRIGGER t BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_chain()')).toMatch(
      /permission denied/,
    );
    expect(await asAppRole(`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_x', 'now')`)).toMatch(/permission denied/);
    // …while appending is what it is there for.
    expect(await asAppRole(`INSERT INTO audit_event (action, resource) VALUES ('read', 'resident')`)).toBeNull();
  });

  it('grants cover tables added after the migrations, and never give back UPDATE or DELETE on audit_event', async () => {
    await sql`CREATE TABLE later_feature (id int PRIMARY KEY, note text)`.execute(db);
    await grantApplicationRole(db);
    expect(await asAppRole(`INSERT INTO later_feature VALUES (1, 'x')`)).toBeNull();
    expect(await asAppRole(`UPDATE later_feature SET note = 'y'`)).toBeNull();
    const priv = await sql<{ p: string; ok: boolean }>`
      SELECT p, has_table_privilege(${APP_ROLE}, t, p) AS ok
        FROM (VALUES ('audit_event', 'SELECT'), ('audit_event', 'INSERT'), ('audit_event', 'UPDATE'), ('audit_event', 'DELETE'),
                     ('audit_event', 'TRUNCATE'), ('audit_event', 'TRIGGER'), ('resident', 'UPDATE'), ('resident', 'TRUNCATE'),
                     ('kysely_migration', 'INSERT')) AS v(t, p)`.execute(db);
    expect(priv.rows.map((r) => `${r.p}:${r.ok}`)).toEqual([
      'SELECT:true',
      'INSERT:true',
      'UPDATE:false',
      'DELETE:false',
      'TRUNCATE:false',
      'TRIGGER:false',
      'UPDATE:true',
      'TRUNCATE:false',
      'INSERT:false',
    ]);
    await sql`DROP TABLE later_feature`.execute(db);
  });

  it('log-in, a record read and a write work as the application role, and their audit rows are chained', async () => {
    // PostgreSQL: the app built on a kanglian_app connection. PGlite: the one connection switched to the role.
    const app = appAsRole ?? t.app;
    if (!appAsRole) await sql.raw(`SET ROLE ${APP_ROLE}`).execute(db);
    try {
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(db);
      const gpA = await login(app, 'gp_a');
      const read = await app.inject({ method: 'GET', url: `/api/residents/${f.residents.residentA.id}`, headers: gpA });
      expect(read.statusCode).toBe(200);
      expect(read.json().accessBasis).toBe('care_team');
      const write = await app.inject({
        method: 'POST',
        url: `/api/residents/${f.residents.residentA.id}/observations`,
        headers: gpA,
        payload: { loinc: '8480-6', value: 150, unit: 'mm[Hg]', effectiveAt: '2026-11-01T08:00:00+08:00' },
      });
      expect(write.statusCode).toBe(201);
      const after = await sql<{ action: string; resource: string }>`
        SELECT action, resource FROM audit_event ORDER BY chain_seq OFFSET ${before.rows[0]!.n}`.execute(db);
      expect(after.rows).toEqual([
        { action: 'login', resource: 'session' },
        { action: 'read', resource: 'resident' },
        { action: 'create', resource: 'observation' },
      ]);
    } finally {
      if (!appAsRole) await sql`RESET ROLE`.execute(db);
    }
    expectLinked(await chainRows(db));
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it.runIf(onPostgres)('parallel transactions append to one chain in a total order', async () => {
    const appDb = appDatabase!.db;
    const before = (await chainRows(db)).length;
    // 24 transactions on 10 connections, each holding its audit row a moment before it commits; some insert two rows at once.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        appDb.transaction().execute(async (trx) => {
          const entries =
            i % 3 === 0
              ? [
                  { action: 'read' as const, resource: 'resident', detail: { i, n: 1 } },
                  { action: 'read' as const, resource: 'resident', detail: { i, n: 2 } },
                ]
              : { action: 'search' as const, resource: 'resident', detail: { i } };
          await recordAudit(trx, null, '127.0.0.1', entries);
          await sql`SELECT pg_sleep(0.005)`.execute(trx);
        }),
      ),
    );
    const rows = await chainRows(db);
    expect(rows).toHaveLength(before + 24 + 8);
    expectLinked(rows);
    expect(await verifyAuditChain(db, { batchSize: 7 })).toMatchObject({ ok: true, rows: rows.length });
  });

  it.runIf(onPostgres)('a REPEATABLE READ transaction with a stale snapshot is refused rather than forking the chain', async () => {
    const appDb = appDatabase!.db;
    const stale = appDb
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await sql`SELECT count(*) FROM audit_event`.execute(trx); // the snapshot is taken here
        await recordAudit(appDb, null, null, { action: 'read', resource: 'resident', detail: { by: 'another connection' } });
        await recordAudit(trx, null, null, { action: 'read', resource: 'resident', detail: { by: 'stale snapshot' } });
      });
    await expect(stale).rejects.toThrow(/duplicate key|could not serialize/);
    expectLinked(await chainRows(db));
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('the verifier names the row a superuser changed or re-hashed', async () => {
    for (let i = 0; i < 6; i++) await recordAudit(db, null, null, { action: 'read', resource: 'resident', reason: `reason ${i}` });
    const rows = await chainRows(db);
    expectLinked(rows);
    expect(await verifyAuditChain(db, { batchSize: 4 })).toMatchObject({
      ok: true,
      rows: rows.length,
      head: { chainSeq: rows.length, rowHash: rows.at(-1)!.row_hash },
    });
    const target = rows[rows.length - 4]!;
    const next = rows[rows.length - 3]!;
    const restore = `UPDATE audit_event SET reason = 'reason 2', row_hash = '\\x${target.row_hash}'::bytea WHERE id = ${target.id}`;

    // The superuser sets the trigger aside and changes one row's reason.
    await tamper(db, `UPDATE audit_event SET reason = 'nothing to see here' WHERE id = ${target.id}`);
    const changed = await verifyAuditChain(db, { batchSize: 4 });
    expect(changed).toMatchObject({
      ok: false,
      rows: target.chain_seq - 1,
      break: { kind: 'content_changed', id: target.id, chainSeq: target.chain_seq },
    });
    expect(changed.ok ? '' : changed.break.message).toContain(`row id ${target.id}`);

    // Putting it back makes the chain whole again: the hash is over the content, nothing else.
    await tamper(db, restore);
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // Changing a row and recomputing its own hash breaks the link to the next row.
    await tamper(
      db,
      `UPDATE audit_event SET reason = 'forged' WHERE id = ${target.id}; UPDATE audit_event e SET row_hash = audit_row_hash(e) WHERE id = ${target.id}`,
    );
    expect((await chainRows(db)).find((r) => r.id === target.id)!.row_hash).not.toBe(target.row_hash);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: false,
      break: { kind: 'prev_hash_mismatch', id: next.id, chainSeq: next.chain_seq },
    });
    await tamper(db, restore);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('rows removed from the end of the chain, or a recomputed head, are caught by an anchor taken earlier', async () => {
    await recordAudit(db, null, null, { action: 'read', resource: 'resident', reason: 'tail' });
    const rows = await chainRows(db);
    const head = rows.at(-1)!;
    const anchors = [{ chainSeq: head.chain_seq, rowHash: head.row_hash }];
    expect((await verifyAuditChain(db, { anchors })).ok).toBe(true);
    await tamper(db, `DELETE FROM audit_event WHERE id = ${head.id}`);
    // The chain alone cannot tell a removed tail from a shorter history…
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: rows.length - 1 });
    // …the anchor can.
    expect(await verifyAuditChain(db, { anchors })).toMatchObject({ ok: false, break: { kind: 'anchor_mismatch', id: null } });
    // A new row takes the removed row's place in the chain, with another hash.
    await recordAudit(db, null, null, { action: 'read', resource: 'resident', reason: 'replacement' });
    const replaced = await verifyAuditChain(db, { anchors });
    expect(replaced).toMatchObject({ ok: false, break: { kind: 'anchor_mismatch', chainSeq: head.chain_seq } });
    expect(replaced.ok ? null : replaced.break.id).not.toBe(head.id);
  });

  it('the verifier names a row a superuser deleted from the middle of the chain', async () => {
    const rows = await chainRows(db);
    const victim = rows[rows.length - 3]!;
    const following = rows[rows.length - 2]!;
    await tamper(db, `DELETE FROM audit_event WHERE id = ${victim.id}`);
    const report = await verifyAuditChain(db, { batchSize: 3 });
    expect(report).toMatchObject({
      ok: false,
      rows: victim.chain_seq - 1,
      break: { kind: 'rows_missing', id: following.id, chainSeq: following.chain_seq },
    });
    expect(report.ok ? '' : report.break.message).toContain(`chain_seq ${victim.chain_seq} is missing before row id ${following.id}`);
  });
});

describe('audit:verify configuration', () => {
  it('MIGRATION_DATABASE_URL needs DATABASE_URL and defaults to it', () => {
    const keys = {
      KANGLIAN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      KANGLIAN_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    };
    expect(() => loadConfig({ ...keys, MIGRATION_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ ...keys, DATABASE_URL: 'postgres://kanglian_app@127.0.0.1:5432/x' }).database).toEqual({
      kind: 'postgresql',
      url: 'postgres://kanglian_app@127.0.0.1:5432/x',
      migrationUrl: 'postgres://kanglian_app@127.0.0.1:5432/x',
    });
    expect(
      loadConfig({
        ...keys,
        DATABASE_URL: 'postgres://kanglian_app@127.0.0.1:5432/x',
        MIGRATION_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x',
      }).database,
    ).toMatchObject({ url: 'postgres://kanglian_app@127.0.0.1:5432/x', migrationUrl: 'postgres://postgres@127.0.0.1:5432/x' });
  });
});
