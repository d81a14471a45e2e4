import { sql, type RawBuilder } from 'kysely';
import type { CareContext } from '../http/care-context.js';
import { forbidden } from '../http/errors.js';
import { addDays, ageOn } from '../chronic/rules/age.js';
import { todayIso } from '../shared/dates.js';
import { contractInForce, type AccessBasis } from '../access/care-relationship.js';

export const WORKLIST_BUCKETS = ['due_this_week', 'overdue', 'urgent', 'referred_back', 'open'] as const;
export type WorklistBucket = (typeof WORKLIST_BUCKETS)[number];
export const WORKLIST_SORTS = ['due', 'overdue', 'name', 'colour', 'priority'] as const;
export const REFERRED_BACK_DAYS = 30;

export interface WorklistQuery {
  teamId?: string | undefined;
  assigneeId?: string | undefined;
  bucket: WorklistBucket;
  programme?: string | undefined;
  colour?: 'green' | 'yellow' | 'red' | undefined;
  sort: (typeof WORKLIST_SORTS)[number];
  limit: number;
  offset: number;
}

/** The open-task condition of each bucket, on alias t (care_task), for a given today. */
function bucketCondition(bucket: Exclude<WorklistBucket, 'referred_back'>, today: string): RawBuilder<boolean> {
  const weekEnd = addDays(today, 6);
  switch (bucket) {
    case 'due_this_week':
      return sql<boolean>`t.due_date <= ${weekEnd}::date AND t.window_end >= ${today}::date`;
    case 'overdue':
      return sql<boolean>`t.window_end < ${today}::date`;
    case 'urgent':
      return sql<boolean>`t.priority IN ('urgent', 'high')`;
    case 'open':
      return sql<boolean>`true`;
  }
}

const ORDER: Record<WorklistQuery['sort'], RawBuilder<unknown>> = {
  due: sql`t.due_date, t.window_end, r.name`,
  overdue: sql`t.window_end, t.due_date, r.name`,
  name: sql`r.name, t.due_date`,
  colour: sql`CASE e.colour WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'green' THEN 2 ELSE 3 END, t.due_date`,
  priority: sql`CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, t.due_date`,
};

export interface WorklistItem {
  id: string;
  kind: 'task' | 'referral';
  residentId: string;
  residentName: string;
  sex: string;
  age: number;
  programme: string;
  taskCode: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  daysOverdue: number;
  priority: 'urgent' | 'high' | 'normal';
  reason: string | null;
  riskColour: 'green' | 'yellow' | 'red' | null;
  riskRule: string | null;
  riskReason: string | null;
  riskReasonEn: string | null;
  lastVisitDate: string | null;
  assigneeName: string | null;
  referralStatus: string | null;
  tasks: { id: string; label: string; labelEn: string; dueDate: string; windowEnd: string; status: string; doneOn: string | null }[];
}

/**
 * A team's (or one member's) work: open tasks by bucket, and residents referred back to the team.
 * Served by care_task(team_id, status, due_date) / (assignee_user_id, status, due_date); colour and
 * last visit come from the resident's worst active enrolment. Listing names is a read of personal
 * data: every resident on the page is audited in one insert.
 */
