import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import { WORKLIST_PAGE_SIZE } from './worklist.logic';
import type { WorklistQuery, WorklistResponse } from './worklist.types';

export const worklistApi = {
  get: (q: WorklistQuery, signal?: AbortSignal) =>
    api.get<WorklistResponse>('/api/worklist', {
      query: {
        teamId: q.teamId,
        assigneeId: q.assigneeId,
        bucket: q.bucket,
        programme: q.programme,
        colour: q.colour,
        sort: q.sort,
        limit: WORKLIST_PAGE_SIZE,
        offset: q.offset,
      },
      signal,
    }),
  complete: (residentId: string, taskId: string, doneOn: string) =>
    api.post<{ id: string; status: 'done'; doneOn: string }>(
      `/api/residents/${encodeURIComponent(residentId)}/tasks/${encodeURIComponent(taskId)}/complete`,
      { doneOn },
    ),
};

/** Marks a scheduled visit (child, maternal, elderly) done. */
export function useCompleteTask() {
  return useMutation((a: { residentId: string; taskId: string; doneOn: string }) => worklistApi.complete(a.residentId, a.taskId, a.doneOn));
}

/** A team's worklist for one bucket; fetched afresh on every mount (e.g. back from a follow-up). */
export function useWorklist(q: WorklistQuery | null) {
  return useResource(q ? `worklist:${JSON.stringify(q)}` : null, (signal) => worklistApi.get(q!, signal));
}
