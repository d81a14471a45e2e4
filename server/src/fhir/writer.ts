import { sql, type Transaction } from 'kysely';
import type { Bundle, BundleEntry, BundleEntryResponse, OperationOutcome, OperationOutcomeIssue, Patient, Resource } from '@medplum/fhirtypes';
import type { DB } from '../db/schema.js';
import type { CareContext, SharedDB } from '../http/care-context.js';
import { HttpError } from '../http/errors.js';
import type { Submission, SubmittedTable } from '../http/submission.js';
import { protectIdentifier, resolveIdentity } from '../residents/resident-identity.js';
import { validateNationalId } from '../residents/national-id.js';
import { FhirError, fhirError, invalid, issue, outcomeOf } from './outcome.js';
import {
  RENDER,
  conditionFromFhir,
  encounterFromFhir,
  immunizationFromFhir,
  medicationFromFhir,
  observationFromFhir,
  parseReference,
  patientFromFhir,
  type EntryValues,
  type Row,
} from './mappers.js';
import { typeDef, type FhirReader } from './repository.js';
import { TYPES } from './search.js';
import { SYSTEMS } from './systems.js';
import { validationIssues } from './validation.js';

/** Entry types written into a resident's record, with their table and mapper. */
const ENTRY_TYPES: Record<string, { table: SubmittedTable; from: (r: Resource, at: string, names: Names) => EntryValues }> = {
  Observation: { table: 'observation', from: (r, at) => observationFromFhir(r as never, at) },
  Condition: { table: 'condition', from: (r, at) => conditionFromFhir(r as never, at) },
  Encounter: {
    table: 'encounter',
    from: (r, at, names) => {
      const e = r as { participant?: { individual?: { reference?: string } }[] };
      const who = e.participant?.map((p) => names.get(p.individual?.reference ?? '')).find(Boolean);
      return encounterFromFhir(r as never, at, who);
    },
  },
  MedicationRequest: {
    table: 'medication',
    from: (r, at, names) => medicationFromFhir(r as never, at, names.get((r as { requester?: { reference?: string } }).requester?.reference ?? '')),
  },
  Immunization: { table: 'immunization', from: (r, at) => immunizationFromFhir(r as never, at) },
};
/** Within a transaction, these are written first: later entries refer to them. */
const ORDER = ['Patient', 'Organization', 'Practitioner', 'Encounter', 'Condition', 'Observation', 'MedicationRequest', 'Immunization'];

type Names = Map<string, string>;

export interface EntryOutcome {
  status: string;
  location?: string;
  etag?: string;
  lastModified?: string;
  resource?: Resource;
  outcome?: OperationOutcome;
}

const created = (type: string, row: Row, disclose = true): EntryOutcome => ({
  status: '201 Created',
  location: `${type}/${row.id}/_history/${row.version ?? 1}`,
  etag: `W/"${row.version ?? 1}"`,
  lastModified: new Date(row.last_updated ?? row.updated_at ?? Date.now()).toISOString(),
  ...(disclose ? { resource: RENDER[type]!(row) } : {}),
});

const warning = (code: OperationOutcomeIssue['code'], diagnostics: string): OperationOutcome => outcomeOf([issue(code, diagnostics, undefined, 'warning')]);

export function parseEtag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(value.trim());
  if (!m) throw invalid(`If-Match must be an ETag such as W/"3"`, 'If-Match');
  return Number(m[1]);
}

