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
  }).superRefine(endNotBefore('diagnosedOn', 'enrolledOn')),
  z.strictObject({
    programme: z.literal('diabetes'),
    icd10: z.string().regex(/^E11(\.[0-9])?$/, 'must be a type 2 diabetes code (E11)'),
    diagnosedOn: isoDate,
    enrolledOn: isoDate.optional(),
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
  z.strictObject({ kind: z.literal('fbg'), measuredOn: isoDate, fbg: z.number().min(0.5).max(50) }),
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
