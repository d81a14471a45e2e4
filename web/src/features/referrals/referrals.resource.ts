import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import type { Department, DischargeTemplate, ReferralAction, ReferralDetail, ReferralDraft, ReferralListItem, Session, Urgency } from './referrals.types';

const enc = encodeURIComponent;

export const referralApi = {
  draft: (residentId: string, followupVisitId: string | null, signal?: AbortSignal) =>
    api.get<ReferralDraft>('/api/referrals/draft', { query: { residentId, followupVisitId }, signal }),
  departments: (specialty: string | null, signal?: AbortSignal) =>
    api.get<{ items: Department[] }>('/api/referral-departments', { query: { specialty }, signal }),
  sessions: (q: { departmentId?: string | null; institutionId?: string | null; from?: string; to?: string }, signal?: AbortSignal) =>
    api.get<{ items: Session[] }>('/api/specialist-sessions', { query: q, signal }),
  list: (box: 'incoming' | 'outgoing', open: boolean, signal?: AbortSignal) =>
    api.get<{ items: ReferralListItem[] }>('/api/referrals', { query: { box, open, limit: 200 }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<ReferralDetail>(`/api/referrals/${enc(id)}`, { signal }),
  create: (body: { residentId: string; followupVisitId?: string; toInstitutionId: string; departmentId: string; urgency: Urgency; reason: string; sessionId?: string }) =>
    api.post<{ id: string; status: string; booking: { pool: string; sessionDate: string } | null }>('/api/referrals', body),
  transition: (id: string, action: ReferralAction, reason?: string) => api.post<{ id: string; status: string }>(`/api/referrals/${enc(id)}/transition`, { action, reason }),
  book: (id: string, sessionId: string) => api.post<{ pool: string; sessionDate: string }>(`/api/referrals/${enc(id)}/book`, { sessionId }),
  results: (id: string, body: { findings: string; diagnosis: string; results: { loinc: string; display: string; value?: number; valueText?: string; unit?: string }[] }) =>
    api.post<{ id: string; status: string }>(`/api/referrals/${enc(id)}/results`, body),
  downRefer: (id: string, body: Record<string, unknown>) => api.post<{ upReferralId: string; downReferralId: string; tasks: number }>(`/api/referrals/${enc(id)}/down-referral`, body),
  templates: (dischargeDate: string, signal?: AbortSignal) => api.get<{ items: DischargeTemplate[] }>('/api/discharge-templates', { query: { dischargeDate }, signal }),
  createSession: (body: { departmentId: string; date: string; startTime: string; endTime: string; capacity: number; clinicName?: string }) => api.post<Session>('/api/specialist-sessions', body),
  policy: (institutionId: string, signal?: AbortSignal) => api.get<{ institutionId: string; reservedShare: number; releaseHours: number }>(`/api/referral-policies/${enc(institutionId)}`, { signal }),
  completeTask: (taskId: string) => api.post<{ id: string; status: string; onTime: boolean }>(`/api/care-tasks/${enc(taskId)}/complete`, {}),
};

export const useReferralDraft = (residentId: string | null, followupVisitId: string | null) =>
  useResource(residentId ? `draft:${residentId}:${followupVisitId ?? ''}` : null, (s) => referralApi.draft(residentId!, followupVisitId, s));
export const useDepartments = (specialty: string | null) => useResource(`depts:${specialty ?? ''}`, (s) => referralApi.departments(specialty, s));
export const useSessions = (q: { departmentId?: string | null; institutionId?: string | null; from?: string; to?: string } | null) =>
  useResource(q ? `sessions:${JSON.stringify(q)}` : null, (s) => referralApi.sessions(q!, s));
export const useReferralList = (box: 'incoming' | 'outgoing', open: boolean) => useResource(`referrals:${box}:${open}`, (s) => referralApi.list(box, open, s));
export const useReferral = (id: string | null) => useResource(id ? `referral:${id}` : null, (s) => referralApi.get(id!, s));
export const useDischargeTemplates = (date: string | null) => useResource(date ? `templates:${date}` : null, (s) => referralApi.templates(date!, s));
export const usePolicy = (institutionId: string | null) => useResource(institutionId ? `policy:${institutionId}` : null, (s) => referralApi.policy(institutionId!, s));
export const useReferralMutation = <A, R>(fn: (a: A) => Promise<R>) => useMutation(fn);
