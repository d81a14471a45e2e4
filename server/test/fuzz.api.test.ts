import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login } from './support/fixture.js';
import { addDays } from '../src/chronic/rules/age.js';
import { todayIso } from '../src/shared/dates.js';
import { makeNationalId } from '../src/residents/national-id.js';
import { createSession } from '../src/auth/sessions.js';

/**
 * Fuzz over every operation of the OpenAPI document (so a new route is covered without editing
 * this file). For each operation a plausible request is built from its schema, with real ids from
 * the fixture so handlers are reached, then every field (path, query, header, body — nested too)
 * is replaced in turn by hostile values. Asserted: no 5xx, and every 400 names in `issues` a field
 * the client actually sent. Dates that cannot be true, text the database cannot store, and an end
 * before its start must be refused (4xx).
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: Json[];
  const?: Json;
  default?: Json;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | null;
}
interface Request {
  params: Record<string, string>;
  query: Record<string, Json>;
  headers: Record<string, string>;
  body: Json | undefined;
}

const today = todayIso();
const MB = 'x'.repeat(1 << 20);
const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\uD800b';

/** Hostile values tried in every field. `refuse` marks values no field may accept. */
/** Hostile values; `only` limits a value to the fields it can tell something about. */
const HOSTILE: { label: string; value: Json; refuse?: (s: Schema, where: 'path' | 'query' | 'header' | 'body') => boolean; only?: (s: Schema) => boolean }[] = [
  { label: 'NUL', value: NUL, refuse: () => true },
  // A URL or header carries UTF-8 bytes: a lone surrogate can only arrive in JSON.
  { label: 'lone surrogate', value: LONE_SURROGATE, refuse: (_s, where) => where === 'body' },
  { label: 'year 0000', value: '0000-01-01', refuse: isDateLike },
  { label: 'year 1800', value: '1800-06-15', refuse: isDateLike },
  { label: 'year 0001 instant', value: '0001-01-01T00:00:00+08:00', refuse: isDateLike, only: isDateLike },
  { label: 'far future date', value: '2999-01-01', refuse: isDateLike },
  { label: 'future date', value: addDays(today, 30), only: isDateLike },
  { label: 'future instant', value: `${addDays(today, 30)}T09:00:00+08:00`, only: isDateLike },
  { label: '__proto__', value: '__proto__' },
  { label: 'constructor', value: 'constructor' },
  { label: '1 MB string', value: MB },
  { label: 'empty string', value: '' },
  { label: 'number for string', value: 12345 },
  { label: 'huge number', value: 1e308, only: isNumeric },
  { label: 'negative', value: -1, only: isNumeric },
  { label: 'fraction', value: 0.5, only: isNumeric },
  { label: 'object', value: { a: 1 } },
  { label: 'array', value: ['x', 1] },
  { label: 'null', value: null },
  { label: 'boolean', value: true },
];

function isDateLike(s: Schema): boolean {
  return variants(s).some((v) => v.format === 'date' || v.format === 'date-time');
}
function isNumeric(s: Schema): boolean {
  return variants(s).some((v) => typeOf(v) === 'number' || typeOf(v) === 'integer');
}
const hostileFor = (s: Schema) => HOSTILE.filter((h) => !h.only || h.only(s));

let t: TestApp;
let f: Awaited<ReturnType<typeof createFixture>>;
let gp: { authorization: string; cookie: string };
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  f = await createFixture(t.app);
  gp = await login(t.app, 'gp_a');
  const A = f.residents.residentA.id;
  // Give resident A a programme, open tasks and an entry, so ids in paths lead somewhere real.
  const enrol = await t.app.inject({
    method: 'POST',
    url: `/api/residents/${A}/enrolments`,
    headers: gp,
    payload: { programme: 'hypertension', icd10: 'I10', diagnosedOn: addDays(today, -90) },
  });
  expect(enrol.statusCode).toBe(201);
  const condition = await t.app.inject({ method: 'POST', url: `/api/residents/${A}/conditions`, headers: gp, payload: { icd10: 'E78', display: '高脂血症', diagnosedOn: addDays(today, -20) } });
  expect(condition.statusCode).toBe(201);
  const contract = await t.database.db.selectFrom('contract').select('id').where('resident_id', '=', A).executeTakeFirstOrThrow();
  const task = await t.database.db.selectFrom('care_task').select('id').where('resident_id', '=', A).executeTakeFirstOrThrow();
  Object.assign(ids, {
    id: A,
    residentId: A,
    residentA: A,
    residentB: f.residents.residentB.id,
    contractId: contract.id,
    taskId: task.id,
    entryId: condition.json().id,
    teamId: f.teams.teamA,
    homeInstitutionId: f.institutions.centreA,
    assigneeId: f.users.hmA,
  });
});
afterAll(async () => t?.close());

