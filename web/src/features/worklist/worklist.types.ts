/** Shapes of GET /api/worklist (server/src/worklists/worklist.routes.ts is the source of truth). */
import type { RiskColour } from '../residents/residents.types';

export const WORKLIST_BUCKETS = ['due_this_week', 'overdue', 'urgent', 'referred_back', 'open'] as const;
export type WorklistBucket = (typeof WORKLIST_BUCKETS)[number];

export const WORKLIST_SORTS = ['due', 'overdue', 'name', 'colour', 'priority'] as const;
export type WorklistSort = (typeof WORKLIST_SORTS)[number];

export const WORKLIST_PROGRAMMES = ['hypertension', 'diabetes', 'elderly', 'child', 'maternal', 'screening'] as const;
export type WorklistProgramme = (typeof WORKLIST_PROGRAMMES)[number];

export const RISK_COLOURS: readonly RiskColour[] = ['red', 'yellow', 'green'];

export type Priority = 'urgent' | 'high' | 'normal';

export interface WorklistItem {
  id: string;
  kind: 'task' | 'referral';
  residentId: string;
  residentName: string;
  sex: string;
  age: number;
  /** Programme of the task, or 'referral' for a referred-back resident. */
  programme: string;
  taskCode: string;
  label: string;
  labelEn: string;
  dueDate: string;
  windowEnd: string;
  daysOverdue: number;
  priority: Priority;
  /** Classification code of the visit that opened the task, or the referral reason. */
  reason: string | null;
  riskColour: RiskColour | null;
  riskRule: string | null;
  riskReason: string | null;
  riskReasonEn: string | null;
  lastVisitDate: string | null;
  assigneeName: string | null;
  /** Referred back: the referral's status and its tasks (the discharge calendar, or the results notice). */
  referralStatus: string | null;
  tasks: { id: string; label: string; labelEn: string; dueDate: string; windowEnd: string; status: string; doneOn: string | null }[];
}

export interface WorklistResponse {
  teamId: string;
  today: string;
  counts: Record<WorklistBucket, number>;
  items: WorklistItem[];
}

export interface WorklistQuery {
  teamId: string;
  assigneeId?: string;
  bucket: WorklistBucket;
  programme?: WorklistProgramme;
  colour?: RiskColour;
  sort: WorklistSort;
  offset: number;
}
