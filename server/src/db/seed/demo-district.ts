/**
 * The demo district: the generated 示范区 (KANGLIAN_DEMO_RESIDENTS residents, default 3,000) plus fixed demo
 * log-ins and fixed residents with a rich, known history, so that every screen has something true to show:
 * 张建国 (hypertension, follow-up due this week; also the resident log-in), 李秀英 (diabetes, latest FBG 8.2
 * uncontrolled), 王建华 (hypertension, follow-up 10 days overdue) and 陈桂兰 registered twice (duplicate).
 * Idempotent: when the region exists nothing is written and the log-ins are returned.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../../auth/passwords.js';
import {
  addDays,
  addMonths,
  addYears,
  daysBetween,
  elderlyAnnualCheck,
  scoreSelfCare,
  type ScheduledVisit,
} from '../../chronic/rules/index.js';
import { VITAL_SIGNS } from '../../records/vital-signs.js';
import { resolveIdentity } from '../../residents/resident-identity.js';
import type { BasicInfo } from '../../residents/resident.schemas.js';
import type { FieldCrypto } from '../../security/field-crypto.js';
import { todayIso } from '../../shared/dates.js';
import type { DB } from '../schema.js';
import { RECORDS_BEGIN } from './care-history.js';
import { RowBuffer } from './bulk-insert.js';
import { ChronicChain, cst, type EnrolmentSummary, type MedicationLine, type VisitInput } from './care-history.js';
import { ATORVASTATIN, CONDITIONS, DM_DRUGS, HTN_DRUGS, type ConditionCode, type Drug } from './catalogues.js';
import { generateDistrict, regionExists, STAFF_PASSWORD, type GenerateResult } from './district-generator.js';
import type { DistrictOrg, HospitalOrg, StaffOverrides, TeamOrg } from './organisation.js';
import { seedSterileSupply, STERILE_SUPPLY_LOGINS } from './sterile-supply.js';
import { seedReferralDemo } from './referral-demo.js';

export interface DemoLogin {
  username: string;
  password: string;
  role: string;
  description: string;
}

export const DEMO_PASSWORD = STAFF_PASSWORD;
export const DEFAULT_DEMO_RESIDENTS = 3000;
/** Up to this many residents the whole demo district is written in one transaction (all or nothing). */
const ATOMIC_LIMIT = 20_000;

/** Generated staff made into the fixed demo users (same accounts, fixed names). */
const STAFF_OVERRIDES: StaffOverrides = {
  c1t1_gp: { username: 'gp1', displayName: '王志强' },
  c1t1_hm: { username: 'hm1', displayName: '李娜' },
  c1t1_ph: { username: 'ph1', displayName: '赵敏' },
  c1t1_nurse1: { username: 'nurse1', displayName: '陈静' },
  c2t1_gp: { username: 'gp2', displayName: '刘洋' },
  h1_cardiology_1: { username: 'specialist1', displayName: '周文' },
  h1_coord_1: { username: 'coord1', displayName: '孙丽' },
  c1_admin: { username: 'admin1', displayName: '吴强' },
  wjj_admin: { username: 'commission1', displayName: '郑华' },
  ybj_admin: { username: 'insurance1', displayName: '冯敏' },
};

export const DEMO_LOGINS: readonly DemoLogin[] = [
  {
    username: 'gp1',
    password: DEMO_PASSWORD,
    role: 'gp',
    description: '王志强 家庭医生 · 东湖1号家庭医生团队 (GP, team 1 of the first centre)',
  },
  {
    username: 'hm1',
    password: DEMO_PASSWORD,
    role: 'health_manager',
    description: '李娜 健康管理师 · 东湖1号团队 (health manager, same team)',
  },
  {
    username: 'ph1',
    password: DEMO_PASSWORD,
    role: 'public_health',
    description: '赵敏 公卫医生 · 东湖1号团队 (public-health doctor, same team)',
  },
  { username: 'nurse1', password: DEMO_PASSWORD, role: 'nurse', description: '陈静 护士 · 东湖1号团队 (nurse, same team)' },
  {
    username: 'gp2',
    password: DEMO_PASSWORD,
    role: 'gp',
    description: '刘洋 家庭医生 · 南苑1号家庭医生团队 (GP, team 1 of the second centre)',
  },
  {
    username: 'specialist1',
    password: DEMO_PASSWORD,
    role: 'specialist',
    description: '周文 心内科 · 康联市第一人民医院 (cardiologist, tertiary hospital)',
  },
  {
    username: 'coord1',
    password: DEMO_PASSWORD,
    role: 'referral_coordinator',
    description: '孙丽 转诊协调员 · 康联市第一人民医院 (referral coordinator)',
  },
  {
    username: 'admin1',
    password: DEMO_PASSWORD,
    role: 'institution_admin',
    description: '吴强 机构管理员 · 东湖街道社区卫生服务中心 (institution admin)',
  },
  {
    username: 'commission1',
    password: DEMO_PASSWORD,
    role: 'commission_admin',
    description: '郑华 · 示范区卫生健康局 (health commission, aggregates only)',
  },
  {
    username: 'insurance1',
    password: DEMO_PASSWORD,
    role: 'insurance_admin',
    description: '冯敏 · 示范区医疗保障局 (insurance bureau, aggregates only)',
  },
  { username: 'resident1', password: DEMO_PASSWORD, role: 'resident', description: '张建国 居民 (resident portal: his own record)' },
  ...STERILE_SUPPLY_LOGINS,
];

