import { sql, type RawBuilder } from 'kysely';
import { invalid } from './outcome.js';
import { CARE_TASK_SYSTEM, OBSERVATION_VITAL_CODES } from './mappers.js';
import { SYSTEMS } from './systems.js';

/**
 * The route and search-parameter table: one entry per resource type the server supports, with the
 * SQL each search parameter becomes. The routes, the search and /fhir/metadata are all read from
 * here, so the CapabilityStatement cannot claim what the server does not do.
 * Every query aliases the mapped table `t`.
 */
/** What a parameter may need from the request: the blind index of identifiers. */
export interface SearchEnv {
  blindIndex(kind: 'national_id' | 'identifier', value: string): string;
}

export type ParamType = 'token' | 'string' | 'date' | 'reference';

export interface ParamDef {
  type: ParamType;
  documentation: string;
  /** One value of the parameter (comma-separated values are OR-ed by the caller). */
  where(value: string, modifier: string | undefined, env: SearchEnv): RawBuilder<boolean>;
  /** The column `_sort` orders by, for date and string parameters. */
  sort?: RawBuilder<unknown>;
}

export interface TypeDef {
  type: string;
  /** 'resident': rows of a resident, searched through the care-relationship query; 'shared': organisation data. */
  kind: 'resident' | 'shared';
  table: string;
  from: RawBuilder<unknown>;
  residentColumn: RawBuilder<unknown>;
  defaultSort: RawBuilder<unknown>;
  lastUpdated: RawBuilder<unknown>;
  /** Rows shown by search; e.g. merged-away records and staff that are residents are not. */
  visible?: RawBuilder<boolean>;
  params: Record<string, ParamDef>;
  /** `_include` values (Type:param) this type answers: the Patient or Encounter an entry refers to. */
  includes: string[];
  /** `_revinclude` values: entries that refer to the matched rows (only Patient has them). */
  revIncludes: string[];
  interactions: ('read' | 'vread' | 'history-instance' | 'search-type' | 'create' | 'update')[];
}

// ---------- value parsers ----------

/** `system|code`, `|code`, `code`, `system|`. */
export function parseToken(value: string): { system?: string | undefined; code?: string | undefined } {
  const bar = value.indexOf('|');
  if (bar < 0) return { code: value };
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  return { system: system === '' ? '' : system, code: code === '' ? undefined : code };
}

const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
type Prefix = (typeof PREFIXES)[number];

/** A FHIR date search value as a half-open range [start, end) in China time when no zone is given. */
export function parseDate(raw: string, param: string): { prefix: Prefix; start: string; end: string; dateOnly: boolean } {
  let prefix: Prefix = 'eq';
  let value = raw;
  const p = raw.slice(0, 2) as Prefix;
  if (PREFIXES.includes(p) && /^[a-z]{2}\d/.test(raw)) {
    prefix = p;
    value = raw.slice(2);
  }
  if (!['eq', 'ne', 'gt', 'lt', 'ge', 'le'].includes(prefix)) throw invalid(`Date prefix ${prefix} is not supported`, param);
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(value);
  if (!m) throw invalid(`"${raw}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`, param);
  const [, y, mo, d, hh, mi, ss, zone] = m;
  const tz = zone ?? '+08:00';
  if (hh) {
    const start = new Date(`${y}-${mo}-${d}T${hh}:${mi}:${ss ?? '00'}${tz}`);
    const end = new Date(start.getTime() + (ss ? 1000 : 60_000));
    if (Number.isNaN(start.getTime())) throw invalid(`"${raw}" is not a valid date`, param);
    return { prefix, start: start.toISOString(), end: end.toISOString(), dateOnly: false };
  }
  const year = Number(y);
  const month = mo ? Number(mo) : 1;
  const day = d ? Number(d) : 1;
  const startDate = new Date(Date.UTC(year, month - 1, day));
  if (startDate.getUTCMonth() !== month - 1 || startDate.getUTCDate() !== day) throw invalid(`"${raw}" is not a valid date`, param);
  const endDate = d ? new Date(Date.UTC(year, month - 1, day + 1)) : mo ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year + 1, 0, 1));
  const iso = (x: Date) => x.toISOString().slice(0, 10);
  return { prefix, start: iso(startDate), end: iso(endDate), dateOnly: true };
}

