import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Bundle, OperationOutcome, Subscription } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';

/**
 * R4 Subscription, rest-hook, to a receiver on loopback: notified once of a new Task, again after
 * the receiver was down and came back, and never of a resident outside the owner's relationships.
 */
let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let gpA: Record<string, string>;
let specialist: Record<string, string>;

class Receiver {
  received: Bundle[] = [];
  server: Server | null = null;
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
  get url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }
  ids(): string[] {
    return this.received.flatMap((b) => b.entry!.map((e) => e.resource!.id!));
  }
}

async function waitFor(what: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('timed out');
}

const subscribe = (headers: Record<string, string>, criteria: string, endpoint: string, type = 'rest-hook') =>
  t.app.inject({
    method: 'POST',
    url: '/fhir/Subscription',
    headers: { ...headers, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify({ resourceType: 'Subscription', status: 'requested', reason: 'referral tasks', criteria, channel: { type, endpoint, payload: 'application/fhir+json' } }),
  });

async function addTask(residentId: string, code: string) {
  return (
    await f.db
      .insertInto('care_task')
      .values({ resident_id: residentId, programme: 'referral', task_code: code, label: '下转随访', label_en: 'Down-referral follow-up', due_date: '2026-06-01', window_end: '2026-06-14', team_id: f.teams.teamA })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

const home = new Receiver();
const outsider = new Receiver();

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  gpA = await login(t.app, 'gp_a');
  specialist = await login(t.app, 'spec_h');
  await home.start();
  await outsider.start();
});
afterAll(async () => {
  await t?.close();
  await home.stop().catch(() => undefined);
  await outsider.stop().catch(() => undefined);
});

describe('Subscriptions (rest-hook)', () => {
  it('refuses what it cannot serve, naming the element', async () => {
    const ws = await subscribe(gpA, `Task?patient=${f.residents.residentA.id}`, home.url, 'websocket');
    expect(ws.statusCode).toBe(400);
    expect(ws.json<OperationOutcome>().issue[0]!.expression).toEqual(['Subscription.channel.type']);
    const unknown = await subscribe(gpA, 'Task?colour=red', home.url);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<OperationOutcome>().issue[0]!.expression).toEqual(['Subscription.criteria']);
  });

  it('notifies once of a new Task, again after the receiver was down and came back, and only within the relationship', async () => {
    const residentId = f.residents.residentA.id;
    const created = await subscribe(gpA, `Task?patient=${residentId}`, home.url);
    expect(created.statusCode).toBe(201);
    const sub = created.json<Subscription>();
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Subscription/${sub.id}`, headers: gpA })).json<Subscription>().criteria).toBe(`Task?patient=${residentId}`);
    expect((await t.app.inject({ method: 'GET', url: `/fhir/Subscription/${sub.id}`, headers: specialist })).statusCode).toBe(404);
    expect((await subscribe(specialist, `Task?patient=${residentId}`, outsider.url)).statusCode).toBe(201);

    const first = await addTask(residentId, 'referral:down:1');
    await waitFor(() => home.ids().includes(first));
    // Passes go on; the same version is never sent again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(home.ids().filter((id) => id === first)).toHaveLength(1);

    await home.stop();
    const second = await addTask(residentId, 'referral:down:2');
    await waitFor(async () => {
      const { rows } = await sql<{ attempts: number }>`SELECT attempts FROM fhir_notification WHERE resource_id = ${second} AND delivered_at IS NULL`.execute(f.db);
      return (rows[0]?.attempts ?? 0) >= 1;
    });
    await home.start(); // same port
    await waitFor(() => home.ids().includes(second));
    await new Promise((r) => setTimeout(r, 1500));
    expect(home.ids().sort()).toEqual([first, second].sort());
    expect(home.received.every((b) => b.type === 'history')).toBe(true);
    // The hospital has no relationship with resident A: nothing reached its receiver.
    expect(outsider.received).toEqual([]);
  });
});
