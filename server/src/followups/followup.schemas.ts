import { z } from 'zod';
import { clinicalDate, text } from '../http/schema-primitives.js';
import { HYPERTENSION_URGENT_SYMPTOM_CODES } from '../chronic/rules/hypertension.js';
import { DIABETES_URGENT_SYMPTOM_CODES } from '../chronic/rules/diabetes.js';
import { ADVERSE_REACTIONS, VISIT_CLASSIFICATIONS, FOLLOW_UP_ACTIONS } from '../chronic/rules/visit-common.js';

const isoDate = clinicalDate();
const ALL_SYMPTOMS = [...new Set([...HYPERTENSION_URGENT_SYMPTOM_CODES, ...DIABETES_URGENT_SYMPTOM_CODES])] as [string, ...string[]];

/** 随访服务记录表 (hypertension / type 2 diabetes follow-up form), one schema for both. */
export const FollowUpForm = z.strictObject({
  programme: z.enum(['hypertension', 'diabetes']),
  visitDate: isoDate,
  visitMode: z.enum(['clinic', 'home', 'phone']),
  symptoms: z.array(z.enum(ALL_SYMPTOMS)).max(20).default([]),
  otherSymptoms: text(200, 0).optional(),
  sbp: z.number().int().min(40).max(300).optional(),
  dbp: z.number().int().min(20).max(200).optional(),
  heartRate: z.number().int().min(20).max(300).optional(),
  weightKg: z.number().min(2).max(400).optional(),
  heightCm: z.number().min(40).max(260).optional(),
  waistCm: z.number().min(30).max(250).optional(),
  fbg: z.number().min(0.5).max(50).optional(),
  randomGlucose: z.number().min(0.5).max(50).optional(),
  hba1c: z.number().min(2).max(25).optional(),
  temperatureC: z.number().min(30).max(45).optional(),
  lifestyle: z
    .strictObject({
      cigarettesPerDay: z.number().int().min(0).max(100).optional(),
      spiritsMlPerDay: z.number().min(0).max(2000).optional(),
      exerciseTimesPerWeek: z.number().int().min(0).max(21).optional(),
      exerciseMinutesPerSession: z.number().int().min(0).max(600).optional(),
      saltIntake: z.enum(['light', 'moderate', 'heavy']).optional(),
      stapleFoodGramsPerDay: z.number().min(0).max(2000).optional(),
      psychologicalAdjustment: z.enum(['good', 'fair', 'poor']).optional(),
      complianceBehaviour: z.enum(['good', 'fair', 'poor']).optional(),
    })
    .default({}),
  adherence: z.enum(['regular', 'intermittent', 'none']).optional(),
  adverseReaction: z.enum(ADVERSE_REACTIONS).default('none'),
  adverseReactionDetail: text(200, 0).optional(),
  newComplication: z.boolean().default(false),
  complicationDetail: text(200, 0).optional(),
  hypoglycaemiaReaction: z.enum(['none', 'occasional', 'frequent']).optional(),
  medications: z
    .array(z.strictObject({ name: text(100), dose: text(50, 0).optional(), frequency: text(50, 0).optional() }))
    .max(20)
    .default([]),
  note: text(1000, 0).optional(),
  /** The clinician confirms a second visit of this programme on the same date (otherwise 409 duplicate_visit). */
  separateVisit: z.boolean().optional(),
});
export type FollowUpForm = z.infer<typeof FollowUpForm>;

export const Classification = z.object({
  classification: z.enum(VISIT_CLASSIFICATIONS),
  controlled: z.boolean(),
  action: z.enum(FOLLOW_UP_ACTIONS),
  nextDueDate: z.string(),
  referralSuggested: z.boolean(),
  urgentReferral: z.boolean(),
  reasons: z.array(z.string()),
  messageZh: z.string(),
  messageEn: z.string(),
  bmi: z.number().nullable(),
  previousVisit: z.object({ visitDate: z.string(), controlled: z.boolean() }).nullable(),
  target: z.object({ sbp: z.number(), dbp: z.number() }).nullable(),
  /** Reminders raised besides the classification (e.g. green_channel_endocrinology), with their labels. */
  reminders: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
});

export const RecordedFollowUp = Classification.extend({
  id: z.string().uuid(),
  riskColour: z.enum(['green', 'yellow', 'red']),
  riskRule: z.string(),
  riskReasonZh: z.string(),
  riskReasonEn: z.string(),
});

/** A stored follow-up as read back: every field of the form, and what the rules made of it. */
export const StoredFollowUp = FollowUpForm.required({ symptoms: true, lifestyle: true, adverseReaction: true, newComplication: true, medications: true }).extend({
  id: z.string().uuid(),
  status: z.enum(['active', 'cancelled']),
  recordedAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().uuid().nullable(),
  cancelReason: z.string().nullable(),
  separateVisit: z.boolean(),
  bmi: z.number().nullable(),
  classification: z.enum(VISIT_CLASSIFICATIONS),
  controlled: z.boolean(),
  action: z.enum(FOLLOW_UP_ACTIONS),
  nextDueDate: z.string(),
  reasons: z.array(z.string()),
  reminders: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
});
