import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import { useCurrentUser } from '../auth/auth.resource';
import { rememberBreakGlass } from './break-glass.logic';
import type { AccessLogEntry, EmergencyNoteBody, ResidentRecord, ResidentSearchResult, TimelineItem } from './residents.types';

export const SEARCH_LIMIT = 20;

const residentPath = (id: string) => `/api/residents/${encodeURIComponent(id)}`;

export const residentsApi = {
  search: (q: string, signal?: AbortSignal) =>
    api.get<ResidentSearchResult>('/api/residents', { query: { q, limit: SEARCH_LIMIT }, signal }),
  get: (id: string, signal?: AbortSignal) => api.get<ResidentRecord>(residentPath(id), { signal }),
  timeline: (id: string, signal?: AbortSignal) =>
    api.get<{ items: TimelineItem[] }>(`${residentPath(id)}/timeline`, { query: { limit: 100 }, signal }),
  accessLog: (id: string, signal?: AbortSignal) => api.get<{ items: AccessLogEntry[] }>(`${residentPath(id)}/access-log`, { signal }),
  breakGlass: (id: string, reason: string) => api.post<{ expiresAt: string }>(`${residentPath(id)}/break-glass`, { reason }),
  emergencyNote: (id: string, body: EmergencyNoteBody) => api.post<{ id: string }>(`${residentPath(id)}/emergency-notes`, body),
};

/** Search results for a query; idle while the query is empty. */
export function useResidentSearch(q: string) {
  const query = q.trim();
  return useResource(query ? `search:${query}` : null, (signal) => residentsApi.search(query, signal));
}

/** One resident's record; a 403 error means "no care relationship" (offer break-the-glass). */
export function useResident(id: string | undefined) {
  return useResource(id ? `resident:${id}` : null, (signal) => residentsApi.get(id!, signal));
}

/** Timeline, fetched only when `enabled` (the record is readable and the tab has been opened). */
export function useResidentTimeline(id: string | undefined, enabled: boolean) {
  return useResource(id && enabled ? `timeline:${id}` : null, (signal) => residentsApi.timeline(id!, signal));
}

export function useResidentAccessLog(id: string | undefined, enabled: boolean) {
  return useResource(id && enabled ? `access-log:${id}` : null, (signal) => residentsApi.accessLog(id!, signal));
}

/** Breaks the glass; the grant's expiry is remembered for this browser tab (the record may not carry it). */
export function useBreakGlass(id: string) {
  const user = useCurrentUser();
  return useMutation(async (reason: string) => {
    const res = await residentsApi.breakGlass(id, reason);
    rememberBreakGlass(sessionStore(), user.id, id, res.expiresAt);
    return res;
  });
}

export function useEmergencyNote(id: string) {
  return useMutation((body: EmergencyNoteBody) => residentsApi.emergencyNote(id, body));
}

/** This tab's sessionStorage, or null where it is unavailable (privacy modes). */
export function sessionStore(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}
