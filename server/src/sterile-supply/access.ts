import type { Kysely, Transaction } from 'kysely';
import type { SharedDB as DB } from '../http/care-context.js';
import type { Role } from '../auth/actor.js';
import type { CareContext } from '../http/care-context.js';
import { forbidden, HttpError, notFound } from '../http/errors.js';

export type Db = Kysely<DB> | Transaction<DB>;

/** Roles of the supply department itself (its hospital's staff), the van's nurse and a served centre's nurse. */
export const DEPARTMENT_ROLES: readonly Role[] = ['cssd_staff', 'cssd_run_nurse'];
export const CENTRE_ROLE: Role = 'cssd_centre_nurse';

export interface SupplyScope {
  departmentId: string;
  /** The hospital that runs the department. */
  institutionId: string;
  /** Set for a centre nurse: the one centre they act for. */
  centreId: string | null;
}

/**
 * Which supply department the actor works in or is served by (institution scoping): the department staff and run
 * nurse through their hospital, a centre nurse through their centre, the hospital's institution admin read-only,
 * the commission's administrator for any department (aggregates, KPIs).
 */
export async function supplyScope(ctx: CareContext, allowed: readonly Role[], departmentId?: string): Promise<SupplyScope> {
  const a = ctx.actor;
  if (!allowed.includes(a.role)) throw forbidden(`Role ${a.role} may not do this in the sterile supply`);
  const db = ctx.shared;
  if (a.role === 'commission_admin') {
    const q = db.selectFrom('ss_department').select(['id', 'institution_id']);
    const d = await (departmentId ? q.where('id', '=', departmentId) : q.orderBy('created_at')).executeTakeFirst();
    if (!d) throw notFound('Sterile supply department');
    return { departmentId: d.id, institutionId: d.institution_id, centreId: null };
  }
  if (!a.institutionId) throw forbidden('Not attached to an institution');
  if (a.role === CENTRE_ROLE) {
    const c = await db
      .selectFrom('ss_centre as c')
      .innerJoin('ss_department as d', 'd.id', 'c.department_id')
      .select(['d.id', 'd.institution_id'])
      .where('c.centre_id', '=', a.institutionId)
      .executeTakeFirst();
    if (!c) throw forbidden('Your centre is not served by a sterile supply department');
    return { departmentId: c.id, institutionId: c.institution_id, centreId: a.institutionId };
  }
  const d = await db.selectFrom('ss_department').select(['id', 'institution_id']).where('institution_id', '=', a.institutionId).executeTakeFirst();
  if (!d) throw notFound('Sterile supply department of your institution');
  if (departmentId && departmentId !== d.id) throw forbidden('Outside your institution');
  return { departmentId: d.id, institutionId: d.institution_id, centreId: null };
}

/** Postgres error codes the module turns into 409s. */
export function pgCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export const unprocessable = (code: string, message: string, issues: { field: string; message: string }[]) => new HttpError(422, code, message, issues);
