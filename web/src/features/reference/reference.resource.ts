import { api } from '../../api/client';
import { useResource } from '../../api/useResource';
import type { FormOptions, InstitutionList, ServicePackage } from './reference.types';

/**
 * Reference data changes with a deploy, not during a shift: each list is fetched once per page load and
 * shared by every component (a failed load is forgotten, so the next mount tries again).
 */
const cache = new Map<string, Promise<unknown>>();

function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

export const referenceApi = {
  institutions: () => once('institutions', () => api.get<InstitutionList>('/api/institutions')),
  servicePackages: () => once('service-packages', () => api.get<{ items: ServicePackage[] }>('/api/service-packages')),
  formOptions: () => once('form-options', () => api.get<FormOptions>('/api/forms/options')),
};

export function useInstitutions() {
  return useResource('institutions', () => referenceApi.institutions());
}

export function useServicePackages() {
  return useResource('service-packages', () => referenceApi.servicePackages());
}

export function useFormOptions() {
  return useResource('form-options', () => referenceApi.formOptions());
}

/** Label of a code list entry in the UI language. */
export function labelOf(item: { zh: string; en: string }, language: string): string {
  return language === 'en' ? item.en : item.zh;
}
