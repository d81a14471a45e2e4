import { sql, type Kysely } from 'kysely';
import type { Bundle, Resource, Subscription } from '@medplum/fhirtypes';
import type { DB } from '../db/schema.js';
import type { Actor, Role } from '../auth/actor.js';
import { CareContext } from '../http/care-context.js';
import type { FieldCrypto } from '../security/field-crypto.js';
import { FhirError, fhirError, invalid } from './outcome.js';
import { FhirReader, typeDef, type Query } from './repository.js';
import type { Row } from './mappers.js';
import { validateFhir } from './validation.js';

/**
 * R4 Subscriptions, rest-hook channel. A subscription belongs to the account that created it and
 * its notifications follow that account's care relationships: matching is a search through the
 * same gates (joined against the accessible residents, each resident audited), and the resource is
 * read again through `readResident` when it is delivered. Each (subscription, resource, version) is
 * one row (primary key): a change is notified once; a failed delivery is retried with exponential
 * backoff (2 s … 5 min) until the receiver answers 2xx. A row is claimed before it is posted, so two
 * workers never post it at the same time; a crash between the POST and the mark may repeat it
 * (at least once).
 */
export const MATCH_OVERLAP_SECONDS = 30;
const MAX_BACKOFF_SECONDS = 300;

async function actorOf(db: Kysely<DB>, userId: string): Promise<Actor | null> {
  const u = await db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.username', 'u.role', 'u.display_name', 'u.institution_id', 'u.resident_id', 'u.active'])
    .select(sql<string[]>`coalesce((SELECT array_agg(tm.team_id::text) FROM team_member tm WHERE tm.user_id = u.id), '{}')`.as('team_ids'))
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!u || !u.active) return null;
  return { userId: u.id, username: u.username, role: u.role as Role, displayName: u.display_name, institutionId: u.institution_id, residentId: u.resident_id, teamIds: u.team_ids, sessionId: '' };
}

