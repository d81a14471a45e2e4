/**
 * ICD-10 diagnoses on the record → the complication codes of the three-colour rules table.
 * Matching is by code prefix (I63.9 matches I63).
 */
const HYPERTENSION_COMPLICATIONS: Record<string, string[]> = {
  stroke: ['I60', 'I61', 'I62', 'I63', 'I64', 'I69'],
  coronary_heart_disease: ['I20', 'I21', 'I22', 'I23', 'I24', 'I25'],
  heart_failure: ['I50', 'I11.0', 'I13.0', 'I13.2'],
  chronic_kidney_disease: ['N18', 'I12', 'I13'],
};

const DIABETES_COMPLICATIONS: Record<string, string[]> = {
  retinopathy: ['E11.3', 'H36.0'],
  nephropathy: ['E11.2', 'N08.3'],
  neuropathy: ['E11.4', 'G63.2'],
  diabetic_foot: ['E11.5', 'L97'],
  cardiovascular: ['I20', 'I21', 'I22', 'I23', 'I24', 'I25', 'I60', 'I61', 'I62', 'I63', 'I64', 'I69'],
};

export function complicationsFrom(programme: 'hypertension' | 'diabetes', icd10Codes: readonly string[]): string[] {
  const table = programme === 'hypertension' ? HYPERTENSION_COMPLICATIONS : DIABETES_COMPLICATIONS;
  return Object.entries(table)
    .filter(([, prefixes]) => icd10Codes.some((code) => prefixes.some((p) => code.startsWith(p))))
    .map(([complication]) => complication);
}
