import type {
  CodeableConcept,
  Coding,
  Condition,
  Encounter,
  Immunization,
  MedicationRequest,
  Meta,
  Observation,
  ObservationComponent,
  Organization,
  Patient,
  Practitioner,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { VITAL_SIGNS, type VitalSignCode } from '../records/vital-signs.js';
import { invalid } from './outcome.js';
import { BP_PANELS, IDENTIFIER_TYPES, SNOMED_TO_ICD10, SYSTEMS } from './systems.js';

/**
 * Row ⇄ resource mappers. A row is what the platform stores (a live row, or a previous version
 * from row_version as JSON); `fhir_detail` holds what the columns do not (codings as given,
 * status, category, components). Columns win: the platform's data is the truth.
 */
// Rows come from Kysely (Date, number) or from row_version JSON (strings): read both.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Row = Record<string, any>;

export function instant(v: unknown): string {
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}
const dateOnly = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function meta(row: Row, updatedColumn = 'last_updated'): Meta {
  const m: Meta = { versionId: String(row.version ?? 1), lastUpdated: instant(row[updatedColumn] ?? row.created_at) };
  if (row.institution_id) m.tag = [{ system: SYSTEMS.sourceInstitution, code: String(row.institution_id) }];
  return m;
}

const detail = (row: Row): Row => (typeof row.fhir_detail === 'string' ? JSON.parse(row.fhir_detail) : (row.fhir_detail ?? {}));
const patientRef = (row: Row) => ({ reference: `Patient/${row.resident_id}` });
const cancelled = (row: Row) => row.entry_status === 'cancelled';

export const SEX_TO_GENDER: Record<string, Patient['gender']> = { male: 'male', female: 'female', unknown: 'unknown' };

// ---------- Patient ⇄ resident ----------
export function patientToFhir(row: Row, identifiers: Row[] = []): Patient {
  const p: Patient = {
    resourceType: 'Patient',
    id: row.id,
    meta: meta(row, 'updated_at'),
    // National IDs and other identifiers are never returned in plain (the record shows them masked);
    // the platform id identifies the resident at the boundary.
    identifier: [{ system: SYSTEMS.resident, value: row.id }],
    active: row.status === 'active',
    name: [{ text: row.name }],
    gender: SEX_TO_GENDER[row.sex] ?? 'unknown',
    birthDate: dateOnly(row.birth_date),
  };
  if (identifiers.length) {
    for (const i of identifiers) {
      if (i.system === 'other' || !IDENTIFIER_TYPES[i.system]) continue;
      p.identifier!.push({ type: { coding: [{ system: SYSTEMS.v2IdentifierType, code: IDENTIFIER_TYPES[i.system]! }] }, system: i.system_uri ?? undefined, value: i.value_masked });
    }
  }
  if (row.address) p.address = [{ text: row.address }];
  if (row.status === 'deceased') p.deceasedBoolean = true;
  if (row.status === 'merged' && row.merged_into_id) p.link = [{ other: { reference: `Patient/${row.merged_into_id}` }, type: 'replaced-by' }];
  return p;
}

export interface IncomingPatient {
  name: string;
  sex: 'male' | 'female' | 'unknown';
  birthDate: string;
  nationalId: string | null;
  phone: string | null;
  address: string | null;
  identifiers: { system: string; systemUri: string | null; value: string }[];
}

const HAN = /[\u4e00-\u9fff]/;

export function patientFromFhir(p: Patient, at = 'Patient'): IncomingPatient {
  const n = p.name?.find((x) => x.use === 'official') ?? p.name?.[0];
  let name = n?.text?.trim() ?? '';
  if (!name && n) {
    const given = (n.given ?? []).join(HAN.test(n.family ?? '') ? '' : ' ');
    name = HAN.test(n.family ?? '') ? `${n.family ?? ''}${given}` : [given, n.family].filter(Boolean).join(' ');
  }
  if (!name) throw invalid('A patient needs a name', `${at}.name`);
  if (!p.birthDate) throw invalid('A patient needs a birth date (the master index matches on it)', `${at}.birthDate`);
  let nationalId: string | null = null;
  const identifiers: IncomingPatient['identifiers'] = [];
  for (const i of p.identifier ?? []) {
    if (!i.value) continue;
    if (i.system === SYSTEMS.nationalId) nationalId = i.value;
    else if (i.system === SYSTEMS.resident) continue;
    else {
      const type = i.type?.coding?.find((c) => c.system === SYSTEMS.v2IdentifierType)?.code;
      const kind = Object.entries(IDENTIFIER_TYPES).find(([, code]) => code === type)?.[0];
      identifiers.push({ system: kind ?? 'other', systemUri: i.system ?? (kind ? null : 'urn:unknown'), value: i.value });
    }
  }
  const phone = p.telecom?.find((t) => t.system === 'phone')?.value ?? null;
  const a = p.address?.[0];
  const address = a ? (a.text ?? [...(a.line ?? []), a.city, a.district, a.state, a.postalCode, a.country].filter(Boolean).join(', ')) : null;
  return {
    name: name.slice(0, 100),
    sex: p.gender === 'male' || p.gender === 'female' ? p.gender : 'unknown',
    birthDate: p.birthDate,
    nationalId,
    phone,
    address: address || null,
    identifiers,
  };
}

// ---------- helpers ----------
const codingOf = (cc: CodeableConcept | undefined, system: string): Coding | undefined => cc?.coding?.find((c) => c.system === system);
const textOf = (cc: CodeableConcept | undefined): string | undefined => cc?.text ?? cc?.coding?.find((c) => c.display)?.display;

/** Where a reference points: 'Patient/x' → { type, id }. */
export function parseReference(ref: string | undefined): { type: string; id: string } | null {
  if (!ref) return null;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return m ? { type: m[1]!, id: m[2]! } : null;
}

// ---------- Observation ⇄ observation ----------
const VITAL_CODES = Object.keys(VITAL_SIGNS);
export const OBSERVATION_VITAL_CODES = [...VITAL_CODES, ...BP_PANELS];

export function observationStatus(row: Row): Observation['status'] {
  return cancelled(row) ? 'entered-in-error' : ((detail(row).status as Observation['status']) ?? 'final');
}

export function observationToFhir(row: Row): Observation {
  const d = detail(row);
  const sign = VITAL_SIGNS[row.loinc as VitalSignCode] as (typeof VITAL_SIGNS)[VitalSignCode] | undefined;
  const o: Observation = {
    resourceType: 'Observation',
    id: row.id,
    meta: meta(row),
    status: observationStatus(row),
    category: d.category ?? (OBSERVATION_VITAL_CODES.includes(row.loinc) ? [{ coding: [{ system: SYSTEMS.observationCategory, code: 'vital-signs', display: 'Vital Signs' }] }] : undefined),
    code: d.code ?? { coding: [{ system: SYSTEMS.loinc, code: row.loinc, display: sign?.displayEn ?? row.display }], text: row.display },
    subject: patientRef(row),
    effectiveDateTime: instant(row.effective_at),
  };
  if (row.encounter_id) o.encounter = { reference: `Encounter/${row.encounter_id}` };
  if (row.institution_id) o.performer = [{ reference: `Organization/${row.institution_id}` }];
  if (d.component) o.component = d.component as ObservationComponent[];
  else if (row.value_numeric !== null && row.value_numeric !== undefined) {
    const unit = row.unit ?? undefined;
    o.valueQuantity = { value: Number(row.value_numeric), unit: d.unitDisplay ?? unit, system: SYSTEMS.ucum, code: unit };
  } else if (d.valueCodeableConcept) o.valueCodeableConcept = d.valueCodeableConcept;
  else if (row.value_text) o.valueString = row.value_text;
  if (d.issued) o.issued = d.issued;
  if (cancelled(row) && row.cancel_reason) o.note = [{ text: `注销: ${row.cancel_reason}` }];
  return o;
}

export interface EntryValues {
  values: Record<string, unknown>;
  /** The resident (Patient reference) the entry belongs to, as written in the resource. */
  subject: string | undefined;
  encounter?: string | undefined;
}

export function observationFromFhir(o: Observation, at = 'Observation'): EntryValues {
  const loincCoding = codingOf(o.code, SYSTEMS.loinc) ?? o.code?.coding?.[0];
  if (!loincCoding?.code) throw invalid('The platform stores observations by code: code.coding needs a code (LOINC preferred)', `${at}.code.coding`);
  const effective = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.effectiveInstant ?? o.issued;
  if (!effective) throw invalid('The platform needs the time of the observation (effectiveDateTime, effectivePeriod.start or issued)', `${at}.effective[x]`);
  const d: Row = { status: o.status, code: o.code };
  if (o.category) d.category = o.category;
  if (o.issued) d.issued = o.issued;
  let valueNumeric: number | null = null;
  let valueText: string | null = null;
  let unit: string | null = null;
  if (o.valueQuantity) {
    valueNumeric = o.valueQuantity.value ?? null;
    unit = o.valueQuantity.code ?? o.valueQuantity.unit ?? null;
    if (o.valueQuantity.unit && o.valueQuantity.unit !== unit) d.unitDisplay = o.valueQuantity.unit;
  } else if (o.valueString !== undefined) valueText = o.valueString;
  else if (o.valueCodeableConcept) {
    d.valueCodeableConcept = o.valueCodeableConcept;
    valueText = textOf(o.valueCodeableConcept) ?? null;
  } else if (o.valueBoolean !== undefined) valueText = String(o.valueBoolean);
  else if (o.valueInteger !== undefined) valueNumeric = o.valueInteger;
  if (o.component?.length) {
    d.component = o.component;
    // A BP panel reads on the timeline as "SBP/DBP unit".
    const q = (code: string) => o.component!.find((c) => c.code.coding?.some((x) => x.code === code))?.valueQuantity;
    const sbp = q('8480-6');
    const dbp = q('8462-4');
    if (sbp?.value !== undefined && dbp?.value !== undefined) {
      valueText = `${sbp.value}/${dbp.value}`;
      unit = sbp.code ?? sbp.unit ?? null;
    }
  }
  return {
    subject: o.subject?.reference,
    encounter: o.encounter?.reference,
    values: {
      loinc: loincCoding.code.slice(0, 40),
      display: (textOf(o.code) ?? loincCoding.code).slice(0, 200),
      value_numeric: valueNumeric,
      value_text: valueText,
      unit,
      effective_at: effective,
      fhir_detail: d,
    },
  };
}

// ---------- Condition ⇄ condition ----------
export function conditionClinicalStatus(row: Row): string {
  return row.clinical_status === 'suspected' ? 'active' : row.clinical_status;
}

export function conditionToFhir(row: Row): Condition {
  const d = detail(row);
  const coding: Coding[] = [];
  if (row.icd10) coding.push({ system: SYSTEMS.icd10, code: row.icd10, display: row.display });
  for (const c of (d.code as CodeableConcept | undefined)?.coding ?? []) if (!(c.system === SYSTEMS.icd10 && c.code === row.icd10)) coding.push(c);
  const c: Condition = {
    resourceType: 'Condition',
    id: row.id,
    meta: meta(row),
    clinicalStatus: cancelled(row) ? undefined : { coding: [{ system: SYSTEMS.conditionClinical, code: d.clinicalStatus ?? conditionClinicalStatus(row) }] },
    verificationStatus: {
      coding: [{ system: SYSTEMS.conditionVerification, code: cancelled(row) ? 'entered-in-error' : row.clinical_status === 'suspected' ? 'provisional' : 'confirmed' }],
    },
    code: { coding, text: (d.code as CodeableConcept | undefined)?.text ?? row.display },
    subject: patientRef(row),
    recordedDate: dateOnly(row.diagnosed_on),
  };
  if (d.encounter) c.encounter = { reference: d.encounter };
  if (row.onset_date) c.onsetDateTime = d.onsetDateTime ?? dateOnly(row.onset_date);
  if (d.abatementDateTime) c.abatementDateTime = d.abatementDateTime;
  if (row.note) c.note = [{ text: row.note }];
  return c;
}

export function conditionFromFhir(c: Condition, at = 'Condition'): EntryValues {
  const icd = codingOf(c.code, SYSTEMS.icd10) ?? c.code?.coding?.find((x) => x.system?.includes('icd-10'));
  const snomed = codingOf(c.code, SYSTEMS.snomed);
  const mapped = !icd && snomed?.code ? SNOMED_TO_ICD10[snomed.code] : undefined;
  const icd10 = icd?.code && /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/.test(icd.code) ? icd.code : (mapped?.icd10 ?? null);
  const display = textOf(c.code) ?? icd?.display ?? mapped?.display;
  if (!display && !icd10) throw invalid('A condition needs a code or a text', `${at}.code`);
  const clinical = codingOf(c.clinicalStatus, SYSTEMS.conditionClinical)?.code;
  const verification = codingOf(c.verificationStatus, SYSTEMS.conditionVerification)?.code;
  const status = verification === 'provisional' || verification === 'differential' || verification === 'unconfirmed' ? 'suspected' : clinical && ['inactive', 'resolved', 'remission'].includes(clinical) ? 'resolved' : 'active';
  const onset = c.onsetDateTime ?? c.onsetPeriod?.start;
  const recorded = c.recordedDate ?? onset ?? new Date().toISOString();
  const d: Row = { code: c.code, clinicalStatus: clinical };
  if (c.onsetDateTime) d.onsetDateTime = c.onsetDateTime;
  if (c.abatementDateTime) d.abatementDateTime = c.abatementDateTime;
  return {
    subject: c.subject?.reference,
    encounter: c.encounter?.reference,
    values: {
      icd10,
      display: (display ?? icd10 ?? '').slice(0, 200),
      clinical_status: status,
      onset_date: onset ? onset.slice(0, 10) : null,
      diagnosed_on: recorded.slice(0, 10),
      note: c.note?.map((n) => n.text).join('\n').slice(0, 1000) || null,
      fhir_detail: d,
    },
  };
}

// ---------- Encounter ⇄ encounter ----------
const CLASS_TO_KIND: Record<string, string> = { AMB: 'outpatient', IMP: 'inpatient', ACUTE: 'inpatient', NONAC: 'inpatient', EMER: 'emergency', HH: 'home_visit', VR: 'teleconsultation' };
const KIND_TO_CLASS: Record<string, string> = { outpatient: 'AMB', inpatient: 'IMP', emergency: 'EMER', home_visit: 'HH', follow_up: 'AMB', health_check: 'AMB', teleconsultation: 'VR' };

export function encounterStatus(row: Row): Encounter['status'] {
  return cancelled(row) ? 'entered-in-error' : ((detail(row).status as Encounter['status']) ?? (row.ended_at ? 'finished' : 'in-progress'));
}

export function encounterToFhir(row: Row): Encounter {
  const d = detail(row);
  const e: Encounter = {
    resourceType: 'Encounter',
    id: row.id,
    meta: meta(row),
    status: encounterStatus(row),
    class: d.class ?? { system: SYSTEMS.actCode, code: KIND_TO_CLASS[row.kind] ?? 'AMB' },
    subject: patientRef(row),
    period: { start: instant(row.started_at), ...(row.ended_at ? { end: instant(row.ended_at) } : {}) },
  };
  if (d.type) e.type = d.type;
  else if (row.summary) e.type = [{ text: row.summary }];
  if (row.reason) e.reasonCode = [{ text: row.reason }];
  if (row.practitioner_name) e.participant = [{ individual: { display: row.practitioner_name } }];
  if (row.institution_id) e.serviceProvider = { reference: `Organization/${row.institution_id}` };
  return e;
}

export function encounterFromFhir(e: Encounter, at = 'Encounter', practitionerName?: string): EntryValues {
  const start = e.period?.start;
  if (!start) throw invalid('The platform needs when the encounter started', `${at}.period.start`);
  const d: Row = { status: e.status, class: e.class };
  if (e.type) d.type = e.type;
  return {
    subject: e.subject?.reference,
    values: {
      kind: CLASS_TO_KIND[e.class?.code ?? ''] ?? 'outpatient',
      started_at: start,
      ended_at: e.period?.end ?? null,
      practitioner_name: (practitionerName ?? e.participant?.find((p) => p.individual?.display)?.individual?.display ?? null)?.slice(0, 100) ?? null,
      reason: e.reasonCode?.map((r) => textOf(r)).filter(Boolean).join('; ').slice(0, 500) || null,
      summary: e.type?.map((t) => textOf(t)).filter(Boolean).join('; ').slice(0, 4000) || null,
      fhir_detail: d,
    },
  };
}

// ---------- MedicationRequest ⇄ medication ----------
export function medicationStatus(row: Row): MedicationRequest['status'] {
  if (cancelled(row)) return 'entered-in-error';
  const d = detail(row);
  if (d.status) return d.status as MedicationRequest['status'];
  return row.end_date && String(dateOnly(row.end_date)) < new Date().toISOString().slice(0, 10) ? 'completed' : 'active';
}

export function medicationToFhir(row: Row): MedicationRequest {
  const d = detail(row);
  const coding: Coding[] = [...((d.code as CodeableConcept | undefined)?.coding ?? [])];
  if (row.atc_code && !coding.some((c) => c.system === SYSTEMS.atc)) coding.push({ system: SYSTEMS.atc, code: row.atc_code });
  const m: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: row.id,
    meta: meta(row),
    status: medicationStatus(row),
    intent: d.intent ?? 'order',
    medicationCodeableConcept: { ...(coding.length ? { coding } : {}), text: row.drug_name },
    subject: patientRef(row),
    authoredOn: d.authoredOn ?? dateOnly(row.start_date),
  };
  if (d.encounter) m.encounter = { reference: d.encounter };
  const text = [row.dose, row.frequency, row.route].filter(Boolean).join(' ');
  if (text) m.dosageInstruction = [{ text }];
  if (row.end_date) m.dispenseRequest = { validityPeriod: { start: dateOnly(row.start_date), end: dateOnly(row.end_date) } };
  if (row.prescriber_name) m.requester = { display: row.prescriber_name };
  return m;
}

