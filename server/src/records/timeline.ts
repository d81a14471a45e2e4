import { sql } from 'kysely';
import type { CareContext } from '../http/care-context.js';

export interface TimelineEntry {
  kind: 'encounter' | 'condition' | 'observation' | 'medication' | 'immunization' | 'followup' | 'screening' | 'contract' | 'referral' | 'assessment';
  id: string;
  occurredAt: string;
  title: string;
  detail: string | null;
  institutionName: string | null;
  status: 'active' | 'cancelled';
  source: string;
}

/**
 * One newest-first list of every entry, from every institution. Each branch is served by its
 * (resident_id, date) index and limited before the union, so a long record stays cheap.
 */
export async function residentTimeline(ctx: CareContext, residentId: string, limit: number): Promise<TimelineEntry[]> {
  const { rows } = await ctx.readResident(residentId, { action: 'read', resource: 'timeline', fields: ['timeline'] }, (db) => sql<{
    kind: TimelineEntry['kind'];
    id: string;
    occurred_at: Date;
    title: string;
    detail: string | null;
    institution_name: string | null;
    status: 'active' | 'cancelled';
    source: string;
  }>`
    WITH items AS (
      (SELECT 'encounter' AS kind, e.id, e.started_at AS occurred_at,
              e.kind AS title, concat_ws(' · ', e.department, e.reason, e.diagnosis_text) AS detail,
              e.institution_id, e.entry_status AS status, e.source
         FROM encounter e WHERE e.resident_id = ${residentId} ORDER BY e.started_at DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'condition', c.id, c.diagnosed_on::timestamptz, c.display, c.icd10 || ' · ' || c.clinical_status,
              c.institution_id, c.entry_status, c.source
         FROM condition c WHERE c.resident_id = ${residentId} ORDER BY c.diagnosed_on DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'observation', o.id, o.effective_at, o.display,
              coalesce(trim_scale(o.value_numeric)::text, o.value_text) || coalesce(' ' || o.unit, '') || ' · LOINC ' || o.loinc,
              o.institution_id, o.entry_status, o.source
         FROM observation o WHERE o.resident_id = ${residentId}
          -- A measurement taken at a follow-up is shown with the visit (one entry per visit), not again on its own.
          AND NOT (o.encounter_id IS NULL AND o.source <> 'device' AND o.loinc IN ('8480-6', '8462-4', '8867-4', '14770-2', '14771-0', '4548-4')
                   AND EXISTS (SELECT 1 FROM followup_visit fv WHERE fv.resident_id = o.resident_id AND fv.entry_status = 'active'
                                  AND fv.visit_date = (o.effective_at AT TIME ZONE 'Asia/Shanghai')::date))
        ORDER BY o.effective_at DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'medication', m.id, m.start_date::timestamptz, m.drug_name, concat_ws(' · ', m.dose, m.frequency, m.route),
              m.institution_id, m.entry_status, m.source
         FROM medication m WHERE m.resident_id = ${residentId} ORDER BY m.start_date DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'immunization', i.id, i.occurred_on::timestamptz, i.vaccine_name, 'dose ' || coalesce(i.dose_number::text, '-'),
              i.institution_id, i.entry_status, i.source
         FROM immunization i WHERE i.resident_id = ${residentId} ORDER BY i.occurred_on DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'followup', f.id, (f.visit_date + (f.recorded_at AT TIME ZONE 'Asia/Shanghai')::time) AT TIME ZONE 'Asia/Shanghai', f.programme || ' follow-up',
              concat_ws(' · ', f.sbp || '/' || f.dbp || ' mmHg', 'HR ' || f.heart_rate, 'FBG ' || trim_scale(f.fbg)::text,
                        'random glucose ' || trim_scale(f.random_glucose)::text, 'HbA1c ' || trim_scale(f.hba1c)::text || '%',
                        f.classification, nullif(array_to_string(f.reminders, ', '), ''), 'next ' || f.next_due_date::text),
              f.institution_id, f.entry_status, 'clinic'
         FROM followup_visit f WHERE f.resident_id = ${residentId} ORDER BY f.visit_date DESC, f.recorded_at DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'screening', s.id, s.measured_on::timestamptz, s.kind || ' screening',
              concat_ws(' · ', s.sbp || '/' || s.dbp || ' mmHg', 'FBG ' || trim_scale(s.fbg)::text, 'BMI ' || trim_scale(s.bmi)::text, s.result,
                        nullif(array_to_string(s.findings, ', '), '')),
              s.institution_id, s.entry_status, 'clinic'
         FROM screening s WHERE s.resident_id = ${residentId} ORDER BY s.measured_on DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'assessment', a.id, a.assessed_on::timestamptz, 'self-care ability assessment', a.total_score || ' · ' || a.band,
              a.institution_id, a.entry_status, 'clinic'
         FROM elderly_assessment a WHERE a.resident_id = ${residentId} ORDER BY a.assessed_on DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'contract', k.id, k.start_date::timestamptz, 'family doctor contract · ' || t.name,
              k.package_code || ' · ' || k.start_date || ' → ' || k.end_date || ' · ' || k.status,
              t.institution_id, CASE WHEN k.status = 'terminated' THEN 'cancelled' ELSE 'active' END, 'clinic'
         FROM contract k JOIN team t ON t.id = k.team_id WHERE k.resident_id = ${residentId} ORDER BY k.start_date DESC LIMIT ${limit})
      UNION ALL
      (SELECT 'referral', r.id, r.requested_at, r.direction || ' referral · ' || r.urgency, r.reason || ' · ' || r.status,
              r.from_institution_id, CASE WHEN r.status = 'cancelled' THEN 'cancelled' ELSE 'active' END, 'clinic'
         FROM referral r WHERE r.resident_id = ${residentId} ORDER BY r.requested_at DESC LIMIT ${limit})
    )
    SELECT items.kind, items.id, items.occurred_at, items.title, nullif(items.detail, '') AS detail,
           inst.name AS institution_name, items.status, items.source
      FROM items LEFT JOIN institution inst ON inst.id = items.institution_id
     ORDER BY items.occurred_at DESC, items.kind
     LIMIT ${limit}`.execute(db));
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    title: r.title,
    detail: r.detail,
    institutionName: r.institution_name,
    status: r.status,
    source: r.source,
  }));
}
