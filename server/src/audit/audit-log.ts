import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.js';

export type AuditAction =
  | 'read'
  | 'search'
  | 'create'
  | 'update'
  | 'cancel'
  | 'merge'
  | 'unmerge'
  | 'break_glass'
  | 'review'
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'password_change'
  | 'export'
  | 'aggregate';

export interface AuditEntry {
  action: AuditAction;
  resource: string;
  residentId?: string | null;
  fields?: string[];
  accessBasis?: string | null;
  reason?: string | null;
  outcome?: 'success' | 'denied' | 'error';
  detail?: Record<string, unknown>;
}

/**
 * Appends to audit_event (append-only by trigger). Pass the transaction of a write so that the
 * audit row and the change commit or roll back together.
 */
export async function recordAudit(
  db: Kysely<DB> | Transaction<DB>,
  actor: { userId: string; role: string; institutionId: string | null } | null,
  clientIp: string | null,
  entries: AuditEntry | AuditEntry[],
): Promise<void> {
  const list = Array.isArray(entries) ? entries : [entries];
  if (list.length === 0) return;
  await db
    .insertInto('audit_event')
    .values(
      list.map((e) => ({
        actor_user_id: actor?.userId ?? null,
        actor_role: actor?.role ?? null,
        actor_institution_id: actor?.institutionId ?? null,
        action: e.action,
        outcome: e.outcome ?? 'success',
        resident_id: e.residentId ?? null,
        resource: e.resource,
        fields: e.fields ?? null,
        access_basis: e.accessBasis ?? null,
        reason: e.reason ?? null,
        client_ip: clientIp,
        detail: e.detail ? JSON.stringify(e.detail) : null,
      })),
    )
    .execute();
}