export function medicationFromFhir(m: MedicationRequest, at = 'MedicationRequest', prescriberName?: string): EntryValues {
  const name = textOf(m.medicationCodeableConcept) ?? m.medicationReference?.display;
  if (!name) throw invalid('The platform needs the medicine (medicationCodeableConcept with a text or display)', `${at}.medication[x]`);
  const started = m.authoredOn ?? m.dispenseRequest?.validityPeriod?.start;
  if (!started) throw invalid('The platform needs when the prescription starts (authoredOn)', `${at}.authoredOn`);
  const atc = codingOf(m.medicationCodeableConcept, SYSTEMS.atc)?.code;
  const d: Row = { status: m.status, intent: m.intent, authoredOn: m.authoredOn };
  if (m.medicationCodeableConcept) d.code = m.medicationCodeableConcept;
  return {
    subject: m.subject?.reference,
    encounter: m.encounter?.reference,
    values: {
      drug_name: name.slice(0, 200),
      atc_code: atc && /^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$/.test(atc) ? atc : null,
      dose: m.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity ? `${m.dosageInstruction[0].doseAndRate[0].doseQuantity.value ?? ''} ${m.dosageInstruction[0].doseAndRate[0].doseQuantity.unit ?? ''}`.trim() : null,
      frequency: m.dosageInstruction?.[0]?.text?.slice(0, 100) ?? null,
      route: textOf(m.dosageInstruction?.[0]?.route)?.slice(0, 50) ?? null,
      start_date: started.slice(0, 10),
      end_date: m.dispenseRequest?.validityPeriod?.end?.slice(0, 10) ?? null,
      prescriber_name: (prescriberName ?? m.requester?.display ?? null)?.slice(0, 100) ?? null,
      fhir_detail: d,
    },
  };
}