/** Checks and stores a Subscription for the caller (criteria: a supported resident type and its search parameters). */
export async function createSubscription(ctx: CareContext, body: Subscription, baseUrl: string): Promise<Subscription> {
  validateFhir(body);
  if (body.channel?.type !== 'rest-hook') throw invalid('Only the rest-hook channel is supported', 'Subscription.channel.type');
  const endpoint = body.channel.endpoint;
  if (!endpoint || !/^https?:\/\//.test(endpoint)) throw invalid('channel.endpoint must be an http(s) URL', 'Subscription.channel.endpoint');
  const [type, query = ''] = (body.criteria ?? '').split('?');
  const def = typeDef(type ?? '');
  if (def.kind !== 'resident') throw invalid(`Subscriptions are for record entries; ${type} is not one`, 'Subscription.criteria');
  // The criteria must be a search this server understands (strict).
  const parsed: Query = {};
  for (const [k, v] of new URLSearchParams(query)) (parsed[k] = [...((parsed[k] as string[] | undefined) ?? []), v]);
  try {
    new FhirReader(ctx, baseUrl).where(def, parsed, true);
  } catch (err) {
    if (err instanceof FhirError) throw invalid(`criteria: ${err.message}`, 'Subscription.criteria');
    throw err;
  }
  const row = await ctx.shared
    .insertInto('fhir_subscription')
    .values({
      owner_user_id: ctx.actor.userId,
      resource_type: def.type,
      criteria: body.criteria,
      endpoint,
      headers: body.channel.header ?? [],
      payload: body.channel.payload ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return subscriptionToFhir(row);
}

export async function readSubscription(ctx: CareContext, id: string): Promise<Subscription> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw fhirError(404, 'not-found', `Subscription/${id} not found`);
  const row = await ctx.shared.selectFrom('fhir_subscription').selectAll().where('id', '=', id).where('owner_user_id', '=', ctx.actor.userId).executeTakeFirst();
  if (!row) throw fhirError(404, 'not-found', `Subscription/${id} not found`);
  return subscriptionToFhir(row);
}

function subscriptionToFhir(row: Row): Subscription {
  return {
    resourceType: 'Subscription',
    id: row.id,
    status: row.status === 'off' ? 'off' : row.status === 'error' ? 'error' : 'active',
    reason: row.reason ?? 'Kanglian notification',
    criteria: row.criteria,
    channel: { type: 'rest-hook', endpoint: row.endpoint, ...(row.payload ? { payload: row.payload } : {}), ...(row.headers?.length ? { header: row.headers } : {}) },
  };
}

export class SubscriptionWorker {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly crypto: FieldCrypto,
    public baseUrl: () => string,
    private readonly log: { warn(obj: unknown, msg: string): void },
  ) {}

  start(intervalMs = 500): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** One pass: match new and changed resources, then deliver what is due. Never two passes at once. */
  tick(): Promise<void> {
    this.#running ??= (async () => {
      try {
        await this.match();
        await this.deliver();
      } catch (err) {
        this.log.warn({ err }, 'subscription pass failed');
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  private async match(): Promise<void> {
    const subs = await this.db.selectFrom('fhir_subscription').selectAll().where('status', '=', 'active').execute();
    for (const sub of subs) {
      const actor = await actorOf(this.db, sub.owner_user_id);
      if (!actor) continue;
      const startedAt = new Date();
      const ctx = new CareContext(this.db, actor, 'subscription', this.crypto);
      const def = typeDef(sub.resource_type);
      const query: Query = {};
      for (const [k, v] of new URLSearchParams(sub.criteria.split('?')[1] ?? '')) query[k] = [...((query[k] as string[] | undefined) ?? []), v];
      const { where } = new FhirReader(ctx, this.baseUrl()).where(def, query, false);
      // An overlap window catches rows committed late with an earlier timestamp; the primary key dedupes.
      const since = new Date(new Date(sub.matched_until).getTime() - MATCH_OVERLAP_SECONDS * 1000);
      const rows = await ctx.listResidents({ action: 'search', resource: def.type, fields: ['fhir', 'subscription'], detail: { subscription: sub.id } }, async (accessible, db) => {
        const { rows: found } = await sql<{ id: string; version: number | null; resident_id: string; access_basis: never }>`
          SELECT t.id, (to_jsonb(t)->>'version')::int AS version, ${def.residentColumn} AS resident_id, acc.basis AS access_basis
            FROM ${def.from} JOIN ${accessible} acc ON acc.resident_id = ${def.residentColumn}
           WHERE ${where} AND ${def.lastUpdated} > ${since.toISOString()}::timestamptz AND ${def.lastUpdated} >= ${new Date(sub.created_at).toISOString()}::timestamptz
             -- already noted: not matched (nor audited) again while the overlap window lasts
             AND NOT EXISTS (SELECT 1 FROM fhir_notification n WHERE n.subscription_id = ${sub.id}::uuid AND n.resource_id = t.id
                              AND n.resource_version = coalesce((to_jsonb(t)->>'version')::int, 1))
           LIMIT 1000`.execute(db);
        return found;
      });
      if (rows.length) {
        await this.db
          .insertInto('fhir_notification')
          .values(rows.map((r) => ({ subscription_id: sub.id, resource_id: r.id, resource_version: r.version ?? 1 })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await this.db.updateTable('fhir_subscription').set({ matched_until: startedAt }).where('id', '=', sub.id).execute();
    }
  }

  private async deliver(): Promise<void> {
    // Claim what is due (a conditional update: two workers never take the same row).
    const due = await this.db
      .updateTable('fhir_notification')
      .set({ claimed_until: sql`now() + interval '30 seconds'` })
      .where('delivered_at', 'is', null)
      .where('next_attempt_at', '<=', sql<Date>`now()`)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
      .returning(['subscription_id', 'resource_id', 'resource_version', 'attempts'])
      .execute();
    for (const n of due) {
      const sub = await this.db.selectFrom('fhir_subscription').selectAll().where('id', '=', n.subscription_id).executeTakeFirst();
      const actor = sub && sub.status === 'active' ? await actorOf(this.db, sub.owner_user_id) : null;
      const mark = (values: Record<string, unknown>) =>
        this.db
          .updateTable('fhir_notification')
          .set(values as never)
          .where('subscription_id', '=', n.subscription_id)
          .where('resource_id', '=', n.resource_id)
          .where('resource_version', '=', n.resource_version)
          .execute();
      if (!sub || !actor) {
        await mark({ delivered_at: new Date(), last_error: 'subscription off or owner inactive' });
        continue;
      }
      let resource: Resource | null = null;
      try {
        // Read again now, through the gate: access as of delivery, and audited.
        resource = await new FhirReader(new CareContext(this.db, actor, 'subscription', this.crypto), this.baseUrl()).read(sub.resource_type, n.resource_id);
      } catch {
        resource = null; // no longer visible to the owner: nothing is sent
      }
      if (!resource) {
        await mark({ delivered_at: new Date(), last_error: 'no longer visible' });
        continue;
      }
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'history',
        timestamp: new Date().toISOString(),
        entry: [{ fullUrl: `${this.baseUrl()}/${sub.resource_type}/${n.resource_id}`, ...(sub.payload ? { resource } : {}), request: { method: n.resource_version === 1 ? 'POST' : 'PUT', url: `${sub.resource_type}/${n.resource_id}` } }],
      };
      const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
      for (const h of sub.headers) {
        const i = h.indexOf(':');
        if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
      }
      let error: string | null = null;
      try {
        const res = await fetch(sub.endpoint, { method: 'POST', headers, body: JSON.stringify(bundle), signal: AbortSignal.timeout(10_000) });
        if (!res.ok) error = `HTTP ${res.status}`;
        await res.body?.cancel();
      } catch (err) {
        error = String((err as Error).message ?? err);
      }
      if (!error) {
        await mark({ delivered_at: new Date(), attempts: n.attempts + 1, claimed_until: null, last_error: null });
      } else {
        const wait = Math.min(MAX_BACKOFF_SECONDS, 2 ** (n.attempts + 1));
        await mark({ attempts: n.attempts + 1, claimed_until: null, last_error: error, next_attempt_at: sql`now() + make_interval(secs => ${wait})` });
      }
    }
  }
}
