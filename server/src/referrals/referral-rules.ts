/**
 * The pure rules of the referral loop, table-driven: the FHIR-Task-like state machine, the slot
 * pools (reserved quota and its release), the discharge-order templates, the mutual-recognition
 * window and the reimbursement pathway. No database, no clock: callers pass the instant.
 */

// ---------------------------------------------------------------- state machine (FHIR Task)

export const REFERRAL_STATUSES = ['requested', 'received', 'accepted', 'rejected', 'in_progress', 'on_hold', 'completed', 'cancelled', 'failed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
/** States in which the referral is under way: the receiving institution then has the `referral` access basis. */
export const OPEN_STATUSES = ['requested', 'received', 'accepted', 'in_progress', 'on_hold'] as const satisfies readonly ReferralStatus[];
export const TERMINAL_STATUSES: readonly ReferralStatus[] = ['rejected', 'completed', 'cancelled', 'failed'];

export const REFERRAL_ACTIONS = ['receive', 'accept', 'reject', 'hold', 'resume', 'arrive', 'complete', 'cancel', 'fail'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];
/** Who acts: the institution that sent the referral or the one that receives it. */
export type Side = 'sender' | 'receiver';

interface TransitionRule {
  from: readonly ReferralStatus[];
  to: ReferralStatus;
  side: Side;
  reasonRequired: boolean;
}

export const TRANSITIONS: Record<ReferralAction, TransitionRule> = {
  receive: { from: ['requested'], to: 'received', side: 'receiver', reasonRequired: false },
  accept: { from: ['requested', 'received'], to: 'accepted', side: 'receiver', reasonRequired: false },
  reject: { from: ['requested', 'received'], to: 'rejected', side: 'receiver', reasonRequired: true },
  hold: { from: ['received', 'accepted'], to: 'on_hold', side: 'receiver', reasonRequired: true },
  resume: { from: ['on_hold'], to: 'accepted', side: 'receiver', reasonRequired: false },
  // The patient's arrival at the receiving end.
  arrive: { from: ['accepted'], to: 'in_progress', side: 'receiver', reasonRequired: false },
  complete: { from: ['in_progress'], to: 'completed', side: 'receiver', reasonRequired: false },
  cancel: { from: ['requested', 'received', 'accepted', 'on_hold'], to: 'cancelled', side: 'sender', reasonRequired: true },
  fail: { from: ['accepted', 'in_progress'], to: 'failed', side: 'receiver', reasonRequired: true },
};

export type TransitionResult =
  | { ok: true; from: ReferralStatus; to: ReferralStatus }
  | { ok: false; error: 'invalid_transition' | 'reason_required' | 'wrong_side'; message: string };

/** Whether `action` may move a referral in `current`, by `side`, with or without a reason. */
export function transition(current: ReferralStatus, action: ReferralAction, side: Side, reason?: string | null): TransitionResult {
  const rule = TRANSITIONS[action];
  if (rule.side !== side) {
    return { ok: false, error: 'wrong_side', message: `${action} is done by the ${rule.side === 'sender' ? 'referring' : 'receiving'} institution` };
  }
  if (!rule.from.includes(current)) {
    return { ok: false, error: 'invalid_transition', message: `Cannot ${action}: the referral is ${current}` };
  }
  if (rule.reasonRequired && !(reason && reason.trim().length >= 2)) {
    return { ok: false, error: 'reason_required', message: `${action} needs a reason` };
  }
  return { ok: true, from: current, to: rule.to };
}

// ---------------------------------------------------------------- slots: reserved quota and release

/** Reserved slots of a session of `capacity` for a hospital reserving `share` (seed 002: 30%). */
export function reservedSlots(capacity: number, share: number): number {
  return Math.min(capacity, Math.round(capacity * share));
}

/** The instant the reserved quota opens to everyone: `releaseHours` before the session starts. */
export function releaseAt(startsAt: Date, releaseHours: number): Date {
  return new Date(startsAt.getTime() - releaseHours * 3_600_000);
}

export interface PoolQuestion {
  member: boolean;
  greenChannel: boolean;
  now: Date;
  releaseAt: Date;
  capacity: number;
  reserved: number;
  openBooked: number;
  reservedBooked: number;
}

/**
 * Which pool a booking draws from, or null when none is available to this requester.
 * Members and green-channel referrals take the reserved quota first (keeping open slots for
 * others); non-members reach the reserved quota only after its release. The SQL of the
 * conditional UPDATE states the same rule (referral.service.ts `bookSlot`), checked against this one in tests.
 */
export function choosePool(q: PoolQuestion): 'reserved' | 'open' | null {
  const openLeft = q.capacity - q.reserved - q.openBooked > 0;
  const reservedLeft = q.reserved - q.reservedBooked > 0;
  const mayReserved = q.member || q.greenChannel || q.now.getTime() >= q.releaseAt.getTime();
  const prefersReserved = q.member || q.greenChannel;
  if (prefersReserved && mayReserved && reservedLeft) return 'reserved';
  if (openLeft) return 'open';
  if (mayReserved && reservedLeft) return 'reserved';
  return null;
}

export const PRIMARY_CARE_KINDS = ['community_health_centre', 'community_health_station', 'village_clinic'] as const;

/** A member of a hospital's medical alliance: a primary-care institution of the same region. */
export function isAllianceMember(referrer: { kind: string; regionCode: string }, hospital: { regionCode: string }): boolean {
  return (PRIMARY_CARE_KINDS as readonly string[]).includes(referrer.kind) && referrer.regionCode === hospital.regionCode;
}

/** Green channel (seed 003): a session today or tomorrow (China dates). */
export function greenChannelDateOk(sessionDate: string, today: string): boolean {
  const days = Math.round((Date.parse(sessionDate) - Date.parse(today)) / 86_400_000);
  return days === 0 || days === 1;
}

// ---------------------------------------------------------------- discharge-order engine (seed 004)

export interface TemplateItem {
  code: string;
  label: string;
  labelEn: string;
  /** Days after discharge the task is due, and days after that it may still be done on time. */
  dueOffset: number;
  window: number;
  /** Repeat every `every` days, `times` times in all (the first at dueOffset). */
  every?: number;
  times?: number;
  priority?: 'urgent' | 'high' | 'normal';
}

export interface DischargeTemplate {
  code: string;
  name: string;
  nameEn: string;
  icd10Prefixes: string[];
  monitoring: string[];
  items: TemplateItem[];
}

const FIRST_VISIT: TemplateItem = { code: 'first_home_visit', label: '出院后首次家访', labelEn: 'First home visit after discharge', dueOffset: 1, window: 2, priority: 'high' };
const RETURN_VISIT: TemplateItem = { code: 'return_visit_4w', label: '出院4周复诊', labelEn: 'Return visit at 4 weeks', dueOffset: 28, window: 7 };

export const DISCHARGE_TEMPLATES: Record<string, DischargeTemplate> = {
  hypertension: {
    code: 'hypertension',
    name: '高血压出院管理',
    nameEn: 'Hypertension after discharge',
    icd10Prefixes: ['I10', 'I11', 'I12', 'I13', 'I15'],
    monitoring: ['血压每日监测2周'],
    items: [
      FIRST_VISIT,
      { code: 'bp_check', label: '每周血压复核', labelEn: 'Weekly blood pressure check', dueOffset: 7, window: 3, every: 7, times: 3 },
      RETURN_VISIT,
    ],
  },
  diabetes: {
    code: 'diabetes',
    name: '糖尿病出院管理',
    nameEn: 'Diabetes after discharge',
    icd10Prefixes: ['E11', 'E10', 'E14'],
    monitoring: ['血糖每周两次'],
    items: [
      FIRST_VISIT,
      { code: 'glucose_check', label: '血糖复核（每周两次）', labelEn: 'Glucose check (twice a week)', dueOffset: 3, window: 2, every: 4, times: 6 },
      RETURN_VISIT,
    ],
  },
  stroke: {
    code: 'stroke',
    name: '脑卒中出院康复',
    nameEn: 'Stroke rehabilitation after discharge',
    icd10Prefixes: ['I63', 'I61', 'I64'],
    monitoring: ['血压每日监测2周', '康复训练每日'],
    items: [
      FIRST_VISIT,
      { code: 'rehab_check', label: '康复训练随访', labelEn: 'Rehabilitation follow-up', dueOffset: 7, window: 3, every: 7, times: 4 },
      RETURN_VISIT,
    ],
  },
  coronary: {
    code: 'coronary',
    name: '冠心病出院管理',
    nameEn: 'Coronary heart disease after discharge',
    icd10Prefixes: ['I20', 'I21', 'I25'],
    monitoring: ['血压、心率每日监测2周'],
    items: [
      FIRST_VISIT,
      { code: 'cardiac_check', label: '每周心血管复核', labelEn: 'Weekly cardiovascular check', dueOffset: 7, window: 3, every: 7, times: 3 },
      RETURN_VISIT,
    ],
  },
  general: {
    code: 'general',
    name: '一般出院随访',
    nameEn: 'General follow-up after discharge',
    icd10Prefixes: [],
    monitoring: [],
    items: [FIRST_VISIT, RETURN_VISIT],
  },
};

/** The template for a diagnosis code, by ICD-10 prefix; 'general' when none matches. */
export function templateForDiagnosis(icd10: string | null | undefined): DischargeTemplate {
  if (icd10) {
    for (const t of Object.values(DISCHARGE_TEMPLATES)) if (t.icd10Prefixes.some((p) => icd10.startsWith(p))) return t;
  }
  return DISCHARGE_TEMPLATES.general!;
}

export interface DatedTask {
  code: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  priority: 'urgent' | 'high' | 'normal';
}

const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Expands a template into dated tasks from the discharge date (first home visit within 3 days, weekly checks, a 4-week return). */
export function expandTemplate(template: DischargeTemplate, dischargeDate: string): DatedTask[] {
  const out: DatedTask[] = [];
  for (const item of template.items) {
    const times = item.times ?? 1;
    for (let n = 0; n < times; n++) {
      const due = plusDays(dischargeDate, item.dueOffset + n * (item.every ?? 0));
      out.push({
        code: times > 1 ? `${item.code}_${n + 1}` : item.code,
        label: times > 1 ? `${item.label}（第${n + 1}次）` : item.label,
        labelEn: times > 1 ? `${item.labelEn} (${n + 1})` : item.labelEn,
        dueDate: due,
        windowEnd: plusDays(due, item.window),
        priority: item.priority ?? 'normal',
      });
    }
  }
  return out.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.code.localeCompare(b.code));
}