/** Every operation of the OpenAPI document. */
function operations(): Operation[] {
  const spec = t.app.swagger() as { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: Schema }> } }>> };
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      out.push({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema ?? null });
    }
  }
  // Reads first, then writes; writes that end what the others need (terminate, merge, log-out) last.
  const rank = (o: Operation) => (o.method === 'GET' ? 0 : /terminate|change-team|merges|logout|password/.test(o.path) ? 2 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}

const EXAMPLES: Record<string, Json> = {
  icd10: 'I10',
  atcCode: 'C09AA02',
  phone: '13800005555',
  contactPhone: '0571-88886666',
  loinc: '8480-6',
  unit: 'mm[Hg]',
  value: 150,
  packageCode: 'basic',
  username: 'gp_a',
  // A wrong current password: changing the password (and ending sessions) is not what is fuzzed.
  password: 'wrong-password-1',
  currentPassword: 'wrong-password-1',
  newPassword: 'Fuzzed-password-2026',
  nationalId: makeNationalId('330106', '1970-01-01', 901),
  reason: '随访核对记录原因',
  name: '模糊测试',
  'idempotency-key': 'fuzz-key-1',
  sbp: 150,
  dbp: 92,
};

function variants(s: Schema): Schema[] {
  if (s.oneOf) return s.oneOf.flatMap(variants);
  if (s.anyOf) return s.anyOf.flatMap(variants);
  if (s.allOf) return [Object.assign({}, ...s.allOf) as Schema];
  return [s];
}

function typeOf(s: Schema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
}

/** A plausible value for `s` (field `name`), preferring real ids and known-good examples. */
function sample(s: Schema, name: string): Json {
  const v = variants(s).find((x) => typeOf(x) !== 'null') ?? s;
  if (v.const !== undefined) return v.const;
  if (v.enum?.length) return v.enum[0]!;
  if (Object.hasOwn(EXAMPLES, name)) return EXAMPLES[name]!;
  switch (typeOf(v)) {
    case 'string':
      if (v.format === 'uuid') return Object.hasOwn(ids, name) ? ids[name]! : randomUUID();
      if (v.format === 'date') return /^(start|from|onset|diagnosed|lmp|delivery)/i.test(name) ? addDays(today, -40) : addDays(today, -10);
      if (v.format === 'date-time') return `${addDays(today, /start|from/i.test(name) ? -2 : -1)}T09:30:00+08:00`;
      return '测试文本abc'.slice(0, Math.max(v.minLength ?? 1, Math.min(v.maxLength ?? 7, 7)));
    case 'integer':
    case 'number': {
      const lo = v.minimum ?? v.exclusiveMinimum ?? 0;
      const hi = v.maximum ?? v.exclusiveMaximum ?? lo + 10;
      return Math.round((lo + hi) / 2);
    }
    case 'boolean':
      return false;
    case 'array':
      return v.minItems && v.items ? [sample(v.items, name)] : [];
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [key, child] of Object.entries(v.properties ?? {})) {
        // Required fields, and optional ones with a known-good example (sbp on a follow-up).
        if (v.required?.includes(key) || Object.hasOwn(EXAMPLES, key)) out[key] = sample(child, key);
      }
      return out;
    }
    default:
      return 'x';
  }
}

/** Paths (key lists) of every property in an object schema, nested objects included. */
function fieldPaths(s: Schema, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  const v = variants(s)[0] ?? s;
  if (typeOf(v) !== 'object' || !v.properties) return [];
  return Object.entries(v.properties).flatMap(([k, child]) => {
    const here = { path: [...prefix, k], schema: child };
    return [here, ...(prefix.length < 2 ? fieldPaths(child, [...prefix, k]) : [])];
  });
}

function setPath(target: Json, path: string[], value: Json): Json {
  const copy = structuredClone(target) as Record<string, Json>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, Json>;
  }
  node[path.at(-1)!] = value;
  return copy;
}

/** Builds the URL by hand: a lone surrogate cannot go through encodeURIComponent. */
function encode(v: Json): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.replace(/[\s\S]/gu, (ch) => {
    if (/^[A-Za-z0-9\-_.~]$/.test(ch)) return ch;
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) return '%ED%A0%80';
    return encodeURIComponent(ch);
  });
}

