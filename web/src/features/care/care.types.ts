/** Contracts, screening, enrolment and assessments (server/src/contracts, server/src/programmes). */

export const KEY_POPULATIONS = ['elderly_65', 'hypertension', 'diabetes', 'pregnant', 'child_0_6', 'disabled', 'poor'] as const;
export type KeyPopulation = (typeof KEY_POPULATIONS)[number];

export type ContractStatus = 'active' | 'terminated' | 'superseded';

export interface ContractEntry {
  id: string;
  teamId: string;
  teamName: string;
  packageCode: string;
  packageName: string;
  keyPopulations: string[];
  startDate: string;
  endDate: string;
  status: ContractStatus;
  endReason: string | null;
}

export interface SignedContract {
  id: string;
  teamId: string;
  startDate: string;
  endDate: string;
  keyPopulations: string[];
}

export interface SignContractBody {
  residentId: string;
  teamId: string;
  packageCode: string;
  keyPopulations?: KeyPopulation[];
  startDate?: string;
}

export type ScreeningBody = { kind: 'bp'; measuredOn: string; sbp: number; dbp: number } | { kind: 'fbg'; measuredOn: string; fbg: number };

export type ConfirmationStatus = 'normal' | 'suspected_recheck' | 'confirmed_refer_for_diagnosis';
export type GlucoseCategory = 'normal' | 'impaired' | 'diabetic';

export interface ScreeningResult {
  id: string;
  kind: 'bp' | 'fbg';
  result: string;
  eligible: boolean;
  confirmation: { status: ConfirmationStatus; elevatedDays: number } | null;
  glucoseCategory: GlucoseCategory | null;
  adviceZh: string;
  adviceEn: string;
}

export const ENROL_PROGRAMMES = ['hypertension', 'diabetes', 'elderly', 'child', 'maternal'] as const;
export type EnrolProgramme = (typeof ENROL_PROGRAMMES)[number];

export const HYPERTENSION_ICD10 = ['I10', 'I11', 'I12', 'I13'] as const;
export const DIABETES_ICD10 = ['E11'] as const;

export type EnrolBody =
  | {
      programme: 'hypertension';
      icd10: string;
      diagnosedOn: string;
      enrolledOn?: string;
      customTargetSbp?: number;
      customTargetDbp?: number;
    }
  | { programme: 'diabetes'; icd10: string; diagnosedOn: string; enrolledOn?: string }
  | { programme: 'elderly' }
  | { programme: 'child'; dischargeDate?: string }
  | { programme: 'maternal'; lmpDate?: string; deliveryDate?: string; dischargeDate?: string };

export interface EnrolResult {
  id: string;
  tasks: { taskCode: string; label: string; dueDate: string; windowEnd: string }[];
}

export const SELF_CARE_ITEMS = ['eating', 'grooming', 'dressing', 'toileting', 'moving'] as const;
export type SelfCareItem = (typeof SELF_CARE_ITEMS)[number];

export type SelfCareBody = { assessedOn: string; note?: string } & Record<SelfCareItem, number>;

export interface SelfCareResult {
  id: string;
  total: number;
  band: string;
  labelZh: string;
  labelEn: string;
}

export interface RegisterResidentBody {
  name: string;
  nationalId?: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  phone?: string;
  address?: string;
}

export interface DuplicateCandidate {
  id: string;
  name: string;
  sex: string;
  birthDate: string;
  nationalIdMasked: string | null;
  phoneMasked: string | null;
  score: number;
  likely: boolean;
}

export interface RegisteredResident {
  id: string;
  possibleDuplicates: DuplicateCandidate[];
}
