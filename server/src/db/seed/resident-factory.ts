/**
 * One synthetic resident and everything the district's systems would hold about them: identity (encrypted,
 * blind-indexed, masked as on the write path), basic information, conditions, contract, programme
 * enrolments with their follow-up history and tasks, encounters, observations, medications, immunisations,
 * screenings, assessments and referrals. Deterministic for a given seed (apart from UUIDs and encryption IVs).
 */
import { randomUUID } from 'node:crypto';
import {
  addDays,
  addMonths,
  addYears,
  ageOn,
  antenatalSchedule,
  postpartumSchedule,
  childHealthSchedule,
  daysBetween,
  elderlyAnnualCheck,
  expectedDeliveryDate,
  glucoseCategory,
  screenBloodPressure,
  scoreSelfCare,
  type ScheduledVisit,
  type SelfCareAnswers,
} from '../../chronic/rules/index.js';
import { VITAL_SIGNS } from '../../records/vital-signs.js';
import { makeNationalId } from '../../residents/national-id.js';
import { protectIdentifier, resolveIdentity } from '../../residents/resident-identity.js';
import type { BasicInfo } from '../../residents/resident.schemas.js';
import type { FieldCrypto } from '../../security/field-crypto.js';
import type { RowBuffer } from './bulk-insert.js';
import { ChronicChain, cst, RECORDS_BEGIN, type ChronicProgramme, type Lifestyle, type MedicationLine } from './care-history.js';
import {
  ASPIRIN,
  ATORVASTATIN,
  CHILD_VACCINES,
  CONDITIONS,
  DISABILITIES,
  DM_DRUGS,
  ETHNICITIES,
  HTN_DRUGS,
  OCCUPATIONS,
  SURGERIES,
  growthMedian,
  type ConditionCode,
  type Drug,
} from './catalogues.js';
import { NameMaker } from './names.js';
import type { DistrictOrg, GridOrg, HospitalOrg, StaffRef, TeamOrg } from './organisation.js';
import type { Random } from './random.js';
import { Weighted } from './random.js';

type Sex = 'male' | 'female';

const ID_REGIONS_LOCAL = ['330106'];
// prettier-ignore
const ID_REGIONS_PROVINCE = ['330102', '330105', '330108', '330109', '330110', '330122', '330302', '330602', '330782', '331002'];
// prettier-ignore
const ID_REGIONS_OTHER = ['340102', '320102', '360102', '410102', '430102', '510104', '420102', '370102', '350102', '440106', '130102', '230102'];
// prettier-ignore
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '153', '155', '156', '157',
  '158', '159', '166', '173', '176', '177', '178', '180', '181', '182', '183', '185', '186', '187', '188', '189',
  '191', '198', '199',
];

/** Hypertension and type 2 diabetes prevalence by age band (≥35), tuned to ~25 % and ~9 % of residents ≥35. */
function htnPrevalence(age: number): number {
  if (age < 35) return 0;
  if (age < 45) return 0.07;
  if (age < 55) return 0.16;
  if (age < 65) return 0.28;
  if (age < 75) return 0.4;
  return 0.48;
}
function dmPrevalence(age: number): number {
  if (age < 35) return 0;
  if (age < 45) return 0.025;
  if (age < 55) return 0.06;
  if (age < 65) return 0.11;
  if (age < 75) return 0.14;
  return 0.15;
}

export interface GenCounters {
  residents: number;
  withNationalId: number;
  withPhone: number;
  contracted: number;
  duplicates: number;
}

export interface FactoryOptions {
  today: string;
  /** Timestamp (ISO) written as risk_computed_at. */
  nowIso: string;
  reservedNationalIds?: Iterable<string>;
  reservedPhones?: Iterable<string>;
}

export class ResidentFactory {
  readonly names: NameMaker;
  private readonly ageTable: Weighted<number>;
  private readonly idRegion: Weighted<string[]>;
  private readonly ethnicity: Weighted<string>;
  private readonly occupation: Weighted<string>;
  private readonly htnDrug: Weighted<Drug>;
  private readonly dmDrug: Weighted<Drug>;
  private readonly idCounters = new Map<string, number>();
  private readonly reservedIds: Set<string>;
  private readonly phones: Set<string>;
  private readonly certificates = new Set<string>();
  private readonly window: string;
  readonly counters: GenCounters = { residents: 0, withNationalId: 0, withPhone: 0, contracted: 0, duplicates: 0 };
  private readonly today: string;
  private readonly nowIso: string;
  private readonly todayDate: Date;

  constructor(
    private readonly rng: Random,
    private readonly crypto: FieldCrypto,
    private readonly org: DistrictOrg,
    opts: FactoryOptions,
  ) {
    this.today = opts.today;
    this.nowIso = opts.nowIso;
    this.todayDate = new Date(`${opts.today}T12:00:00Z`);
    this.window = addMonths(opts.today, -15);
    this.names = new NameMaker(rng);
    this.reservedIds = new Set(opts.reservedNationalIds ?? []);
    this.phones = new Set(opts.reservedPhones ?? []);
    // Age pyramid, China 2026: 0–6 ≈5 %, 7–34 ≈30 %, 35–64 ≈45 %, ≥65 ≈20 % (births falling, old age tapering).
    const ages: [number, number][] = [];
    const young = [0.8, 0.85, 0.9, 0.95, 1.05, 1.15, 1.3];
    const youngSum = young.reduce((a, b) => a + b, 0);
    young.forEach((w, a) => ages.push([a, (5 * w) / youngSum]));
    for (let a = 7; a <= 34; a++) ages.push([a, 30 / 28]);
    for (let a = 35; a <= 64; a++) ages.push([a, 45 / 30]);
    const old: number[] = [];
    for (let a = 65; a <= 100; a++) old.push(Math.exp(-(a - 65) / 9));
    const oldSum = old.reduce((a, b) => a + b, 0);
    old.forEach((w, i) => ages.push([65 + i, (20 * w) / oldSum]));
    this.ageTable = new Weighted(ages);
    this.idRegion = new Weighted([
      [ID_REGIONS_LOCAL, 60],
      [ID_REGIONS_PROVINCE, 25],
      [ID_REGIONS_OTHER, 15],
    ]);
    this.ethnicity = new Weighted(ETHNICITIES);
    this.occupation = new Weighted(OCCUPATIONS);
    this.htnDrug = new Weighted(HTN_DRUGS.map((d, i) => [d, [30, 18, 14, 10, 8, 8, 6, 6][i] ?? 5] as const));
    this.dmDrug = new Weighted(DM_DRUGS.map((d, i) => [d, [45, 15, 12, 10, 8, 10][i] ?? 5] as const));
  }

  // -------------------------------------------------------------------------------------------------------
  // Identity
  // -------------------------------------------------------------------------------------------------------

  /** A valid, unique national ID for this birth date and sex (sequence parity = sex). */
  nationalId(birthDate: string, sex: Sex, regionCode?: string): string {
    const region = regionCode ?? this.rng.pick(this.idRegion.pick(this.rng));
    const key = `${region}${birthDate}${sex}`;
    let k = this.idCounters.get(key) ?? 0;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
    for (;;) {
      if (k >= 500) throw new Error(`national ID sequences exhausted for ${key}`);
      const seq = 2 * ((h + 199 * k) % 500) + (sex === 'male' ? 1 : 0);
      k++;
      const id = makeNationalId(region, birthDate, seq);
      if (!this.reservedIds.has(id)) {
        this.idCounters.set(key, k);
        return id;
      }
    }
  }

  phone(): string {
    for (;;) {
      let p = this.rng.pick(MOBILE_PREFIXES);
      for (let i = 0; i < 8; i++) p += String(this.rng.int(0, 9));
      if (!this.phones.has(p)) {
        this.phones.add(p);
        return p;
      }
    }
  }

