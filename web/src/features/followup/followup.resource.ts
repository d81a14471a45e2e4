import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useMutation } from '../../api/useResource';
import type { Classification, FollowUpBody, RecordedFollowUp } from './followup.types';

const base = (residentId: string) => `/api/residents/${encodeURIComponent(residentId)}/followups`;

export const followUpApi = {
  classify: (residentId: string, body: FollowUpBody, signal?: AbortSignal) =>
    api.post<Classification>(`${base(residentId)}/classify`, body, { signal }),
  save: (residentId: string, body: FollowUpBody) => api.post<RecordedFollowUp>(base(residentId), body),
};

export interface LiveClassification {
  /** The classification of the latest body that was answered (kept while a newer one is on its way). */
  data: Classification | undefined;
  error: ApiError | undefined;
  /** A newer body is waiting for its debounce or its answer. */
  pending: boolean;
}

/**
 * Classifies the form as it is filled in: waits `delayMs` after the last change, cancels what a newer
 * change makes stale, and forgets the answer when the deciding values are removed (body null).
 */
export function useLiveClassification(residentId: string, body: FollowUpBody | null, delayMs = 300): LiveClassification {
  const key = body ? JSON.stringify(body) : null;
  const [state, setState] = useState<LiveClassification>({ data: undefined, error: undefined, pending: false });

  useEffect(() => {
    if (key === null) {
      setState({ data: undefined, error: undefined, pending: false });
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, pending: true }));
    const timer = setTimeout(() => {
      followUpApi.classify(residentId, JSON.parse(key) as FollowUpBody, controller.signal).then(
        (data) => {
          if (!controller.signal.aborted) setState({ data, error: undefined, pending: false });
        },
        (e: unknown) => {
          if (controller.signal.aborted) return;
          const error = e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e));
          setState({ data: undefined, error, pending: false });
        },
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [residentId, key, delayMs]);

  return state;
}

export function useSaveFollowUp(residentId: string) {
  return useMutation((body: FollowUpBody) => followUpApi.save(residentId, body));
}
