import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Bundle, BundleEntry, BundleLink, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { DB } from '../db/schema.js';
import type { CareContext, SharedDB } from '../http/care-context.js';
import { HttpError } from '../http/errors.js';
import type { Submission, SubmittedTable } from '../http/submission.js';
import type { AccessBasis } from '../access/care-relationship.js';
import { FhirError, fhirError, invalid, issue, notFoundOutcome, notSupported, outcomeOf, preconditionFailed } from './outcome.js';
import { RENDER, type Row } from './mappers.js';
import { DEFAULT_COUNT, INCLUDE_CAP, MAX_COUNT, RESULT_PARAMS, TYPES, type SearchEnv, type TypeDef } from './search.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export type Query = Record<string, string | string[] | undefined>;

export function typeDef(type: string): TypeDef {
  const def = TYPES[type];
  if (!def) throw fhirError(404, 'not-supported', `Resource type ${type} is not supported by this server`);
  return def;
}

/** A refusal of access reads as absence: a reader without a relationship cannot tell the record exists. */
export function asFhirError(err: unknown, what: string): unknown {
  if (err instanceof HttpError && (err.statusCode === 403 || err.statusCode === 404)) return notFoundOutcome(what);
  return err;
}

export interface SearchResult {
  total: number;
  rows: Row[];
}

/**
 * FHIR reads over the platform's rows, through the CareContext gates only: a read checks the
 * care relationship and audits it (`readResident`), a search joins the accessible residents in SQL
 * and audits each resident shown (`listResidents`), organisation data comes from `ctx.shared`.
 */
export class FhirReader {
  constructor(
    private readonly ctx: CareContext,
    private readonly baseUrl: string,
  ) {}

  get env(): SearchEnv {
    return { blindIndex: (kind, v) => this.ctx.crypto.blindIndex(kind, v) };
  }

  async read(type: string, id: string): Promise<Resource> {
    const def = typeDef(type);
    const what = `${type}/${id}`;
    if (!UUID.test(id)) throw notFoundOutcome(what);
    if (def.kind === 'shared') {
      this.requireStaff(type);
      const { rows } = await sql<Row>`SELECT t.* FROM ${def.from} WHERE t.id = ${id}::uuid AND ${def.visible ?? sql`true`}`.execute(this.ctx.shared);
      if (!rows[0]) throw notFoundOutcome(what);
      return RENDER[type]!(rows[0]);
    }
    try {
      const residentId = type === 'Patient' ? id : await this.ctx.ownerOf(def.table as SubmittedTable, id);
      return await this.ctx.readResident(residentId, { action: 'read', resource: type, fields: ['fhir'], detail: { id } }, async (db) => {
        const { rows } = await sql<Row>`SELECT t.* FROM ${def.from} WHERE t.id = ${id}::uuid`.execute(db);
        if (!rows[0]) throw notFoundOutcome(what);
        return RENDER[type]!(rows[0]);
      });
    } catch (err) {
      throw asFhirError(err, what);
    }
  }

  /** The directory (institutions, staff and their log-in names) is for staff, not residents. */
  private requireStaff(type: string): void {
    if (this.ctx.actor.role === 'resident') throw fhirError(403, 'forbidden', `${type} is for staff`);
  }

  /** Every version of one resource, newest first (the live row, then row_version). */
  async history(type: string, id: string): Promise<{ version: number; resource: Resource }[]> {
    const def = typeDef(type);
    const what = `${type}/${id}`;
    if (!UUID.test(id)) throw notFoundOutcome(what);
    if (!def.interactions.includes('history-instance')) throw fhirError(405, 'not-supported', `${type} keeps no versions`);
    if (def.kind === 'shared') return [{ version: 1, resource: await this.read(type, id) }];
    try {
      const residentId = type === 'Patient' ? id : await this.ctx.ownerOf(def.table as SubmittedTable, id);
      return await this.ctx.readResident(residentId, { action: 'read', resource: type, fields: ['fhir', 'history'], detail: { id } }, async (db) => {
        const { rows } = await sql<Row>`SELECT t.* FROM ${def.from} WHERE t.id = ${id}::uuid`.execute(db);
        if (!rows[0]) throw notFoundOutcome(what);
        const previous = await db
          .selectFrom('row_version')
          .select(['version', 'row_data'])
          .where('table_name', '=', def.table)
          .where('row_id', '=', id)
          .orderBy('version', 'desc')
          .execute();
        return [
          { version: Number(rows[0].version), resource: RENDER[type]!(rows[0]) },
          ...previous.map((p) => ({ version: p.version, resource: RENDER[type]!(p.row_data as Row) })),
        ];
      });
    } catch (err) {
      throw asFhirError(err, what);
    }
  }

  async vread(type: string, id: string, versionId: string): Promise<Resource> {
    const versions = await this.history(type, id);
    const found = versions.find((v) => String(v.version) === versionId);
    if (!found) throw notFoundOutcome(`${type}/${id}/_history/${versionId}`);
    return found.resource;
  }

