import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { RESULT_PARAMS, TYPES } from './search.js';

/** What `_count`, `_offset`, `_sort` and `_summary` do, for every type. */
const RESULT_PARAM_DOCS: Record<string, { type: 'number' | 'string' | 'token'; documentation: string }> = {
  _count: { type: 'number', documentation: 'Page size (default 20, at most 500); 0 = count only' },
  _offset: { type: 'number', documentation: 'Position of the page (next/previous links carry it)' },
  _sort: { type: 'string', documentation: 'Sort by a date or string parameter, _id or _lastUpdated; - for descending' },
  _summary: { type: 'token', documentation: 'count: the total only' },
};

/** Subscriptions are served by their own routes (subscriptions.ts), not the entry table. */
export const SUBSCRIPTION_RESOURCE: CapabilityStatementRestResource = {
  type: 'Subscription',
  interaction: [{ code: 'create' }, { code: 'read' }],
  documentation: 'rest-hook channel; criteria = a supported record type and its search parameters; notifications follow the owner\'s care relationships',
};

/**
 * The CapabilityStatement, generated from the same type and search-parameter table the routes and
 * the search use: it lists what the server does and nothing else.
 */
export function capabilityStatement(baseUrl: string, version: string): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = Object.values(TYPES).map((def) => ({
    type: def.type as CapabilityStatementRestResource['type'],
    interaction: def.interactions.map((code) => ({ code })),
    versioning: def.kind === 'resident' ? 'versioned-update' : 'no-version',
    readHistory: def.interactions.includes('vread'),
    updateCreate: false,
    conditionalCreate: def.interactions.includes('create'),
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    ...(def.includes.length ? { searchInclude: def.includes } : {}),
    ...(def.revIncludes.length ? { searchRevInclude: def.revIncludes } : {}),
    searchParam: Object.entries(def.params).map(([name, p]) => ({ name, type: p.type, documentation: p.documentation })),
  }));
  resource.push(SUBSCRIPTION_RESOURCE);
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'Kanglian 康联',
    kind: 'instance',
    software: { name: 'Kanglian', version },
    implementation: { description: 'Kanglian regional community health platform — FHIR R4 boundary', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Reads and searches follow the caller\'s care relationships (filtered in SQL) and are audited per resident.',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
          description: 'SMART Backend Services (client_credentials, private_key_jwt RS384/ES384, system/*.read|write) for hospital systems; bearer session of a staff user otherwise.',
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/auth/token` }],
            },
          ],
        },
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        searchParam: RESULT_PARAMS.filter((p) => RESULT_PARAM_DOCS[p]).map((name) => ({ name, ...RESULT_PARAM_DOCS[name]! })),
      },
    ],
  };
}