function urlOf(op: Operation, req: Request): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, k: string) => encode(req.params[k] ?? ''));
  const parts: string[] = [];
  for (const [k, v] of Object.entries(req.query)) {
    if (Array.isArray(v)) for (const item of v) parts.push(`${encode(k)}=${encode(item)}`);
    else parts.push(`${encode(k)}=${encode(v)}`);
  }
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

function baseline(op: Operation, body: Json | undefined): Request {
  const req: Request = { params: {}, query: {}, headers: {}, body };
  for (const p of op.parameters) {
    const value = sample(p.schema, p.name);
    if (p.in === 'path') req.params[p.name] = String(value);
    else if (p.in === 'query' && p.required) req.query[p.name] = value;
  }
  return req;
}

/** True when `field` ("body.basicInfo.surgeries.0.date", "querystring.q", "params.id") is something the request carried. */
function wasSent(field: string, req: Request): boolean {
  const [where, ...rest] = field.split('.');
  const root: Json | undefined =
    where === 'body' ? req.body : where === 'querystring' ? (req.query as Json) : where === 'params' ? (req.params as Json) : where === 'headers' ? (req.headers as Json) : undefined;
  if (root === undefined) return false;
  if (where === 'headers') return rest.length === 0 || Object.hasOwn(req.headers, rest.join('.').toLowerCase());
  let node: Json = root;
  for (const [i, key] of rest.entries()) {
    // Unknown keys are listed together: "body.a,b".
    const keys = i === rest.length - 1 ? key.split(',') : [key];
    if (node === null || typeof node !== 'object') return false;
    if (!keys.every((k) => Object.hasOwn(node as object, k))) return false;
    node = (node as Record<string, Json>)[keys[0]!]!;
  }
  return true;
}

interface Finding {
  call: string;
  status: number;
  problem: string;
  body: string;
}