  /** The WHERE clause of a search, and the parameters it ignored (unknown), or 400 in strict mode. */
  where(def: TypeDef, query: Query, strict: boolean): { where: RawBuilder<boolean>; used: [string, string][]; ignored: string[] } {
    const parts: RawBuilder<boolean>[] = [];
    const used: [string, string][] = [];
    const ignored: string[] = [];
    for (const [key, raw] of Object.entries(query)) {
      if (raw === undefined) continue;
      const [name, modifier] = key.split(':') as [string, string | undefined];
      if ((RESULT_PARAMS as readonly string[]).includes(name)) continue;
      const param = def.params[name];
      if (!param) {
        if (strict) throw invalid(`Unknown search parameter ${key} for ${def.type} (Prefer: handling=strict)`, key);
        ignored.push(key);
        continue;
      }
      if (modifier && !['exact', 'contains', 'text'].includes(modifier)) throw invalid(`Modifier :${modifier} is not supported`, key);
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        const alternatives = value.split(/(?<!\\),/).map((v) => v.replaceAll('\\,', ','));
        if (alternatives.some((a) => a === '')) throw invalid(`Empty value for ${key}`, key);
        const ors = alternatives.map((a) => param.where(a, modifier, this.env));
        parts.push(ors.length === 1 ? ors[0]! : sql<boolean>`(${sql.join(ors, sql` OR `)})`);
        used.push([key, value]);
      }
    }
    if (def.visible) parts.push(def.visible);
    return { where: parts.length ? sql<boolean>`${sql.join(parts, sql` AND `)}` : sql<boolean>`true`, used, ignored };
  }

  orderBy(def: TypeDef, sort: string | undefined): RawBuilder<unknown> {
    if (!sort) return def.defaultSort;
    const keys = sort.split(',').map((k) => {
      const desc = k.startsWith('-');
      const name = desc ? k.slice(1) : k;
      const column = name === '_lastUpdated' ? def.lastUpdated : name === '_id' ? sql`t.id` : def.params[name]?.sort;
      if (!column) throw invalid(`Cannot sort ${def.type} by ${name}`, '_sort');
      return desc ? sql`${column} DESC` : sql`${column} ASC`;
    });
    return sql`${sql.join(keys)}, t.id`;
  }

  async search(type: string, query: Query, strict: boolean): Promise<Bundle> {
    const def = typeDef(type);
    const one = (k: string) => {
      const v = query[k];
      return Array.isArray(v) ? v[v.length - 1] : v;
    };
    const countRaw = one('_count');
    const offsetRaw = one('_offset');
    const count = countRaw === undefined ? DEFAULT_COUNT : Number(countRaw);
    const offset = offsetRaw === undefined ? 0 : Number(offsetRaw);
    if (!Number.isInteger(count) || count < 0) throw invalid('_count must be a whole number ≥ 0', '_count');
    if (!Number.isInteger(offset) || offset < 0) throw invalid('_offset must be a whole number ≥ 0', '_offset');
    const pageSize = Math.min(count, MAX_COUNT);
    const format = one('_format');
    if (format && !/json/.test(format)) throw fhirError(406, 'not-supported', `_format=${format}: this server speaks JSON only`);
    const summary = one('_summary');
    if (summary && summary !== 'count' && summary !== 'false') {
      if (strict) throw invalid(`_summary=${summary} is not supported`, '_summary');
    }
    const countOnly = summary === 'count' || pageSize === 0;
    const { where, used } = this.where(def, query, strict);
    const all = (k: string) => {
      const v = query[k];
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    };
    const pick = (k: '_include' | '_revinclude', allowed: string[]) =>
      all(k).filter((v) => {
        if (allowed.includes(v)) return true;
        if (strict) throw invalid(`${k}=${v} is not supported for ${type} (supported: ${allowed.join(', ') || 'none'})`, k);
        return false;
      });
    const includes = pick('_include', def.includes);
    const revIncludes = pick('_revinclude', def.revIncludes);
    const included: { type: string; row: Row }[] = [];
    let capped = false;
    const order = this.orderBy(def, one('_sort'));
    // The audit keeps which parameters were used, not their values (an identifier may be a national ID).
    const use = { resource: type, fields: ['fhir'], detail: { params: [...new Set(used.map(([k]) => k))], ...(includes.length || revIncludes.length ? { include: [...includes, ...revIncludes] } : {}) } };

    let total = 0;
    let rows: Row[] = [];
    if (def.kind === 'shared') {
      this.requireStaff(type);
      const { rows: found } = await sql<Row>`SELECT t.*, count(*) OVER () AS _total FROM ${def.from} WHERE ${where} ORDER BY ${order} LIMIT ${countOnly ? 0 : pageSize} OFFSET ${offset}`.execute(this.ctx.shared);
      rows = found;
      total = found[0] ? Number(found[0]._total) : Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${def.from} WHERE ${where}`.execute(this.ctx.shared)).rows[0]!.n);
    } else {
      rows = await this.ctx.listResidents({ action: 'search', ...use }, async (accessible, db) => {
        if (!countOnly) {
          const { rows: found } = await sql<Row & { resident_id: string; access_basis: AccessBasis }>`
            SELECT t.*, ${def.residentColumn} AS resident_id, acc.basis AS access_basis, count(*) OVER () AS _total
              FROM ${def.from} JOIN ${accessible} acc ON acc.resident_id = ${def.residentColumn}
             WHERE ${where} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`.execute(db);
          if (found[0]) {
            total = Number(found[0]._total);
            // Included resources belong to the residents just matched, and are joined against the
            // accessible residents again; at most INCLUDE_CAP per page.
            const residentIds = [...new Set(found.map((r) => r.resident_id))];
            const add = (t: string, rows: Row[]) => {
              for (const row of rows) {
                if (included.length >= INCLUDE_CAP) capped = true;
                else if (!included.some((x) => x.type === t && x.row.id === row.id)) included.push({ type: t, row });
              }
            };
            for (const inc of includes) {
              if (inc.endsWith(':encounter')) {
                const ids = [...new Set(found.map((r) => r.encounter_id).filter(Boolean))] as string[];
                if (ids.length) add('Encounter', (await sql<Row>`SELECT t.* FROM encounter t JOIN ${accessible} acc ON acc.resident_id = t.resident_id WHERE t.id = ANY(${ids}::uuid[]) LIMIT ${INCLUDE_CAP + 1}`.execute(db)).rows);
              } else {
                add('Patient', (await sql<Row>`SELECT t.* FROM resident t JOIN ${accessible} acc ON acc.resident_id = t.id WHERE t.id = ANY(${residentIds}::uuid[])`.execute(db)).rows);
              }
            }
            for (const rev of revIncludes) {
              const target = TYPES[rev.split(':')[0]!]!;
              const { rows: more } = await sql<Row>`
                SELECT t.* FROM ${target.from} JOIN ${accessible} acc ON acc.resident_id = t.resident_id
                 WHERE t.resident_id = ANY(${residentIds}::uuid[]) ORDER BY ${target.defaultSort} LIMIT ${INCLUDE_CAP + 1}`.execute(db);
              add(target.type, more);
            }
            return found;
          }
        }
        const { rows: n } = await sql<{ n: number }>`
          SELECT count(*) AS n FROM ${def.from} JOIN ${accessible} acc ON acc.resident_id = ${def.residentColumn} WHERE ${where}`.execute(db);
        total = Number(n[0]!.n);
        return [];
      });
      // A search that showed no one is audited too (what was asked, how many matched).
      if (rows.length === 0) await this.ctx.audit({ action: 'search', ...use, detail: { ...use.detail, total } });
    }

    const link: BundleLink[] = [];
    const url = (off: number) => {
      const params = new URLSearchParams(used);
      const sortParam = one('_sort');
      if (sortParam) params.set('_sort', sortParam);
      if (summary) params.set('_summary', summary);
      for (const i of includes) params.append('_include', i);
      for (const i of revIncludes) params.append('_revinclude', i);
      params.set('_count', String(pageSize));
      params.set('_offset', String(off));
      return `${this.baseUrl}/${type}?${params.toString()}`;
    };
    link.push({ relation: 'self', url: url(offset) });
    if (!countOnly) {
      if (offset + pageSize < total) link.push({ relation: 'next', url: url(offset + pageSize) });
      if (offset > 0) link.push({ relation: 'previous', url: url(Math.max(0, offset - pageSize)) });
    }
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total,
      link,
      entry: countOnly
        ? undefined
        : [
            ...rows.map((r) => {
              const resource = RENDER[type]!(r);
              return { fullUrl: `${this.baseUrl}/${type}/${resource.id}`, resource, search: { mode: 'match' } } satisfies BundleEntry;
            }),
            ...included.map(({ type: t, row }) => {
              const resource = RENDER[t]!(row);
              return { fullUrl: `${this.baseUrl}/${t}/${resource.id}`, resource, search: { mode: 'include' } } satisfies BundleEntry;
            }),
            ...(capped
              ? [{ resource: outcomeOf([issue('too-costly', `Included resources capped at ${INCLUDE_CAP} per page`, undefined, 'warning')]), search: { mode: 'outcome' } } satisfies BundleEntry]
              : []),
          ],
    };
  }
}

/** Run inside a submission: row access for the writer. */
export type SubmissionTrx = Transaction<DB>;
export type SharedTrx = Transaction<SharedDB>;
export type { Submission };

export function collectIssues(err: unknown, prefix: string): OperationOutcomeIssue[] | null {
  if (err instanceof FhirError) return err.issues.map((i) => ({ ...i, expression: i.expression?.map((e) => (e.startsWith('Bundle.') ? e : `${prefix}${e}`)) }));
  return null;
}

export { issue, notSupported, preconditionFailed };
