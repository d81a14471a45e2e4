import type { RawBuilder, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor } from '../auth/actor.js';
import type { AuditEntry } from '../audit/audit-log.js';
import { accessibleResidents, CARE_RELATIONSHIP_BASES, resolveResidentsAccess, type AccessBasis } from '../access/care-relationship.js';
import { todayIso } from '../shared/dates.js';
import { HttpError, notFound } from './errors.js';

type AuditUse = Omit<AuditEntry, 'residentId' | 'outcome' | 'accessBasis'>;
interface ListedRow {
  resident_id: string;
  access_basis: AccessBasis;
}
/** Entry tables a submission addresses by id. */
export type SubmittedTable = 'encounter' | 'observation' | 'condition' | 'medication' | 'immunization';

/**
 * The basis of a write by an institution that treated the resident and sends what it recorded
 * (a hospital's encounters, results, prescriptions): it writes without a care relationship and
 * gains none — what it sent is then read only by those with a relationship.
 */
export const SUBMISSION_BASIS = 'submission';
export type WriteBasis = AccessBasis | typeof SUBMISSION_BASIS;

/**
 * One submission (a FHIR transaction Bundle, or a single create/update): everything it does runs
 * in ONE database transaction, so a bad entry changes nothing. The same discipline as the context's
 * gates, inside that transaction: a resident is written only through `forResident` (existence and
 * basis checked, one audit row per resident with the basis found), an update of existing data
 * needs a care relationship (or the sender's own entry), a registration only by clinical staff,
 * a match by identifier is audited as 'identifier_match', and a list (a conditional create's
 * search) is joined against the care-relationship query. Refusals are audited after the rollback.
 */
export class Submission {
  readonly #audits: AuditEntry[] = [];
  readonly denials: AuditEntry[] = [];
  readonly #bases = new Map<string, WriteBasis>();

  constructor(
    private readonly trx: Transaction<DB>,
    readonly actor: Actor,
  ) {}

  /** Audit rows to commit with the submission. */
  get audits(): AuditEntry[] {
    return this.#audits;
  }

  /** Residents found by an exact identifier (national ID, another identifier): only ids, audited. */
  async identify(find: (trx: Transaction<DB>) => Promise<string[]>, use: Omit<AuditUse, 'action'>): Promise<string[]> {
    const ids = await find(this.trx);
    for (const residentId of ids) this.#audits.push({ ...use, action: 'search', residentId, accessBasis: 'identifier_match' });
    return ids;
  }

  /** A count that identifies no one (e.g. likely duplicates of an incoming patient). */
  count(query: (trx: Transaction<DB>) => Promise<number>): Promise<number> {
    return query(this.trx);
  }

  async registerResident<T extends { id: string }>(fields: string[], work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    const out = await work(this.trx);
    this.#audits.push({ action: 'create', resource: 'resident', residentId: out.id, fields });
    this.#bases.set(out.id, SUBMISSION_BASIS);
    return out;
  }

  /** The resident an entry belongs to, and the institution that recorded it. 404 when absent. */
  async ownerOf(table: SubmittedTable, id: string): Promise<{ residentId: string; institutionId: string | null }> {
    const row = await this.trx
      .selectFrom(table as 'observation')
      .select(['resident_id', 'institution_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(table.replaceAll('_', ' '));
    return { residentId: row.resident_id, institutionId: row.institution_id };
  }

  /**
   * Writes on one resident's record. `update` (changing what is there) needs a care relationship,
   * or that the rows are the sender's own (`ownInstitution`); adding entries is a submission.
   */
  async forResident<T>(
    residentId: string,
    use: AuditUse,
    work: (trx: Transaction<DB>, basis: WriteBasis) => Promise<T>,
    opts: { update?: boolean; ownInstitution?: boolean } = {},
  ): Promise<T> {
    let basis = this.#bases.get(residentId);
    if (!basis) {
      const exists = await this.trx.selectFrom('resident').select('status').where('id', '=', residentId).executeTakeFirst();
      if (!exists) throw notFound('Patient');
      if (exists.status === 'merged') throw new HttpError(409, 'merged', 'This resident was merged into another record; send to the surviving record');
      const found = (await resolveResidentsAccess(this.trx, this.actor, [residentId], todayIso())).get(residentId);
      basis = found && found !== 'break_glass' ? found : SUBMISSION_BASIS;
      this.#bases.set(residentId, basis);
    }
    if (opts.update && !CARE_RELATIONSHIP_BASES.includes(basis as AccessBasis) && !opts.ownInstitution) {
      this.denials.push({ ...use, residentId, accessBasis: basis, outcome: 'denied' });
      throw new HttpError(403, 'care_relationship_required', 'Changing an entry needs a care relationship with the resident, or that the entry is your institution\'s own');
    }
    const out = await work(this.trx, basis);
    // One audit row per resident, action and resource in a submission, with the number of entries.
    const same = this.#audits.find((a) => a.residentId === residentId && a.action === use.action && a.resource === use.resource && a.accessBasis === basis && a.detail?.entries !== undefined);
    if (same) same.detail = { ...same.detail, entries: Number(same.detail!.entries) + 1 };
    else this.#audits.push({ ...use, residentId, accessBasis: basis, detail: { ...use.detail, entries: 1 } });
    return out;
  }

  /** A search inside the submission (conditional create): joined against the accessible residents, each shown audited. */
  async listResidents<R extends ListedRow>(use: Omit<AuditUse, 'action'>, query: (accessible: RawBuilder<{ resident_id: string; basis: AccessBasis }>, trx: Transaction<DB>) => Promise<R[]>): Promise<R[]> {
    const rows = await query(accessibleResidents(this.actor, todayIso()), this.trx);
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.resident_id)) continue;
      seen.add(r.resident_id);
      this.#audits.push({ ...use, action: 'search', residentId: r.resident_id, accessBasis: r.access_basis });
    }
    return rows;
  }

  /** Organisation and staff rows (no resident data), inside the submission's transaction. */
  shared<S>(): Transaction<S> {
    return this.trx as unknown as Transaction<S>;
  }
}
