/** Shapes of the resident API (server/src/residents/resident.schemas.ts is the source of truth). */

export type Sex = 'male' | 'female' | 'unknown';
export type AccessBasis = 'self' | 'care_team' | 'referral' | 'break_glass';
export type RiskColour = 'green' | 'yellow' | 'red';
export type Programme = 'hypertension' | 'diabetes' | 'elderly' | 'child' | 'maternal';
export type ResidentStatus = 'active' | 'merged' | 'deceased' | 'moved_out';
export type SearchBy = 'national_id' | 'phone' | 'name' | 'identifier';

export const ACCESS_BASES: readonly AccessBasis[] = ['self', 'care_team', 'referral', 'break_glass'];

export interface ResidentSummary {
  id: string;
  name: string;
  sex: Sex;
  birthDate: string;
  age: number;
  nationalIdMasked: string | null;
  phoneMasked: string | null;
  homeInstitutionName: string | null;
  teamName: string | null;
  access: AccessBasis | null;
}

export interface ResidentSearchResult {
  by: SearchBy;
  items: ResidentSummary[];
}

export type BloodType = 'A' | 'B' | 'O' | 'AB' | 'unknown';
export type MaritalStatus = 'unmarried' | 'married' | 'widowed' | 'divorced' | 'unknown';
export type InsuranceType = 'urban_employee' | 'urban_rural_resident' | 'poverty_relief' | 'commercial' | 'self_pay' | 'other';

export interface BasicInfo {
  ethnicity?: string;
  bloodType?: BloodType;
  rhNegative?: boolean;
  occupation?: string;
  maritalStatus?: MaritalStatus;
  insuranceTypes?: InsuranceType[];
  drugAllergies?: string[];
  exposures?: string[];
  pastDiseases?: { name: string; icd10?: string; diagnosedOn?: string }[];
  surgeries?: { name: string; date?: string }[];
  traumas?: { name: string; date?: string }[];
  transfusions?: { reason: string; date?: string }[];
  familyHistory?: { father?: string[]; mother?: string[]; siblings?: string[]; children?: string[] };
  disabilities?: string[];
  living?: { kitchenExhaust?: string; fuel?: string; water?: string; toilet?: string; livestock?: string };
  workplace?: string;
  contactName?: string;
  contactPhone?: string;
}

export interface CareTeam {
  contractId: string;
  teamId: string;
  teamName: string;
  institutionName: string;
  gpName: string | null;
  startDate: string;
  endDate: string;
  packageCode: string;
  keyPopulations: string[];
}

export interface Condition {
  id: string;
  icd10: string;
  display: string;
  clinicalStatus: string;
  diagnosedOn: string;
}

export interface ProgrammeEnrolment {
  programme: Programme;
  enrolledOn: string;
  nextDueDate: string | null;
  riskColour: RiskColour | null;
  riskRule: string | null;
  /** Why the colour is what it is, in Chinese and English (null before the first visit). */
  riskReason?: string | null;
  riskReasonEn?: string | null;
  lastVisitDate?: string | null;
  /** Controlled at the last follow-up (hypertension and diabetes); null when not applicable or no visit yet. */
  lastControlled?: boolean | null;
}

export interface ResidentRecord {
  id: string;
  name: string;
  sex: Sex;
  birthDate: string;
  age: number;
  nationalIdMasked: string | null;
  phoneMasked: string | null;
  address: string | null;
  status: ResidentStatus;
  mergedIntoId: string | null;
  homeInstitution: { id: string; name: string } | null;
  accessBasis: AccessBasis;
  /** When the current access ends (break-the-glass), for servers that send it; else remembered from the grant. */
  accessExpiresAt?: string | null;
  identifiers: { system: string; masked: string }[];
  careTeam: CareTeam | null;
  conditions: Condition[];
  programmes: ProgrammeEnrolment[];
  riskColour: RiskColour | null;
  basicInfo: BasicInfo;
}

export type TimelineKind =
  | 'encounter'
  | 'condition'
  | 'observation'
  | 'medication'
  | 'immunization'
  | 'followup'
  | 'screening'
  | 'contract'
  | 'referral'
  | 'assessment';

export const TIMELINE_KINDS: readonly TimelineKind[] = [
  'encounter',
  'followup',
  'observation',
  'condition',
  'medication',
  'immunization',
  'screening',
  'assessment',
  'referral',
  'contract',
];

export interface TimelineItem {
  kind: TimelineKind;
  id: string;
  occurredAt: string;
  title: string;
  detail: string | null;
  institutionName: string | null;
  status: 'active' | 'cancelled';
  source: string;
}

export interface AccessLogEntry {
  occurredAt: string;
  actorName: string | null;
  actorRole: string | null;
  institutionName: string | null;
  action: string;
  /** What was touched (resident, timeline, audit_event, …); sent by the server beyond the first contract. */
  resource?: string;
  accessBasis: string | null;
  reason: string | null;
  outcome: 'success' | 'denied' | 'error';
}

/** POST /api/residents/:id/emergency-notes: what the doctor did under break-the-glass. */
export interface EmergencyNoteBody {
  note: string;
  /** ISO date-time; the server takes now when absent. */
  occurredAt?: string;
}
