/** Identifier and code systems of the boundary contract (SPEC "FHIR R4 conventions"). */
export const SYSTEMS = {
  nationalId: 'urn:oid:2.16.156.10011.1.3',
  resident: 'https://kanglian.example/fhir/sid/resident',
  staff: 'https://kanglian.example/fhir/sid/staff',
  institution: 'https://kanglian.example/fhir/sid/institution',
  uscc: 'https://kanglian.example/fhir/sid/uscc',
  sourceInstitution: 'https://kanglian.example/fhir/CodeSystem/source-institution',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  icd10: 'http://hl7.org/fhir/sid/icd-10',
  snomed: 'http://snomed.info/sct',
  atc: 'http://www.whocc.no/atc',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
} as const;

/** Platform identifier kinds (resident_identifier.system) and their FHIR identifier type codes. */
export const IDENTIFIER_TYPES: Record<string, string> = {
  passport: 'PPN',
  medical_record: 'MR',
  insurance_card: 'SN',
  birth_certificate: 'BCT',
};

/**
 * SNOMED CT codes of the common chronic conditions, mapped to ICD-10 (the platform's code system for
 * diagnoses). The SNOMED coding is kept as given; unmapped conditions are stored without ICD-10.
 */
export const SNOMED_TO_ICD10: Record<string, { icd10: string; display: string }> = {
  '38341003': { icd10: 'I10', display: '原发性高血压' },
  '59621000': { icd10: 'I10', display: '原发性高血压' },
  '44054006': { icd10: 'E11', display: '2型糖尿病' },
  '15777000': { icd10: 'R73.0', display: '糖尿病前期' },
  '162864005': { icd10: 'E66.9', display: '肥胖' },
  '271737000': { icd10: 'D64.9', display: '贫血' },
  '84229001': { icd10: 'G40.9', display: '癫痫' },
  '410429000': { icd10: 'I46.9', display: '心脏骤停' },
  '22298006': { icd10: 'I21.9', display: '心肌梗死' },
  '230690007': { icd10: 'I64', display: '脑卒中' },
  '431855005': { icd10: 'N18.1', display: '慢性肾脏病1期' },
  '433144002': { icd10: 'N18.3', display: '慢性肾脏病3期' },
  '195967001': { icd10: 'J45.9', display: '哮喘' },
  '13645005': { icd10: 'J44.9', display: '慢性阻塞性肺病' },
  '55822004': { icd10: 'E78.5', display: '高脂血症' },
};

/** Blood-pressure panels: the SPEC's 85354-9 and Synthea's 55284-4; components SBP 8480-6, DBP 8462-4. */
export const BP_PANELS = ['85354-9', '55284-4'];
export const SBP = '8480-6';
export const DBP = '8462-4';
