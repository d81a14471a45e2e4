import { z } from 'zod';
import { clinicalDate, endNotBefore, text } from '../http/schema-primitives.js';

const isoDate = clinicalDate();

export const EnrolBody = z.discriminatedUnion('programme', [
  z.strictObject({
    programme: z.literal('hypertension'),
    icd10: z.string().regex(/^I1[0-5](\.[0-9])?$/, 'must be a hypertension code I10–I13 (I15 is referred, not managed)'),
    diagnosedOn: isoDate,
    enrolledOn: isoDate.optional(),
    customTargetSbp: z.number().int().min(100).max(150).optional(),
    customTargetDbp: z.number().int().min(60).max(90).optional(),
    /** Why a resident who has lived in the district under 6 months is enrolled anyway (常住 rule). */
    residenceOverrideReason: text(200).optional(),
  }).superRefine(endNotBefore('diagnosedOn', 'enrolledOn')),
  z.strictObject({
    programme: z.literal('diabetes'),
    icd10: z.string().regex(/^E11(\.[0-9])?$/, 'must be a type 2 diabetes code (E11)'),
    diagnosedOn: isoDate,
    enrolledOn: isoDate.optional(),
    residenceOverrideReason: text(200).optional(),
  }).superRefine(endNotBefore('diagnosedOn', 'enrolledOn')),
  z.strictObject({ programme: z.literal('elderly') }),
  z.strictObject({ programme: z.literal('child'), dischargeDate: isoDate.optional() }),
  z.strictObject({
    programme: z.literal('maternal'),
    lmpDate: isoDate.optional(),
    deliveryDate: isoDate.optional(),
    dischargeDate: isoDate.optional(),
  }).superRefine(endNotBefore('deliveryDate', 'dischargeDate')),
]);
export type EnrolBody = z.infer<typeof EnrolBody>;

export const ScreeningBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bp'),
    measuredOn: isoDate,
    sbp: z.number().int().min(40).max(300),
    dbp: z.number().int().min(20).max(200),
  }),
  z.strictObject({
    kind: z.literal('fbg'),
    measuredOn: isoDate,
    fbg: z.number().min(0.5).max(50),
    /** Optional; with the height gives the BMI the 65+ diabetes high-risk rule needs (else the latest follow-up's BMI). */
    weightKg: z.number().min(2).max(400).optional(),
    heightCm: z.number().min(40).max(260).optional(),
  }),
]);
export type ScreeningBody = z.infer<typeof ScreeningBody>;

export const ScreeningResult = z.object({
  id: z.string().uuid(),
  kind: z.enum(['bp', 'fbg']),
  result: z.string(),
  eligible: z.boolean(),
  confirmation: z
    .object({ status: z.enum(['normal', 'suspected_recheck', 'confirmed_refer_for_diagnosis']), elevatedDays: z.number().int() })
    .nullable(),
  glucoseCategory: z.enum(['normal', 'impaired', 'diabetic']).nullable(),
  /** Seed 003: the 65+ diabetes high-risk verdict (FBG screenings where the BMI is known). */
  diabetesHighRisk: z
    .object({
      highRisk: z.boolean(),
      labelZh: z.string(),
      labelEn: z.string(),
      bmi: z.number(),
      criteria: z.object({ age65Plus: z.boolean(), impairedFastingGlucose: z.boolean(), overweightOrObese: z.boolean(), hypertension: z.boolean() }),
      adviceZh: z.array(z.string()),
      adviceEn: z.array(z.string()),
    })
    .nullable(),
  findings: z.array(z.string()),
  adviceZh: z.string(),
  adviceEn: z.string(),
});

export const SelfCareBody = z.strictObject({
  assessedOn: isoDate,
  eating: z.number().int(),
  grooming: z.number().int(),
  dressing: z.number().int(),
  toileting: z.number().int(),
  moving: z.number().int(),
  note: text(500, 0).optional(),
});
