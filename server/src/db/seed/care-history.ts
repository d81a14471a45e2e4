/**
 * Builds the rows of a chronic-disease follow-up history exactly as the write path
 * (server/src/followups/followup.service.ts, programmes/programme.service.ts, care-tasks/care-tasks.ts) would
 * have left them, visit after visit:
 * - each visit classified by the national rules against the previous visit of the same programme, with its
 *   KPI control flag (standard targets);
 * - the open follow-up task completed by the visit (done_on = visit date, done_ref = visit id) and the next one
 *   opened: task_code `followup:<next due date>`, window_end = next due date, due_date = the same date when
 *   the visit says "continue", else the day after the visit (short interval); priority 'urgent' / 'high' /
 *   'normal' from the visit; reason = the visit's classification code;
 * - on enrolment the first task is due at once, within 14 days (reason 'enrolment');
 * - the enrolment's summary (last visit, control, next due date, colour with its rule and reasons) as computed
 *   at the latest visit.
 */
import { randomUUID } from 'node:crypto';
import {
  type AdverseReaction,
  type ColourResult,
  addDays,
  ageOn,
  classifyDiabetesVisit,
  classifyHypertensionVisit,
  computeBmi,
  diabetesColour,
  hypertensionColour,
  hypertensionHighRisk,
  isBpControlledForKpi,
  isFbgControlled,
} from '../../chronic/rules/index.js';
import { FOLLOW_UP_SHORT_DAYS } from '../../chronic/thresholds.js';
import { FOLLOW_UP_LABELS, followUpTaskCode } from '../../care-tasks/care-tasks.js';
import { complicationsFrom } from '../../followups/complications.js';
import { VITAL_SIGNS } from '../../records/vital-signs.js';
import type { RowBuffer } from './bulk-insert.js';

export type ChronicProgramme = 'hypertension' | 'diabetes';

/** A local timestamp in China Standard Time (UTC+8). */
/** The first day the generated district's records may carry (registration dates are not earlier). */
export const RECORDS_BEGIN = '2012-01-01';

export function cst(date: string, hour = 9, minute = 0): string {
  return `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`;
}

/** The lifestyle part of the follow-up form (followup.schemas.ts FollowUpForm.lifestyle). */
export interface Lifestyle {
  cigarettesPerDay?: number;
  spiritsMlPerDay?: number;
  exerciseTimesPerWeek?: number;
  exerciseMinutesPerSession?: number;
  saltIntake?: 'light' | 'moderate' | 'heavy';
  stapleFoodGramsPerDay?: number;
  psychologicalAdjustment?: 'good' | 'fair' | 'poor';
  complianceBehaviour?: 'good' | 'fair' | 'poor';
}

export interface ChronicPatient {
  residentId: string;
  birthDate: string;
  sex: 'male' | 'female';
  programme: ChronicProgramme;
  enrolmentId: string;
  teamId: string;
  /** Assignee of follow-up tasks (the contract team's health manager). */
  assigneeUserId: string;
  /** Hypertension in the family history of the basic information (a risk factor of the colour rules). */
  familyHistoryHypertension: boolean;
  /** ICD-10 codes of the resident's active conditions (complications of the colour rules). */
  conditions: string[];
}

export interface MedicationLine {
  name: string;
  dose: string;
  frequency: string;
}

export interface VisitInput {
  date: string;
  mode: 'clinic' | 'home' | 'phone';
  /** The recording clinician's institution. */
  institutionId: string;
  recordedBy: string;
  sbp?: number | null;
  dbp?: number | null;
  heartRate?: number | null;
  fbg?: number | null;
  hba1c?: number | null;
  symptoms?: string[];
  adverseReaction?: AdverseReaction;
  adverseReactionDetail?: string | null;
  newComplication?: boolean;
  complicationDetail?: string | null;
  weightKg?: number | null;
  heightCm?: number | null;
  waistCm?: number | null;
  lifestyle?: Lifestyle;
  adherence?: 'regular' | 'intermittent' | 'none' | null;
  medications?: MedicationLine[];
  note?: string | null;
  /** Minute of the day the visit was recorded (defaults to 09:00). */
  minuteOfDay?: number;
}