// ---------- Immunization ⇄ immunization ----------
export function immunizationStatus(row: Row): Immunization['status'] {
  return cancelled(row) ? 'entered-in-error' : ((detail(row).status as Immunization['status']) ?? 'completed');
}

export function immunizationToFhir(row: Row): Immunization {
  const d = detail(row);
  const i: Immunization = {
    resourceType: 'Immunization',
    id: row.id,
    meta: meta(row),
    status: immunizationStatus(row),
    vaccineCode: d.code ?? { coding: [{ code: row.vaccine_code, display: row.vaccine_name }], text: row.vaccine_name },
    patient: patientRef(row),
    occurrenceDateTime: d.occurrenceDateTime ?? dateOnly(row.occurred_on),
    primarySource: d.primarySource ?? true,
  };
  if (row.lot_number) i.lotNumber = row.lot_number;
  if (row.dose_number) i.protocolApplied = [{ doseNumberPositiveInt: row.dose_number }];
  if (d.encounter) i.encounter = { reference: d.encounter };
  return i;
}

export function immunizationFromFhir(i: Immunization, at = 'Immunization'): EntryValues {
  const code = i.vaccineCode?.coding?.[0]?.code ?? i.vaccineCode?.text;
  if (!code) throw invalid('The platform needs the vaccine code', `${at}.vaccineCode`);
  const occurred = i.occurrenceDateTime ?? i.occurrenceString;
  if (!occurred || !/^\d{4}-\d{2}-\d{2}/.test(occurred)) throw invalid('The platform needs the date of the immunisation (occurrenceDateTime)', `${at}.occurrence[x]`);
  const dose = i.protocolApplied?.[0]?.doseNumberPositiveInt;
  return {
    subject: i.patient?.reference,
    encounter: i.encounter?.reference,
    values: {
      vaccine_code: code.slice(0, 20),
      vaccine_name: (textOf(i.vaccineCode) ?? code).slice(0, 200),
      dose_number: dose && dose <= 10 ? dose : null,
      occurred_on: occurred.slice(0, 10),
      lot_number: i.lotNumber?.slice(0, 50) ?? null,
      fhir_detail: { status: i.status, code: i.vaccineCode, occurrenceDateTime: i.occurrenceDateTime, primarySource: i.primarySource } as Row,
    },
  };
}