/** The demo log-ins that still open with the published demo password: the server warns loudly at start while any do. */
export async function accountsWithDemoPassword(db: Kysely<DB>): Promise<string[]> {
  const names = DEMO_LOGINS.map((l) => l.username);
  const rows = await db.selectFrom('app_user').select(['username', 'password_hash']).where('username', 'in', names).where('active', '=', true).execute();
  const open = await Promise.all(rows.map(async (r) => ((await verifyPassword(r.password_hash, DEMO_PASSWORD)) ? r.username : null)));
  return open.filter((u): u is string => u !== null).sort();
}

/** The fixed residents' identifiers (kept out of the generator's hands). */
export const FIXED_RESIDENTS = {
  zhangJianguo: { name: '张建国', sex: 'male', birthDate: '1958-03-12', nationalId: '330106195803120173', phone: '13800138000' },
  liXiuying: { name: '李秀英', sex: 'female', birthDate: '1962-07-08', nationalId: '330106196207080261', phone: '13900139000' },
  wangJianhua: { name: '王建华', sex: 'male', birthDate: '1979-11-02', nationalId: '330106197911020355', phone: '13600136000' },
  chenGuilan: { name: '陈桂兰', sex: 'female', birthDate: '1950-05-18', nationalId: '330106195005180227', phone: '13700137000' },
} as const;

export interface SeedDemoOptions {
  log?: (message: string) => void;
  /** Generated residents; default KANGLIAN_DEMO_RESIDENTS or 3,000. */
  residents?: number;
  seed?: number;
  today?: string;
  /** Batches in flight (PostgreSQL only). */
  concurrency?: number;
}

export async function seedDemoDistrict(
  db: Kysely<DB>,
  crypto: FieldCrypto,
  opts: SeedDemoOptions = {},
): Promise<{ created: boolean; logins: DemoLogin[]; generated?: GenerateResult }> {
  const logins = [...DEMO_LOGINS];
  const log = opts.log ?? (() => {});
  const sterileSupply = () => seedSterileSupply(db, crypto, { today: opts.today, password: DEMO_PASSWORD, log });
  if (await regionExists(db)) return (await sterileSupply(), { created: false, logins });
  const envCount = Number(process.env.KANGLIAN_DEMO_RESIDENTS);
  const residents =
    opts.residents ??
    (Number.isFinite(envCount) && envCount >= 0 && process.env.KANGLIAN_DEMO_RESIDENTS ? Math.floor(envCount) : DEFAULT_DEMO_RESIDENTS);
  const today = opts.today ?? todayIso();
  const fixed = Object.values(FIXED_RESIDENTS);
  const run = (d: Kysely<DB>, batchTransactions: boolean) =>
    generateDistrict(d, crypto, {
      residents,
      seed: opts.seed,
      today,
      log,
      batchTransactions,
      concurrency: batchTransactions ? opts.concurrency : 1,
      staffOverrides: STAFF_OVERRIDES,
      reserved: { nationalIds: fixed.map((f) => f.nationalId), phones: fixed.map((f) => f.phone) },
      beforeResidents: async (org, d2) => {
        const write = (trx: Kysely<DB>) => createFixedResidents(trx, crypto, org, today);
        if (batchTransactions) await d2.transaction().execute(write);
        else await write(d2);
        log('demo: fixed demo residents and log-ins created');
      },
    });
  const generated = residents <= ATOMIC_LIMIT ? await db.transaction().execute((trx) => run(trx, false)) : await run(db, true);
  await sterileSupply();
  const referrals = await seedReferralDemo(db, today, fixed.map((f) => f.name));
  log(`demo: ${referrals.sessions} specialist sessions, ${referrals.referrals} referrals in every state`);
  return { created: true, logins, generated };
}