interface VisitState {
  id: string;
  date: string;
  at: string;
  sbp: number | null;
  dbp: number | null;
  fbg: number | null;
  hba1c: number | null;
  bmi: number | null;
  waistCm: number | null;
  lifestyle: Lifestyle;
  controlled: boolean;
  urgent: boolean;
  referralSuggested: boolean;
  adverse: AdverseReaction;
  nextDueDate: string;
  classification: string;
  action: string;
}

export interface VisitOutcome {
  id: string;
  controlled: boolean;
  urgent: boolean;
  referralSuggested: boolean;
  action: string;
  nextDueDate: string;
  classification: string;
}

/** The enrolment columns the write path maintains. */
export interface EnrolmentSummary {
  last_visit_date: string | null;
  last_controlled: boolean | null;
  next_due_date: string;
  risk_colour: string | null;
  risk_rule: string | null;
  risk_reason: string | null;
  risk_reason_en: string | null;
  risk_computed_at: string | null;
}

interface PendingTask {
  dueDate: string;
  windowEnd: string;
  priority: 'urgent' | 'high' | 'normal';
  reason: string;
  createdAt: string;
}

export class ChronicChain {
  private readonly visits: VisitState[] = [];
  private pending: PendingTask;

  /**
   * @param enrolledOn a new enrolment's date: the first task is due that day, within 14 days. Pass
   *   `{ continuingFrom }` instead for an older enrolment whose earlier visits are not generated: the first task
   *   is then the routine one a (not generated) controlled visit opened, due on `continuingFrom.windowEnd`.
   */
  constructor(
    private readonly buf: RowBuffer,
    readonly patient: ChronicPatient,
    start: { enrolledOn: string } | { continuingFrom: { windowEnd: string; createdOn: string } },
  ) {
    this.pending =
      'enrolledOn' in start
        ? {
            dueDate: start.enrolledOn,
            windowEnd: addDays(start.enrolledOn, FOLLOW_UP_SHORT_DAYS),
            priority: 'normal',
            reason: 'enrolment',
            createdAt: cst(start.enrolledOn, 10),
          }
        : {
            dueDate: start.continuingFrom.windowEnd,
            windowEnd: start.continuingFrom.windowEnd,
            priority: 'normal',
            reason: 'controlled',
            createdAt: cst(start.continuingFrom.createdOn, 10),
          };
  }

  /** The deadline (window end) of the follow-up the next visit will complete. */
  get nextDue(): string {
    return this.pending.windowEnd;
  }

  get last(): VisitState | undefined {
    return this.visits.at(-1);
  }

  get visitCount(): number {
    return this.visits.length;
  }

  private addTask(t: PendingTask, status: 'open' | 'done', doneOn: string | null, doneRef: string | null): void {
    const label = FOLLOW_UP_LABELS[this.patient.programme];
    this.buf.add('care_task', {
      id: randomUUID(),
      resident_id: this.patient.residentId,
      programme: this.patient.programme,
      task_code: followUpTaskCode(t.windowEnd),
      label: label.zh,
      label_en: label.en,
      due_date: t.dueDate,
      window_end: t.windowEnd,
      team_id: this.patient.teamId,
      assignee_user_id: this.patient.assigneeUserId,
      priority: t.priority,
      reason: t.reason,
      status,
      done_on: doneOn,
      done_ref: doneRef,
      created_at: t.createdAt,
    });
  }