// ---------- Organization ⇐ institution, Practitioner ⇐ app_user (read only) ----------
const ORG_TYPE: Record<string, string> = {
  tertiary_hospital: 'prov',
  secondary_hospital: 'prov',
  community_health_centre: 'prov',
  community_health_station: 'prov',
  village_clinic: 'prov',
  health_commission: 'govt',
  insurance_bureau: 'pay',
};

export function organizationToFhir(row: Row): Organization {
  const identifier: { system: string; value: string }[] = [{ system: SYSTEMS.institution, value: row.code }];
  if (row.uscc) identifier.push({ system: SYSTEMS.uscc, value: row.uscc });
  const o: Organization = {
    resourceType: 'Organization',
    id: row.id,
    meta: { versionId: '1', lastUpdated: instant(row.created_at) },
    identifier,
    active: true,
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: ORG_TYPE[row.kind] ?? 'other' }], text: row.kind }],
    name: row.name,
    alias: row.name_en && row.name_en !== row.name ? [row.name_en] : undefined,
  };
  if (row.parent_id) o.partOf = { reference: `Organization/${row.parent_id}` };
  return o;
}

export function practitionerToFhir(row: Row): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: row.id,
    meta: { versionId: '1', lastUpdated: instant(row.created_at) },
    identifier: [{ system: SYSTEMS.staff, value: row.username }],
    active: row.active,
    name: [{ text: row.display_name }],
  };
}

