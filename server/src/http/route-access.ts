import type { FastifyInstance, RouteOptions } from 'fastify';

/**
 * What a route does with resident data, declared in the route table (`config.access`), so the
 * access-matrix test covers a new route without being edited:
 * - public: no session (health, log-in); session: a logged-in user's own things or shared catalogues.
 * - resident: reads one resident's record (care relationship, self or break-the-glass).
 * - resident-write: changes one (or several) residents' records (care relationship; never break-the-glass).
 * - emergency-note: the one write break-the-glass allows.
 * - list: lists residents, filtered by the care relationship, each one audited with its basis.
 * - identify: exact-identifier lookup by clinical staff (demographics of anyone matched, audited).
 * - starts-relationship: registration and contract signing (need no relationship beforehand).
 * - break-glass: opens time-boxed emergency access.
 * - oversight: an institution administrator reviews access to its residents.
 * - aggregate: counts only, no resident identified.
 */
export const ACCESS_KINDS = [
  'public',
  'session',
  'resident',
  'resident-write',
  'emergency-note',
  'list',
  'identify',
  'starts-relationship',
  'break-glass',
  'oversight',
  'aggregate',
] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** The ids of a small world an example request is built against (test fixtures fill it). */
export interface ExampleWorld {
  /** The subject resident and what identifies them. */
  residentId: string;
  nationalId: string;
  phone: string;
  name: string;
  birthDate: string;
  sex: 'male' | 'female';
  /** Another record of the same person (no national ID), within the actor's care: a merge partner. */
  partnerId: string;
  /** The actor's team (or a team of the actor's centre), and another team of that centre. */
  teamId: string;
  otherTeamId: string;
  /** The subject's latest contract, one open scheduled (non-chronic) task, one active entry. */
  contractId: string;
  taskId: string;
  entry: { table: 'condition'; id: string };
  /** A merge of which the subject is the survivor; a break-the-glass on the subject by another centre. */
  mergeId: string;
  breakGlassId: string;
  /**
   * The subject's up-referral from its contract team's centre to the hospital: requested
   * (`referralId`) or with the patient seen (`inProgressReferralId`). Open only where the relation
   * allows it (the own patient, another centre's, the resident's own); closed otherwise.
   */
  referralId: string;
  inProgressReferralId: string;
  /** The hospital, one of its departments, and a session of that department with free places. */
  hospitalId: string;
  departmentId: string;
  specialistSessionId: string;
  today: string;
  /** A number unique to this request, for values that must not repeat. */
  unique: number;
}

export interface RouteExample {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A variant of the request that is of another kind than the route's (e.g. a name search is a list). */
  kind?: AccessKind;
}

export interface RouteAccess {
  kind: AccessKind;
  /** One valid request (or a few variants) for the route; required for every kind but public and session. */
  example?: (w: ExampleWorld) => RouteExample | RouteExample[];
}

/** `config: access('resident', (w) => ({ params: { id: w.residentId } }))` */
export const access = (kind: AccessKind, example?: RouteAccess['example']): { access: RouteAccess } => ({ access: example ? { kind, example } : { kind } });

export interface RouteTableEntry {
  method: string;
  url: string;
  access: RouteAccess | undefined;
  public: boolean;
}

const tables = new WeakMap<object, RouteTableEntry[]>();

/** Records every route as it is added (call before any route is registered). */
export function collectRouteTable(app: FastifyInstance): void {
  const table: RouteTableEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = (route.config ?? {}) as { access?: RouteAccess; public?: boolean };
    for (const method of methods) {
      if (method === 'HEAD') continue;
      table.push({ method, url: route.url, access: config.access, public: config.public === true });
    }
  });
}

/** The routes of an app built by buildApp, with their declared access. */
export function routeTable(app: FastifyInstance): readonly RouteTableEntry[] {
  const table = tables.get(app);
  if (!table) throw new Error('routeTable: the app was not built with collectRouteTable');
  return table;
}