// ---------- parameter builders ----------

function dateParam(column: RawBuilder<unknown>, kind: 'timestamptz' | 'date', documentation: string): ParamDef {
  return {
    type: 'date',
    documentation,
    sort: column,
    where(raw) {
      const r = parseDate(raw, documentation);
      const cast = (v: string) => (kind === 'date' ? sql`${v}::date` : r.dateOnly ? sql`(${v}::date::timestamp AT TIME ZONE 'Asia/Shanghai')` : sql`${v}::timestamptz`);
      const [s, e] = [cast(r.start), cast(r.end)];
      switch (r.prefix) {
        case 'eq': return sql<boolean>`(${column} >= ${s} AND ${column} < ${e})`;
        case 'ne': return sql<boolean>`(${column} < ${s} OR ${column} >= ${e})`;
        case 'gt': return sql<boolean>`${column} >= ${e}`;
        case 'ge': return sql<boolean>`${column} >= ${s}`;
        case 'lt': return sql<boolean>`${column} < ${s}`;
        default: return sql<boolean>`${column} < ${e}`;
      }
    },
  };
}

function stringParam(column: RawBuilder<unknown>, documentation: string): ParamDef {
  return {
    type: 'string',
    documentation,
    sort: column,
    where(value, modifier) {
      if (modifier === 'exact') return sql<boolean>`${column} = ${value}`;
      const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
      if (modifier === 'contains') return sql<boolean>`${column} ILIKE ${`%${escaped}%`}`;
      return sql<boolean>`${column} ILIKE ${`${escaped}%`}`;
    },
  };
}

function idParam(): ParamDef {
  return {
    type: 'token',
    documentation: 'Logical id',
    where: (value) => (/^[0-9a-f-]{36}$/i.test(value) ? sql<boolean>`t.id = ${value}::uuid` : sql<boolean>`false`),
  };
}

/** A reference to the resident: `Patient/id`, `id`, or an absolute URL ending in Patient/id. */
function patientParam(documentation: string): ParamDef {
  return {
    type: 'reference',
    documentation,
    where(value) {
      const m = /(?:^|Patient\/)([0-9a-f-]{36})$/i.exec(value);
      return m ? sql<boolean>`t.resident_id = ${m[1]}::uuid` : sql<boolean>`false`;
    },
  };
}

function referenceParam(type: string, column: RawBuilder<unknown>, documentation: string): ParamDef {
  return {
    type: 'reference',
    documentation,
    where(value) {
      const m = new RegExp(`(?:^|${type}/)([0-9a-f-]{36})$`, 'i').exec(value);
      return m ? sql<boolean>`${column} = ${m[1]}::uuid` : sql<boolean>`false`;
    },
  };
}

/** Token over a status that is derived (cancelled rows read as entered-in-error). */
function statusParam(expr: RawBuilder<unknown>, documentation: string): ParamDef {
  return { type: 'token', documentation, where: (value) => sql<boolean>`${expr} = ${parseToken(value).code ?? ''}` };
}

/** A coding (system|code) matched against a platform column or the codings kept as given. */
function codeParam(columnSystem: string | null, column: RawBuilder<unknown> | null, codingsPath: RawBuilder<unknown>, documentation: string): ParamDef {
  return {
    type: 'token',
    documentation,
    where(value, modifier) {
      const { system, code } = parseToken(value);
      if (modifier === 'text') return sql<boolean>`(${codingsPath}->>'text') ILIKE ${`%${value}%`}`;
      const coding: Record<string, string> = {};
      if (code) coding.code = code;
      if (system) coding.system = system;
      const inCodings = sql<boolean>`coalesce(${codingsPath}->'coding' @> ${JSON.stringify([coding])}::jsonb, false)`;
      if (!column || !code) return inCodings;
      const onColumn = system === undefined || system === columnSystem ? sql<boolean>`${column} = ${code}` : sql<boolean>`false`;
      return sql<boolean>`(${onColumn} OR ${inCodings})`;
    },
  };
}