// ---------------------------------------------------------------- mutual recognition (互认)

/** Whether an earlier result taken at `earlierAt` still stands at `orderAt` for an item valid `validityDays`. */
export function withinRecognitionWindow(earlierAt: Date, orderAt: Date, validityDays: number): boolean {
  const age = orderAt.getTime() - earlierAt.getTime();
  return age >= 0 && age <= validityDays * 86_400_000;
}

// ---------------------------------------------------------------- reimbursement pathway (SPEC 13)

export const REIMBURSEMENT_PATHWAYS = ['community_first', 'referred', 'unreferred'] as const;
export type ReimbursementPathway = (typeof REIMBURSEMENT_PATHWAYS)[number];
export const DEFAULT_REIMBURSEMENT: Record<ReimbursementPathway, number> = { community_first: 0.8, referred: 0.7, unreferred: 0.5 };

/** Community first visit at a primary-care institution; at a hospital, referred or not. */
export function reimbursementPathway(institutionKind: string, referred: boolean): ReimbursementPathway {
  if ((PRIMARY_CARE_KINDS as readonly string[]).includes(institutionKind)) return 'community_first';
  return referred ? 'referred' : 'unreferred';
}

export function reimbursementRatio(pathway: ReimbursementPathway, rates: Partial<Record<ReimbursementPathway, number>> = {}): number {
  return rates[pathway] ?? DEFAULT_REIMBURSEMENT[pathway];
}
