import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor, Role } from '../auth/actor.js';
import { recordAudit, type AuditEntry } from '../audit/audit-log.js';
import { resolveResidentAccess, type AccessBasis } from '../access/resident-access.js';
import type { FieldCrypto } from '../security/field-crypto.js';
import { forbidden, notFound, unauthorized } from './errors.js';

/**
 * What every route works through: who is asking, from where, their access to a resident and the
 * audit trail. Built once per request (see auth plugin), so no route can skip the access check or
 * forget to audit (Medplum's per-request repository, without ambient state).
 */
export class CareContext {
  constructor(
    readonly db: Kysely<DB>,
    readonly actor: Actor,
    readonly clientIp: string,
    readonly crypto: FieldCrypto,
  ) {}

  requireRole(...roles: Role[]): void {
    if (!roles.includes(this.actor.role)) throw forbidden(`Role ${this.actor.role} may not do this`);
  }

  audit(entries: AuditEntry | AuditEntry[], trx?: Transaction<DB>): Promise<void> {
    return recordAudit(trx ?? this.db, this.actor, this.clientIp, entries);
  }

  /**
   * Checks the care relationship and answers 404/403. A refusal is audited as 'denied' at once.
   * Runs outside any transaction: with PGlite there is a single connection, so nothing inside a
   * transaction may touch this.db.
   */
  private async checkAccess(residentId: string, use: AuditUse): Promise<AccessBasis> {
    const exists = await this.db.selectFrom('resident').select('id').where('id', '=', residentId).executeTakeFirst();
    if (!exists) throw notFound('Resident');
    const basis = await resolveResidentAccess(this.db, this.actor, residentId);
    if (!basis) {
      await this.audit({ ...use, residentId, outcome: 'denied' });
      throw forbidden('No care relationship with this resident; break the glass with a reason if this is an emergency');
    }
    return basis;
  }

  /** For reads: checks access and audits the grant with its basis, which is returned for display. */
  async requireResidentAccess(residentId: string, use: AuditUse): Promise<AccessBasis> {
    const basis = await this.checkAccess(residentId, use);
    await this.audit({ ...use, residentId, accessBasis: basis });
    return basis;
  }

  /**
   * A transactional write on one resident's record: the change and its audit row commit together. The
   * audit row is inserted last: it takes the audit chain's lock, held until commit (migration 0012).
   */
  async writeForResident<T>(residentId: string, use: AuditUse, work: (trx: Transaction<DB>, basis: AccessBasis) => Promise<T>): Promise<T> {
    const basis = await this.checkAccess(residentId, use);
    return this.db.transaction().execute(async (trx) => {
      const result = await work(trx, basis);
      await this.audit({ ...use, residentId, accessBasis: basis }, trx);
      return result;
    });
  }
}

type AuditUse = Omit<AuditEntry, 'residentId' | 'outcome' | 'accessBasis'>;

export function careContext(request: FastifyRequest): CareContext {
  if (!request.careContext) throw unauthorized();
  return request.careContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    careContext: CareContext | null;
  }
}