const OBS_STATUS = sql`CASE WHEN t.entry_status = 'cancelled' THEN 'entered-in-error' ELSE coalesce(t.fhir_detail->>'status', 'final') END`;
const ENC_STATUS = sql`CASE WHEN t.entry_status = 'cancelled' THEN 'entered-in-error' ELSE coalesce(t.fhir_detail->>'status', CASE WHEN t.ended_at IS NULL THEN 'in-progress' ELSE 'finished' END) END`;
const MED_STATUS = sql`CASE WHEN t.entry_status = 'cancelled' THEN 'entered-in-error' ELSE coalesce(t.fhir_detail->>'status', CASE WHEN t.end_date < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'completed' ELSE 'active' END) END`;
const IMM_STATUS = sql`CASE WHEN t.entry_status = 'cancelled' THEN 'entered-in-error' ELSE coalesce(t.fhir_detail->>'status', 'completed') END`;
const COND_CLINICAL = sql`coalesce(t.fhir_detail->>'clinicalStatus', CASE t.clinical_status WHEN 'suspected' THEN 'active' ELSE t.clinical_status END)`;

const common = (lastUpdated: RawBuilder<unknown>) => ({
  _id: idParam(),
  _lastUpdated: dateParam(lastUpdated, 'timestamptz', 'When the resource last changed'),
});

function entryType(type: string, table: string, defaultSort: RawBuilder<unknown>, params: Record<string, ParamDef>): TypeDef {
  return {
    type,
    kind: 'resident',
    table,
    from: sql.raw(`${table} t`),
    residentColumn: sql`t.resident_id`,
    defaultSort,
    lastUpdated: sql`t.last_updated`,
    params: { ...common(sql`t.last_updated`), ...params },
    includes: Object.keys(params)
      .filter((p) => p === 'patient' || p === 'subject' || (p === 'encounter' && table === 'observation'))
      .map((p) => `${type}:${p}`),
    revIncludes: [],
    interactions: ['read', 'vread', 'history-instance', 'search-type', 'create', 'update'],
  };
}

const observationCategory: ParamDef = {
  type: 'token',
  documentation: 'Category (vital-signs for the platform\'s own measurements)',
  where(value) {
    const { system, code } = parseToken(value);
    const coding: Record<string, string> = {};
    if (code) coding.code = code;
    if (system) coding.system = system;
    const derived = code === 'vital-signs' && (system === undefined || system === SYSTEMS.observationCategory) ? sql`t.loinc = ANY(${OBSERVATION_VITAL_CODES}::text[])` : sql`false`;
    return sql<boolean>`CASE WHEN t.fhir_detail ? 'category' THEN t.fhir_detail->'category' @> ${JSON.stringify([{ coding: [coding] }])}::jsonb ELSE ${derived} END`;
  },
};

