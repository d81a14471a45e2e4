/** Shapes of /api/referrals, /api/specialist-sessions (server/src/referrals/referral.routes.ts is the source of truth). */

export const REFERRAL_STATUSES = ['requested', 'received', 'accepted', 'rejected', 'in_progress', 'on_hold', 'completed', 'cancelled', 'failed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type ReferralAction = 'receive' | 'accept' | 'reject' | 'hold' | 'resume' | 'arrive' | 'complete' | 'cancel' | 'fail';
export type Urgency = 'routine' | 'urgent' | 'green_channel';

export interface ClinicalSummary {
  vitals: { loinc: string; display: string; value: number | null; unit: string | null; at: string }[];
  problems: { icd10: string | null; display: string }[];
  medications: { drugName: string; dose: string | null; frequency: string | null }[];
  results: { loinc: string; display: string; value: number | null; valueText: string | null; unit: string | null; at: string; institution: string | null }[];
}

export interface ReferralDraft {
  residentId: string;
  followupVisitId: string | null;
  urgency: Urgency;
  reason: string;
  reasons: string[];
  specialty: string | null;
  summary: ClinicalSummary;
}

export interface Department {
  id: string;
  name: string;
  nameEn: string;
  specialty: string | null;
  institutionId: string;
  institution: string;
}

export interface Session {
  id: string;
  institutionId: string;
  institution: string;
  departmentId: string;
  department: string;
  doctor: string | null;
  clinicName: string | null;
  date: string;
  startTime: string;
  endTime: string;
  capacity: number;
  reserved: number;
  openBooked: number;
  reservedBooked: number;
  openLeft: number;
  reservedLeft: number;
  releaseAt: string;
  released: boolean;
  member: boolean;
  bookableByYou: boolean;
  bookableGreenChannel: boolean;
}

export interface ReferralListItem {
  id: string;
  residentId: string;
  residentName: string;
  sex: string;
  birthDate: string;
  direction: 'up' | 'down';
  urgency: Urgency;
  status: ReferralStatus;
  reason: string;
  requestedAt: string;
  fromInstitution: string;
  toInstitution: string;
  department: string | null;
  sessionDate: string | null;
  sessionStart: string | null;
  resultsReturnedAt: string | null;
}

export interface DischargeTask {
  id: string;
  code: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  status: string;
  doneOn: string | null;
}

export interface ReferralDetail {
  id: string;
  accessBasis: string;
  residentId: string;
  residentName: string;
  sex: string;
  birthDate: string;
  direction: 'up' | 'down';
  urgency: Urgency;
  status: ReferralStatus;
  statusReason: string | null;
  reason: string;
  fromInstitutionId: string;
  fromInstitution: string;
  toInstitutionId: string;
  toInstitution: string;
  departmentId: string | null;
  department: string | null;
  requestedBy: string | null;
  requestedAt: string;
  receivedAt: string | null;
  acceptedAt: string | null;
  arrivedAt: string | null;
  resultsReturnedAt: string | null;
  completedAt: string | null;
  session: { id: string; date: string; start: string; clinic: string | null } | null;
  summary: ClinicalSummary | null;
  findings: string | null;
  diagnosis: string | null;
  dischargePackage: Record<string, unknown> | null;
  reimbursement: { pathway: 'community_first' | 'referred' | 'unreferred'; ratio: number } | null;
  parentReferralId: string | null;
  children: { id: string; direction: string; status: string }[];
  events: { action: string; fromStatus: string | null; toStatus: string; reason: string | null; at: string; by: string | null }[];
  results: { loinc: string; display: string; value: number | null; valueText: string | null; unit: string | null; at: string }[];
  dischargeTasks: DischargeTask[];
}

export interface DatedTask {
  code: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  priority: 'urgent' | 'high' | 'normal';
}

export interface DischargeTemplate {
  code: string;
  name: string;
  nameEn: string;
  icd10Prefixes: string[];
  monitoring: string[];
  tasks: DatedTask[];
}