export async function teamWorklist(ctx: CareContext, q: WorklistQuery) {
  const teamId = q.teamId ?? ctx.actor.teamIds[0];
  if (!teamId || !ctx.actor.teamIds.includes(teamId)) throw forbidden('A worklist is for the members of its team');
  const today = todayIso();
  const scope = q.assigneeId ? sql`t.assignee_user_id = ${q.assigneeId}::uuid AND t.team_id = ${teamId}::uuid` : sql`t.team_id = ${teamId}::uuid`;
  const filters = sql.join(
    [
      sql`true`,
      q.programme ? sql`t.programme = ${q.programme}` : sql`true`,
      q.colour ? sql`e.colour = ${q.colour}` : sql`true`,
    ],
    sql` AND `,
  );

  let counts = { due_this_week: 0, overdue: 0, urgent: 0, open: 0, referred_back: 0 };
  const referralTasks = new Map<string, WorklistItem['tasks']>();
  // The team's tasks, joined against the care-relationship query: a resident whose contract ended
  // leaves the list (and its counts) at once, and each one shown is audited with the basis found.
  const rows = await ctx.listResidents({ resource: 'worklist', fields: ['name', 'sex', 'age', 'tasks', 'risk_colour'], detail: { bucket: q.bucket } }, async (accessible, db) => {
    const countsQuery = sql<{ due_this_week: number; overdue: number; urgent: number; open: number }>`
      SELECT count(*) FILTER (WHERE ${bucketCondition('due_this_week', today)})::int AS due_this_week,
             count(*) FILTER (WHERE ${bucketCondition('overdue', today)})::int AS overdue,
             count(*) FILTER (WHERE ${bucketCondition('urgent', today)})::int AS urgent,
             count(*)::int AS open
        FROM care_task t JOIN ${accessible} acc ON acc.resident_id = t.resident_id
       WHERE ${scope} AND t.status = 'open'`.execute(db);
    const referredBackCount = sql<{ n: number }>`
      SELECT count(*)::int AS n FROM referral f
        JOIN contract c ON c.resident_id = f.resident_id AND c.team_id = ${teamId}::uuid AND ${contractInForce('c', today)}
        JOIN ${accessible} acc ON acc.resident_id = f.resident_id
       WHERE (f.direction = 'down' OR f.returned_at IS NOT NULL)
         AND coalesce(f.returned_at, f.updated_at) >= ${addDays(today, -REFERRED_BACK_DAYS)}::date`.execute(db);

    const worstEnrolment = sql`
      LEFT JOIN LATERAL (
        SELECT pe.risk_colour AS colour, pe.risk_rule AS rule, pe.risk_reason AS reason_zh, pe.risk_reason_en AS reason_en, pe.last_visit_date
          FROM programme_enrolment pe
         WHERE pe.resident_id = r.id AND pe.status = 'active' AND pe.risk_colour IS NOT NULL
         ORDER BY CASE pe.risk_colour WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 ELSE 2 END
         LIMIT 1) e ON true`;

    type Row = {
      id: string; kind: 'task' | 'referral'; resident_id: string; name: string; sex: string; birth_date: string; programme: string;
      task_code: string; label: string; label_en: string; due_date: string; window_end: string; priority: WorklistItem['priority'];
      reason: string | null; access_basis: AccessBasis; referral_status?: string; colour: WorklistItem['riskColour']; rule: string | null; reason_zh: string | null; reason_en: string | null; last_visit_date: string | null; assignee_name: string | null;
    };
    let rowsQuery;
    if (q.bucket === 'referred_back') {
      rowsQuery = sql<Row>`
        SELECT f.id, 'referral' AS kind, r.id AS resident_id, r.name, r.sex, r.birth_date, 'referral' AS programme,
               f.direction || ':' || f.status AS task_code,
               CASE WHEN f.direction = 'down' THEN '下转回社区' ELSE '转诊结果已返回' END AS label,
               CASE WHEN f.direction = 'down' THEN 'Referred down to the community' ELSE 'Referral result returned' END AS label_en,
               (coalesce(f.returned_at, f.updated_at) AT TIME ZONE 'UTC' + interval '8 hours')::date AS due_date,
               -- The deadline of the referral's next open task (the discharge calendar), else a week to read the results.
               coalesce((SELECT min(ct.window_end) FROM care_task ct WHERE ct.referral_id = f.id AND ct.status = 'open'),
                        (coalesce(f.returned_at, f.updated_at) AT TIME ZONE 'UTC' + interval '8 hours')::date + 7) AS window_end,
               CASE WHEN f.urgency = 'routine' THEN 'normal' ELSE 'high' END AS priority, f.reason,
               e.colour, e.rule, e.reason_zh, e.reason_en, e.last_visit_date, NULL AS assignee_name,
               r.id AS resident_id, acc.basis AS access_basis, f.status AS referral_status
          FROM referral f
          JOIN contract c ON c.resident_id = f.resident_id AND c.team_id = ${teamId}::uuid AND ${contractInForce('c', today)}
          JOIN ${accessible} acc ON acc.resident_id = f.resident_id
          JOIN resident r ON r.id = f.resident_id
          ${worstEnrolment}
         WHERE (f.direction = 'down' OR f.returned_at IS NOT NULL)
           AND coalesce(f.returned_at, f.updated_at) >= ${addDays(today, -REFERRED_BACK_DAYS)}::date
           AND ${q.colour ? sql`e.colour = ${q.colour}` : sql`true`}
         ORDER BY coalesce(f.returned_at, f.updated_at) DESC
         LIMIT ${q.limit} OFFSET ${q.offset}`;
    } else {
      rowsQuery = sql<Row>`
        SELECT t.id, 'task' AS kind, r.id AS resident_id, r.name, r.sex, r.birth_date, t.programme, t.task_code, t.label, t.label_en,
               t.due_date, t.window_end, t.priority, t.reason, e.colour, e.rule, e.reason_zh, e.reason_en, e.last_visit_date, u.display_name AS assignee_name,
               acc.basis AS access_basis
          FROM care_task t
          JOIN ${accessible} acc ON acc.resident_id = t.resident_id
          JOIN resident r ON r.id = t.resident_id
          LEFT JOIN app_user u ON u.id = t.assignee_user_id
          ${worstEnrolment}
         WHERE ${scope} AND t.status = 'open' AND ${bucketCondition(q.bucket, today)} AND ${filters}
         ORDER BY ${ORDER[q.sort]}
         LIMIT ${q.limit} OFFSET ${q.offset}`;
    }
    const [c, referred, rows] = await Promise.all([countsQuery, referredBackCount, rowsQuery.execute(db)]);
    counts = { ...c.rows[0]!, referred_back: referred.rows[0]!.n };
    // A referral referred back carries its tasks: the discharge calendar, or the results notice.
    const referralIds = rows.rows.filter((r) => r.kind === 'referral').map((r) => r.id);
    if (referralIds.length) {
      const tasks = await db
        .selectFrom('care_task')
        .select(['id', 'referral_id', 'label', 'label_en', 'due_date', 'window_end', 'status', 'done_on'])
        .where('referral_id', 'in', referralIds)
        .where('status', '<>', 'cancelled')
        .orderBy('due_date')
        .execute();
      for (const t of tasks) {
        const list = referralTasks.get(t.referral_id!) ?? [];
        list.push({ id: t.id, label: t.label, labelEn: t.label_en, dueDate: t.due_date, windowEnd: t.window_end, status: t.status, doneOn: t.done_on });
        referralTasks.set(t.referral_id!, list);
      }
    }
    return rows.rows;
  });
  const items: WorklistItem[] = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    residentId: r.resident_id,
    residentName: r.name,
    sex: r.sex,
    age: ageOn(r.birth_date, today),
    programme: r.programme,
    taskCode: r.task_code,
    label: r.label,
    labelEn: r.label_en,
    dueDate: r.due_date,
    windowEnd: r.window_end,
    daysOverdue: r.window_end < today ? Math.round((Date.parse(today) - Date.parse(r.window_end)) / 86_400_000) : 0,
    priority: r.priority,
    reason: r.reason,
    riskColour: r.colour,
    riskRule: r.rule,
    riskReason: r.reason_zh,
    riskReasonEn: r.reason_en,
    lastVisitDate: r.last_visit_date,
    assigneeName: r.assignee_name,
    referralStatus: r.referral_status ?? null,
    tasks: r.kind === 'referral' ? (referralTasks.get(r.id) ?? []) : [],
  }));
  return {
    teamId,
    today,
    counts,
    items,
  };
}