// ---------------------------------------------------------------------------------------------------------
// Fixed residents
// ---------------------------------------------------------------------------------------------------------

interface FixedCtx {
  buf: RowBuffer;
  /** created_at of the next fixed resident: before any generated resident, in the order they are added. */
  nextCreatedAt: number;
  crypto: FieldCrypto;
  org: DistrictOrg;
  team: TeamOrg;
  today: string;
  nowIso: string;
}

function addResident(
  c: FixedCtx,
  r: { name: string; sex: 'male' | 'female'; birthDate: string; nationalId?: string; phone?: string },
  extra: { address: string; residentSince: string; basicInfo: BasicInfo; homeInstitutionId?: string },
): string {
  const id = randomUUID();
  const identity = resolveIdentity({ nationalId: r.nationalId, sex: r.sex, birthDate: r.birthDate, phone: r.phone }, c.crypto);
  c.buf.add('resident', {
    id,
    name: r.name,
    sex: identity.sex,
    birth_date: identity.birthDate,
    ...identity.protectedColumns,
    address: extra.address,
    home_institution_id: extra.homeInstitutionId ?? c.team.grid.institution.id,
    grid_id: c.team.grid.id,
    resident_since: extra.residentSince,
    basic_info: JSON.stringify(extra.basicInfo),
    created_by: c.team.gp.id,
    created_at: new Date((c.nextCreatedAt += 1000)).toISOString(),
  });
  return id;
}

function addCondition(
  c: FixedCtx,
  residentId: string,
  code: ConditionCode,
  on: string,
  where: { institutionId: string; by: string; hospital: boolean },
): void {
  c.buf.add('condition', {
    id: randomUUID(),
    resident_id: residentId,
    institution_id: where.institutionId,
    recorded_by: where.by,
    recorded_at: cst(on, 10, 30),
    source: where.hospital ? 'hospital' : 'clinic',
    entry_status: 'active',
    icd10: code,
    display: CONDITIONS[code].display,
    clinical_status: 'active',
    onset_date: on,
    diagnosed_on: on,
    note: null,
  });
}

function addContract(
  c: FixedCtx,
  residentId: string,
  packageCode: string,
  keyPopulations: string[],
  start: string,
  withPrevious: boolean,
): void {
  let previous: string | null = null;
  if (withPrevious) {
    previous = randomUUID();
    c.buf.add('contract', {
      id: previous,
      resident_id: residentId,
      team_id: c.team.id,
      gp_user_id: c.team.gp.id,
      package_code: packageCode,
      key_populations: keyPopulations,
      start_date: addYears(start, -1),
      end_date: start,
      status: 'superseded',
      previous_contract_id: null,
      end_reason: '续约',
      ended_at: cst(start, 9, 30),
      signed_by: c.team.gp.id,
      created_at: cst(addYears(start, -1), 9, 30),
    });
  }
  c.buf.add('contract', {
    id: randomUUID(),
    resident_id: residentId,
    team_id: c.team.id,
    gp_user_id: c.team.gp.id,
    package_code: packageCode,
    key_populations: keyPopulations,
    start_date: start,
    end_date: addYears(start, 1),
    status: 'active',
    previous_contract_id: previous,
    end_reason: null,
    ended_at: null,
    signed_by: c.team.gp.id,
    created_at: cst(start, 9, 30),
  });
}

