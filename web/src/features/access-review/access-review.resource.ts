import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import type { BreakGlassAccess, ReviewBody, ReviewStatus } from './access-review.types';

export const accessReviewApi = {
  list: (status: ReviewStatus, signal?: AbortSignal) =>
    api.get<{ items: BreakGlassAccess[] }>('/api/audit/break-glass', { query: { status }, signal }),
  review: (id: string, body: ReviewBody) => api.post<void>(`/api/audit/break-glass/${encodeURIComponent(id)}/review`, body),
};

/** Break-the-glass accesses for the administrator to review, by status. */
export function useBreakGlassAccesses(status: ReviewStatus) {
  return useResource(`break-glass-review:${status}`, (signal) => accessReviewApi.list(status, signal));
}

/** Records a judgement; 409 when someone else reviewed the access first. */
export function useReviewAccess() {
  return useMutation(({ id, body }: { id: string; body: ReviewBody }) => accessReviewApi.review(id, body));
}
