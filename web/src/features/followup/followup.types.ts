/** Follow-up form (随访服务记录表) and classification shapes (server/src/followups/followup.schemas.ts). */
import type { RiskColour } from '../residents/residents.types';

export type FollowUpProgramme = 'hypertension' | 'diabetes';
export type VisitMode = 'clinic' | 'home' | 'phone';
export type Level3 = 'good' | 'fair' | 'poor';
export type SaltIntake = 'light' | 'moderate' | 'heavy';
export type Adherence = 'regular' | 'intermittent' | 'none';
export type AdverseReaction = 'none' | 'controllable' | 'uncontrollable';
export type Hypoglycaemia = 'none' | 'occasional' | 'frequent';

export const VISIT_MODES: readonly VisitMode[] = ['clinic', 'home', 'phone'];
export const SALT_INTAKES: readonly SaltIntake[] = ['light', 'moderate', 'heavy'];
export const LEVELS3: readonly Level3[] = ['good', 'fair', 'poor'];
export const ADHERENCES: readonly Adherence[] = ['regular', 'intermittent', 'none'];
export const ADVERSE_REACTIONS: readonly AdverseReaction[] = ['none', 'controllable', 'uncontrollable'];
export const HYPOGLYCAEMIA: readonly Hypoglycaemia[] = ['none', 'occasional', 'frequent'];

export interface Lifestyle {
  cigarettesPerDay?: number;
  spiritsMlPerDay?: number;
  exerciseTimesPerWeek?: number;
  exerciseMinutesPerSession?: number;
  saltIntake?: SaltIntake;
  stapleFoodGramsPerDay?: number;
  psychologicalAdjustment?: Level3;
  complianceBehaviour?: Level3;
}

export interface MedicationLine {
  name: string;
  dose?: string;
  frequency?: string;
}

/** The request body of POST /residents/:id/followups(/classify); unknown keys are rejected by the server. */
export interface FollowUpBody {
  programme: FollowUpProgramme;
  visitDate: string;
  visitMode: VisitMode;
  symptoms?: string[];
  otherSymptoms?: string;
  sbp?: number;
  dbp?: number;
  heartRate?: number;
  weightKg?: number;
  heightCm?: number;
  waistCm?: number;
  fbg?: number;
  randomGlucose?: number;
  hba1c?: number;
  temperatureC?: number;
  lifestyle?: Lifestyle;
  adherence?: Adherence;
  adverseReaction?: AdverseReaction;
  adverseReactionDetail?: string;
  newComplication?: boolean;
  complicationDetail?: string;
  hypoglycaemiaReaction?: Hypoglycaemia;
  /** Confirms a second visit of the programme on the same date (else 409 duplicate_visit). */
  separateVisit?: boolean;
  medications?: MedicationLine[];
  note?: string;
}

export const CLASSIFICATIONS = [
  'urgent',
  'two_consecutive_uncontrolled',
  'adverse_reaction_uncontrollable',
  'complication',
  'first_uncontrolled',
  'adverse_reaction',
  'controlled',
] as const;
export type ClassificationCode = (typeof CLASSIFICATIONS)[number];
export type FollowUpAction = 'continue' | 'adjust_medication' | 'refer' | 'urgent_refer';

export interface Classification {
  classification: ClassificationCode;
  controlled: boolean;
  action: FollowUpAction;
  nextDueDate: string;
  referralSuggested: boolean;
  urgentReferral: boolean;
  reasons: string[];
  messageZh: string;
  messageEn: string;
  bmi: number | null;
  previousVisit: { visitDate: string; controlled: boolean } | null;
  target: { sbp: number; dbp: number } | null;
  /** Reminders besides the classification (e.g. the green-channel referral), labelled by the server. */
  reminders?: { code: string; zh: string; en: string }[];
}

export interface RecordedFollowUp extends Classification {
  id: string;
  riskColour: RiskColour;
  riskRule: string;
  riskReasonZh: string;
  riskReasonEn: string;
}