  addVisit(v: VisitInput): VisitOutcome {
    const p = this.patient;
    const prev = this.visits.at(-1);
    if (prev && v.date <= prev.date) throw new Error(`visit ${v.date} is not after ${prev.date}`);
    const previousVisit = prev ? { visitDate: prev.date, controlled: prev.controlled } : null;
    const symptoms = v.symptoms ?? [];
    const adverse = v.adverseReaction ?? 'none';
    const complication = v.newComplication ?? false;
    const ageYears = ageOn(p.birthDate, v.date);
    let result;
    let kpiControlled: boolean;
    if (p.programme === 'hypertension') {
      if (v.sbp == null || v.dbp == null) throw new Error('a hypertension visit needs a BP');
      result = classifyHypertensionVisit({
        visitDate: v.date,
        ageYears,
        sbp: v.sbp,
        dbp: v.dbp,
        heartRate: v.heartRate ?? null,
        symptoms,
        adverseReaction: adverse,
        newOrWorseComplication: complication,
        previousVisit,
      });
      kpiControlled = isBpControlledForKpi({ ageYears, sbp: v.sbp, dbp: v.dbp });
    } else {
      if (v.fbg == null) throw new Error('a diabetes visit needs a fasting glucose');
      result = classifyDiabetesVisit({
        visitDate: v.date,
        fbg: v.fbg,
        sbp: v.sbp ?? null,
        dbp: v.dbp ?? null,
        heartRate: v.heartRate ?? null,
        symptoms,
        adverseReaction: adverse,
        newOrWorseComplication: complication,
        previousVisit,
      });
      kpiControlled = isFbgControlled(v.fbg);
    }
    const id = randomUUID();
    const minute = v.minuteOfDay ?? 9 * 60;
    const at = cst(v.date, Math.floor(minute / 60), minute % 60);
    const bmi = v.weightKg != null && v.heightCm != null ? computeBmi(v.weightKg, v.heightCm) : null;
    const lifestyle = v.lifestyle ?? {};
    this.buf.add('followup_visit', {
      id,
      resident_id: p.residentId,
      enrolment_id: p.enrolmentId,
      programme: p.programme,
      institution_id: v.institutionId,
      team_id: p.teamId,
      recorded_by: v.recordedBy,
      recorded_at: at,
      entry_status: 'active',
      visit_date: v.date,
      visit_mode: v.mode,
      symptoms,
      sbp: v.sbp ?? null,
      dbp: v.dbp ?? null,
      heart_rate: v.heartRate ?? null,
      weight_kg: v.weightKg ?? null,
      height_cm: v.heightCm ?? null,
      bmi,
      waist_cm: v.waistCm ?? null,
      fbg: v.fbg ?? null,
      hba1c: v.hba1c ?? null,
      temperature_c: null,
      lifestyle: JSON.stringify(lifestyle),
      adherence: v.adherence ?? null,
      adverse_reaction: adverse,
      adverse_reaction_detail: v.adverseReactionDetail ?? null,
      new_complication: complication,
      complication_detail: v.complicationDetail ?? null,
      medications: JSON.stringify(v.medications ?? []),
      classification: result.classification,
      controlled: result.controlled,
      kpi_controlled: kpiControlled,
      action: result.action,
      urgent: result.urgentReferral,
      referral_suggested: result.referralSuggested,
      reasons: result.reasons,
      next_due_date: result.nextDueDate,
      note: v.note ?? null,
    });
    // The visit completes what was due and opens the next follow-up.
    this.addTask(this.pending, 'done', v.date, id);
    this.pending = {
      dueDate: result.action === 'continue' ? result.nextDueDate : addDays(v.date, 1),
      windowEnd: result.nextDueDate,
      priority: result.urgentReferral ? 'urgent' : result.referralSuggested ? 'high' : 'normal',
      reason: result.classification,
      createdAt: at,
    };
    // Observations measured at the visit (LOINC, UCUM).
    const obs = (loinc: keyof typeof VITAL_SIGNS, value: number) =>
      this.buf.add('observation', {
        id: randomUUID(),
        resident_id: p.residentId,
        institution_id: v.institutionId,
        recorded_by: v.recordedBy,
        recorded_at: at,
        source: 'clinic',
        entry_status: 'active',
        encounter_id: null,
        loinc,
        display: VITAL_SIGNS[loinc].display,
        value_numeric: value,
        value_text: null,
        unit: VITAL_SIGNS[loinc].unit,
        effective_at: at,
      });
    if (v.sbp != null && v.dbp != null) {
      obs('8480-6', v.sbp);
      obs('8462-4', v.dbp);
    }
    if (v.fbg != null) obs('14770-2', v.fbg);
    if (v.hba1c != null) obs('4548-4', v.hba1c);

    this.visits.push({
      id,
      date: v.date,
      at,
      sbp: v.sbp ?? null,
      dbp: v.dbp ?? null,
      fbg: v.fbg ?? null,
      hba1c: v.hba1c ?? null,
      bmi,
      waistCm: v.waistCm ?? null,
      lifestyle,
      controlled: result.controlled,
      urgent: result.urgentReferral,
      referralSuggested: result.referralSuggested,
      adverse,
      nextDueDate: result.nextDueDate,
      classification: result.classification,
      action: result.action,
    });
    return {
      id,
      controlled: result.controlled,
      urgent: result.urgentReferral,
      referralSuggested: result.referralSuggested,
      action: result.action,
      nextDueDate: result.nextDueDate,
      classification: result.classification,
    };
  }