export const TYPES: Record<string, TypeDef> = {
  Patient: {
    type: 'Patient',
    kind: 'resident',
    table: 'resident',
    from: sql`resident t`,
    residentColumn: sql`t.id`,
    defaultSort: sql`t.name, t.birth_date, t.id`,
    lastUpdated: sql`t.updated_at`,
    visible: sql<boolean>`t.status <> 'merged'`,
    includes: [],
    revIncludes: [], // filled below from the entry types that refer to a patient
    interactions: ['read', 'vread', 'history-instance', 'search-type', 'create'],
    params: {
      ...common(sql`t.updated_at`),
      identifier: {
        type: 'token',
        documentation: `National ID (${SYSTEMS.nationalId}), platform id (${SYSTEMS.resident}) or another identifier, as system|value`,
        where(value, _modifier, env) {
          const { system, code } = parseToken(value);
          if (!code) return sql<boolean>`false`;
          const v = code.trim().toUpperCase();
          if (system === SYSTEMS.resident) return /^[0-9a-f-]{36}$/i.test(code) ? sql<boolean>`t.id = ${code}::uuid` : sql<boolean>`false`;
          const national = sql<boolean>`t.national_id_bidx = ${env.blindIndex('national_id', v)}`;
          if (system === SYSTEMS.nationalId) return national;
          const other = sql<boolean>`EXISTS (SELECT 1 FROM resident_identifier ri WHERE ri.resident_id = t.id AND ri.value_bidx = ${env.blindIndex('identifier', v)}
            AND (${system ?? null}::text IS NULL OR ri.system_uri = ${system ?? null}::text))`;
          return system === undefined ? sql<boolean>`(${national} OR ${other})` : other;
        },
      },
      name: stringParam(sql`t.name`, 'Name (starts with; :exact, :contains)'),
      birthdate: dateParam(sql`t.birth_date`, 'date', 'Date of birth'),
      gender: { type: 'token', documentation: 'male | female | unknown', where: (v) => sql<boolean>`t.sex = ${parseToken(v).code ?? ''}` },
    },
  },
  Observation: entryType('Observation', 'observation', sql`t.effective_at DESC, t.id`, {
    patient: patientParam('The resident'),
    subject: patientParam('The resident (Patient/id)'),
    code: codeParam(SYSTEMS.loinc, sql`t.loinc`, sql`t.fhir_detail->'code'`, 'LOINC code (system|code)'),
    category: observationCategory,
    date: dateParam(sql`t.effective_at`, 'timestamptz', 'When measured (effective)'),
    status: statusParam(OBS_STATUS, 'final | amended | entered-in-error …'),
    encounter: referenceParam('Encounter', sql`t.encounter_id`, 'The encounter'),
  }),
  Condition: entryType('Condition', 'condition', sql`t.diagnosed_on DESC, t.id`, {
    patient: patientParam('The resident'),
    subject: patientParam('The resident (Patient/id)'),
    code: codeParam(SYSTEMS.icd10, sql`t.icd10`, sql`t.fhir_detail->'code'`, 'ICD-10 (or the coding as given, e.g. SNOMED CT)'),
    'clinical-status': statusParam(COND_CLINICAL, 'active | resolved …'),
    'onset-date': dateParam(sql`t.onset_date`, 'date', 'Onset'),
    'recorded-date': dateParam(sql`t.diagnosed_on`, 'date', 'When diagnosed'),
  }),
  Encounter: entryType('Encounter', 'encounter', sql`t.started_at DESC, t.id`, {
    patient: patientParam('The resident'),
    subject: patientParam('The resident (Patient/id)'),
    date: dateParam(sql`t.started_at`, 'timestamptz', 'When it started'),
    status: statusParam(ENC_STATUS, 'finished | in-progress | entered-in-error …'),
    class: {
      type: 'token',
      documentation: 'AMB | IMP | EMER | HH | VR',
      where: (v) => sql<boolean>`coalesce(t.fhir_detail->'class'->>'code', CASE t.kind WHEN 'inpatient' THEN 'IMP' WHEN 'emergency' THEN 'EMER' WHEN 'home_visit' THEN 'HH' WHEN 'teleconsultation' THEN 'VR' ELSE 'AMB' END) = ${parseToken(v).code ?? ''}`,
    },
  }),
  MedicationRequest: entryType('MedicationRequest', 'medication', sql`t.start_date DESC, t.id`, {
    patient: patientParam('The resident'),
    subject: patientParam('The resident (Patient/id)'),
    code: codeParam(SYSTEMS.atc, sql`t.atc_code`, sql`t.fhir_detail->'code'`, 'Medicine code (ATC, or the coding as given, e.g. RxNorm)'),
    authoredon: dateParam(sql`t.start_date`, 'date', 'When prescribed'),
    status: statusParam(MED_STATUS, 'active | completed | stopped | entered-in-error …'),
  }),
  Immunization: entryType('Immunization', 'immunization', sql`t.occurred_on DESC, t.id`, {
    patient: patientParam('The resident'),
    date: dateParam(sql`t.occurred_on`, 'date', 'When given'),
    status: statusParam(IMM_STATUS, 'completed | not-done | entered-in-error'),
    'vaccine-code': codeParam(null, sql`t.vaccine_code`, sql`t.fhir_detail->'code'`, 'Vaccine code'),
  }),
  Task: {
    type: 'Task',
    kind: 'resident',
    table: 'care_task',
    from: sql`care_task t`,
    residentColumn: sql`t.resident_id`,
    defaultSort: sql`t.due_date, t.id`,
    lastUpdated: sql`t.created_at`,
    includes: ['Task:patient'],
    revIncludes: [],
    interactions: ['read', 'search-type'],
    params: {
      ...common(sql`t.created_at`),
      patient: patientParam('The resident (Task.for)'),
      status: statusParam(sql`CASE t.status WHEN 'open' THEN 'ready' WHEN 'done' THEN 'completed' ELSE 'cancelled' END`, 'ready (open) | completed | cancelled'),
      code: codeParam(CARE_TASK_SYSTEM, sql`t.task_code`, sql`'{}'::jsonb`, 'Task code (e.g. followup:hypertension)'),
      period: dateParam(sql`t.due_date`, 'date', 'Due date'),
    },
  },
  Organization: {
    type: 'Organization',
    kind: 'shared',
    table: 'institution',
    from: sql`institution t`,
    residentColumn: sql`NULL`,
    defaultSort: sql`t.code`,
    lastUpdated: sql`t.created_at`,
    includes: [],
    revIncludes: [],
    interactions: ['read', 'search-type'],
    params: {
      ...common(sql`t.created_at`),
      identifier: {
        type: 'token',
        documentation: `Institution code (${SYSTEMS.institution}) or USCC (${SYSTEMS.uscc})`,
        where(value) {
          const { system, code } = parseToken(value);
          if (!code) return sql<boolean>`false`;
          if (system === SYSTEMS.uscc) return sql<boolean>`t.uscc = ${code}`;
          if (system === undefined) return sql<boolean>`(t.code = ${code} OR t.uscc = ${code})`;
          return system === SYSTEMS.institution ? sql<boolean>`t.code = ${code}` : sql<boolean>`false`;
        },
      },
      name: stringParam(sql`t.name`, 'Name (starts with)'),
    },
  },
  Practitioner: {
    type: 'Practitioner',
    kind: 'shared',
    table: 'app_user',
    from: sql`app_user t`,
    residentColumn: sql`NULL`,
    defaultSort: sql`t.display_name, t.id`,
    lastUpdated: sql`t.created_at`,
    visible: sql<boolean>`t.role <> 'resident'`,
    includes: [],
    revIncludes: [],
    interactions: ['read', 'search-type'],
    params: {
      ...common(sql`t.created_at`),
      identifier: {
        type: 'token',
        documentation: `Staff log-in (${SYSTEMS.staff}|username)`,
        where(value) {
          const { system, code } = parseToken(value);
          return code && (system === undefined || system === SYSTEMS.staff) ? sql<boolean>`t.username = ${code}` : sql<boolean>`false`;
        },
      },
      name: stringParam(sql`t.display_name`, 'Name (starts with)'),
    },
  },
};

TYPES.Patient!.revIncludes = Object.values(TYPES).flatMap((d) => d.includes.filter((i) => i.endsWith(':patient') || i.endsWith(':subject')));

/** Parameters every search accepts, besides the type's own. */
/** `_elements` and `_total` are not implemented: ignored when lenient, 400 with handling=strict. */
export const RESULT_PARAMS = ['_count', '_offset', '_summary', '_sort', '_format', '_include', '_revinclude'] as const;
/** At most this many resources are included in one page (_include and _revinclude together). */
export const INCLUDE_CAP = 100;
export const MAX_COUNT = 500;
export const DEFAULT_COUNT = 20;
