import { z } from 'zod';
import { clinicalDate, text } from '../http/schema-primitives.js';

const isoDate = clinicalDate();
const shortText = text(100);

export const SEX = ['male', 'female', 'unknown'] as const;
export const IDENTIFIER_SYSTEMS = [
  'passport',
  'birth_certificate',
  'hk_macau_permit',
  'taiwan_permit',
  'foreign_permanent_residence',
  'medical_record',
  'insurance_card',
  'health_card',
] as const;
export const ACCESS_BASIS = ['self', 'care_team', 'referral', 'break_glass'] as const;
export const RISK_COLOURS = ['green', 'yellow', 'red'] as const;
export const PROGRAMMES = ['hypertension', 'diabetes', 'elderly', 'child', 'maternal'] as const;

/** 个人基本信息表 (national basic-information form), the parts beyond name/sex/birth date/ID. */
export const BasicInfo = z.strictObject({
  ethnicity: shortText.optional(),
  bloodType: z.enum(['A', 'B', 'O', 'AB', 'unknown']).optional(),
  rhNegative: z.boolean().optional(),
  occupation: shortText.optional(),
  maritalStatus: z.enum(['unmarried', 'married', 'widowed', 'divorced', 'unknown']).optional(),
  insuranceTypes: z.array(z.enum(['urban_employee', 'urban_rural_resident', 'poverty_relief', 'commercial', 'self_pay', 'other'])).max(6).optional(),
  drugAllergies: z.array(shortText).max(20).optional(),
  exposures: z.array(shortText).max(20).optional(),
  pastDiseases: z.array(z.strictObject({ name: shortText, icd10: text(10, 0).optional(), diagnosedOn: isoDate.optional() })).max(50).optional(),
  surgeries: z.array(z.strictObject({ name: shortText, date: isoDate.optional() })).max(50).optional(),
  traumas: z.array(z.strictObject({ name: shortText, date: isoDate.optional() })).max(50).optional(),
  transfusions: z.array(z.strictObject({ reason: shortText, date: isoDate.optional() })).max(50).optional(),
  familyHistory: z
    .strictObject({
      father: z.array(shortText).max(20).optional(),
      mother: z.array(shortText).max(20).optional(),
      siblings: z.array(shortText).max(20).optional(),
      children: z.array(shortText).max(20).optional(),
    })
    .optional(),
  disabilities: z.array(shortText).max(10).optional(),
  living: z
    .strictObject({
      kitchenExhaust: shortText.optional(),
      fuel: shortText.optional(),
      water: shortText.optional(),
      toilet: shortText.optional(),
      livestock: shortText.optional(),
    })
    .optional(),
  workplace: shortText.optional(),
  contactName: shortText.optional(),
  contactPhone: z.string().regex(/^[0-9+-]{5,20}$/).optional(),
});
export type BasicInfo = z.infer<typeof BasicInfo>;

export const MOBILE_PHONE = /^1[3-9][0-9]{9}$/;

export const CreateResidentBody = z.strictObject({
  name: text(50),
  nationalId: text(32, 0).optional(),
  sex: z.enum(SEX).optional(),
  birthDate: isoDate.optional(),
  phone: z.string().regex(MOBILE_PHONE, 'must be an 11-digit mainland mobile number').optional(),
  address: text(200, 0).optional(),
  homeInstitutionId: z.string().uuid().optional(),
  residentSince: isoDate.optional(),
  identifiers: z.array(z.strictObject({ system: z.enum(IDENTIFIER_SYSTEMS), value: text(40, 3) })).max(8).optional(),
  basicInfo: BasicInfo.optional(),
});
export type CreateResidentBody = z.infer<typeof CreateResidentBody>;

export const UpdateBasicInfoBody = z.strictObject({
  basicInfo: BasicInfo,
  reason: text(500, 2),
});

export const SearchQuery = z.strictObject({
  q: text(64),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const ResidentSummary = z.object({
  id: z.string().uuid(),
  name: z.string(),
  sex: z.enum(SEX),
  birthDate: z.string(),
  age: z.number().int(),
  nationalIdMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  homeInstitutionName: z.string().nullable(),
  teamName: z.string().nullable(),
  access: z.enum(ACCESS_BASIS).nullable(),
});

export const ResidentRecord = z.object({
  id: z.string().uuid(),
  name: z.string(),
  sex: z.enum(SEX),
  birthDate: z.string(),
  age: z.number().int(),
  nationalIdMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  address: z.string().nullable(),
  status: z.enum(['active', 'merged', 'deceased', 'moved_out']),
  mergedIntoId: z.string().uuid().nullable(),
  homeInstitution: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
  accessBasis: z.enum(ACCESS_BASIS),
  /** When a break-the-glass access ends (null for a care relationship). */
  accessExpiresAt: z.string().nullable(),
  identifiers: z.array(z.object({ system: z.string(), masked: z.string() })),
  careTeam: z
    .object({
      contractId: z.string().uuid(),
      teamId: z.string().uuid(),
      teamName: z.string(),
      institutionName: z.string(),
      gpName: z.string().nullable(),
      startDate: z.string(),
      endDate: z.string(),
      packageCode: z.string(),
      keyPopulations: z.array(z.string()),
    })
    .nullable(),
  conditions: z.array(
    z.object({ id: z.string().uuid(), icd10: z.string().nullable(), display: z.string(), clinicalStatus: z.string(), diagnosedOn: z.string() }),
  ),
  programmes: z.array(
    z.object({
      programme: z.enum(PROGRAMMES),
      enrolledOn: z.string(),
      nextDueDate: z.string().nullable(),
      riskColour: z.enum(RISK_COLOURS).nullable(),
      riskRule: z.string().nullable(),
      riskReason: z.string().nullable(),
      riskReasonEn: z.string().nullable(),
      lastVisitDate: z.string().nullable(),
      lastControlled: z.boolean().nullable(),
    }),
  ),
  riskColour: z.enum(RISK_COLOURS).nullable(),
  basicInfo: BasicInfo,
});
export type ResidentRecord = z.infer<typeof ResidentRecord>;

export const TimelineItem = z.object({
  kind: z.enum(['encounter', 'condition', 'observation', 'medication', 'immunization', 'followup', 'screening', 'contract', 'referral', 'assessment']),
  id: z.string().uuid(),
  occurredAt: z.string(),
  title: z.string(),
  detail: z.string().nullable(),
  institutionName: z.string().nullable(),
  status: z.enum(['active', 'cancelled']),
  source: z.string(),
});

export const ResidentIdParams = z.strictObject({ id: z.string().uuid() });

/** A probable duplicate, scored on name + birth date + sex + phone (residents/duplicates.ts). */
export const DuplicateCandidate = z.object({
  id: z.string().uuid(),
  name: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  nationalIdMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  score: z.number(),
  likely: z.boolean(),
});
