/**
 * Pure helpers of the follow-up form: form values → request body, when the live classification may run,
 * BMI, and where a server field error belongs. Unit-tested in followup.logic.test.ts.
 */
import type { FieldIssue } from '../../api/client';
import type {
  Adherence,
  AdverseReaction,
  ClassificationCode,
  FollowUpBody,
  FollowUpProgramme,
  Hypoglycaemia,
  Lifestyle,
  VisitMode,
} from './followup.types';

type Num = number | null | undefined;
type Str = string | null | undefined;

/** What the antd form holds (empty inputs are null or undefined; the visit date already as YYYY-MM-DD). */
export interface FollowUpFormValues {
  visitDate?: Str;
  visitMode?: VisitMode | null;
  symptoms?: string[] | null;
  otherSymptoms?: Str;
  sbp?: Num;
  dbp?: Num;
  heartRate?: Num;
  weightKg?: Num;
  heightCm?: Num;
  waistCm?: Num;
  fbg?: Num;
  randomGlucose?: Num;
  hba1c?: Num;
  temperatureC?: Num;
  lifestyle?: { [K in keyof Lifestyle]?: Lifestyle[K] | null } | null;
  adherence?: Adherence | null;
  adverseReaction?: AdverseReaction | null;
  adverseReactionDetail?: Str;
  newComplication?: boolean | null;
  complicationDetail?: Str;
  hypoglycaemiaReaction?: Hypoglycaemia | null;
  medications?: ({ name?: Str; dose?: Str; frequency?: Str } | null | undefined)[] | null;
  note?: Str;
}

const num = (v: Num): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: Str): string | undefined => {
  const s = typeof v === 'string' ? v.trim() : '';
  return s ? s : undefined;
};

/** Drops undefined members so the body carries only what was filled in (the server is strict). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Fields that only the diabetes form carries. */
const DIABETES_ONLY = ['fbg', 'randomGlucose', 'hba1c', 'hypoglycaemiaReaction'] as const;

export function buildFollowUpBody(programme: FollowUpProgramme, v: FollowUpFormValues): FollowUpBody {
  const lifestyle = compact<Lifestyle>({
    cigarettesPerDay: num(v.lifestyle?.cigarettesPerDay),
    spiritsMlPerDay: num(v.lifestyle?.spiritsMlPerDay),
    exerciseTimesPerWeek: num(v.lifestyle?.exerciseTimesPerWeek),
    exerciseMinutesPerSession: num(v.lifestyle?.exerciseMinutesPerSession),
    saltIntake: v.lifestyle?.saltIntake ?? undefined,
    stapleFoodGramsPerDay: num(v.lifestyle?.stapleFoodGramsPerDay),
    psychologicalAdjustment: v.lifestyle?.psychologicalAdjustment ?? undefined,
    complianceBehaviour: v.lifestyle?.complianceBehaviour ?? undefined,
  });
  const adverseReaction = v.adverseReaction ?? 'none';
  const medications = (v.medications ?? [])
    .filter((m): m is { name?: Str; dose?: Str; frequency?: Str } => !!m && !!str(m.name))
    .map((m) => compact({ name: str(m.name)!, dose: str(m.dose), frequency: str(m.frequency) }));
  const body = compact<FollowUpBody>({
    programme,
    visitDate: v.visitDate ?? '',
    visitMode: v.visitMode ?? 'clinic',
    symptoms: v.symptoms?.length ? [...v.symptoms] : undefined,
    otherSymptoms: str(v.otherSymptoms),
    sbp: num(v.sbp),
    dbp: num(v.dbp),
    heartRate: num(v.heartRate),
    weightKg: num(v.weightKg),
    heightCm: num(v.heightCm),
    waistCm: num(v.waistCm),
    fbg: num(v.fbg),
    randomGlucose: num(v.randomGlucose),
    hba1c: num(v.hba1c),
    temperatureC: num(v.temperatureC),
    lifestyle: Object.keys(lifestyle).length ? lifestyle : undefined,
    adherence: v.adherence ?? undefined,
    adverseReaction,
    adverseReactionDetail: adverseReaction === 'none' ? undefined : str(v.adverseReactionDetail),
    newComplication: !!v.newComplication,
    complicationDetail: v.newComplication ? str(v.complicationDetail) : undefined,
    hypoglycaemiaReaction: v.hypoglycaemiaReaction ?? undefined,
    medications: medications.length ? medications : undefined,
    note: str(v.note),
  });
  if (programme === 'hypertension') for (const k of DIABETES_ONLY) delete body[k];
  return body;
}

/** The live classification runs once the deciding values are there: BP for hypertension, FBG for diabetes. */
export function readyToClassify(body: FollowUpBody): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(body.visitDate)) return false;
  if (body.programme === 'hypertension') return body.sbp !== undefined && body.dbp !== undefined;
  return body.fbg !== undefined;
}

/** BMI (kg/m²) to one decimal, or null when weight or height is missing. */
export function bmiOf(weightKg: Num, heightCm: Num): number | null {
  const w = num(weightKg);
  const h = num(heightCm);
  if (!w || !h) return null;
  const m = h / 100;
  return Math.round((w / (m * m)) * 10) / 10;
}

/** Chinese adult BMI bands (WS/T 428): < 18.5 underweight, 24 ≤ BMI < 28 overweight, ≥ 28 obese. */
export function bmiBand(bmi: number): 'underweight' | 'normal' | 'overweight' | 'obese' {
  if (bmi < 18.5) return 'underweight';
  if (bmi < 24) return 'normal';
  if (bmi < 28) return 'overweight';
  return 'obese';
}

export type Severity = 'success' | 'warning' | 'error';

/** How loud a classification is: 控制满意 green, adjust-medication orange, refer or urgent red. */
export function classificationSeverity(code: ClassificationCode): Severity {
  if (code === 'controlled') return 'success';
  if (code === 'first_uncontrolled' || code === 'adverse_reaction') return 'warning';
  return 'error';
}

export const SEVERITY_TAG_COLOUR: Record<Severity, string> = { success: 'green', warning: 'orange', error: 'red' };

/**
 * Where a server field issue belongs on the form: 'body.sbp' → ['sbp'], 'body.lifestyle.saltIntake' →
 * ['lifestyle', 'saltIntake'], 'body.medications.0.name' → ['medications', 0, 'name'].
 */
export function issuePath(field: string): (string | number)[] {
  const parts = field.split('.').filter(Boolean);
  if (parts[0] === 'body') parts.shift();
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Server issues as antd Form.setFields entries, and the ones that match no field on the form. */
export function issuesToFields(
  issues: readonly FieldIssue[],
  known: (path: (string | number)[]) => boolean,
): { fields: { name: (string | number)[]; errors: string[] }[]; rest: FieldIssue[] } {
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  const rest: FieldIssue[] = [];
  for (const issue of issues) {
    const name = issuePath(issue.field);
    if (name.length && known(name)) {
      const existing = fields.find((f) => JSON.stringify(f.name) === JSON.stringify(name));
      if (existing) existing.errors.push(issue.message);
      else fields.push({ name, errors: [issue.message] });
    } else rest.push(issue);
  }
  return { fields, rest };
}