  private certificate(prefixes: string, digits: number): string {
    for (;;) {
      let v = this.rng.pick([...prefixes]);
      for (let i = 0; i < digits; i++) v += String(this.rng.int(0, 9));
      if (!this.certificates.has(v)) {
        this.certificates.add(v);
        return v;
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------------------

  private dateBetween(from: string, to: string): string {
    const span = daysBetween(from, to);
    return span <= 0 ? from : addDays(from, this.rng.int(0, span));
  }

  /** A plausible BP pair: diastolic at least 25 mmHg below systolic. */
  private bp(sbp: number, dbp: number): [number, number] {
    return [sbp, Math.min(dbp, sbp - 25)];
  }

  private minute(fromHour = 8, toHour = 16): number {
    return this.rng.int(fromHour * 60, toHour * 60);
  }

  private observation(
    buf: RowBuffer,
    residentId: string,
    loinc: keyof typeof VITAL_SIGNS,
    value: number,
    at: string,
    institutionId: string,
    recordedBy: string | null,
    source: 'clinic' | 'hospital',
    encounterId: string | null,
  ): void {
    buf.add('observation', {
      id: randomUUID(),
      resident_id: residentId,
      institution_id: institutionId,
      recorded_by: recordedBy,
      recorded_at: at,
      source,
      entry_status: 'active',
      encounter_id: encounterId,
      loinc,
      display: VITAL_SIGNS[loinc].display,
      value_numeric: value,
      value_text: null,
      unit: VITAL_SIGNS[loinc].unit,
      effective_at: at,
    });
  }

  private encounter(
    buf: RowBuffer,
    e: {
      residentId: string;
      institutionId: string;
      recordedBy: string | null;
      source: 'clinic' | 'hospital';
      kind: string;
      date: string;
      minute?: number;
      days?: number;
      department?: string | null;
      practitioner?: string | null;
      reason?: string | null;
      diagnosis?: string | null;
      summary?: string | null;
    },
  ): { id: string; at: string } {
    const id = randomUUID();
    const m = e.minute ?? this.minute();
    const at = cst(e.date, Math.floor(m / 60), m % 60);
    const end = e.days ? cst(addDays(e.date, e.days), 10, 0) : cst(e.date, Math.min(23, Math.floor(m / 60) + 1), m % 60);
    buf.add('encounter', {
      id,
      resident_id: e.residentId,
      institution_id: e.institutionId,
      recorded_by: e.recordedBy,
      recorded_at: end,
      source: e.source,
      entry_status: 'active',
      kind: e.kind,
      started_at: at,
      ended_at: end,
      department: e.department ?? null,
      practitioner_name: e.practitioner ?? null,
      reason: e.reason ?? null,
      diagnosis_text: e.diagnosis ?? null,
      summary: e.summary ?? null,
    });
    return { id, at };
  }

  private task(
    buf: RowBuffer,
    t: {
      residentId: string;
      programme: string;
      code: string;
      labelZh: string;
      labelEn: string;
      dueDate: string;
      windowEnd: string;
      team: TeamOrg;
      assignee: StaffRef;
      status: 'open' | 'done' | 'cancelled';
      doneOn?: string | null;
      doneRef?: string | null;
      reason?: string | null;
      createdOn: string;
      priority?: 'urgent' | 'high' | 'normal';
    },
  ): void {
    buf.add('care_task', {
      id: randomUUID(),
      resident_id: t.residentId,
      programme: t.programme,
      task_code: t.code,
      label: t.labelZh,
      label_en: t.labelEn,
      due_date: t.dueDate,
      window_end: t.windowEnd,
      team_id: t.team.id,
      assignee_user_id: t.assignee.id,
      priority: t.priority ?? 'normal',
      reason: t.reason ?? null,
      status: t.status,
      done_on: t.doneOn ?? null,
      done_ref: t.doneRef ?? null,
      created_at: cst(t.createdOn, 8, 0),
    });
  }

  private specialist(h: HospitalOrg, key: string): StaffRef | null {
    const d = h.departments.get(key);
    return d && d.specialists.length ? this.rng.pick(d.specialists) : null;
  }

  // -------------------------------------------------------------------------------------------------------
  // One resident
  // -------------------------------------------------------------------------------------------------------

  /** Generates one resident and every related row into `buf`. */
  resident(buf: RowBuffer): void {
    const rng = this.rng;
    const today = this.today;
    const age = this.ageTable.pick(rng);
    const birthDate = addDays(addYears(today, -age), -rng.int(0, 364));
    const maleShare = age < 60 ? 0.51 : age < 80 ? 0.49 : 0.42;
    const sex: Sex = rng.chance(maleShare) ? 'male' : 'female';
    const birthYear = Number(birthDate.slice(0, 4));
    const grid: GridOrg = rng.pick(this.org.grids);
    const team = grid.team;
    const centre = team.centre;
    const residentId = randomUUID();

    // Identity.
    const foreign = age >= 18 && age <= 70 && rng.chance(0.005);
    const name = foreign ? this.names.foreign() : this.names.full(birthYear, sex);
    let nationalId: string | undefined;
    const identifiers: { system: string; value: string; issuer: string | null }[] = [];
    if (foreign) {
      identifiers.push({ system: 'passport', value: this.certificate('EGKPS', 8), issuer: null });
    } else if (age <= 6 && rng.chance(0.4)) {
      identifiers.push({ system: 'birth_certificate', value: this.certificate('MNOPQR', 9), issuer: '浙江省卫生健康委员会' });
    } else if (age >= 18 && rng.chance(0.0065)) {
      // No document on file yet: matched by name + birth date + sex + phone.
    } else {
      nationalId = this.nationalId(birthDate, sex, age <= 6 ? '330106' : undefined);
    }
    if (nationalId && rng.chance(0.05))
      identifiers.push({ system: 'health_card', value: this.certificate('H', 15), issuer: '示范区卫生健康局' });
    const phoneShare = age < 7 ? 0 : age < 16 ? 0.7 : age < 80 ? 0.98 : 0.9;
    const phone = rng.chance(phoneShare) ? this.phone() : undefined;
    const identity = resolveIdentity({ nationalId, sex, birthDate, phone }, this.crypto, this.todayDate);

    // Residence.
    const bornHere = nationalId?.startsWith('330106') ?? false;
    let residentSince: string;
    if (age <= 6 || (bornHere && rng.chance(0.6))) residentSince = birthDate;
    else if (rng.chance(0.03)) residentSince = addDays(today, -rng.int(10, 170));
    else {
      const from = addYears(birthDate, Math.min(age, 18));
      const earliest = from > '1990-01-01' ? from : '1990-01-01';
      residentSince = this.dateBetween(earliest < birthDate ? birthDate : earliest, addMonths(today, -7));
    }
    const address = `示范区${centre.subdistrict}街道${grid.community}社区${rng.int(1, 48)}幢${rng.int(1, 4)}单元${rng.int(1, 18)}${String(rng.int(1, 4)).padStart(2, '0')}室`;

    // Key populations and conditions.
    const htn = rng.chance(htnPrevalence(age));
    const dm = rng.chance(dmPrevalence(age) * (htn ? 1.6 : 0.8));
    const chronic = htn || dm;
    const elderly = age >= 65;
    const child = age <= 6;
    const pregnant = sex === 'female' && age >= 20 && age <= 40 && !foreign && rng.chance(0.01);
    // Births: about 4.7 % of women aged 20–40 gave birth in the last 12 months (matching the 0-year-olds).
    const delivered = sex === 'female' && age >= 20 && age <= 40 && !foreign && !pregnant && rng.chance(0.047);
    const disabled = rng.chance(age >= 65 ? 0.05 : 0.015);
    const poor = rng.chance(0.015);
    const comorbid: ConditionCode[] = [];
    if (chronic) {
      if (rng.chance(0.08 + (age >= 70 ? 0.05 : 0))) comorbid.push('I25');
      if (rng.chance(0.05 + (age >= 70 ? 0.03 : 0))) comorbid.push('I63');
      if (rng.chance(0.03)) comorbid.push('N18');
      if (rng.chance(0.2)) comorbid.push('E78');
    }
    const familyHtn = rng.chance(htn ? 0.35 : 0.15);
    const familyDm = rng.chance(dm ? 0.35 : 0.08);

    // Diagnoses: when each disease was found (after 30, at least a month ago; 12 % within the last 15 months).
    const diagnosis = (minAge: number): string => {
      const byAge = addYears(birthDate, Math.min(minAge, age - 1));
      const earliest = byAge < addDays(today, -60) ? byAge : addDays(today, -60);
      if (rng.chance(0.12)) {
        const from = this.window > earliest ? this.window : earliest;
        return this.dateBetween(from, addDays(today, -30));
      }
      const from = addYears(today, -Math.min(18, Math.max(1, age - minAge)));
      return this.dateBetween(from > earliest ? from : earliest, addDays(today, -30));
    };
    const conditionDates = new Map<ConditionCode, string>();
    if (htn) conditionDates.set('I10', diagnosis(33));
    if (dm) conditionDates.set('E11', diagnosis(34));
    for (const c of comorbid) conditionDates.set(c, diagnosis(40));

    // Contract (team = the grid's team, gp = its GP).
    const pContract = pregnant || delivered ? 0.85 : chronic || elderly ? 0.75 : child ? 0.7 : disabled || poor ? 0.6 : 0.22;
    const contracted = rng.chance(pContract);
    const keyPopulations: string[] = [];
    if (elderly) keyPopulations.push('elderly_65');
    if (htn) keyPopulations.push('hypertension');
    if (dm) keyPopulations.push('diabetes');
    if (pregnant || delivered) keyPopulations.push('pregnant'); // 孕产妇: pregnant and postpartum
    if (child) keyPopulations.push('child_0_6');
    if (disabled) keyPopulations.push('disabled');
    if (poor) keyPopulations.push('poor');

    const basicInfo = this.basicInfo({ age, sex, foreign, familyHtn, familyDm, conditionDates, disabled, poor });

    buf.add('resident', {
      id: residentId,
      name,
      sex,
      birth_date: birthDate,
      ...identity.protectedColumns,
      address,
      home_institution_id: grid.institution.id,
      grid_id: grid.id,
      resident_since: residentSince,
      basic_info: JSON.stringify(basicInfo),
      created_by: team.gp.id,
      // 建档: when the resident settled here (or was born), but not before the platform's records begin.
      created_at: cst(residentSince > RECORDS_BEGIN ? residentSince : RECORDS_BEGIN, 9, 0),
    });
    for (const i of identifiers) {
      buf.add('resident_identifier', {
        id: randomUUID(),
        resident_id: residentId,
        ...protectIdentifier(this.crypto, i.system, i.value),
        issuer: i.issuer,
      });
    }
    this.counters.residents++;
    if (nationalId) this.counters.withNationalId++;
    if (phone) this.counters.withPhone++;

    // A second, unmatched record of the same person (registered at a station without the ID card).
    if (phone && !foreign && age >= 18 && rng.chance(0.0005)) {
      const station = centre.stations.length ? rng.pick(centre.stations) : grid.institution;
      const dupIdentity = resolveIdentity({ sex, birthDate, phone }, this.crypto, this.todayDate);
      buf.add('resident', {
        id: randomUUID(),
        name,
        sex,
        birth_date: birthDate,
        ...dupIdentity.protectedColumns,
        address: `示范区${centre.subdistrict}街道${grid.community}社区`,
        home_institution_id: station.id,
        grid_id: grid.id,
        resident_since: addDays(today, -rng.int(30, 700)),
        basic_info: JSON.stringify({}),
        created_by: team.nurses[0]!.id,
        created_at: new Date(Date.now() + 60_000).toISOString(), // registered after the original
      });
      this.counters.duplicates++;
    }

    // Conditions.
    for (const [code, date] of conditionDates) {
      const atHospital = rng.chance(code === 'I10' || code === 'E11' ? 0.55 : 0.9);
      const hospital = rng.chance(0.6) ? this.org.tertiary : this.org.secondary;
      const depKey = code === 'E11' ? 'endocrinology' : code === 'I63' ? 'neurology' : code === 'N18' ? 'nephrology' : 'cardiology';
      const doctor = atHospital ? (this.specialist(hospital, depKey) ?? this.specialist(hospital, 'cardiology')) : team.gp;
      buf.add('condition', {
        id: randomUUID(),
        resident_id: residentId,
        institution_id: atHospital ? hospital.id : centre.id,
        recorded_by: doctor?.id ?? null,
        recorded_at: cst(date, 10, 30),
        source: atHospital ? 'hospital' : 'clinic',
        entry_status: 'active',
        icd10: code,
        display: CONDITIONS[code].display,
        clinical_status: 'active',
        onset_date: addDays(date, -rng.int(0, 120)),
        diagnosed_on: date,
        note: null,
      });
    }

    // Screening of residents ≥35 without the disease.
    if (age >= 35) {
      if (!htn && rng.chance(contracted ? 0.4 : 0.1)) {
        const [sbp, dbp] = this.bp(rng.normalIn(124, 12, 95, 170), rng.normalIn(78, 8, 55, 105));
        const on = this.dateBetween(addYears(today, -1), today);
        buf.add('screening', {
          id: randomUUID(),
          resident_id: residentId,
          institution_id: grid.institution.id,
          recorded_by: team.nurses[0]!.id,
          recorded_at: cst(on, 9, rng.int(0, 59)),
          entry_status: 'active',
          kind: 'bp',
          measured_on: on,
          sbp,
          dbp,
          fbg: null,
          result: screenBloodPressure(sbp, dbp),
        });
      }
      if (!dm && rng.chance(contracted ? 0.25 : 0.06)) {
        const fbg = rng.normalIn(5.3, 0.6, 3.9, 8.5, 1);
        const on = this.dateBetween(addYears(today, -1), today);
        buf.add('screening', {
          id: randomUUID(),
          resident_id: residentId,
          institution_id: grid.institution.id,
          recorded_by: team.nurses[0]!.id,
          recorded_at: cst(on, 8, rng.int(0, 59)),
          entry_status: 'active',
          kind: 'fbg',
          measured_on: on,
          sbp: null,
          dbp: null,
          fbg,
          result: glucoseCategory(fbg),
        });
      }
    }

    if (!contracted) return;
    this.counters.contracted++;

    // Contract, with the previous year's (superseded) one for about half.
    const start = addDays(today, -rng.int(0, 364));
    const packageCode =
      chronic && rng.chance(0.4)
        ? 'htn_dm'
        : elderly && rng.chance(0.3)
          ? 'elderly'
          : (child || pregnant || delivered) && rng.chance(0.35)
            ? 'maternal_child'
            : 'basic';
    let previousId: string | null = null;
    if (rng.chance(0.5) && residentSince <= addYears(start, -1)) {
      previousId = randomUUID();
      const prevStart = addYears(start, -1);
      buf.add('contract', {
        id: previousId,
        resident_id: residentId,
        team_id: team.id,
        gp_user_id: team.gp.id,
        package_code: packageCode === 'htn_dm' && rng.chance(0.5) ? 'basic' : packageCode,
        key_populations: keyPopulations.filter(
          (k) => (k !== 'pregnant' && k !== 'elderly_65') || (k === 'elderly_65' && ageOn(birthDate, prevStart) >= 65),
        ),
        start_date: prevStart,
        end_date: start,
        status: 'superseded',
        previous_contract_id: null,
        end_reason: '续约',
        ended_at: cst(start, 9, 30),
        signed_by: team.gp.id,
        created_at: cst(prevStart, 9, 30),
      });
    }
    buf.add('contract', {
      id: randomUUID(),
      resident_id: residentId,
      team_id: team.id,
      gp_user_id: team.gp.id,
      package_code: packageCode,
      key_populations: keyPopulations,
      start_date: start,
      end_date: addYears(start, 1),
      status: 'active',
      previous_contract_id: previousId,
      end_reason: null,
      ended_at: null,
      signed_by: team.gp.id,
      created_at: cst(start, 9, 30),
    });

    const ctx: PersonCtx = {
      residentId,
      birthDate,
      sex,
      age,
      team,
      grid,
      residentSince,
      comorbid,
      conditions: [...conditionDates.keys()],
      htn,
      dm,
      familyHtn,
    };
    // The chronic and elderly programmes serve usual residents (常住: living here ≥ 6 months).
    const usualResident = addMonths(residentSince, 6) <= addDays(today, -1);
    if (htn && usualResident) this.chronicHistory(buf, ctx, 'hypertension', conditionDates.get('I10')!);
    if (dm && usualResident) this.chronicHistory(buf, ctx, 'diabetes', conditionDates.get('E11')!);
    if (chronic) this.hospitalCare(buf, ctx);
    if (elderly && usualResident) this.elderlyProgramme(buf, ctx);
    if (child) this.childProgramme(buf, ctx);
    if (pregnant || delivered) this.maternalProgramme(buf, ctx, delivered);
  }

  // -------------------------------------------------------------------------------------------------------
  // Basic information (个人基本信息表)
  // -------------------------------------------------------------------------------------------------------

  private basicInfo(p: {
    age: number;
    sex: Sex;
    foreign: boolean;
    familyHtn: boolean;
    familyDm: boolean;
    conditionDates: Map<ConditionCode, string>;
    disabled: boolean;
    poor: boolean;
  }): BasicInfo {
    const rng = this.rng;
    const info: BasicInfo = {};
    if (!p.foreign) info.ethnicity = this.ethnicity.pick(rng);
    const b = rng.float();
    info.bloodType = b < 0.28 ? 'A' : b < 0.52 ? 'B' : b < 0.86 ? 'O' : b < 0.95 ? 'AB' : 'unknown';
    if (rng.chance(0.003)) info.rhNegative = true;
    const retireAge = p.sex === 'male' ? 60 : 55;
    if (p.age >= 7 && p.age < 19) info.occupation = '学生';
    else if (p.age >= 19 && p.age < 23) info.occupation = rng.chance(0.6) ? '学生' : this.occupation.pick(rng);
    else if (p.age >= 23 && p.age < retireAge) info.occupation = this.occupation.pick(rng);
    else if (p.age >= retireAge) info.occupation = rng.chance(0.8) ? '离退休人员' : '无职业';
    if (p.age >= 18) {
      const r = rng.float();
      info.maritalStatus =
        p.age < 25
          ? r < 0.8
            ? 'unmarried'
            : 'married'
          : p.age < 35
            ? r < 0.3
              ? 'unmarried'
              : r < 0.96
                ? 'married'
                : 'divorced'
            : p.age < 65
              ? r < 0.03
                ? 'unmarried'
                : r < 0.92
                  ? 'married'
                  : r < 0.97
                    ? 'divorced'
                    : 'widowed'
              : r < 0.01
                ? 'unmarried'
                : r < (p.age < 80 ? 0.78 : 0.55)
                  ? 'married'
                  : r < (p.age < 80 ? 0.8 : 0.57)
                    ? 'divorced'
                    : 'widowed';
    }
    const insurance: NonNullable<BasicInfo['insuranceTypes']> = [];
    if (p.foreign) insurance.push(rng.chance(0.6) ? 'commercial' : 'self_pay');
    else {
      const employee = p.age >= 18 && rng.chance(p.age < 60 ? 0.62 : 0.55);
      insurance.push(employee ? 'urban_employee' : 'urban_rural_resident');
      if (p.poor) insurance.push('poverty_relief');
      if (rng.chance(0.1)) insurance.push('commercial');
    }
    info.insuranceTypes = insurance;
    const a = rng.float();
    if (a < 0.04) info.drugAllergies = ['青霉素'];
    else if (a < 0.05) info.drugAllergies = ['磺胺类'];
    else if (a < 0.058) info.drugAllergies = ['头孢类'];
    else if (a < 0.063) info.drugAllergies = ['青霉素', '链霉素'];
    if (p.conditionDates.size) {
      info.pastDiseases = [...p.conditionDates].map(([code, date]) => ({ name: CONDITIONS[code].display, icd10: code, diagnosedOn: date }));
    }
    if (p.age >= 25 && rng.chance(0.04)) {
      info.surgeries = [{ name: rng.pick(SURGERIES), date: addDays(this.today, -rng.int(200, 365 * Math.min(30, p.age - 20))) }];
    }
    if (p.familyHtn || p.familyDm || rng.chance(0.03)) {
      const fh: NonNullable<BasicInfo['familyHistory']> = {};
      const add = (who: 'father' | 'mother' | 'siblings', what: string) => {
        const list = fh[who] ?? [];
        if (!list.includes(what)) list.push(what);
        fh[who] = list;
      };
      if (p.familyHtn) add(rng.chance(0.5) ? 'father' : 'mother', '高血压');
      if (p.familyDm) add(rng.chance(0.5) ? 'mother' : rng.chance(0.7) ? 'father' : 'siblings', '糖尿病');
      if (rng.chance(0.1)) add('father', rng.pick(['冠心病', '脑卒中', '恶性肿瘤']));
      if (Object.keys(fh).length) info.familyHistory = fh;
    }
    if (p.disabled) info.disabilities = [rng.pick(DISABILITIES)];
    info.living = {
      kitchenExhaust: rng.chance(0.92) ? '油烟机' : '换气扇',
      fuel: rng.chance(0.8) ? '天然气' : rng.chance(0.6) ? '液化气' : '电',
      water: '自来水',
      toilet: '卫生厕所',
      livestock: '无',
    };
    return info;
  }

  // -------------------------------------------------------------------------------------------------------
  // Hypertension / diabetes follow-up (the last ~15 months)
  // -------------------------------------------------------------------------------------------------------

  private chronicHistory(buf: RowBuffer, p: PersonCtx, programme: ChronicProgramme, diagnosedOn: string): void {
    const rng = this.rng;
    const today = this.today;
    const team = p.team;
    const enrolmentId = randomUUID();
    const thirtyFifth = addYears(p.birthDate, 35);
    let enrolledOn = addDays(diagnosedOn, rng.int(3, 40));
    if (enrolledOn < thirtyFifth) enrolledOn = thirtyFifth;
    const usualFrom = addMonths(p.residentSince, 6);
    if (enrolledOn < usualFrom) enrolledOn = usualFrom;
    if (enrolledOn > addDays(today, -1)) enrolledOn = addDays(today, -1);

    const heightCm = p.sex === 'male' ? rng.normalIn(169, 6, 150, 190, 1) : rng.normalIn(158, 5, 142, 176, 1);
    const baseBmi = rng.normalIn(24.3, 2.8, 18.5, 36, 1);
    const smoker = rng.chance(p.sex === 'male' ? 0.35 : 0.03);
    const drinker = rng.chance(p.sex === 'male' ? 0.2 : 0.02);

    // Treatment: 1–2 drugs from the enrolment, a further drug after some medication adjustments.
    const pickDrugs = (n: number) => {
      const out: Drug[] = [];
      while (out.length < n) {
        const d = (programme === 'hypertension' ? this.htnDrug : this.dmDrug).pick(rng);
        if (!out.includes(d)) out.push(d);
      }
      return out;
    };
    const drugs = pickDrugs(rng.chance(0.35) ? 2 : 1);
    const prescriber = team.gp;
    const addMedication = (d: Drug, from: string) =>
      buf.add('medication', {
        id: randomUUID(),
        resident_id: p.residentId,
        institution_id: team.centre.id,
        recorded_by: prescriber.id,
        recorded_at: cst(from, 10, 0),
        source: 'clinic',
        entry_status: 'active',
        drug_name: d.name,
        atc_code: d.atc,
        dose: d.dose,
        frequency: d.frequency,
        route: d.route,
        start_date: from,
        end_date: null,
        prescriber_name: prescriber.name,
      });
    for (const d of drugs) addMedication(d, enrolledOn);
    if (programme === 'hypertension' && (p.comorbid.includes('I25') || p.comorbid.includes('I63'))) addMedication(ASPIRIN, enrolledOn);
    if (programme === 'hypertension' && p.comorbid.some((c) => c === 'E78' || c === 'I25' || c === 'I63'))
      addMedication(ATORVASTATIN, enrolledOn);
    const medsNow = (): MedicationLine[] => drugs.map((d) => ({ name: d.name, dose: d.dose, frequency: d.frequency }));

    const newEnrolment = enrolledOn >= this.window;
    // A new enrolment's first follow-up is due at once (within 14 days). An older enrolment's history starts
    // with the routine task its last (not generated) visit before the window opened.
    const firstWindow = addDays(this.window, rng.int(0, 90));
    const continuingCreated = addMonths(firstWindow, -3) > enrolledOn ? addMonths(firstWindow, -3) : enrolledOn;
    const chain = new ChronicChain(
      buf,
      {
        residentId: p.residentId,
        birthDate: p.birthDate,
        sex: p.sex,
        programme,
        enrolmentId,
        teamId: team.id,
        assigneeUserId: team.healthManager.id,
        familyHistoryHypertension: p.familyHtn,
        conditions: p.conditions,
      },
      newEnrolment ? { enrolledOn } : { continuingFrom: { windowEnd: firstWindow, createdOn: continuingCreated } },
    );

    // Two kinds of patient: mostly controlled and prompt, or poorly controlled and slow to come back for the
    // two-week recheck (tuned so that ~60 % are controlled at their latest visit).
    const wellControlled = rng.chance(0.5);
    const propensity = wellControlled ? 0.92 : 0.14;
    const promptRecheck = wellControlled ? 0.9 : 0.25;
    const dropout = rng.chance(0.06) ? addDays(this.window, rng.int(60, 420)) : null;
    const lifestyle: Lifestyle = {
      cigarettesPerDay: smoker ? rng.int(5, 20) : 0,
      spiritsMlPerDay: drinker ? rng.pick([50, 100, 150, 250]) : 0,
      exerciseTimesPerWeek: rng.int(0, 7),
      exerciseMinutesPerSession: rng.pick([0, 20, 30, 45, 60]),
      saltIntake: rng.pick(['light', 'moderate', 'moderate', 'moderate', 'moderate', 'heavy'] as const),
      ...(programme === 'diabetes' ? { stapleFoodGramsPerDay: rng.pick([200, 250, 300, 350, 400]) } : {}),
      psychologicalAdjustment: rng.chance(0.85) ? 'good' : 'fair',
      complianceBehaviour: rng.chance(0.8) ? 'good' : 'fair',
    };
    const adherence = rng.chance(0.8) ? 'regular' : rng.chance(0.8) ? 'intermittent' : 'none';
    let prevDate = newEnrolment ? enrolledOn : addDays(this.window, -30);
    let lastReferral: string | null = null;

    for (;;) {
      const due = chain.nextDue;
      const last = chain.last;
      // Short interval: the two weeks after enrolment or after a visit that did not say "continue".
      const short = last === undefined ? newEnrolment : last.action !== 'continue';
      const r = rng.float();
      let date = short
        ? r < promptRecheck
          ? addDays(due, -rng.int(0, 4))
          : addDays(due, rng.int(10, 70))
        : r < 0.8
          ? addDays(due, -rng.int(0, 20))
          : r < 0.95
            ? addDays(due, rng.int(1, 30))
            : addDays(due, rng.int(31, 100));
      const earliest = addDays(prevDate, short ? 7 : 30);
      if (date < earliest) date = earliest;
      if (date > today || (dropout !== null && date > dropout)) break;

      const age = ageOn(p.birthDate, date);
      const pc = Math.min(0.97, propensity + (last && !last.controlled ? 0.06 : 0));
      const controlled = rng.chance(pc);
      let sbp: number;
      let dbp: number;
      let fbg: number | null = null;
      let hba1c: number | null = null;
      const symptoms: string[] = [];
      if (programme === 'hypertension') {
        const target = age >= 65 ? 150 : 140;
        if (controlled) {
          [sbp, dbp] = this.bp(rng.normalIn(126 + (age >= 65 ? 6 : 0), 8, 100, target - 1), rng.normalIn(79, 6, 58, 89));
        } else if (rng.chance(0.03)) {
          sbp = rng.int(180, 198);
          dbp = rng.int(95, 115);
          if (rng.chance(0.3)) symptoms.push('severe_headache_dizziness');
        } else if (rng.chance(0.15)) {
          [sbp, dbp] = this.bp(rng.normalIn(target - 8, 5, 118, target - 1), rng.int(90, 104));
        } else {
          [sbp, dbp] = this.bp(rng.normalIn(target + 10, 8, target, 178), rng.normalIn(88, 7, 70, 108));
        }
        if (rng.chance(0.002)) symptoms.push('chest_tightness');
      } else {
        if (controlled) fbg = rng.normalIn(6.1, 0.45, 4.4, 6.9, 1);
        else if (rng.chance(0.02)) {
          fbg = rng.chance(0.5) ? rng.normalIn(18, 1.2, 16.7, 24, 1) : rng.normalIn(3.5, 0.2, 3.0, 3.9, 1);
          if (fbg > 10 && rng.chance(0.4)) symptoms.push('polydipsia', 'polyuria');
        } else fbg = rng.normalIn(8.6, 1.4, 7.0, 15.5, 1);
        if (chain.visitCount % 2 === 0) hba1c = controlled ? rng.normalIn(6.4, 0.3, 5.6, 6.9, 1) : rng.normalIn(7.9, 0.8, 7.0, 11, 1);
        [sbp, dbp] = p.htn
          ? this.bp(rng.normalIn(134, 12, 105, 175), rng.normalIn(82, 8, 60, 104))
          : this.bp(rng.normalIn(124, 9, 100, 145), rng.normalIn(77, 6, 58, 92));
      }
      const ar = rng.float();
      const adverseReaction = ar < 0.02 ? 'controllable' : ar < 0.024 ? 'uncontrollable' : 'none';
      const adverseDetail =
        adverseReaction === 'none'
          ? null
          : programme === 'hypertension'
            ? rng.pick(['踝部水肿', '干咳', '头晕乏力'])
            : rng.pick(['胃肠道不适', '低血糖反应', '皮疹']);
      const newComplication = rng.chance(0.006);
      const home = rng.chance(age >= 75 ? 0.35 : 0.08);
      const weight = Math.round((baseBmi + rng.normal(0, 0.6)) * (heightCm / 100) ** 2 * 10) / 10;
      const outcome = chain.addVisit({
        date,
        mode: home ? 'home' : 'clinic',
        institutionId: team.centre.id,
        recordedBy: home ? team.nurses[0]!.id : rng.chance(0.7) ? team.gp.id : team.healthManager.id,
        sbp,
        dbp,
        heartRate: rng.normalIn(75, 8, 56, 98),
        fbg,
        hba1c,
        symptoms,
        adverseReaction,
        adverseReactionDetail: adverseDetail,
        newComplication,
        complicationDetail: newComplication ? rng.pick(['视物模糊加重', '下肢麻木', '活动后胸闷']) : null,
        weightKg: weight,
        heightCm,
        waistCm: rng.normalIn(baseBmi * 3.2 + (p.sex === 'male' ? 6 : 3), 3, 60, 130),
        lifestyle,
        adherence,
        medications: medsNow(),
        minuteOfDay: this.minute(8, 16),
      });
      if (outcome.action === 'adjust_medication' && drugs.length < 3 && rng.chance(0.4)) {
        const extra = pickDrugs(drugs.length + 1).find((d) => !drugs.includes(d));
        if (extra) {
          drugs.push(extra);
          addMedication(extra, date);
        }
      }
      // Most suggested referrals are made, but a patient is not referred again within four months unless urgent.
      if (
        outcome.referralSuggested &&
        (outcome.urgent || lastReferral === null || daysBetween(lastReferral, date) > 120) &&
        rng.chance(0.6)
      ) {
        this.upReferral(buf, p, programme, date, outcome.urgent, outcome.classification);
        lastReferral = date;
      }
      prevDate = date;
    }

    buf.add('programme_enrolment', {
      id: enrolmentId,
      resident_id: p.residentId,
      programme,
      status: 'active',
      enrolled_on: enrolledOn,
      icd10: programme === 'hypertension' ? 'I10' : 'E11',
      team_id: team.id,
      doctor_user_id: team.gp.id,
      institution_id: team.centre.id,
      details: JSON.stringify({}),
      ...chain.finish(),
      enrolled_by: team.gp.id,
      created_at: cst(enrolledOn, 10, 0),
    });
  }

  /** An up-referral after a visit that suggested one; its state depends on how long ago it was. */
  private upReferral(
    buf: RowBuffer,
    p: PersonCtx,
    programme: ChronicProgramme,
    date: string,
    urgent: boolean,
    classification: string,
  ): void {
    const rng = this.rng;
    const today = this.today;
    const to = urgent || rng.chance(0.55) ? this.org.tertiary : this.org.secondary;
    const depKey = programme === 'hypertension' ? 'cardiology' : 'endocrinology';
    const ago = daysBetween(date, today);
    const requestedAt = cst(date, 11, rng.int(0, 59));
    let status: string;
    let seen: string | null = null;
    let returned: string | null = null;
    if (ago <= 2) status = 'requested';
    else if (ago <= 6) status = rng.chance(0.5) ? 'accepted' : 'requested';
    else {
      seen = urgent ? date : addDays(date, rng.int(1, Math.min(5, ago - 1)));
      if (ago <= 20) status = 'in_progress';
      else {
        const back = addDays(seen, rng.int(3, 10));
        returned = back > today ? today : back;
        status = 'completed';
        // Results returned: the loop is closed (FHIR Task 'completed'); the draw keeps earlier datasets' random sequence.
        void rng.chance(0.7);
      }
    }
    const reasons: Record<string, string> = {
      urgent: programme === 'hypertension' ? '随访血压≥180/110mmHg，紧急转诊' : '随访血糖危急值，紧急转诊',
      two_consecutive_uncontrolled:
        programme === 'hypertension'
          ? '连续两次随访血压控制不满意，转上级医院调整治疗方案'
          : '连续两次随访血糖控制不满意，转内分泌科调整治疗方案',
      adverse_reaction_uncontrollable: '药物不良反应难以控制，转上级医院',
      complication: '出现新的并发症或原有并发症加重，转上级医院',
    };
    buf.add('referral', {
      id: randomUUID(),
      resident_id: p.residentId,
      direction: 'up',
      from_institution_id: p.team.centre.id,
      to_institution_id: to.id,
      urgency: urgent ? (rng.chance(0.3) ? 'green_channel' : 'urgent') : 'routine',
      reason: reasons[classification] ?? '转上级医院进一步诊治',
      status,
      requested_by: p.team.gp.id,
      requested_at: requestedAt,
      seen_at: seen ? cst(seen, 9, rng.int(0, 59)) : null,
      returned_at: returned ? cst(returned, 16, rng.int(0, 59)) : null,
      updated_at: returned ? cst(returned, 16, 59) : seen ? cst(seen, 10, 0) : requestedAt,
    });
    if (seen) {
      const doctor = this.specialist(to, depKey);
      this.encounter(buf, {
        residentId: p.residentId,
        institutionId: to.id,
        recordedBy: doctor?.id ?? null,
        source: 'hospital',
        kind: urgent ? 'emergency' : 'outpatient',
        date: seen,
        department: to.departments.get(urgent ? 'emergency' : depKey)?.name ?? null,
        practitioner: doctor?.name ?? null,
        reason: '社区转诊',
        diagnosis: programme === 'hypertension' ? '原发性高血压' : '2型糖尿病',
        summary: '已调整用药方案，建议回社区继续随访管理',
      });
    }
    // Some come back down with a written plan.
    if (returned && rng.chance(0.35)) {
      const downOn = returned;
      const ago2 = daysBetween(downOn, today);
      buf.add('referral', {
        id: randomUUID(),
        resident_id: p.residentId,
        direction: 'down',
        from_institution_id: to.id,
        to_institution_id: p.team.centre.id,
        urgency: 'routine',
        reason: '病情稳定，下转社区继续管理（附用药指导及监测频次）',
        status: ago2 <= 5 ? 'requested' : rng.chance(0.5) ? 'accepted' : 'completed',
        requested_by: this.specialist(to, depKey)?.id ?? null,
        requested_at: cst(downOn, 15, 0),
        seen_at: null,
        returned_at: null,
        updated_at: cst(downOn, 15, 0),
      });
    }
  }

  /** Hospital outpatient reviews and, for cardiovascular complications, an admission with a down-referral. */
  private hospitalCare(buf: RowBuffer, p: PersonCtx): void {
    const rng = this.rng;
    const today = this.today;
    if (rng.chance(0.3)) {
      const h = rng.chance(0.5) ? this.org.tertiary : this.org.secondary;
      const key = p.htn && (!p.dm || rng.chance(0.5)) ? 'cardiology' : 'endocrinology';
      const doctor = this.specialist(h, key);
      const date = this.dateBetween(this.window, addDays(today, -1));
      const e = this.encounter(buf, {
        residentId: p.residentId,
        institutionId: h.id,
        recordedBy: doctor?.id ?? null,
        source: 'hospital',
        kind: 'outpatient',
        date,
        department: h.departments.get(key)?.name ?? null,
        practitioner: doctor?.name ?? null,
        reason: key === 'cardiology' ? '高血压复诊' : '糖尿病复诊',
        diagnosis: key === 'cardiology' ? '原发性高血压' : '2型糖尿病',
        summary: '病情平稳，继续原方案治疗',
      });
      if (key === 'cardiology') {
        const [sbp, dbp] = this.bp(rng.normalIn(138, 12, 105, 178), rng.normalIn(84, 8, 60, 105));
        this.observation(buf, p.residentId, '8480-6', sbp, e.at, h.id, doctor?.id ?? null, 'hospital', e.id);
        this.observation(buf, p.residentId, '8462-4', dbp, e.at, h.id, doctor?.id ?? null, 'hospital', e.id);
      } else {
        this.observation(
          buf,
          p.residentId,
          '14771-0',
          rng.normalIn(7.2, 1.3, 4.5, 14, 1),
          e.at,
          h.id,
          doctor?.id ?? null,
          'hospital',
          e.id,
        );
        this.observation(buf, p.residentId, '4548-4', rng.normalIn(7.3, 0.9, 5.5, 11, 1), e.at, h.id, doctor?.id ?? null, 'hospital', e.id);
      }
    }
    const acute = p.comorbid.find((c) => c === 'I63' || c === 'I25');
    if (acute && rng.chance(0.4)) {
      const h = rng.chance(0.7) ? this.org.tertiary : this.org.secondary;
      const key = acute === 'I63' ? 'neurology' : 'cardiology';
      const doctor = this.specialist(h, key);
      const date = this.dateBetween(addYears(today, -3), addDays(today, -20));
      const days = rng.int(6, 14);
      this.encounter(buf, {
        residentId: p.residentId,
        institutionId: h.id,
        recordedBy: doctor?.id ?? null,
        source: 'hospital',
        kind: 'inpatient',
        date,
        days,
        department: h.departments.get(key)?.name ?? null,
        practitioner: doctor?.name ?? null,
        reason: acute === 'I63' ? '突发左侧肢体无力' : '反复胸闷胸痛',
        diagnosis: CONDITIONS[acute].display,
        summary: '好转出院，出院后社区随访，按时服药，定期复查',
      });
      const out = addDays(date, days);
      buf.add('referral', {
        id: randomUUID(),
        resident_id: p.residentId,
        direction: 'down',
        from_institution_id: h.id,
        to_institution_id: p.team.centre.id,
        urgency: 'routine',
        reason: `${CONDITIONS[acute].display}出院，下转社区康复及随访`,
        status: daysBetween(out, today) <= 5 ? 'requested' : 'completed',
        requested_by: doctor?.id ?? null,
        requested_at: cst(out, 10, 0),
        seen_at: null,
        returned_at: null,
        updated_at: cst(out, 10, 0),
      });
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Elderly (≥65): annual health check with the self-care assessment, last year and this year
  // -------------------------------------------------------------------------------------------------------

  private elderlyProgramme(buf: RowBuffer, p: PersonCtx): void {
    const rng = this.rng;
    const today = this.today;
    const year = Number(today.slice(0, 4));
    const team = p.team;
    const turned65 = addYears(p.birthDate, 65);
    const usualFrom = addMonths(p.residentSince, 6);
    const enrolledOn = turned65 > usualFrom ? turned65 : usualFrom;
    let lastDone: string | null = null;
    let openDeadline: string | null = null;
    for (const y of [year - 1, year]) {
      const s = elderlyAnnualCheck({ birthDate: p.birthDate, year: y });
      if (!s || s.windowEnd < enrolledOn) continue;
      const current = y === year;
      const dueFrom = s.dueDate < enrolledOn ? enrolledOn : s.dueDate;
      const done = rng.chance(current ? 0.65 : 0.7) && dueFrom <= today;
      const base = {
        residentId: p.residentId,
        programme: 'elderly',
        code: s.code,
        labelZh: s.labelZh,
        labelEn: s.labelEn,
        dueDate: s.dueDate,
        windowEnd: s.windowEnd,
        team,
        assignee: team.healthManager,
        createdOn: dueFrom,
      };
      if (done) {
        const on = this.dateBetween(dueFrom, current ? today : s.windowEnd);
        this.task(buf, { ...base, status: 'done', doneOn: on, doneRef: this.elderlyCheck(buf, p, on) });
        lastDone = on;
      } else if (current) {
        this.task(buf, { ...base, status: 'open' });
        openDeadline = s.windowEnd;
      } else {
        // A year that has ended is closed, not carried over as an open task.
        this.task(buf, { ...base, status: 'cancelled', reason: '年度已结束，未完成体检' });
      }
    }
    buf.add('programme_enrolment', {
      id: randomUUID(),
      resident_id: p.residentId,
      programme: 'elderly',
      status: 'active',
      enrolled_on: enrolledOn,
      icd10: null,
      team_id: team.id,
      doctor_user_id: team.gp.id,
      institution_id: team.centre.id,
      details: JSON.stringify({}),
      last_visit_date: lastDone,
      last_controlled: null,
      // The deadline of the next check: this year's if still open, else next year's.
      next_due_date: openDeadline ?? `${year + 1}-12-31`,
      enrolled_by: team.publicHealth.id,
      created_at: cst(enrolledOn, 10, 0),
    });
  }

  /** The annual check: an encounter with BP and weight, and the self-care assessment; returns the assessment id. */
  private elderlyCheck(buf: RowBuffer, p: PersonCtx, on: string): string {
    const rng = this.rng;
    const team = p.team;
    const age = ageOn(p.birthDate, on);
    const e = this.encounter(buf, {
      residentId: p.residentId,
      institutionId: p.grid.institution.id,
      recordedBy: team.publicHealth.id,
      source: 'clinic',
      kind: 'health_check',
      date: on,
      department: '预防保健科',
      practitioner: team.publicHealth.name,
      reason: '老年人年度健康体检',
      summary: '完成体格检查、血常规、尿常规、肝肾功能、空腹血糖、血脂、心电图、腹部B超及健康指导',
    });
    const [sbp, dbp] = this.bp(rng.normalIn(p.htn ? 138 : 128, 12, 100, 178), rng.normalIn(p.htn ? 82 : 77, 8, 55, 104));
    this.observation(buf, p.residentId, '8480-6', sbp, e.at, p.grid.institution.id, team.publicHealth.id, 'clinic', e.id);
    this.observation(buf, p.residentId, '8462-4', dbp, e.at, p.grid.institution.id, team.publicHealth.id, 'clinic', e.id);
    this.observation(
      buf,
      p.residentId,
      '29463-7',
      rng.normalIn(p.sex === 'male' ? 66 : 57, 9, 38, 100, 1),
      e.at,
      p.grid.institution.id,
      team.publicHealth.id,
      'clinic',
      e.id,
    );
    // Self-care: most are independent; dependence grows with age.
    const frailty = age >= 85 ? 0.45 : age >= 75 ? 0.2 : 0.07;
    const item = (scores: readonly number[]) => {
      if (!rng.chance(frailty)) return 0;
      const r = rng.float();
      return (r < 0.6 ? scores[1] : r < 0.9 ? scores[2] : scores[3]) ?? 0;
    };
    const answers: SelfCareAnswers = {
      eating: item([0, 0, 3, 5]),
      grooming: item([0, 1, 3, 7]),
      dressing: item([0, 0, 3, 5]),
      toileting: item([0, 1, 5, 10]),
      moving: item([0, 1, 5, 10]),
    };
    const score = scoreSelfCare(answers);
    const id = randomUUID();
    buf.add('elderly_assessment', {
      id,
      resident_id: p.residentId,
      institution_id: p.grid.institution.id,
      recorded_by: team.publicHealth.id,
      recorded_at: e.at,
      entry_status: 'active',
      assessed_on: on,
      items: JSON.stringify(answers),
      total_score: score.total,
      band: score.band,
      note: null,
    });
    return id;
  }

  // -------------------------------------------------------------------------------------------------------
  // Children 0–6 and pregnant women: scheduled visits become tasks
  // -------------------------------------------------------------------------------------------------------

  /**
   * Tasks from a schedule: past visits mostly done (an encounter each), missed ones open while recent
   * (overdue) and cancelled when more than a year old; visits in their window half done; future ones open.
   */
  private scheduleTasks(
    buf: RowBuffer,
    p: PersonCtx,
    programme: 'child' | 'maternal',
    schedule: ScheduledVisit[],
    enrolledOn: string,
    doneShare: number,
    onDone: (visit: ScheduledVisit, on: string) => string,
    options: {
      /** Visits known to be done on a given day (e.g. the antenatal registration on the enrolment day). */
      fixed?: Readonly<Record<string, string>>;
      /** The last day a visit can still happen (antenatal visits: before the delivery); null = today. */
      lastPossible?: (v: ScheduledVisit) => string | null;
    } = {},
  ): { lastDone: string | null; nextDeadline: string | null } {
    const rng = this.rng;
    const today = this.today;
    let lastDone: string | null = null;
    let nextDeadline: string | null = null;
    for (const v of schedule) {
      if (v.windowEnd < enrolledOn && options.fixed?.[v.code] === undefined) continue;
      const from = v.dueDate < enrolledOn ? enrolledOn : v.dueDate;
      const cap = options.lastPossible?.(v) ?? null;
      const until = cap !== null && cap < today ? cap : today;
      const base = {
        residentId: p.residentId,
        programme,
        code: v.code,
        labelZh: v.labelZh,
        labelEn: v.labelEn,
        dueDate: v.dueDate,
        windowEnd: v.windowEnd,
        team: p.team,
        assignee: p.team.healthManager,
        createdOn: enrolledOn,
      };
      let doneOn: string | null = options.fixed?.[v.code] ?? null;
      if (doneOn === null && from <= until) {
        if (v.windowEnd < until) {
          if (rng.chance(doneShare)) {
            const lateTo = addDays(v.windowEnd, 20) < until ? addDays(v.windowEnd, 20) : until;
            doneOn = rng.chance(0.94) ? this.dateBetween(from, v.windowEnd) : this.dateBetween(addDays(v.windowEnd, 1), lateTo);
          }
        } else if (rng.chance(0.45)) doneOn = this.dateBetween(from, until);
      }
      if (doneOn) {
        this.task(buf, { ...base, status: 'done', doneOn, doneRef: onDone(v, doneOn) });
        if (lastDone === null || doneOn > lastDone) lastDone = doneOn;
      } else if (cap !== null && cap < today && (from > cap || v.windowEnd >= cap)) {
        this.task(buf, { ...base, status: 'cancelled', reason: '已分娩，不再适用' });
      } else if (v.windowEnd < addYears(today, -1)) {
        this.task(buf, { ...base, status: 'cancelled', reason: '已超过服务时限，未完成' });
      } else {
        this.task(buf, { ...base, status: 'open' });
        if (nextDeadline === null || v.windowEnd < nextDeadline) nextDeadline = v.windowEnd;
      }
    }
    return { lastDone, nextDeadline };
  }

  private childProgramme(buf: RowBuffer, p: PersonCtx): void {
    const rng = this.rng;
    const team = p.team;
    const enrolledOn = p.residentSince > p.birthDate ? p.residentSince : p.birthDate;
    const centreId = team.centre.id;
    // Born in hospital: the newborn home visit is due within 7 days of discharge.
    let dischargeDate: string | null = addDays(p.birthDate, rng.int(2, 5));
    if (dischargeDate > this.today) dischargeDate = null;
    const schedule = childHealthSchedule({ birthDate: p.birthDate, dischargeDate });
    const { lastDone, nextDeadline } = this.scheduleTasks(buf, p, 'child', schedule, enrolledOn, 0.92, (v, on) => {
      const e = this.encounter(buf, {
        residentId: p.residentId,
        institutionId: v.code === 'newborn_home_visit' ? p.grid.institution.id : centreId,
        recordedBy: team.publicHealth.id,
        source: 'clinic',
        kind: v.code === 'newborn_home_visit' ? 'home_visit' : 'health_check',
        date: on,
        department: '预防保健科',
        practitioner: team.publicHealth.name,
        reason: v.labelZh,
        summary: '生长发育评估正常，已进行喂养及预防接种指导',
      });
      const months = daysBetween(p.birthDate, on) / 30.44;
      const g = growthMedian(months, p.sex);
      this.observation(
        buf,
        p.residentId,
        '29463-7',
        Math.round(g.weightKg * (1 + rng.normal(0, 0.07)) * 10) / 10,
        e.at,
        centreId,
        team.publicHealth.id,
        'clinic',
        e.id,
      );
      this.observation(
        buf,
        p.residentId,
        '8302-2',
        Math.round(g.heightCm * (1 + rng.normal(0, 0.03)) * 10) / 10,
        e.at,
        centreId,
        team.publicHealth.id,
        'clinic',
        e.id,
      );
      return e.id;
    });
    // Immunisations due so far, ~97 % given on time or a little late.
    for (const v of CHILD_VACCINES) {
      const dueOn = addDays(p.birthDate, v.ageDays);
      if (dueOn > this.today || !rng.chance(0.97)) continue;
      let on = addDays(dueOn, rng.int(0, 20));
      if (on > this.today) on = this.today;
      buf.add('immunization', {
        id: randomUUID(),
        resident_id: p.residentId,
        institution_id: v.ageDays === 0 ? this.org.secondary.id : centreId,
        recorded_by: v.ageDays === 0 ? null : team.nurses[0]!.id,
        recorded_at: cst(on, 10, rng.int(0, 59)),
        source: v.ageDays === 0 ? 'hospital' : 'clinic',
        entry_status: 'active',
        vaccine_code: v.code,
        vaccine_name: v.name,
        dose_number: v.dose,
        occurred_on: on,
        lot_number: `${on.slice(0, 4)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 99)).padStart(2, '0')}`,
      });
    }
    buf.add('programme_enrolment', {
      id: randomUUID(),
      resident_id: p.residentId,
      programme: 'child',
      status: 'active',
      enrolled_on: enrolledOn,
      icd10: null,
      team_id: team.id,
      doctor_user_id: team.gp.id,
      institution_id: centreId,
      details: JSON.stringify({ dischargeDate }),
      last_visit_date: lastDone,
      last_controlled: null,
      next_due_date: nextDeadline,
      enrolled_by: team.publicHealth.id,
      created_at: cst(enrolledOn, 10, 0),
    });
  }

  /**
   * Pregnant women (LMP 4–38 weeks ago) and women who gave birth in the last year: the antenatal schedule
   * from the LMP and, after a delivery, the postpartum home visit and 42-day check.
   */
  private maternalProgramme(buf: RowBuffer, p: PersonCtx, delivered: boolean): void {
    const rng = this.rng;
    const today = this.today;
    const team = p.team;
    let lmp: string;
    let deliveryDate: string | null = null;
    let dischargeDate: string | null = null;
    if (delivered) {
      deliveryDate = addDays(today, -rng.int(6, 365));
      lmp = addDays(deliveryDate, -rng.int(259, 291));
      dischargeDate = addDays(deliveryDate, rng.int(2, 5));
    } else lmp = addDays(today, -rng.int(28, 270));
    // Registration: mostly before 13 weeks (早孕建册), some late.
    let enrolledOn = rng.chance(0.9) ? addDays(lmp, rng.int(42, 84)) : addDays(lmp, rng.int(91, 130));
    if (enrolledOn > today) enrolledOn = today;
    const highRisk = rng.chance(0.08);
    const obstetrics = this.org.secondary.departments.get('obstetrics');
    const schedule = [...antenatalSchedule({ lmpDate: lmp }), ...(deliveryDate ? postpartumSchedule({ deliveryDate, dischargeDate }) : [])];
    const { lastDone, nextDeadline } = this.scheduleTasks(
      buf,
      p,
      'maternal',
      schedule,
      enrolledOn,
      0.92,
      (v, on) => {
        const postpartum = v.code.startsWith('postpartum');
        const atHospital = !postpartum && rng.chance(0.6);
        const doctor = atHospital && obstetrics?.specialists.length ? rng.pick(obstetrics.specialists) : null;
        const institutionId = atHospital
          ? this.org.secondary.id
          : v.code === 'postpartum_home_visit'
            ? p.grid.institution.id
            : team.centre.id;
        const e = this.encounter(buf, {
          residentId: p.residentId,
          institutionId,
          recordedBy: doctor?.id ?? team.publicHealth.id,
          source: atHospital ? 'hospital' : 'clinic',
          kind: v.code === 'postpartum_home_visit' ? 'home_visit' : 'outpatient',
          date: on,
          department: atHospital ? (obstetrics?.name ?? '妇产科') : '预防保健科',
          practitioner: doctor?.name ?? team.publicHealth.name,
          reason: v.labelZh,
          summary: postpartum
            ? '产妇恢复良好，已进行母乳喂养及产后康复指导'
            : highRisk
              ? '妊娠风险评估：黄色（较低风险），加强随访'
              : '妊娠风险评估：绿色（低风险）',
        });
        const [sbp, dbp] = this.bp(rng.normalIn(112, 9, 90, 138), rng.normalIn(72, 7, 55, 88));
        this.observation(
          buf,
          p.residentId,
          '8480-6',
          sbp,
          e.at,
          institutionId,
          doctor?.id ?? team.publicHealth.id,
          atHospital ? 'hospital' : 'clinic',
          e.id,
        );
        this.observation(
          buf,
          p.residentId,
          '8462-4',
          dbp,
          e.at,
          institutionId,
          doctor?.id ?? team.publicHealth.id,
          atHospital ? 'hospital' : 'clinic',
          e.id,
        );
        return e.id;
      },
      {
        fixed: { antenatal_registration: enrolledOn },
        // Antenatal visits happen before the delivery.
        lastPossible: (v) => (deliveryDate && v.code.startsWith('antenatal') ? addDays(deliveryDate, -1) : null),
      },
    );
    buf.add('programme_enrolment', {
      id: randomUUID(),
      resident_id: p.residentId,
      programme: 'maternal',
      status: 'active',
      enrolled_on: enrolledOn,
      icd10: null,
      team_id: team.id,
      doctor_user_id: team.gp.id,
      institution_id: team.centre.id,
      details: JSON.stringify({
        lmpDate: lmp,
        deliveryDate,
        dischargeDate,
        expectedDeliveryDate: expectedDeliveryDate(lmp),
        gravidity: rng.int(1, 3),
        parity: rng.int(0, 1) + (delivered ? 1 : 0),
        highRisk,
      }),
      last_visit_date: lastDone,
      last_controlled: null,
      next_due_date: nextDeadline,
      enrolled_by: team.publicHealth.id,
      created_at: cst(enrolledOn, 10, 0),
    });
  }
}

interface PersonCtx {
  residentId: string;
  birthDate: string;
  sex: Sex;
  age: number;
  team: TeamOrg;
  grid: GridOrg;
  residentSince: string;
  comorbid: ConditionCode[];
  /** ICD-10 codes of all the resident's conditions. */
  conditions: string[];
  htn: boolean;
  dm: boolean;
  familyHtn: boolean;
}
