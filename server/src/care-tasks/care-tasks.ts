import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { contractInForce } from '../access/care-relationship.js';

/** 'access' carries notices to the home team (a break-the-glass on one of its residents). */
export type TaskProgramme = 'hypertension' | 'diabetes' | 'elderly' | 'child' | 'maternal' | 'screening' | 'referral' | 'access';
export type TaskPriority = 'urgent' | 'high' | 'normal';

export interface NewTask {
  residentId: string;
  programme: TaskProgramme;
  taskCode: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  priority?: TaskPriority;
  reason?: string | null;
  /** The referral a task comes from (discharge tasks, returned results). */
  referralId?: string | null;
  /** The entry whose recording opens the task (a follow-up): cancelling that entry cancels the task. */
  openedBy?: string | null;
}

export const FOLLOW_UP_LABELS = {
  hypertension: { zh: '高血压随访', en: 'Hypertension follow-up' },
  diabetes: { zh: '2型糖尿病随访', en: 'Type 2 diabetes follow-up' },
} as const;

/** Task code of a chronic follow-up due on a date; one open per resident and programme. */
export const followUpTaskCode = (dueDate: string) => `followup:${dueDate}`;

/**
 * The team (and its health manager, who runs follow-ups) responsible for a resident: the team of
 * the active contract. Tasks without a team still exist and surface when a contract is signed.
 */
export async function responsibleTeam(trx: Transaction<DB>, residentId: string, today: string) {
  const row = await trx
    .selectFrom('contract as c')
    .leftJoin('team_member as m', (j) => j.onRef('m.team_id', '=', 'c.team_id').on('m.team_role', '=', 'health_manager'))
    .select(['c.team_id', 'c.gp_user_id', 'm.user_id as health_manager_id'])
    .where('c.resident_id', '=', residentId)
    .where(contractInForce('c', today))
    .orderBy('c.start_date', 'desc')
    .executeTakeFirst();
  return row ? { teamId: row.team_id, gpUserId: row.gp_user_id, assigneeId: row.health_manager_id } : null;
}

/** Opens tasks, skipping any whose (resident, programme, code) is already open. */
export async function openTasks(trx: Transaction<DB>, tasks: NewTask[], team: { teamId: string; assigneeId: string | null } | null) {
  if (tasks.length === 0) return;
  await trx
    .insertInto('care_task')
    .values(
      tasks.map((t) => ({
        resident_id: t.residentId,
        programme: t.programme,
        task_code: t.taskCode,
        label: t.label,
        label_en: t.labelEn,
        due_date: t.dueDate,
        window_end: t.windowEnd,
        priority: t.priority ?? 'normal',
        reason: t.reason ?? null,
        opened_by: t.openedBy ?? null,
        team_id: team?.teamId ?? null,
        assignee_user_id: team?.assigneeId ?? null,
        referral_id: t.referralId ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['resident_id', 'programme', 'task_code']).where('status', '=', 'open').doNothing())
    .execute();
}

/** Marks the open tasks of a programme done (a visit fulfils whatever was due for it). */
export async function completeOpenTasks(
  trx: Transaction<DB>,
  residentId: string,
  programme: TaskProgramme,
  doneOn: string,
  doneRef: string,
  taskCodePrefix: string,
): Promise<number> {
  const rows = await trx
    .updateTable('care_task')
    .set({ status: 'done', done_on: doneOn, done_ref: doneRef })
    .where('resident_id', '=', residentId)
    .where('programme', '=', programme)
    .where('status', '=', 'open')
    .where('task_code', 'like', `${taskCodePrefix}%`)
    .returning('id')
    .execute();
  return rows.length;
}

/** Moves a resident's open tasks to the team of a new contract. */
export async function reassignOpenTasks(trx: Transaction<DB>, residentId: string, team: { teamId: string; assigneeId: string | null }) {
  await trx
    .updateTable('care_task')
    .set({ team_id: team.teamId, assignee_user_id: team.assigneeId })
    .where('resident_id', '=', residentId)
    .where('status', '=', 'open')
    .execute();
}