describe('fuzz: every OpenAPI operation, hostile value in every field', () => {
  it('answers no 5xx, refuses what cannot be true, and every 400 names a field that was sent', async () => {
    const findings: Finding[] = [];
    const counts: Record<string, number> = {};
    let calls = 0;

    async function send(op: Operation, req: Request, label: string, mustRefuse: boolean, mustName?: string) {
      calls++;
      let headers: Record<string, string> = { ...gp, ...req.headers };
      // Logging out ends the session: give it one of its own (made directly, the log-in route is rate-limited).
      if (op.path.endsWith('/logout')) {
        const session = await createSession(t.database.db, f.users.hmA, 60_000);
        headers = { authorization: `Bearer ${session.token}`, ...req.headers };
      }
      let res;
      try {
        res = await t.app.inject({ method: op.method as 'GET', url: urlOf(op, req), headers, ...(req.body !== undefined ? { payload: req.body as object } : {}) });
      } catch (err) {
        // The HTTP layer itself refuses some header values (NUL); nothing reached the server.
        if (label.startsWith('header')) return;
        throw err;
      }
      const call = `${op.method} ${op.path} [${label}]`;
      const bucket = `${Math.floor(res.statusCode / 100)}xx`;
      counts[bucket] = (counts[bucket] ?? 0) + 1;
      const note = (problem: string) => findings.push({ call, status: res.statusCode, problem, body: res.body.slice(0, 300) });
      if (res.statusCode >= 500) note('5xx');
      if (mustRefuse && res.statusCode < 400) note('accepted a value that cannot be true');
      if (res.statusCode === 400) {
        const issues = (res.json() as { issues?: { field: string }[] }).issues ?? [];
        if (issues.length === 0) note('400 without a field');
        // A missing required field is named though not sent; anything else must be what was sent.
        for (const issue of issues as { field: string; message: string }[]) {
          if (!wasSent(issue.field, req) && !/required/i.test(issue.message)) note(`400 names ${issue.field}, which was not sent`);
        }
        if (mustName && !issues.some((i) => i.field === mustName)) note(`400 does not name ${mustName}`);
      }
    }

    for (const op of operations()) {
      const bodies = op.body ? variants(op.body).map((v) => sample(v, '')) : [undefined];
      for (const [vi, body] of bodies.entries()) {
        const base = baseline(op, body);
        await send(op, base, `baseline ${vi}`, false);
        // Path, query and header parameters once per operation (not again for every body variant).
        const parameters = vi === 0 ? op.parameters : [];
        // Path parameters: hostile values and random ids.
        for (const p of parameters.filter((x) => x.in === 'path')) {
          await send(op, { ...base, params: { ...base.params, [p.name]: randomUUID() } }, `path ${p.name}=random uuid`, false);
          for (const h of hostileFor(p.schema)) {
            if (typeof h.value === 'string' && h.value.length > 1000) continue; // the router caps path length
            await send(op, { ...base, params: { ...base.params, [p.name]: String(h.value) } }, `path ${p.name}=${h.label}`, !!h.refuse?.(p.schema, 'path'));
          }
        }
        // Query and header parameters.
        for (const p of parameters.filter((x) => x.in === 'query' || x.in === 'header')) {
          for (const h of hostileFor(p.schema)) {
            if (p.in === 'header') {
              if (typeof h.value !== 'string' || h.value.length > 8000) continue;
              await send(op, { ...base, headers: { [p.name]: h.value } }, `header ${p.name}=${h.label}`, false);
            } else {
              await send(op, { ...base, query: { ...base.query, [p.name]: h.value } }, `query ${p.name}=${h.label}`, !!h.refuse?.(p.schema, 'query'));
            }
          }
        }
        // Prototype keys as query keys.
        for (const key of vi === 0 ? ['__proto__', 'constructor', 'hasOwnProperty'] : []) {
          await send(op, { ...base, query: { ...base.query, [key]: 'x' } }, `query key ${key}`, false);
        }
        // Body fields, nested ones included, and prototype keys as body keys.
        if (body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)) {
          const schema = variants(op.body!)[vi]!;
          for (const { path, schema: fieldSchema } of fieldPaths(schema)) {
            const withField = setPath(body, path, sample(fieldSchema, path.at(-1)!));
            for (const h of hostileFor(fieldSchema)) {
              // Over the body limit is a 413 whatever the field: one per top-level field is enough.
              if (h.value === MB && path.length > 1) continue;
              await send(op, { ...base, body: setPath(withField, path, h.value) }, `body ${path.join('.')}=${h.label}`, !!h.refuse?.(fieldSchema, 'body'));
            }
          }
          const poisoned = JSON.stringify(body).replace(/^\{/, '{"__proto__":{"admin":true},').replace(/,\}$/, '}');
          await send(op, { ...base, body: JSON.parse(poisoned) as Json }, 'body key __proto__', false);
          await send(op, { ...base, body: { ...body, constructor: { prototype: { admin: true } } } }, 'body key constructor', false);
          // End before start, for each pair of fields named so.
          const props = schema.properties ?? {};
          for (const [start, end] of pairs(Object.keys(props))) {
            const dateTime = props[start]!.format === 'date-time';
            const [a, b] = dateTime ? [`${addDays(today, -2)}T09:00:00+08:00`, `${addDays(today, -3)}T09:00:00+08:00`] : [addDays(today, -20), addDays(today, -30)];
            await send(op, { ...base, body: { ...body, [start]: a, [end]: b } }, `body ${end} before ${start}`, true, `body.${end}`);
          }
        }
        // Whole body of the wrong type.
        if (op.body) for (const wrong of [[], 'text', 42, null] as Json[]) await send(op, { ...base, body: wrong }, `body=${JSON.stringify(wrong)}`, false);
        const queryProps = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
        for (const [start, end] of pairs(queryProps)) {
          await send(op, { ...base, query: { ...base.query, [start]: addDays(today, -20), [end]: addDays(today, -30) } }, `query ${end} before ${start}`, true, `querystring.${end}`);
        }
      }
    }
    console.log(`fuzz: ${calls} calls`, counts);
    expect(calls).toBeGreaterThan(1000);
    expect(findings).toEqual([]);
  }, 600_000);
});

/** [start, end] field pairs by name: startDate/endDate, startedAt/endedAt, from/to, onsetDate/diagnosedOn… */
function pairs(keys: string[]): [string, string][] {
  const out: [string, string][] = [];
  const has = (k: string) => keys.includes(k);
  for (const k of keys) {
    if (k.startsWith('start')) {
      const end = `end${k.slice(5)}`; // startDate → endDate, startedAt → endedAt
      if (has(end)) out.push([k, end]);
    }
    if (k === 'from' && has('to')) out.push(['from', 'to']);
  }
  for (const [a, b] of [['onsetDate', 'diagnosedOn'], ['diagnosedOn', 'enrolledOn'], ['deliveryDate', 'dischargeDate']] as const) if (has(a) && has(b)) out.push([a, b]);
  return out;
}
