import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared FHIR samples (`../shared/fhir-samples/` beside the repository, see its README), found
 * from the repository root whether it is checked out at /work/main or in a worktree one level deeper;
 * FHIR_SAMPLES_DIR overrides.
 */
export function fhirSamplesDir(): string {
  if (process.env.FHIR_SAMPLES_DIR) return process.env.FHIR_SAMPLES_DIR;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  for (const candidate of [path.join(root, '../shared/fhir-samples'), path.join(root, '../../shared/fhir-samples')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`fhir-samples not found beside ${root}; set FHIR_SAMPLES_DIR`);
}
