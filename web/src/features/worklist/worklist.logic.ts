/** Pure helpers of the worklist page (URL state, which rows take the follow-up form): unit-tested. */
import type { RiskColour } from '../residents/residents.types';
import {
  RISK_COLOURS,
  WORKLIST_BUCKETS,
  WORKLIST_PROGRAMMES,
  WORKLIST_SORTS,
  type WorklistBucket,
  type WorklistItem,
  type WorklistProgramme,
  type WorklistSort,
} from './worklist.types';

export const WORKLIST_PAGE_SIZE = 100;

/** Programmes recorded on the national follow-up form (随访服务记录表) from this UI. */
export const FOLLOW_UP_PROGRAMMES = ['hypertension', 'diabetes'] as const;
export type FollowUpProgramme = (typeof FOLLOW_UP_PROGRAMMES)[number];

export const isFollowUpProgramme = (p: string): p is FollowUpProgramme => (FOLLOW_UP_PROGRAMMES as readonly string[]).includes(p);

/** A row offers 随访 when it is a hypertension or diabetes task (not a referral, not a scheduled check). */
export function takesFollowUp(item: Pick<WorklistItem, 'kind' | 'programme'>): boolean {
  return item.kind === 'task' && isFollowUpProgramme(item.programme);
}

/** Scheduled key-population visits (child, maternal, elderly) are marked done from the list. */
export function completable(item: Pick<WorklistItem, 'kind' | 'programme'>): boolean {
  // Discharge tasks and referral notices (programme 'referral') are marked done from the worklist too.
  return item.kind === 'task' && (item.programme === 'child' || item.programme === 'maternal' || item.programme === 'elderly' || item.programme === 'referral');
}

export interface WorklistView {
  teamId: string | null;
  mine: boolean;
  bucket: WorklistBucket;
  programme: WorklistProgramme | null;
  colour: RiskColour | null;
  sort: WorklistSort;
  page: number;
}

const pick = <T extends string>(values: readonly T[], v: string | null, fallback: T): T =>
  v && (values as readonly string[]).includes(v) ? (v as T) : fallback;
const pickOrNull = <T extends string>(values: readonly T[], v: string | null): T | null =>
  v && (values as readonly string[]).includes(v) ? (v as T) : null;

/** The worklist's state lives in the URL, so "back" from a follow-up restores the same list. */
export function readView(params: URLSearchParams, teamIds: readonly string[]): WorklistView {
  const team = params.get('team');
  const bucket = pick(WORKLIST_BUCKETS, params.get('bucket'), 'due_this_week');
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    teamId: team && teamIds.includes(team) ? team : (teamIds[0] ?? null),
    mine: params.get('mine') === '1',
    bucket,
    programme: bucket === 'referred_back' ? null : pickOrNull(WORKLIST_PROGRAMMES, params.get('programme')),
    colour: pickOrNull(RISK_COLOURS, params.get('colour')),
    sort: pick(WORKLIST_SORTS, params.get('sort'), bucket === 'overdue' ? 'overdue' : 'due'),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Writes a view back to URL parameters, leaving defaults out. */
export function writeView(view: WorklistView, teamIds: readonly string[]): URLSearchParams {
  const p = new URLSearchParams();
  if (view.teamId && view.teamId !== teamIds[0]) p.set('team', view.teamId);
  if (view.mine) p.set('mine', '1');
  if (view.bucket !== 'due_this_week') p.set('bucket', view.bucket);
  if (view.programme) p.set('programme', view.programme);
  if (view.colour) p.set('colour', view.colour);
  if (view.sort !== (view.bucket === 'overdue' ? 'overdue' : 'due')) p.set('sort', view.sort);
  if (view.page > 1) p.set('page', String(view.page));
  return p;
}

/** Total rows of the current list when the server's bucket count applies (no programme or colour filter). */
export function knownTotal(view: WorklistView, counts: Record<WorklistBucket, number> | undefined): number | null {
  if (!counts || view.programme || view.colour) return null;
  return counts[view.bucket];
}

/** The route of the follow-up form for a row. */
export const followUpPath = (residentId: string, programme: FollowUpProgramme) =>
  `/residents/${encodeURIComponent(residentId)}/followup/${programme}`;
