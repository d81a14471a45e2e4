import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * Errors are data (Medplum): every failure under /fhir leaves as an OperationOutcome with an HTTP
 * status, and each issue names the element it is about (`expression`, FHIRPath).
 */
export class FhirError extends Error {
  constructor(
    readonly statusCode: number,
    readonly issues: OperationOutcomeIssue[],
  ) {
    super(issues.map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; '));
  }

  get outcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }
}

export type IssueCode = OperationOutcomeIssue['code'];

export function issue(code: IssueCode, diagnostics: string, expression?: string | string[], severity: OperationOutcomeIssue['severity'] = 'error'): OperationOutcomeIssue {
  return {
    severity,
    code,
    diagnostics,
    ...(expression ? { expression: Array.isArray(expression) ? expression : [expression] } : {}),
  };
}

export const fhirError = (status: number, code: IssueCode, diagnostics: string, expression?: string | string[]) =>
  new FhirError(status, [issue(code, diagnostics, expression)]);

export const invalid = (diagnostics: string, expression?: string | string[]) => fhirError(400, 'invalid', diagnostics, expression);
export const notFoundOutcome = (what: string) => fhirError(404, 'not-found', `${what} not found`);
export const notSupported = (diagnostics: string, expression?: string) => fhirError(400, 'not-supported', diagnostics, expression);
export const preconditionFailed = (diagnostics: string) => fhirError(412, 'conflict', diagnostics);

export function outcomeOf(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export const allOk = (diagnostics = 'All OK'): OperationOutcome => outcomeOf([issue('informational', diagnostics, undefined, 'information')]);

/** The FHIR issue code for an HTTP status the rest of the platform raised. */
export function codeForStatus(status: number): IssueCode {
  if (status === 400) return 'invalid';
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'conflict';
  if (status === 413) return 'too-costly';
  if (status === 415) return 'not-supported';
  if (status === 429) return 'throttled';
  return status >= 500 ? 'exception' : 'processing';
}
