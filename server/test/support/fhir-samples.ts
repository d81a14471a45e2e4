import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The FHIR samples no one here wrote (Synthea bundles, HL7 PHD examples): a verbatim copy of
 * `../shared/fhir-samples/` is kept in `test/fixtures/fhir-samples/`, so a clean clone tests against
 * them anywhere; FHIR_SAMPLES_DIR overrides (e.g. to test against a newer shared copy).
 */
export function fhirSamplesDir(): string {
  if (process.env.FHIR_SAMPLES_DIR) return process.env.FHIR_SAMPLES_DIR;
  const vendored = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/fhir-samples');
  if (existsSync(vendored)) return vendored;
  throw new Error(`fhir-samples not found at ${vendored}; set FHIR_SAMPLES_DIR`);
}