  /** Writes the one open task and returns the enrolment's summary columns. */
  finish(): EnrolmentSummary {
    const last = this.visits.at(-1);
    this.addTask(this.pending, 'open', null, null);
    if (!last) {
      return {
        last_visit_date: null,
        last_controlled: null,
        next_due_date: this.pending.windowEnd,
        risk_colour: null,
        risk_rule: null,
        risk_reason: null,
        risk_reason_en: null,
        risk_computed_at: null,
      };
    }
    const colour = this.colourAtLastVisit();
    return {
      last_visit_date: last.date,
      last_controlled: last.controlled,
      next_due_date: last.nextDueDate,
      risk_colour: colour.colour,
      risk_rule: colour.ruleCode,
      risk_reason: colour.reasonZh,
      risk_reason_en: colour.reasonEn,
      risk_computed_at: last.at,
    };
  }

  /** The colour as recomputed by the write path when the latest visit was recorded (asOf = its date). */
  private colourAtLastVisit(): ColourResult {
    const p = this.patient;
    const last = this.visits.at(-1)!;
    const before = this.visits.at(-2) ?? null;
    const twoConsecutiveUncontrolled = !last.controlled && before !== null && !before.controlled;
    const lastUrgent = [...this.visits].reverse().find((v) => v.urgent)?.date ?? null;
    if (p.programme === 'hypertension') {
      const risk = hypertensionHighRisk({
        bmi: last.bmi,
        waistCm: last.waistCm,
        sex: p.sex,
        familyHistory: p.familyHistoryHypertension,
        highSaltDiet: last.lifestyle.saltIntake === 'heavy',
        spiritsMlPerDay: last.lifestyle.spiritsMlPerDay ?? null,
        ageYears: ageOn(p.birthDate, last.date),
      });
      const smoking = (last.lifestyle.cigarettesPerDay ?? 0) > 0 ? 1 : 0;
      return hypertensionColour({
        asOf: last.date,
        lastVisit: { visitDate: last.date, sbp: last.sbp!, dbp: last.dbp!, controlled: last.controlled },
        twoConsecutiveUncontrolled,
        adverseReaction: last.adverse !== 'none',
        riskFactorCount: risk.factors.filter((f) => f !== 'high_normal_bp').length + smoking,
        complications: complicationsFrom('hypertension', p.conditions),
        lastUrgentReferralDate: lastUrgent,
      });
    }
    const lastLow = [...this.visits].reverse().find((v) => v.fbg !== null && v.fbg <= 3.9)?.date ?? null;
    return diabetesColour({
      asOf: last.date,
      lastVisit: { visitDate: last.date, fbg: last.fbg! },
      latestHba1c: last.hba1c,
      twoConsecutiveUncontrolled,
      complications: complicationsFrom('diabetes', p.conditions),
      lastUrgentReferralDate: lastUrgent,
      lastLowGlucoseDate: lastLow,
    });
  }
}
