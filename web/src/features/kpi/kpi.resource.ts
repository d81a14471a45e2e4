import { api } from '../../api/client';
import { useResource } from '../../api/useResource';
import type { DrillResident, DrillSet, IndicatorDefinition, KpiResponse, KpiScope } from './kpi.types';

let dictionary: Promise<{ items: IndicatorDefinition[] }> | null = null;

export const kpiApi = {
  get: (s: KpiScope, signal?: AbortSignal) =>
    api.get<KpiResponse>('/api/kpi', { query: { level: s.level, id: s.id ?? undefined, from: s.from, to: s.to }, signal }),
  /** The dictionary is static: fetched once per page load. */
  indicators: () => {
    if (!dictionary) {
      dictionary = api.get<{ items: IndicatorDefinition[] }>('/api/kpi/indicators');
      dictionary.catch(() => (dictionary = null));
    }
    return dictionary;
  },
  residents: (s: KpiScope, indicator: string, set: DrillSet, signal?: AbortSignal) =>
    api.get<{ items: DrillResident[] }>('/api/kpi/residents', {
      query: { level: s.level, id: s.id ?? undefined, from: s.from, to: s.to, indicator, set },
      signal,
    }),
};

/** KPIs for a scope; idle while the scope is incomplete (a level other than region needs an id). */
export function useKpis(scope: KpiScope | null) {
  return useResource(scope ? `kpi:${JSON.stringify(scope)}` : null, (signal) => kpiApi.get(scope!, signal));
}

export function useKpiDictionary() {
  return useResource('kpi-dictionary', () => kpiApi.indicators());
}

export function useKpiResidents(scope: KpiScope | null, indicator: string | null, set: DrillSet) {
  const key = scope && indicator ? `kpi-residents:${JSON.stringify(scope)}:${indicator}:${set}` : null;
  return useResource(key, (signal) => kpiApi.residents(scope!, indicator!, set, signal));
}
