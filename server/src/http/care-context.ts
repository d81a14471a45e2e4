import type { FastifyRequest } from 'fastify';
import type { Kysely, RawBuilder, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { isClinical, type Actor, type Role } from '../auth/actor.js';
import { recordAudit, type AuditEntry } from '../audit/audit-log.js';
import { accessibleResidents, CARE_RELATIONSHIP_BASES, resolveResidentsAccess, type AccessBasis } from '../access/care-relationship.js';
import type { FieldCrypto } from '../security/field-crypto.js';
import { todayIso } from '../shared/dates.js';
import { forbidden, HttpError, notFound, unauthorized } from './errors.js';
import { Submission } from './submission.js';

/**
 * Tables that hold a resident's data (or who saw it). A request reaches them only through the
 * gates below; everything else is `ctx.shared`. A test fails if a table with a resident column is
 * missing here, so a new resident table cannot default to shared.
 */
/** A resident's entries: rows that belong to one resident and move with a merge (and back with an unmerge). */
export const RESIDENT_ENTRY_TABLES = [
  'condition',
  'encounter',
  'observation',
  'medication',
  'immunization',
  'screening',
  'followup_visit',
  'programme_enrolment',
  'care_task',
  'elderly_assessment',
  'contract',
  'referral',
  'referral_event',
  'slot_booking',
  'test_order',
  'resident_identifier',
] as const satisfies readonly (keyof DB)[];

export const RESIDENT_TABLES = [
  ...RESIDENT_ENTRY_TABLES,
  'resident',
  'resident_activity',
  'resident_merge',
  // Break-the-glass stays with the record it was granted on: it never moves with a merge.
  'break_glass',
  'identity_correction',
  'audit_event',
  'change_log',
  'user_session',
  'row_version',
] as const satisfies readonly (keyof DB)[];
export type ResidentTable = (typeof RESIDENT_TABLES)[number];
/** Resident tables whose rows are addressed by id in a route. */
export type OwnedRowTable = Exclude<ResidentTable, 'resident' | 'resident_activity' | 'audit_event' | 'user_session' | 'change_log' | 'identity_correction' | 'resident_identifier' | 'referral_event' | 'slot_booking' | 'test_order'>;
/** The organisation, catalogues and staff: no resident data. */
export type SharedDB = Omit<DB, ResidentTable>;

export type AuditUse = Omit<AuditEntry, 'residentId' | 'outcome' | 'accessBasis'>;
export type ListUse = Omit<AuditEntry, 'residentId' | 'outcome' | 'accessBasis' | 'action'> & { action?: AuditEntry['action'] };

/** Rows of a resident list carry the resident and the basis the care-relationship query found. */
export interface ListedRow {
  resident_id: string;
  access_basis: AccessBasis | 'identifier_match';
}

/**
 * What every route works through: who is asking, from where, and the only ways to resident data.
 * Built once per request (auth plugin). The raw database handle is private: a service reads one
 * resident through `readResident` (access checked, audited), writes through `writeForResident`
 * (access, audit and change in one transaction), lists through `listResidents` (filtered in SQL by
 * the care relationship, every resident shown audited with its basis), and the few operations that
 * precede or oversee a relationship have a named gate each (registration, contract signing,
 * break-the-glass, oversight, aggregates). Medplum's per-request repository, without ambient state.
 */
export class CareContext {
  readonly #db: Kysely<DB>;
  /** Organisation, catalogues and staff. Typed without the resident tables. */
  readonly shared: Kysely<SharedDB>;

  constructor(
    db: Kysely<DB>,
    readonly actor: Actor,
    readonly clientIp: string,
    readonly crypto: FieldCrypto,
  ) {
    this.#db = db;
    this.shared = db as unknown as Kysely<SharedDB>;
  }

  requireRole(...roles: Role[]): void {
    if (!roles.includes(this.actor.role)) throw forbidden(`Role ${this.actor.role} may not do this`);
  }

  requireClinical(what: string): void {
    if (!isClinical(this.actor)) throw forbidden(`${what} is for clinical staff`);
  }

  /** Appends audit rows; pass the write's transaction (of resident or shared data) so both commit together. */
  audit(entries: AuditEntry | AuditEntry[], trx?: Transaction<DB> | Transaction<SharedDB>): Promise<void> {
    return recordAudit((trx as Transaction<DB> | undefined) ?? this.#db, this.actor, this.clientIp, entries);
  }

  /** The basis of this actor for each resident (no audit: callers audit what they show). */
  residentsAccess(residentIds: readonly string[]): Promise<Map<string, AccessBasis>> {
    return resolveResidentsAccess(this.#db, this.actor, residentIds, todayIso());
  }

  /**
   * Checks the care relationship and answers 404/403; a refusal is audited as 'denied' at once.
   * Runs outside any transaction: with PGlite there is a single connection, so nothing inside a
   * transaction may touch the pool.
   */
  private async checkAccess(residentId: string, use: AuditUse): Promise<AccessBasis> {
    const exists = await this.#db.selectFrom('resident').select('id').where('id', '=', residentId).executeTakeFirst();
    if (!exists) throw notFound('Resident');
    const basis = (await this.residentsAccess([residentId])).get(residentId);
    if (!basis) {
      await this.audit({ ...use, residentId, outcome: 'denied' });
      throw forbidden('No care relationship with this resident; break the glass with a reason if this is an emergency');
    }
    return basis;
  }

  /**
   * The resident a row belongs to, for routes addressed by an entry's id (a contract, a task, a
   * cancellation, a merge): the caller then goes through the resident's gate. 404 when absent.
   */
  async ownerOf(table: OwnedRowTable, id: string): Promise<string> {
    const column = table === 'resident_merge' ? 'survivor_id' : 'resident_id';
    const row = await this.#db
      .selectFrom(table as 'contract')
      .select(`${column} as resident_id` as 'resident_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(table.replaceAll('_', ' '));
    return row.resident_id;
  }

  /** Reads one resident's data: access checked and the grant audited with its basis before `work` runs. */
  async readResident<T>(residentId: string, use: AuditUse, work: (db: Kysely<DB>, basis: AccessBasis) => Promise<T>): Promise<T> {
    const basis = await this.checkAccess(residentId, use);
    await this.audit({ ...use, residentId, accessBasis: basis });
    return work(this.#db, basis);
  }

  /**
   * A transactional write on one resident's record: the change and its audit row commit together.
   * The audit row is inserted last: it takes the audit chain's lock, held until commit (migration 0012).
   * Break-the-glass is read access: it writes nothing but the emergency note (`emergencyNote`), so
   * it can never complete, move or cancel the home team's work.
   */
  async writeForResident<T>(
    residentId: string,
    use: AuditUse,
    work: (trx: Transaction<DB>, basis: AccessBasis) => Promise<T>,
    opts: { emergencyNote?: boolean } = {},
  ): Promise<T> {
    const basis = await this.checkAccess(residentId, use);
    if (basis === 'break_glass' && !opts.emergencyNote) {
      await this.audit({ ...use, residentId, accessBasis: basis, outcome: 'denied', detail: { ...use.detail, refused: 'break_glass_read_only' } });
      throw new HttpError(403, 'break_glass_read_only', 'Break-the-glass access reads the record and adds an emergency note; other changes are for the care team');
    }
    if (opts.emergencyNote && basis !== 'break_glass' && basis !== 'care_team' && basis !== 'referral') throw forbidden('Emergency notes are written by clinicians');
    return this.#db.transaction().execute(async (trx) => {
      const out = await work(trx, basis);
      await this.audit({ ...use, residentId, accessBasis: basis }, trx);
      return out;
    });
  }

  /**
   * One write over several residents (a merge): each must be within a care relationship (not
   * break-the-glass), each check audited, the change and its audit rows in one transaction.
   */
  async writeForResidents<T>(residentIds: string[], use: AuditUse, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    const bases: AccessBasis[] = [];
    for (const id of residentIds) bases.push(await this.checkAccess(id, use));
    const outside = residentIds.filter((_, i) => !CARE_RELATIONSHIP_BASES.includes(bases[i]!));
    if (outside.length > 0) {
      await this.audit(outside.map((residentId) => ({ ...use, residentId, accessBasis: 'break_glass', outcome: 'denied' as const })));
      throw new HttpError(403, 'care_relationship_required', 'This needs a care relationship with every resident involved; break-the-glass access does not count');
    }
    return this.#db.transaction().execute(async (trx) => {
      const out = await work(trx);
      await this.audit(residentIds.map((residentId, i) => ({ ...use, residentId, accessBasis: bases[i]! })), trx);
      return out;
    });
  }

  /**
   * A list of residents, filtered in SQL by the care relationship: `query` receives the relation of
   * accessible residents (columns resident_id, basis) to join against, and returns rows carrying
   * resident_id and access_basis (the basis the join found). Every resident shown gets its own
   * audit row with that basis, in one insert.
   */
  async listResidents<R extends ListedRow>(use: ListUse, query: (accessible: RawBuilder<{ resident_id: string; basis: AccessBasis }>, db: Kysely<DB>, today: string) => Promise<R[]>): Promise<R[]> {
    const today = todayIso();
    const rows = await query(accessibleResidents(this.actor, today), this.#db, today);
    await this.auditListed(use, rows);
    return rows;
  }

  private async auditListed(use: ListUse, rows: readonly ListedRow[], trx?: Transaction<DB>): Promise<void> {
    const seen = new Map<string, ListedRow['access_basis']>();
    for (const r of rows) if (!seen.has(r.resident_id)) seen.set(r.resident_id, r.access_basis);
    await this.audit(
      [...seen].map(([residentId, basis]) => ({ action: 'read' as const, ...use, residentId, accessBasis: basis })),
      trx,
    );
  }

  /**
   * Identification by an exact identifier the clinician holds (national ID, phone, card number):
   * the match is shown with minimal demographics even without a relationship, so a resident can be
   * signed or the glass broken; each match is audited with its basis or 'identifier_match'.
   * `find` returns the matching resident ids; `describe` loads what is shown.
   */
  async identify<R extends { id: string }>(
    use: ListUse,
    find: (db: Kysely<DB>) => Promise<string[]>,
    describe: (db: Kysely<DB>, ids: string[]) => Promise<R[]>,
  ): Promise<(R & { access: AccessBasis | null })[]> {
    this.requireClinical('Identification');
    const ids = await find(this.#db);
    if (ids.length === 0) return [];
    const [rows, access] = await Promise.all([describe(this.#db, ids), this.residentsAccess(ids)]);
    const out = rows.map((r) => ({ ...r, access: access.get(r.id) ?? null }));
    await this.auditListed(use, out.map((r) => ({ resident_id: r.id, access_basis: r.access ?? 'identifier_match' })));
    return out;
  }

  /** Registers a new resident: no relationship exists yet, so only clinical staff, in one audited transaction. */
  async registerResident<T extends { id: string }>(fields: string[], work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    this.requireClinical('Registration');
    return this.#db.transaction().execute(async (trx) => {
      const out = await work(trx);
      await this.audit({ action: 'create', resource: 'resident', residentId: out.id, fields }, trx);
      return out;
    });
  }

  /** Signing a contract creates the care relationship, so it is the one resident write that needs none beforehand. */
  async startCareRelationship<T>(residentId: string, use: AuditUse, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    this.requireClinicalOrAdmin();
    const exists = await this.#db.selectFrom('resident').select(['id', 'status']).where('id', '=', residentId).executeTakeFirst();
    if (!exists) throw notFound('Resident');
    return this.#db.transaction().execute(async (trx) => {
      const out = await work(trx);
      await this.audit({ ...use, residentId, accessBasis: 'care_team' }, trx);
      return out;
    });
  }

  /**
   * A submission (a FHIR transaction Bundle, a create or an update): ONE database transaction for
   * everything it writes, so a bad entry changes nothing; inside it the `Submission` offers the same
   * gates (resident writes with their basis, registration, identification, lists joined against the
   * care relationship). Its audit rows commit with it; refusals are recorded after the rollback.
   */
  async submit<T>(work: (submission: Submission) => Promise<T>): Promise<T> {
    this.requireClinical('Submitting records');
    const held: { submission?: Submission } = {};
    try {
      return await this.#db.transaction().execute(async (trx) => {
        const submission = (held.submission = new Submission(trx, this.actor));
        const out = await work(submission);
        await this.audit(submission.audits, trx);
        return out;
      });
    } catch (err) {
      if (held.submission?.denials.length) await this.audit(held.submission.denials);
      throw err;
    }
  }

  private requireClinicalOrAdmin() {
    if (!isClinical(this.actor) && this.actor.role !== 'institution_admin') throw forbidden('Contracts are signed by the team or its institution administrator');
  }

  /**
   * Break-the-glass: a reasoned, time-boxed read access for an emergency. `work` stores it; the
   * grant is audited and flagged for review by both institutions.
   */
  async breakGlass<T>(residentId: string, reason: string, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    this.requireClinical('Break-the-glass');
    const exists = await this.#db.selectFrom('resident').select('id').where('id', '=', residentId).where('status', '<>', 'merged').executeTakeFirst();
    if (!exists) throw notFound('Resident');
    return this.#db.transaction().execute(async (trx) => {
      const out = await work(trx);
      await this.audit({ action: 'break_glass', resource: 'resident', residentId, reason, accessBasis: 'break_glass', detail: { flaggedForReview: true } }, trx);
      return out;
    });
  }

  /**
   * Oversight of access itself (break-the-glass review, identity corrections) by an institution
   * administrator: `work` must scope its rows to the administrator's institution.
   */
  async oversee<T>(work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    this.requireRole('institution_admin');
    if (!this.actor.institutionId) throw forbidden('An administrator belongs to an institution');
    return work(this.#db);
  }

  /**
   * Aggregates (counts, rates): no resident is identified in the answer; the caller applies the
   * small-cell rule for aggregate-only roles. Residents never reach aggregates.
   */
  async aggregate<T>(use: AuditUse, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.actor.role === 'resident') throw forbidden('Aggregates are for staff');
    const out = await work(this.#db);
    await this.audit({ ...use, action: 'aggregate' });
    return out;
  }
}

export function careContext(request: FastifyRequest): CareContext {
  if (!request.careContext) throw unauthorized();
  return request.careContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    careContext: CareContext | null;
  }
}
