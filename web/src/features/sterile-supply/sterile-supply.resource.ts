import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import type {
  BatchSummary,
  CountedLine,
  Department,
  RecallDetail,
  RecallSummary,
  ReprocessItem,
  RequestItem,
  Run,
  RunSummary,
  SteriliserStatus,
  StockItem,
  StoreItem,
  SupplyKpis,
  Trace,
} from './sterile-supply.types';

const base = '/api/sterile-supply';
const enc = encodeURIComponent;

export const supplyApi = {
  department: (signal?: AbortSignal) => api.get<Department>(`${base}/department`, { signal }),
  runs: (q: { from: string; to: string; mine?: boolean }, signal?: AbortSignal) => api.get<{ items: RunSummary[] }>(`${base}/runs`, { query: q, signal }),
  run: (id: string, signal?: AbortSignal) => api.get<Run>(`${base}/runs/${enc(id)}`, { signal }),
  tick: (stopId: string, step: string) => api.post<{ progress: number }>(`${base}/stops/${enc(stopId)}/steps`, { step }),
  count: (stopId: string, kind: 'reprocess' | 'used', lines: { name: string; spec: string; quantity: number; intact: boolean }[]) =>
    api.post<{ discrepancy: boolean; lines: Omit<CountedLine, 'kind'>[]; scheduled: { name: string; quantity: number; scheduledOn: string }[] }>(`${base}/stops/${enc(stopId)}/count`, { kind, lines }),
  issue: (stopId: string, items: { packTypeId: string; quantity: number; indicatorColour: 'pass' }[]) =>
    api.post<{ issued: string[] }>(`${base}/stops/${enc(stopId)}/issue`, { items }),
  resolve: (stopId: string, note: string) => api.post(`${base}/stops/${enc(stopId)}/resolve`, { note }),
  centreStock: (signal?: AbortSignal) => api.get<{ items: StockItem[] }>(`${base}/stock/centre`, { signal }),
  storeStock: (signal?: AbortSignal) => api.get<{ items: StoreItem[] }>(`${base}/stock/store`, { signal }),
  requests: (signal?: AbortSignal) => api.get<{ items: RequestItem[] }>(`${base}/requests`, { signal }),
  createRequest: (body: { packTypeId: string; quantity: number; neededOn: string }) => api.post<{ id: string }>(`${base}/requests`, body),
  usePack: (label: string) => api.post(`${base}/packs/${enc(label)}/use`, {}),
  batches: (q: { from: string; to: string }, signal?: AbortSignal) => api.get<{ items: BatchSummary[] }>(`${base}/batches`, { query: q, signal }),
  planRun: (body: { runDate: string; routeName: string; driverName: string; nurseUserId: string }) => api.post<{ id: string; stops: number }>(`${base}/runs`, body),
  biTest: (batchId: string, result: 'pass' | 'fail') => api.post<{ steriliserStatus: string; recall: { id: string; packs: number } | null }>(`${base}/bi-tests`, { batchId, result }),
  release: (batchId: string) => api.post(`${base}/batches/${enc(batchId)}/release`, {}),
  sterilisers: (signal?: AbortSignal) => api.get<{ items: SteriliserStatus[] }>(`${base}/sterilisers`, { signal }),
  recalls: (signal?: AbortSignal) => api.get<{ items: RecallSummary[] }>(`${base}/recalls`, { signal }),
  recall: (id: string, signal?: AbortSignal) => api.get<RecallDetail>(`${base}/recalls/${enc(id)}`, { signal }),
  reprocess: (signal?: AbortSignal) => api.get<{ items: ReprocessItem[] }>(`${base}/reprocess-items`, { query: { status: 'pending' }, signal }),
  trace: (label: string, signal?: AbortSignal) => api.get<Trace>(`${base}/trace/${enc(label)}`, { signal }),
  kpi: (q: { from: string; to: string }, signal?: AbortSignal) => api.get<SupplyKpis>(`${base}/kpi`, { query: q, signal }),
};

export const useDepartment = () => useResource('ss:department', (s) => supplyApi.department(s));
export const useRuns = (q: { from: string; to: string; mine?: boolean }) => useResource(`ss:runs:${JSON.stringify(q)}`, (s) => supplyApi.runs(q, s));
export const useRun = (id: string | null) => useResource(id ? `ss:run:${id}` : null, (s) => supplyApi.run(id!, s));
export const useCentreStock = () => useResource('ss:centre-stock', (s) => supplyApi.centreStock(s));
export const useStoreStock = () => useResource('ss:store', (s) => supplyApi.storeStock(s));
export const useRequests = () => useResource('ss:requests', (s) => supplyApi.requests(s));
export const useBatches = (q: { from: string; to: string }) => useResource(`ss:batches:${JSON.stringify(q)}`, (s) => supplyApi.batches(q, s));
export const useSterilisers = () => useResource('ss:sterilisers', (s) => supplyApi.sterilisers(s));
export const useRecalls = () => useResource('ss:recalls', (s) => supplyApi.recalls(s));
export const useRecall = (id: string | null) => useResource(id ? `ss:recall:${id}` : null, (s) => supplyApi.recall(id!, s));
export const useReprocess = () => useResource('ss:reprocess', (s) => supplyApi.reprocess(s));
export const useTrace = (label: string | null) => useResource(label ? `ss:trace:${label}` : null, (s) => supplyApi.trace(label!, s));
export const useSupplyKpis = (q: { from: string; to: string }) => useResource(`ss:kpi:${JSON.stringify(q)}`, (s) => supplyApi.kpi(q, s));

export const useStopAction = <A, R>(fn: (a: A) => Promise<R>) => useMutation(fn);
