import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { badRequest, conflict } from '../http/errors.js';
import { todayIso } from '../shared/dates.js';
import { closeDownReferralIfDone } from './referral.service.js';

/**
 * Care tasks addressed by id: the community team completes a task, or moves a discharge task's
 * dates (the calendar is editable). Both through the resident's write gate; only open tasks change.
 */
export async function completeTask(ctx: CareContext, taskId: string, body: { doneOn?: string | undefined; note?: string | undefined }) {
  ctx.requireClinical('Tasks');
  const doneOn = body.doneOn ?? todayIso();
  if (doneOn > todayIso()) throw badRequest('body.doneOn', 'is in the future');
  const residentId = await ctx.ownerOf('care_task', taskId);
  return ctx.writeForResident(residentId, { action: 'update', resource: 'care_task', fields: ['status'], detail: { taskId } }, async (trx) => {
    const t = await trx
      .updateTable('care_task')
      .set({ status: 'done', done_on: doneOn, reason: body.note ? sql`coalesce(reason || ' · ', '') || ${body.note}` : sql`reason` })
      .where('id', '=', taskId)
      .where('status', '=', 'open')
      .returning(['id', 'status', 'done_on', 'referral_id', 'window_end'])
      .executeTakeFirst();
    if (!t) {
      const now = await trx.selectFrom('care_task').select('status').where('id', '=', taskId).executeTakeFirstOrThrow();
      throw conflict(`Cannot complete: the task is ${now.status}`, 'invalid_transition');
    }
    if (t.referral_id) await closeDownReferralIfDone(trx, ctx, t.referral_id);
    return { id: t.id, status: t.status, doneOn: t.done_on!, onTime: t.done_on! <= t.window_end };
  });
}

export async function rescheduleTask(ctx: CareContext, taskId: string, body: { dueDate: string; windowEnd: string }) {
  ctx.requireClinical('Tasks');
  if (body.windowEnd < body.dueDate) throw badRequest('body.windowEnd', 'is before dueDate');
  const residentId = await ctx.ownerOf('care_task', taskId);
  return ctx.writeForResident(residentId, { action: 'update', resource: 'care_task', fields: ['due_date', 'window_end'], detail: { taskId, ...body } }, async (trx) => {
    const t = await trx
      .updateTable('care_task')
      .set({ due_date: body.dueDate, window_end: body.windowEnd })
      .where('id', '=', taskId)
      .where('status', '=', 'open')
      .returning(['id', 'due_date', 'window_end'])
      .executeTakeFirst();
    if (!t) {
      const now = await trx.selectFrom('care_task').select('status').where('id', '=', taskId).executeTakeFirstOrThrow();
      throw conflict(`Cannot move: the task is ${now.status}`, 'invalid_transition');
    }
    return { id: t.id, dueDate: t.due_date, windowEnd: t.window_end };
  });
}