function addMedication(
  c: FixedCtx,
  residentId: string,
  d: Drug,
  from: string,
  prescriber: { id: string; name: string },
  institutionId: string,
  source: 'clinic' | 'hospital' = 'clinic',
): void {
  c.buf.add('medication', {
    id: randomUUID(),
    resident_id: residentId,
    institution_id: institutionId,
    recorded_by: prescriber.id,
    recorded_at: cst(from, 10, 0),
    source,
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
}

function addEncounter(
  c: FixedCtx,
  residentId: string,
  e: {
    institutionId: string;
    by: string | null;
    source: 'clinic' | 'hospital';
    kind: string;
    date: string;
    hour?: number;
    days?: number;
    department?: string;
    practitioner?: string;
    reason?: string;
    diagnosis?: string;
    summary?: string;
  },
  observations: [keyof typeof VITAL_SIGNS, number][] = [],
): string {
  const id = randomUUID();
  const at = cst(e.date, e.hour ?? 9, 20);
  const end = e.days ? cst(addDays(e.date, e.days), 10, 0) : cst(e.date, (e.hour ?? 9) + 1, 0);
  c.buf.add('encounter', {
    id,
    resident_id: residentId,
    institution_id: e.institutionId,
    recorded_by: e.by,
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
  for (const [loinc, value] of observations) {
    c.buf.add('observation', {
      id: randomUUID(),
      resident_id: residentId,
      institution_id: e.institutionId,
      recorded_by: e.by,
      recorded_at: at,
      source: e.source,
      entry_status: 'active',
      encounter_id: id,
      loinc,
      display: VITAL_SIGNS[loinc].display,
      value_numeric: value,
      value_text: null,
      unit: VITAL_SIGNS[loinc].unit,
      effective_at: at,
    });
  }
  return id;
}

function enrolmentRow(
  c: FixedCtx,
  residentId: string,
  programme: string,
  enrolledOn: string,
  summary: { last_visit_date: string | null; last_controlled: boolean | null; next_due_date: string | null } & Partial<EnrolmentSummary>,
  id: string = randomUUID(),
  icd10: string | null = null,
): void {
  c.buf.add('programme_enrolment', {
    id,
    resident_id: residentId,
    programme,
    status: 'active',
    enrolled_on: enrolledOn,
    icd10,
    team_id: c.team.id,
    doctor_user_id: c.team.gp.id,
    institution_id: c.team.centre.id,
    details: JSON.stringify({}),
    ...summary,
    enrolled_by: c.team.gp.id,
    created_at: cst(enrolledOn, 10, 0),
  });
}

/** Visit dates going back from `latest`: each earlier visit ~3 months before the next, a few days inside its due date. */
function quarterlyBackwards(latest: string, count: number): string[] {
  const dates = [latest];
  while (dates.length < count) dates.unshift(quarterBefore(dates[0]!));
  return dates;
}

/** A visit date whose 3-month next due date is `target` (or the nearest possible: months clamp at their end). */
function visitWithDue(target: string): string {
  let best = addMonths(target, -3);
  let bestGap = Infinity;
  for (let i = -5; i <= 5; i++) {
    const d = addDays(addMonths(target, -3), i);
    const gap = Math.abs(daysBetween(target, addMonths(d, 3)));
    if (gap < bestGap) {
      best = d;
      bestGap = gap;
    }
  }
  return best;
}

/** The controlled visit before `next`, timed so that its 3-month due date falls a few days after `next`. */
const quarterBefore = (next: string) => addDays(addMonths(next, -3), 3);

const meds = (...drugs: Drug[]): MedicationLine[] => drugs.map((d) => ({ name: d.name, dose: d.dose, frequency: d.frequency }));

async function createFixedResidents(
  db: Kysely<DB>,
  crypto: FieldCrypto,
  org: DistrictOrg,
  today: string,
): Promise<void> {
  const team = org.centres[0]!.teams[0]!;
  const c: FixedCtx = {
    buf: new RowBuffer(),
    // Before every generated record (those start at RECORDS_BEGIN), so merges keep the fixed ones.
    nextCreatedAt: Date.parse(`${RECORDS_BEGIN}T00:00:00Z`) - 86_400_000,
    crypto,
    org,
    team,
    today,
    nowIso: new Date().toISOString(),
  };
  const centre = team.centre;
  const tertiary: HospitalOrg = org.tertiary;
  const secondary: HospitalOrg = org.secondary;
  const cardiologist = tertiary.departments.get('cardiology')!.specialists[0]!; // specialist1 周文
  const endocrinologist = secondary.departments.get('endocrinology')!.specialists[0]!;
  const ophthalmologist = tertiary.departments.get('ophthalmology')!.specialists[0]!;
  const gp = team.gp;
  const nurse = team.nurses[0]!;
  const amlodipine = HTN_DRUGS[0]!;
  const valsartan = HTN_DRUGS[2]!;
  const metformin = DM_DRUGS[0]!;
  const acarbose = DM_DRUGS[2]!;
  const living = { kitchenExhaust: '油烟机', fuel: '天然气', water: '自来水', toilet: '卫生厕所', livestock: '无' };

  // ---- 张建国: hypertension since 2016, controlled, next follow-up due within the next 7 days ----------------
  const zj = FIXED_RESIDENTS.zhangJianguo;
  const zjId = addResident(c, zj, {
    address: '示范区东湖街道莲花社区8幢2单元302室',
    residentSince: '1958-03-12',
    basicInfo: {
      ethnicity: '汉族',
      bloodType: 'A',
      occupation: '离退休人员',
      maritalStatus: 'married',
      insuranceTypes: ['urban_employee'],
      drugAllergies: ['青霉素'],
      pastDiseases: [
        { name: '原发性高血压', icd10: 'I10', diagnosedOn: '2016-04-18' },
        { name: '高脂血症', icd10: 'E78', diagnosedOn: '2019-06-03' },
      ],
      surgeries: [{ name: '阑尾切除术', date: '1985-07-20' }],
      familyHistory: { father: ['高血压', '脑卒中'], mother: ['糖尿病'] },
      living,
    },
  });
  addCondition(c, zjId, 'I10', '2016-04-18', { institutionId: tertiary.id, by: cardiologist.id, hospital: true });
  addCondition(c, zjId, 'E78', '2019-06-03', { institutionId: centre.id, by: gp.id, hospital: false });
  addContract(c, zjId, 'htn_dm', ['elderly_65', 'hypertension'], addDays(today, -200), true);
  addEncounter(
    c,
    zjId,
    {
      institutionId: tertiary.id,
      by: cardiologist.id,
      source: 'hospital',
      kind: 'outpatient',
      date: '2016-04-18',
      department: '心内科',
      practitioner: cardiologist.name,
      reason: '头晕、血压升高1月',
      diagnosis: '原发性高血压',
      summary: '动态血压监测提示高血压2级，予氨氯地平5mg每日1次，社区随访',
    },
    [
      ['8480-6', 164],
      ['8462-4', 98],
    ],
  );
  addMedication(c, zjId, amlodipine, '2016-05-06', gp, centre.id);
  addMedication(c, zjId, ATORVASTATIN, '2019-06-03', gp, centre.id);
  {
    // Newest first: three quarterly visits, a two-week recheck after an uncontrolled visit, two more quarters.
    const latest = visitWithDue(addDays(today, 3));
    const d5 = quarterBefore(latest);
    const d4 = quarterBefore(d5);
    const recheckOn = quarterBefore(d4);
    const uncontrolledOn = addDays(recheckOn, -13);
    const d1 = quarterBefore(uncontrolledOn);
    const d0 = quarterBefore(d1);
    const enrolmentId = randomUUID();
    const chain = new ChronicChain(
      c.buf,
      {
        residentId: zjId,
        birthDate: zj.birthDate,
        sex: 'male',
        programme: 'hypertension',
        enrolmentId,
        teamId: team.id,
        assigneeUserId: team.healthManager.id,
        familyHistoryHypertension: true,
        conditions: ['I10', 'E78'],
      },
      { continuingFrom: { windowEnd: addDays(d0, 4), createdOn: addMonths(d0, -3) } },
    );
    const visit = (date: string, sbp: number, dbp: number, drugs: Drug[], extra: Partial<VisitInput> = {}) =>
      chain.addVisit({
        date,
        mode: 'clinic',
        institutionId: centre.id,
        recordedBy: gp.id,
        sbp,
        dbp,
        heartRate: 72,
        weightKg: 67,
        heightCm: 170,
        waistCm: 88,
        adherence: 'regular',
        lifestyle: {
          cigarettesPerDay: 0,
          spiritsMlPerDay: 0,
          exerciseTimesPerWeek: 5,
          exerciseMinutesPerSession: 40,
          saltIntake: 'moderate',
          psychologicalAdjustment: 'good',
          complianceBehaviour: 'good',
        },
        medications: meds(...drugs),
        minuteOfDay: 9 * 60 + 15,
        ...extra,
      });
    visit(d0, 138, 84, [amlodipine]);
    visit(d1, 142, 86, [amlodipine]);
    visit(uncontrolledOn, 158, 94, [amlodipine], { note: '近期睡眠差，自测血压偏高；加用缬沙坦，建议心内科评估' });
    visit(recheckOn, 140, 86, [amlodipine, valsartan]);
    visit(d4, 134, 80, [amlodipine, valsartan]);
    visit(d5, 136, 82, [amlodipine, valsartan]);
    visit(latest, 132, 78, [amlodipine, valsartan]);
    addMedication(c, zjId, valsartan, uncontrolledOn, gp, centre.id);
    // The GP asked cardiology to review him: seen at the tertiary hospital and returned to the community.
    const seenOn = addDays(uncontrolledOn, 5);
    addEncounter(
      c,
      zjId,
      {
        institutionId: tertiary.id,
        by: cardiologist.id,
        source: 'hospital',
        kind: 'outpatient',
        date: seenOn,
        hour: 10,
        department: '心内科',
        practitioner: cardiologist.name,
        reason: '社区转诊：血压控制不满意',
        diagnosis: '原发性高血压',
        summary: '心脏彩超：左室壁轻度增厚；24小时动态血压均值146/88mmHg。维持氨氯地平+缬沙坦，回社区随访',
      },
      [
        ['8480-6', 150],
        ['8462-4', 90],
        ['8867-4', 74],
      ],
    );
    c.buf.add('referral', {
      id: randomUUID(),
      resident_id: zjId,
      direction: 'up',
      from_institution_id: centre.id,
      to_institution_id: tertiary.id,
      urgency: 'routine',
      reason: '血压控制不满意，调整用药后请心内科评估靶器官损害',
      status: 'completed',
      requested_by: gp.id,
      requested_at: cst(uncontrolledOn, 11, 0),
      seen_at: cst(seenOn, 10, 0),
      returned_at: cst(addDays(seenOn, 2), 15, 0),
      updated_at: cst(addDays(seenOn, 2), 15, 0),
    });
    const s = chain.finish();
    enrolmentRow(c, zjId, 'hypertension', '2016-05-06', s, enrolmentId, 'I10');
    // Elderly programme: last year's check done, this year's still open.
    const year = Number(today.slice(0, 4));
    const last = elderlyAnnualCheck({ birthDate: zj.birthDate, year: year - 1 })!;
    const checkOn = `${year - 1}-05-14`;
    addEncounter(
      c,
      zjId,
      {
        institutionId: centre.id,
        by: team.publicHealth.id,
        source: 'clinic',
        kind: 'health_check',
        date: checkOn,
        department: '预防保健科',
        practitioner: team.publicHealth.name,
        reason: '老年人年度健康体检',
        summary: '心电图：窦性心律；腹部B超：轻度脂肪肝；血脂：LDL-C 2.9mmol/L',
      },
      [
        ['8480-6', 136],
        ['8462-4', 82],
        ['29463-7', 67.5],
        ['14771-0', 5.6],
      ],
    );
    const answers = { eating: 0, grooming: 0, dressing: 0, toileting: 0, moving: 0 };
    const score = scoreSelfCare(answers);
    const assessmentId = randomUUID();
    c.buf.add('elderly_assessment', {
      id: assessmentId,
      resident_id: zjId,
      institution_id: centre.id,
      recorded_by: team.publicHealth.id,
      recorded_at: cst(checkOn, 10, 0),
      entry_status: 'active',
      assessed_on: checkOn,
      items: JSON.stringify(answers),
      total_score: score.total,
      band: score.band,
      note: null,
    });
    const cur = elderlyAnnualCheck({ birthDate: zj.birthDate, year })!;
    const elderlyTask = (s2: ScheduledVisit, status: 'open' | 'done', doneOn: string | null, doneRef: string | null) =>
      c.buf.add('care_task', {
        id: randomUUID(),
        resident_id: zjId,
        programme: 'elderly',
        task_code: s2.code,
        label: s2.labelZh,
        label_en: s2.labelEn,
        due_date: s2.dueDate,
        window_end: s2.windowEnd,
        team_id: team.id,
        assignee_user_id: team.healthManager.id,
        priority: 'normal',
        reason: null,
        status,
        done_on: doneOn,
        done_ref: doneRef,
        created_at: cst(s2.dueDate, 8, 0),
      });
    elderlyTask(last, 'done', checkOn, assessmentId);
    elderlyTask(cur, 'open', null, null);
    enrolmentRow(c, zjId, 'elderly', '2023-03-12', {
      last_visit_date: checkOn,
      last_controlled: null,
      next_due_date: cur.windowEnd,
    });
    c.buf.add('immunization', {
      id: randomUUID(),
      resident_id: zjId,
      institution_id: centre.id,
      recorded_by: nurse.id,
      recorded_at: cst(`${year - 1}-10-16`, 9, 40),
      source: 'clinic',
      entry_status: 'active',
      vaccine_code: 'Flu',
      vaccine_name: '流感疫苗',
      dose_number: 1,
      occurred_on: `${year - 1}-10-16`,
      lot_number: `${year - 1}0812`,
    });
  }

  // ---- 李秀英: type 2 diabetes since 2018, latest FBG 8.2 (first uncontrolled → adjust, recheck in 2 weeks) ----
  const lx = FIXED_RESIDENTS.liXiuying;
  const lxId = addResident(c, lx, {
    address: '示范区东湖街道莲花社区12幢1单元501室',
    residentSince: '1988-09-01',
    basicInfo: {
      ethnicity: '汉族',
      bloodType: 'O',
      occupation: '离退休人员',
      maritalStatus: 'married',
      insuranceTypes: ['urban_employee'],
      pastDiseases: [{ name: '2型糖尿病', icd10: 'E11', diagnosedOn: '2018-09-10' }],
      familyHistory: { mother: ['糖尿病'] },
      living,
    },
  });
  addCondition(c, lxId, 'E11', '2018-09-10', { institutionId: secondary.id, by: endocrinologist.id, hospital: true });
  addContract(c, lxId, 'htn_dm', ['diabetes'], addDays(today, -95), true);
  addEncounter(
    c,
    lxId,
    {
      institutionId: secondary.id,
      by: endocrinologist.id,
      source: 'hospital',
      kind: 'outpatient',
      date: '2018-09-10',
      department: '内分泌科',
      practitioner: endocrinologist.name,
      reason: '口干多饮2月',
      diagnosis: '2型糖尿病',
      summary: 'OGTT确诊2型糖尿病，予二甲双胍0.5g每日3次，社区随访管理',
    },
    [
      ['14771-0', 9.6],
      ['4548-4', 8.1],
    ],
  );
  addEncounter(c, lxId, {
    institutionId: tertiary.id,
    by: ophthalmologist.id,
    source: 'hospital',
    kind: 'outpatient',
    date: addDays(today, -160),
    department: '眼科',
    practitioner: ophthalmologist.name,
    reason: '糖尿病眼底筛查',
    diagnosis: '2型糖尿病',
    summary: '眼底检查未见明显糖尿病视网膜病变，建议每年复查',
  });
  addMedication(c, lxId, metformin, '2018-09-10', endocrinologist, secondary.id, 'hospital');
  {
    const latest = addDays(today, -4);
    const dates = quarterlyBackwards(latest, 6);
    const enrolmentId = randomUUID();
    const chain = new ChronicChain(
      c.buf,
      {
        residentId: lxId,
        birthDate: lx.birthDate,
        sex: 'female',
        programme: 'diabetes',
        enrolmentId,
        teamId: team.id,
        assigneeUserId: team.healthManager.id,
        familyHistoryHypertension: false,
        conditions: ['E11'],
      },
      { continuingFrom: { windowEnd: addDays(dates[0]!, 3), createdOn: addMonths(dates[0]!, -3) } },
    );
    const fbgs = [6.4, 6.8, 6.2, 6.6, 6.5, 8.2];
    dates.forEach((d, i) => {
      const last = i === dates.length - 1;
      chain.addVisit({
        date: d,
        mode: 'clinic',
        institutionId: centre.id,
        recordedBy: i % 2 ? team.healthManager.id : gp.id,
        fbg: fbgs[i]!,
        hba1c: i % 2 === 1 || last ? (last ? 7.6 : 6.7) : null,
        sbp: 128,
        dbp: 78,
        heartRate: 76,
        weightKg: 63,
        heightCm: 157,
        waistCm: 86,
        adherence: last ? 'intermittent' : 'regular',
        lifestyle: {
          cigarettesPerDay: 0,
          spiritsMlPerDay: 0,
          exerciseTimesPerWeek: 3,
          exerciseMinutesPerSession: 30,
          saltIntake: 'moderate',
          psychologicalAdjustment: 'good',
          complianceBehaviour: last ? 'fair' : 'good',
        },
        medications: meds(metformin),
        note: last ? '近1月饮食控制欠佳，漏服药物；加用阿卡波糖，2周后复查空腹血糖' : null,
        minuteOfDay: 8 * 60 + 40,
      });
    });
    addMedication(c, lxId, acarbose, latest, gp, centre.id);
    enrolmentRow(c, lxId, 'diabetes', '2018-09-20', chain.finish(), enrolmentId, 'E11');
  }

  // ---- 王建华: hypertension since 2023, follow-up overdue by 10 days ----------------------------------------------
  const wj = FIXED_RESIDENTS.wangJianhua;
  const wjId = addResident(c, wj, {
    address: '示范区东湖街道桂花社区3幢4单元1102室',
    residentSince: '2009-06-15',
    basicInfo: {
      ethnicity: '汉族',
      bloodType: 'B',
      occupation: '专业技术人员',
      maritalStatus: 'married',
      insuranceTypes: ['urban_employee', 'commercial'],
      pastDiseases: [{ name: '原发性高血压', icd10: 'I10', diagnosedOn: '2023-03-02' }],
      familyHistory: { father: ['高血压'] },
      living,
    },
  });
  addCondition(c, wjId, 'I10', '2023-03-02', { institutionId: centre.id, by: gp.id, hospital: false });
  addContract(c, wjId, 'basic', ['hypertension'], addDays(today, -300), false);
  addMedication(c, wjId, HTN_DRUGS[3]!, '2023-03-15', gp, centre.id);
  {
    const latest = visitWithDue(addDays(today, -10));
    const dates = quarterlyBackwards(latest, 4);
    const enrolmentId = randomUUID();
    const chain = new ChronicChain(
      c.buf,
      {
        residentId: wjId,
        birthDate: wj.birthDate,
        sex: 'male',
        programme: 'hypertension',
        enrolmentId,
        teamId: team.id,
        assigneeUserId: team.healthManager.id,
        familyHistoryHypertension: true,
        conditions: ['I10'],
      },
      { continuingFrom: { windowEnd: addDays(dates[0]!, 2), createdOn: addMonths(dates[0]!, -3) } },
    );
    const bps: [number, number][] = [
      [134, 86],
      [132, 84],
      [136, 88],
      [130, 82],
    ];
    dates.forEach((d, i) =>
      chain.addVisit({
        date: d,
        mode: 'clinic',
        institutionId: centre.id,
        recordedBy: i === 1 ? team.healthManager.id : gp.id,
        sbp: bps[i]![0],
        dbp: bps[i]![1],
        heartRate: 80,
        weightKg: 82,
        heightCm: 175,
        waistCm: 95,
        adherence: 'regular',
        lifestyle: {
          cigarettesPerDay: 10,
          spiritsMlPerDay: 100,
          exerciseTimesPerWeek: 1,
          exerciseMinutesPerSession: 30,
          saltIntake: 'heavy',
          psychologicalAdjustment: 'good',
          complianceBehaviour: 'fair',
        },
        medications: meds(HTN_DRUGS[3]!),
        minuteOfDay: 17 * 60 + 30,
      }),
    );
    enrolmentRow(c, wjId, 'hypertension', '2023-03-15', chain.finish(), enrolmentId, 'I10');
  }

  // ---- 陈桂兰, registered twice: with her ID card at the centre, and again at a station without it ----------------
  const cg = FIXED_RESIDENTS.chenGuilan;
  const cgBasic: BasicInfo = {
    ethnicity: '汉族',
    bloodType: 'AB',
    occupation: '离退休人员',
    maritalStatus: 'widowed',
    insuranceTypes: ['urban_rural_resident'],
    living,
  };
  const cgId = addResident(c, cg, { address: '示范区东湖街道莲花社区5幢1单元201室', residentSince: '1975-04-01', basicInfo: cgBasic });
  const station = centre.stations[0]!;
  const cgDupId = addResident(
    c,
    { name: cg.name, sex: cg.sex, birthDate: cg.birthDate, phone: cg.phone },
    { address: '示范区东湖街道莲花社区5幢', residentSince: '2024-03-01', basicInfo: { ethnicity: '汉族' }, homeInstitutionId: station.id },
  );
  addContract(c, cgId, 'elderly', ['elderly_65'], addDays(today, -40), false);
  addContract(c, cgDupId, 'basic', ['elderly_65'], addDays(today, -20), false);
  addEncounter(
    c,
    cgDupId,
    {
      institutionId: station.id,
      by: nurse.id,
      source: 'clinic',
      kind: 'outpatient',
      date: addDays(today, -20),
      department: '全科门诊',
      practitioner: nurse.name,
      reason: '测血压',
      summary: '血压正常，建议定期监测',
    },
    [
      ['8480-6', 128],
      ['8462-4', 76],
    ],
  );

  await c.buf.flush(db);
  // The resident log-in belongs to 张建国.
  await db
    .insertInto('app_user')
    .values({
      username: 'resident1',
      password_hash: await hashPassword(DEMO_PASSWORD),
      role: 'resident',
      display_name: zj.name,
      institution_id: null,
      resident_id: zjId,
    })
    .execute();
}