// ---------- Task ⇐ care_task (due follow-ups, discharge and notice tasks; read only) ----------
const TASK_STATUS: Record<string, 'ready' | 'completed' | 'cancelled'> = { open: 'ready', done: 'completed', cancelled: 'cancelled' };
const TASK_PRIORITY: Record<string, 'urgent' | 'asap' | 'routine'> = { urgent: 'urgent', high: 'asap', normal: 'routine' };
export const CARE_TASK_SYSTEM = 'https://kanglian.example/fhir/CodeSystem/care-task';

export function taskToFhir(row: Row): Task {
  const t: Task = {
    resourceType: 'Task',
    id: row.id,
    meta: { lastUpdated: instant(row.created_at) },
    status: TASK_STATUS[row.status] ?? 'ready',
    intent: 'plan',
    priority: TASK_PRIORITY[row.priority] ?? 'routine',
    code: { coding: [{ system: CARE_TASK_SYSTEM, code: row.task_code, display: row.label_en }], text: row.label },
    for: patientRef(row),
    authoredOn: instant(row.created_at),
    executionPeriod: { start: dateOnly(row.due_date), end: dateOnly(row.window_end) },
  };
  if (row.reason) t.reasonCode = { text: row.reason };
  if (row.assignee_user_id) t.owner = { reference: `Practitioner/${row.assignee_user_id}` };
  if (row.done_on) t.lastModified = dateOnly(row.done_on);
  return t;
}

export const RENDER: Record<string, (row: Row) => Resource> = {
  Task: taskToFhir,
  Patient: (r) => patientToFhir(r),
  Observation: observationToFhir,
  Condition: conditionToFhir,
  Encounter: encounterToFhir,
  MedicationRequest: medicationToFhir,
  Immunization: immunizationToFhir,
  Organization: organizationToFhir,
  Practitioner: practitionerToFhir,
};