/** Every `reference` in a resource, with its FHIRPath-like location. */
function references(value: unknown, path: string, out: { path: string; reference: string }[] = []): { path: string; reference: string }[] {
  if (Array.isArray(value)) value.forEach((v, i) => references(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push({ path, reference: v });
      else if (k !== 'contained') references(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/**
 * Writes: transaction and batch Bundles, create (conditional with If-None-Exist) and update
 * (If-Match). A transaction is validated whole first (every entry against R4 and its required
 * bindings, every urn:uuid reference pointing inside the bundle), then written in one database
 * transaction through `ctx.submit` — any failure rolls everything back and answers one
 * OperationOutcome naming the entry and element.
 */
export class FhirWriter {
  constructor(
    private readonly ctx: CareContext,
    private readonly reader: FhirReader,
  ) {}

  async bundle(bundle: Bundle): Promise<Bundle> {
    if (bundle?.resourceType !== 'Bundle') throw invalid('POST /fhir takes a Bundle', 'Bundle.resourceType');
    if (bundle.type !== 'transaction' && bundle.type !== 'batch') throw invalid('Bundle.type must be transaction or batch', 'Bundle.type');
    const entries = bundle.entry ?? [];
    if (bundle.type === 'batch') {
      const out: BundleEntry[] = [];
      for (const [i, entry] of entries.entries()) {
        try {
          const [r] = await this.transaction([entry], `Bundle.entry[${i}].`);
          out.push({ response: this.response(r!), ...(r!.resource ? { resource: r!.resource } : {}) });
        } catch (err) {
          const e = toFhirError(err, `Bundle.entry[${i}].resource.`);
          out.push({ response: { status: String(e.statusCode), outcome: e.outcome } });
        }
      }
      return { resourceType: 'Bundle', type: 'batch-response', entry: out };
    }
    const results = await this.transaction(entries, null);
    return {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: results.map((r) => ({ response: this.response(r) })),
    };
  }

  private response(r: EntryOutcome): BundleEntryResponse {
    return {
      status: r.status,
      ...(r.location ? { location: r.location } : {}),
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.lastModified ? { lastModified: r.lastModified } : {}),
      ...(r.outcome ? { outcome: r.outcome } : {}),
    };
  }

  /** One create (POST /fhir/Type), conditional when `ifNoneExist` is given. */
  async create(type: string, resource: Resource, ifNoneExist?: string): Promise<EntryOutcome> {
    const [r] = await this.transaction([{ resource, request: { method: 'POST', url: type, ...(ifNoneExist ? { ifNoneExist } : {}) } }], '');
    return r!;
  }

  async update(type: string, id: string, resource: Resource, ifMatch?: string): Promise<EntryOutcome> {
    const [r] = await this.transaction([{ resource, request: { method: 'PUT', url: `${type}/${id}`, ...(ifMatch ? { ifMatch } : {}) } }], '');
    return r!;
  }

  /**
   * Entries of one transaction. `single` is the expression prefix for a lone create/update ('' →
   * "Observation.status"); null means a transaction Bundle ("Bundle.entry[3].resource.status").
   */
  private async transaction(entries: BundleEntry[], single: string | null): Promise<EntryOutcome[]> {
    const at = (i: number) => (single === null ? `Bundle.entry[${i}].resource.` : single.startsWith('Bundle') ? `${single}resource.` : '');
    const reqAt = (i: number) => (single === null ? `Bundle.entry[${i}].request.` : single.startsWith('Bundle') ? `${single}request.` : '');
    // 1. Everything that can be checked before writing: shape, validation, references.
    const issues: OperationOutcomeIssue[] = [];
    const fullUrls = new Set(entries.map((e) => e.fullUrl).filter((u): u is string => !!u));
    entries.forEach((entry, i) => {
      const method = entry.request?.method;
      if (!entry.resource && method !== 'GET') {
        issues.push(issue('required', 'An entry needs a resource', `${at(i).replace(/resource\.$/, '')}resource`));
        return;
      }
      if (single === null && (!method || !entry.request?.url)) issues.push(issue('required', 'A transaction entry needs request.method and request.url', `${reqAt(i)}method`));
      if (method && !['POST', 'PUT', 'GET'].includes(method)) issues.push(issue('not-supported', `${method} is not supported in a bundle`, `${reqAt(i)}method`));
      if (!entry.resource) return;
      for (const v of validationIssues(entry.resource)) {
        issues.push({ ...v, expression: (v.expression ?? [entry.resource.resourceType]).map((e) => within(at(i), e)) });
      }
      for (const ref of references(entry.resource, entry.resource.resourceType)) {
        if (ref.reference.startsWith('urn:uuid:') && !fullUrls.has(ref.reference)) {
          issues.push(issue('not-found', `Reference ${ref.reference} points to no entry of this bundle`, within(at(i), ref.path)));
        }
      }
    });
    if (issues.length) throw new FhirError(400, issues);

    // 2. Practitioner names for display on encounters and prescriptions (not stored as staff).
    const names: Names = new Map();
    for (const e of entries) {
      const r = e.resource as { resourceType?: string; name?: { text?: string; given?: string[]; family?: string; prefix?: string[] }[] } | undefined;
      if (e.fullUrl && r?.resourceType === 'Practitioner' && r.name?.[0]) {
        const n = r.name[0];
        names.set(e.fullUrl, n.text ?? [...(n.prefix ?? []), ...(n.given ?? []), n.family].filter(Boolean).join(' '));
      }
    }

    // 3. Write, in dependency order, in one transaction.
    const order = entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.request?.method !== 'GET')
      .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i);
    const results: EntryOutcome[] = new Array(entries.length);
    try {
      await this.ctx.submit(async (s) => {
        const ids = new Map<string, string>(); // fullUrl → Type/id
        const kind = await this.senderKind(s);
        for (const { e, i } of order) {
          try {
            const r = await this.entry(s, e, ids, names, kind);
            results[i] = r;
            if (e.fullUrl && r.location) ids.set(e.fullUrl, r.location.split('/_history')[0]!);
          } catch (err) {
            throw toFhirError(err, at(i));
          }
        }
      });
    } catch (err) {
      throw toFhirError(err, '');
    }
    // 4. Reads last (FHIR processing order), outside the write transaction.
    for (const [i, e] of entries.entries()) {
      if (e.request?.method !== 'GET') continue;
      const ref = parseReference(e.request.url);
      if (!ref) throw invalid('Only reads (Type/id) are supported as GET entries', `${reqAt(i)}url`);
      const resource = await this.reader.read(ref.type, ref.id);
      results[i] = { status: '200 OK', resource };
    }
    return results;
  }

  private async senderKind(s: Submission): Promise<'hospital' | 'import'> {
    if (!this.ctx.actor.institutionId) return 'import';
    const inst = await s.shared<SharedDB>().selectFrom('institution').select('kind').where('id', '=', this.ctx.actor.institutionId).executeTakeFirst();
    return inst?.kind.endsWith('hospital') ? 'hospital' : 'import';
  }

  private async entry(s: Submission, e: BundleEntry, ids: Map<string, string>, names: Names, source: string): Promise<EntryOutcome> {
    const resource = e.resource!;
    const type = resource.resourceType;
    const method = e.request?.method ?? 'POST';
    if (method === 'PUT') return this.put(s, e, ids, names);
    if (type === 'Patient') return this.patient(s, resource as Patient, e.request?.ifNoneExist);
    if (type === 'Organization' || type === 'Practitioner') return this.directoryEntry(s, resource);
    const entryType = ENTRY_TYPES[type];
    if (!entryType) {
      return { status: '200 OK', outcome: warning('not-supported', `${type} is validated but not stored: it is outside what the platform keeps (see /fhir/metadata)`) };
    }
    if (e.request?.ifNoneExist) {
      const matches = await this.conditionalMatches(s, type, e.request.ifNoneExist);
      if (matches.length > 1) throw fhirError(412, 'duplicate', `If-None-Exist matched ${matches.length} ${type} resources`);
      if (matches.length === 1) return { ...created(type, matches[0]!), status: '200 OK' };
    }
    const mapped = entryType.from(resource, type, names);
    const residentId = await this.resolvePatient(s, mapped.subject, ids, type === 'Immunization' ? 'Immunization.patient' : `${type}.subject`);
    const values: Record<string, unknown> = { ...mapped.values };
    const detail = { ...(values.fhir_detail as Row) };
    if (mapped.encounter) {
      const enc = await this.resolveEncounter(s, mapped.encounter, ids, residentId, `${type}.encounter`);
      if (type === 'Observation') values.encounter_id = enc;
      else detail.encounter = `Encounter/${enc}`;
    }
    values.fhir_detail = JSON.stringify(detail);
    const sourceRef = resource.id ?? (e.fullUrl?.startsWith('urn:uuid:') ? e.fullUrl : undefined);
    const table = entryType.table;
    return s.forResident(residentId, { action: 'create', resource: type, fields: ['fhir'] }, async (trx) => {
      const row = {
        ...values,
        resident_id: residentId,
        institution_id: this.ctx.actor.institutionId,
        recorded_by: this.ctx.actor.userId,
        source,
        source_ref: sourceRef ?? null,
      };
      const inserted = await trx
        .insertInto(table)
        .values(row as never)
        .onConflict((oc) => oc.columns(['institution_id', 'source_ref']).where('source_ref', 'is not', null).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return created(type, inserted as Row);
      // Sent before by this institution: the same entry, nothing new.
      const existing = (await trx
        .selectFrom(table as 'observation')
        .selectAll()
        .where('institution_id', '=', this.ctx.actor.institutionId)
        .where('source_ref', '=', sourceRef!)
        .executeTakeFirstOrThrow()) as Row;
      if (existing.resident_id !== residentId) throw fhirError(409, 'conflict', `${type} ${sourceRef} was sent before for another patient`, `${type}.id`);
      return { ...created(type, existing), status: '200 OK' };
    });
  }

  /** A conditional create's search, inside the transaction and within the care relationship. */
  private async conditionalMatches(s: Submission, type: string, ifNoneExist: string): Promise<Row[]> {
    const def = typeDef(type);
    const query: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(ifNoneExist.includes('?') ? ifNoneExist.split('?')[1] : ifNoneExist)) (query[k] ??= []).push(v);
    if (Object.keys(query).length === 0) throw invalid('If-None-Exist needs search parameters', 'If-None-Exist');
    const { where } = this.reader.where(def, query, true);
    return s.listResidents({ resource: type, fields: ['fhir', 'conditional'] }, async (accessible, trx) => {
      const { rows } = await sql<Row & { resident_id: string; access_basis: never }>`
        SELECT t.*, ${def.residentColumn} AS resident_id, acc.basis AS access_basis
          FROM ${def.from} JOIN ${accessible} acc ON acc.resident_id = ${def.residentColumn}
         WHERE ${where} LIMIT 2`.execute(trx);
      return rows;
    });
  }

  private async resolvePatient(s: Submission, reference: string | undefined, ids: Map<string, string>, at: string): Promise<string> {
    if (!reference) throw invalid('The platform keeps entries on a resident: a Patient reference is required', at);
    if (reference.startsWith('urn:')) {
      const local = ids.get(reference);
      const ref = parseReference(local);
      if (!ref || ref.type !== 'Patient') throw invalid(`${reference} is not a Patient of this bundle`, at);
      return ref.id;
    }
    if (reference.startsWith('Patient?')) {
      const found = await this.findPatientByIdentifier(s, new URLSearchParams(reference.slice('Patient?'.length)).get('identifier') ?? '', at);
      if (found.length !== 1) throw fhirError(found.length ? 412 : 400, found.length ? 'duplicate' : 'not-found', `Conditional reference ${reference} matched ${found.length} patients`, at);
      return found[0]!;
    }
    const ref = parseReference(reference);
    if (!ref || ref.type !== 'Patient' || !/^[0-9a-f-]{36}$/i.test(ref.id)) throw invalid(`${reference} is not a Patient reference`, at);
    const exists = await s.identify(async (trx) => (await trx.selectFrom('resident').select('id').where('id', '=', ref.id).execute()).map((r) => r.id), { resource: 'Patient', fields: ['reference'] });
    if (!exists.length) throw fhirError(400, 'not-found', `${reference} refers to no patient`, at);
    return ref.id;
  }

  /** Owners of encounters already resolved in this request (most entries of a bundle share a few). */
  readonly #encounterOwners = new Map<string, string>();

  private async resolveEncounter(s: Submission, reference: string, ids: Map<string, string>, residentId: string, at: string): Promise<string> {
    const local = reference.startsWith('urn:') ? ids.get(reference) : reference;
    const ref = parseReference(local);
    if (!ref || ref.type !== 'Encounter' || !/^[0-9a-f-]{36}$/i.test(ref.id)) throw invalid(`${reference} is not an Encounter of this bundle or server`, at);
    let owner = this.#encounterOwners.has(ref.id) ? { residentId: this.#encounterOwners.get(ref.id)! } : undefined;
    if (!owner) {
      try {
        owner = await s.ownerOf('encounter', ref.id);
      } catch {
        throw fhirError(400, 'not-found', `${reference} refers to no encounter`, at);
      }
      this.#encounterOwners.set(ref.id, owner.residentId);
    }
    if (owner.residentId !== residentId) throw invalid('The encounter belongs to another patient', at);
    return ref.id;
  }

  private async findPatientByIdentifier(s: Submission, token: string, at: string): Promise<string[]> {
    const bar = token.indexOf('|');
    const system = bar >= 0 ? token.slice(0, bar) : undefined;
    const value = (bar >= 0 ? token.slice(bar + 1) : token).trim().toUpperCase();
    if (!value) throw invalid('identifier needs a value', at);
    const crypto = this.ctx.crypto;
    return s.identify(async (trx) => {
      if (system === SYSTEMS.resident) return /^[0-9a-f-]{36}$/i.test(value) ? (await trx.selectFrom('resident').select('id').where('id', '=', value.toLowerCase()).execute()).map((r) => r.id) : [];
      if (system === SYSTEMS.nationalId || system === undefined) {
        const rows = await trx
          .selectFrom('resident')
          .select((eb) => eb.fn.coalesce('merged_into_id', 'id').as('id'))
          .where('national_id_bidx', '=', crypto.blindIndex('national_id', value))
          .execute();
        if (rows.length || system) return [...new Set(rows.map((r) => r.id))];
      }
      const rows = await trx
        .selectFrom('resident_identifier as ri')
        .innerJoin('resident as r', 'r.id', 'ri.resident_id')
        .select((eb) => eb.fn.coalesce('r.merged_into_id', 'r.id').as('id'))
        .where('ri.value_bidx', '=', crypto.blindIndex('identifier', value))
        .$if(system !== undefined, (q) => q.where('ri.system_uri', '=', system!))
        .execute();
      return [...new Set(rows.map((r) => r.id))];
    }, { resource: 'Patient', fields: ['identifier'], detail: { purpose: 'fhir_match' } });
  }

  /**
   * An incoming Patient is matched, never silently duplicated: by national ID, else by another
   * identifier (system and value); else it is registered, and residents with the same birth date
   * and sex and a similar name or the same phone are reported (they appear as probable duplicates
   * in the master index's review). A match answers 200 with the location only: the sender learns
   * which record it wrote to, not what the record holds.
   */
  private async patient(s: Submission, p: Patient, ifNoneExist: string | undefined): Promise<EntryOutcome> {
    const incoming = patientFromFhir(p);
    const located = (id: string, how: string): EntryOutcome => ({
      status: '200 OK',
      location: `Patient/${id}`,
      outcome: outcomeOf([issue('informational', `Matched an existing resident by ${how}`, undefined, 'information')]),
    });
    if (ifNoneExist) {
      const matches = await this.conditionalMatches(s, 'Patient', ifNoneExist);
      if (matches.length > 1) throw fhirError(412, 'duplicate', `If-None-Exist matched ${matches.length} patients`);
      if (matches.length === 1) return { ...created('Patient', matches[0]!), status: '200 OK' };
    }
    if (incoming.nationalId) {
      const check = validateNationalId(incoming.nationalId);
      if (!check.valid) throw invalid(`National ID ${check.message}`, 'Patient.identifier');
      const found = await this.findPatientByIdentifier(s, `${SYSTEMS.nationalId}|${check.normalised}`, 'Patient.identifier');
      if (found[0]) return located(found[0], 'national ID');
    }
    for (const i of incoming.identifiers) {
      if (!i.systemUri) continue;
      const found = await this.findPatientByIdentifier(s, `${i.systemUri}|${i.value}`, 'Patient.identifier');
      if (found.length === 1) return located(found[0]!, `identifier ${i.systemUri}`);
      if (found.length > 1) throw fhirError(412, 'duplicate', `Identifier ${i.systemUri} matches ${found.length} residents: resolve them in the master index first`, 'Patient.identifier');
    }
    let identity: ReturnType<typeof resolveIdentity>;
    try {
      identity = resolveIdentity({ nationalId: incoming.nationalId ?? undefined, sex: incoming.sex, birthDate: incoming.birthDate, phone: incoming.phone ?? undefined }, this.ctx.crypto);
    } catch (err) {
      if (err instanceof HttpError) throw invalid(err.message, err.message.includes('birthDate') ? 'Patient.birthDate' : err.message.includes('sex') ? 'Patient.gender' : 'Patient.identifier');
      throw err;
    }
    const phoneBidx = identity.protectedColumns.phone_bidx;
    const similar = await s.count(async (trx) => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*) AS n FROM resident r
         WHERE r.birth_date = ${identity.birthDate}::date AND r.sex = ${identity.sex} AND r.status <> 'merged'
           AND (r.name = ${incoming.name} OR similarity(r.name, ${incoming.name}) >= 0.4 OR (${phoneBidx}::text IS NOT NULL AND r.phone_bidx = ${phoneBidx}::text))`.execute(trx);
      return Number(rows[0]!.n);
    });
    const row = await s.registerResident(['fhir', 'name', 'sex', 'birthDate', 'identifier'], async (trx: Transaction<DB>) => {
      const r = await trx
        .insertInto('resident')
        .values({
          name: incoming.name,
          sex: identity.sex,
          birth_date: identity.birthDate,
          ...identity.protectedColumns,
          address: incoming.address?.slice(0, 500) ?? null,
          home_institution_id: null,
          created_by: this.ctx.actor.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (incoming.identifiers.length) {
        await trx
          .insertInto('resident_identifier')
          .values(incoming.identifiers.map((i) => ({ resident_id: r.id, ...protectIdentifier(this.ctx.crypto, i.system, i.value), system_uri: i.systemUri, issuer: null })))
          .execute();
      }
      return r;
    });
    const out = created('Patient', row as Row);
    if (similar > 0) {
      out.outcome = warning('duplicate', `${similar} resident(s) share the birth date and sex with a similar name or the same phone: listed as probable duplicates in the master index for review`);
    }
    return out;
  }

  /** Organizations and Practitioners are the platform's own directory: matched by identifier, never created from outside. */
  private async directoryEntry(s: Submission, r: Resource): Promise<EntryOutcome> {
    const identifiers = (r as { identifier?: { system?: string; value?: string }[] }).identifier ?? [];
    const db = s.shared<SharedDB>();
    for (const i of identifiers) {
      if (!i.value) continue;
      if (r.resourceType === 'Organization' && (i.system === SYSTEMS.institution || i.system === SYSTEMS.uscc)) {
        const row = await db.selectFrom('institution').select('id').where(i.system === SYSTEMS.uscc ? 'uscc' : 'code', '=', i.value).executeTakeFirst();
        if (row) return { status: '200 OK', location: `Organization/${row.id}` };
      }
      if (r.resourceType === 'Practitioner' && i.system === SYSTEMS.staff) {
        const row = await db.selectFrom('app_user').select('id').where('username', '=', i.value).where('role', '<>', 'resident').executeTakeFirst();
        if (row) return { status: '200 OK', location: `Practitioner/${row.id}` };
      }
    }
    return { status: '200 OK', outcome: warning('not-supported', `${r.resourceType} is not in the platform's directory and is not created from outside; references to it keep its name only`) };
  }

  private async put(s: Submission, e: BundleEntry, ids: Map<string, string>, names: Names): Promise<EntryOutcome> {
    const resource = e.resource!;
    const type = resource.resourceType;
    const ref = parseReference(e.request?.url);
    if (!ref || ref.type !== type) throw invalid('PUT needs the url Type/id of the same type as the resource', 'request.url');
    if (resource.id && resource.id !== ref.id) throw invalid('Resource id does not match the URL', `${type}.id`);
    const entryType = ENTRY_TYPES[type];
    if (!entryType || !TYPES[type]?.interactions.includes('update')) throw fhirError(405, 'not-supported', `${type} cannot be updated through FHIR`);
    if (!/^[0-9a-f-]{36}$/i.test(ref.id)) throw fhirError(404, 'not-found', `${type}/${ref.id} not found`);
    const expected = parseEtag(e.request?.ifMatch);
    let owner: { residentId: string; institutionId: string | null };
    try {
      owner = await s.ownerOf(entryType.table, ref.id);
    } catch {
      throw fhirError(404, 'not-found', `${type}/${ref.id} not found`);
    }
    const mapped = entryType.from(resource, type, names);
    const subject = await this.resolvePatient(s, mapped.subject, ids, type === 'Immunization' ? 'Immunization.patient' : `${type}.subject`);
    if (subject !== owner.residentId) throw invalid('An entry cannot move to another patient', type === 'Immunization' ? 'Immunization.patient' : `${type}.subject`);
    const values: Record<string, unknown> = { ...mapped.values };
    const detail = { ...(values.fhir_detail as Row) };
    if (mapped.encounter) {
      const enc = await this.resolveEncounter(s, mapped.encounter, ids, owner.residentId, `${type}.encounter`);
      if (type === 'Observation') values.encounter_id = enc;
      else detail.encounter = `Encounter/${enc}`;
    }
    values.fhir_detail = JSON.stringify(detail);
    const status = (resource as { status?: string }).status;
    if (status === 'entered-in-error') throw invalid('Cancel (注销) an entry through the record with a reason; FHIR updates do not cancel', `${type}.status`);
    const table = entryType.table;
    return s.forResident(
      owner.residentId,
      { action: 'update', resource: type, fields: ['fhir'], detail: { id: ref.id } },
      async (trx) => {
        const updated = await trx
          .updateTable(table as 'observation')
          .set(values as never)
          .where('id', '=', ref.id)
          .$if(expected !== undefined, (q) => q.where('version', '=', expected!))
          .returningAll()
          .executeTakeFirst();
        if (!updated) throw fhirError(412, 'conflict', `${type}/${ref.id} is no longer at version ${expected}`);
        return { ...created(type, updated as Row), status: '200 OK' };
      },
      { update: true, ownInstitution: owner.institutionId !== null && owner.institutionId === this.ctx.actor.institutionId },
    );
  }
}

function rank(e: BundleEntry): number {
  if (e.request?.method === 'PUT') return 100;
  const i = ORDER.indexOf(e.resource?.resourceType ?? '');
  return i < 0 ? 50 : i;
}

/**
 * An element path inside an entry: `within('Bundle.entry[3].resource.', 'Observation.status')` is
 * `Bundle.entry[3].resource.status`; without a prefix (a lone create) the path stays as it is.
 */
export function within(prefix: string, expression: string): string {
  if (!prefix || expression.startsWith('Bundle.') || !/^[A-Z]/.test(expression)) return expression.startsWith('Bundle.') || !prefix ? expression : `${prefix}${expression}`;
  const rest = expression.replace(/^[A-Za-z]+/, '');
  return rest ? `${prefix.replace(/\.$/, '')}${rest}` : prefix.replace(/\.$/, '');
}

/** Any failure inside a submission as an OperationOutcome whose expressions name the entry. */
export function toFhirError(err: unknown, prefix: string): FhirError {
  if (err instanceof FhirError) {
    return new FhirError(
      err.statusCode,
      err.issues.map((i) => ({ ...i, expression: i.expression?.map((x) => within(prefix, x)) ?? (prefix ? [prefix.replace(/\.$/, '')] : undefined) })),
    );
  }
  if (err instanceof HttpError) {
    const status = err.statusCode === 403 ? 403 : err.statusCode;
    const code = status === 404 ? 'not-found' : status === 403 ? 'forbidden' : status === 409 ? 'conflict' : 'invalid';
    return new FhirError(status, [issue(code, err.message, prefix ? prefix.replace(/\.$/, '') : undefined)]);
  }
  // A database constraint the mappers did not foresee (a value too long, a check): the entry's fault, not the server's.
  const pgCode = (err as { code?: unknown }).code;
  if (typeof pgCode === 'string' && pgCode.startsWith('23')) {
    return new FhirError(400, [issue('invalid', `The platform cannot store this entry: ${(err as Error).message}`, prefix ? prefix.replace(/\.$/, '') : undefined)]);
  }
  throw err;
}
