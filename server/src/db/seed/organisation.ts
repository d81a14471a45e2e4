/**
 * The demo district's organisation (SPEC "Organisation tree"; seed 001 art. 12): region 330106 示范区, a tertiary
 * and a secondary hospital, 9 community health centres with 46 stations, the health commission and the insurance
 * bureau; hospital departments; 12 "1+1+1+N" family-doctor teams per centre, each with its grid; staff accounts;
 * the service packages.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPasswordEach, unusablePasswordHash } from '../../auth/passwords.js';
import type { DB } from '../schema.js';
import { RowBuffer } from './bulk-insert.js';
import { COMMUNITY_EN, NameMaker, SUBDISTRICTS } from './names.js';
import type { Random } from './random.js';

export const REGION = { code: '330106', name: '示范区', nameEn: 'Demo District' } as const;
export const TEAMS_PER_CENTRE = 12;

export interface StaffRef {
  id: string;
  username: string;
  name: string;
}

export interface InstitutionRef {
  id: string;
  code: string;
  name: string;
  nameEn: string;
}

export interface DepartmentRef {
  id: string;
  name: string;
  nameEn: string;
  specialty: string;
  specialists: StaffRef[];
}

export interface HospitalOrg extends InstitutionRef {
  departments: Map<string, DepartmentRef>;
  coordinators: StaffRef[];
  admin: StaffRef;
}

export interface TeamOrg {
  id: string;
  index: number;
  name: string;
  centre: CentreOrg;
  gp: StaffRef;
  healthManager: StaffRef;
  publicHealth: StaffRef;
  nurses: StaffRef[];
  grid: GridOrg;
}

export interface GridOrg {
  id: string;
  name: string;
  /** The centre itself or one of its stations: the home institution of the grid's residents. */
  institution: InstitutionRef;
  community: string;
  team: TeamOrg;
}

export interface CentreOrg extends InstitutionRef {
  index: number;
  subdistrict: string;
  stations: InstitutionRef[];
  teams: TeamOrg[];
  admin: StaffRef;
}

export interface DistrictOrg {
  region: typeof REGION;
  tertiary: HospitalOrg;
  secondary: HospitalOrg;
  commission: InstitutionRef & { admin: StaffRef };
  insurance: InstitutionRef & { admin: StaffRef };
  centres: CentreOrg[];
  teams: TeamOrg[];
  grids: GridOrg[];
}

/** Optional renames of generated staff, keyed by the generated username (e.g. c1t1_gp → gp1). */
export type StaffOverrides = Readonly<Record<string, { username: string; displayName: string }>>;

// ---------------------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015) with its organisation-code part (GB 11714): plausible and check-digit valid.
// ---------------------------------------------------------------------------------------------------------
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export function makeUscc(rng: Random, regionCode: string): string {
  let body = '';
  for (let i = 0; i < 8; i++) body += String(rng.int(0, 9));
  let s = 0;
  for (let i = 0; i < 8; i++) s += Number(body[i]) * ORG_WEIGHTS[i]!;
  const c = 11 - (s % 11);
  const orgCode = body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
  const first17 = `12${regionCode}${orgCode}`; // 1 = 机构编制, 2 = 事业单位
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return first17 + USCC_CHARS[check]!;
}

const HOSPITAL_DEPARTMENTS: readonly { key: string; name: string; nameEn: string; tertiary: number; secondary: number }[] = [
  { key: 'cardiology', name: '心内科', nameEn: 'Cardiology', tertiary: 4, secondary: 2 },
  { key: 'endocrinology', name: '内分泌科', nameEn: 'Endocrinology', tertiary: 3, secondary: 2 },
  { key: 'neurology', name: '神经内科', nameEn: 'Neurology', tertiary: 3, secondary: 2 },
  { key: 'nephrology', name: '肾内科', nameEn: 'Nephrology', tertiary: 2, secondary: 0 },
  { key: 'general_practice', name: '全科医学科', nameEn: 'General Practice', tertiary: 2, secondary: 2 },
  { key: 'ophthalmology', name: '眼科', nameEn: 'Ophthalmology', tertiary: 2, secondary: 0 },
  { key: 'obstetrics', name: '妇产科', nameEn: 'Obstetrics and Gynaecology', tertiary: 3, secondary: 2 },
  { key: 'paediatrics', name: '儿科', nameEn: 'Paediatrics', tertiary: 3, secondary: 2 },
  { key: 'emergency', name: '急诊科', nameEn: 'Emergency', tertiary: 3, secondary: 2 },
  { key: 'rehabilitation', name: '康复医学科', nameEn: 'Rehabilitation Medicine', tertiary: 2, secondary: 1 },
  { key: 'laboratory', name: '检验科', nameEn: 'Clinical Laboratory', tertiary: 0, secondary: 0 },
];

const CENTRE_DEPARTMENTS = [
  { key: 'general_practice', name: '全科门诊', nameEn: 'General Practice Clinic' },
  { key: 'preventive_care', name: '预防保健科', nameEn: 'Preventive Care' },
  { key: 'tcm', name: '中医科', nameEn: 'Traditional Chinese Medicine' },
];

export const SERVICE_PACKAGES = [
  {
    code: 'basic',
    name: '基础包',
    name_en: 'Basic package',
    kind: 'basic',
    annual_fee_cents: 0,
    items: [
      { code: 'health_assessment', name: '健康评估', nameEn: 'Health assessment', timesPerYear: 2, fundShare: 0.8 },
      { code: 'follow_up', name: '随访', nameEn: 'Follow-up', timesPerYear: 4, fundShare: 0.8 },
      { code: 'health_education', name: '健康教育', nameEn: 'Health education', timesPerYear: null, fundShare: 1 },
    ],
  },
  {
    code: 'htn_dm',
    name: '慢病包',
    name_en: 'Chronic disease package',
    kind: 'personalised',
    annual_fee_cents: 12_000,
    items: [
      { code: 'follow_up', name: '高血压/糖尿病随访', nameEn: 'Hypertension/diabetes follow-up', timesPerYear: 4 },
      { code: 'fbg_test', name: '空腹血糖检测', nameEn: 'Fasting glucose test', timesPerYear: 4 },
      { code: 'hba1c_test', name: '糖化血红蛋白检测', nameEn: 'HbA1c test', timesPerYear: 2 },
      { code: 'medication_review', name: '用药指导', nameEn: 'Medication review', timesPerYear: 4 },
      { code: 'specialist_booking', name: '专家号源优先预约', nameEn: 'Priority specialist booking', timesPerYear: null },
    ],
  },
  {
    code: 'elderly',
    name: '老年包',
    name_en: 'Elderly package',
    kind: 'personalised',
    annual_fee_cents: 8_000,
    items: [
      { code: 'annual_check', name: '老年人健康体检', nameEn: 'Annual health check', timesPerYear: 1 },
      { code: 'self_care_assessment', name: '生活自理能力评估', nameEn: 'Self-care ability assessment', timesPerYear: 1 },
      { code: 'home_visit', name: '上门服务', nameEn: 'Home visit', timesPerYear: 2 },
      { code: 'tcm_guidance', name: '中医药健康指导', nameEn: 'TCM health guidance', timesPerYear: 1 },
    ],
  },
  {
    code: 'maternal_child',
    name: '母婴包',
    name_en: 'Mother and child package',
    kind: 'personalised',
    annual_fee_cents: 10_000,
    items: [
      { code: 'child_check', name: '儿童健康检查', nameEn: 'Child health check', timesPerYear: null },
      { code: 'postpartum_visit', name: '产后访视', nameEn: 'Postpartum home visit', timesPerYear: 2 },
      { code: 'feeding_guidance', name: '喂养指导', nameEn: 'Feeding guidance', timesPerYear: 4 },
    ],
  },
] as const;

/**
 * Builds the organisation and writes it (one statement per table). Everything the resident generator needs
 * (ids of institutions, teams, members, grids, specialists) is returned.
 *
 * Only the staff renamed by `overrides` (the demo log-ins) can log in, with `password`, each with its own argon2
 * hash; the other generated accounts (~550) get no usable password: a published password on hundreds of accounts
 * is what a demo must not ship, and hashing them all would cost ~550 argon2 runs at every first start.
 */
export async function createOrganisation(
  db: Kysely<DB>,
  rng: Random,
  password: string,
  overrides: StaffOverrides = {},
): Promise<DistrictOrg> {
  const names = new NameMaker(rng);
  const buf = new RowBuffer();
  /** Log-in rows, hashed just before the write: one argon2 hash (own salt) per account. */
  const loginRows: { password_hash: string }[] = [];
  const usedNames = new Set<string>();
  const staffName = () => {
    for (;;) {
      const n = names.full(rng.int(1965, 1998), rng.chance(0.5) ? 'male' : 'female');
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
  };
  const user = (username: string, role: string, institutionId: string, departmentId: string | null = null): StaffRef => {
    const o = overrides[username];
    const ref = { id: randomUUID(), username: o?.username ?? username, name: o?.displayName ?? staffName() };
    const row = {
      id: ref.id,
      username: ref.username,
      password_hash: o ? '' : unusablePasswordHash(),
      role,
      display_name: ref.name,
      institution_id: institutionId,
      department_id: departmentId,
      resident_id: null,
    };
    if (o) loginRows.push(row);
    buf.add('app_user', row);
    return ref;
  };
  const institution = (code: string, name: string, nameEn: string, kind: string, parentId: string | null = null): InstitutionRef => {
    const ref = { id: randomUUID(), code, name, nameEn };
    buf.add('institution', {
      id: ref.id,
      code,
      name,
      name_en: nameEn,
      kind,
      region_code: REGION.code,
      parent_id: parentId,
      uscc: makeUscc(rng, REGION.code),
    });
    return ref;
  };

  buf.add('region', { code: REGION.code, name: REGION.name, name_en: REGION.nameEn });

  const hospital = (n: 1 | 2, code: string, name: string, nameEn: string, kind: string): HospitalOrg => {
    const inst = institution(code, name, nameEn, kind);
    const departments = new Map<string, DepartmentRef>();
    for (const d of HOSPITAL_DEPARTMENTS) {
      const count = n === 1 ? d.tertiary : d.secondary;
      if (n === 2 && count === 0 && d.key !== 'laboratory') continue;
      const dep: DepartmentRef = { id: randomUUID(), name: d.name, nameEn: d.nameEn, specialty: d.key, specialists: [] };
      buf.add('department', { id: dep.id, institution_id: inst.id, name: d.name, name_en: d.nameEn, specialty: d.key });
      for (let i = 1; i <= count; i++) dep.specialists.push(user(`h${n}_${d.key}_${i}`, 'specialist', inst.id, dep.id));
      departments.set(d.key, dep);
    }
    const coordinators = [user(`h${n}_coord_1`, 'referral_coordinator', inst.id)];
    if (n === 1) coordinators.push(user(`h${n}_coord_2`, 'referral_coordinator', inst.id));
    return { ...inst, departments, coordinators, admin: user(`h${n}_admin`, 'institution_admin', inst.id) };
  };

  const tertiary = hospital(1, '330106H001', '康联市第一人民医院', 'Kanglian First People’s Hospital', 'tertiary_hospital');
  const secondary = hospital(2, '330106H002', '示范区人民医院', 'Demo District People’s Hospital', 'secondary_hospital');
  const commissionInst = institution('330106G001', '示范区卫生健康局', 'Demo District Health Commission', 'health_commission');
  const insuranceInst = institution('330106G002', '示范区医疗保障局', 'Demo District Healthcare Security Bureau', 'insurance_bureau');
  const commission = { ...commissionInst, admin: user('wjj_admin', 'commission_admin', commissionInst.id) };
  const insurance = { ...insuranceInst, admin: user('ybj_admin', 'insurance_admin', insuranceInst.id) };

  const centres: CentreOrg[] = [];
  const teams: TeamOrg[] = [];
  const grids: GridOrg[] = [];
  SUBDISTRICTS.forEach((sub, ci) => {
    const c = ci + 1;
    const centreInst = institution(
      `330106C${String(c).padStart(2, '0')}`,
      `${sub.zh}街道社区卫生服务中心`,
      `${sub.en} Subdistrict Community Health Centre`,
      'community_health_centre',
    );
    for (const d of CENTRE_DEPARTMENTS) {
      buf.add('department', { id: randomUUID(), institution_id: centreInst.id, name: d.name, name_en: d.nameEn, specialty: d.key });
    }
    const stations = sub.communities.map((community, si) =>
      institution(
        `330106C${String(c).padStart(2, '0')}S${String(si + 1).padStart(2, '0')}`,
        `${sub.zh}街道${community}社区卫生服务站`,
        `${COMMUNITY_EN[community] ?? community} Community Health Station, ${sub.en}`,
        'community_health_station',
        centreInst.id,
      ),
    );
    const centre: CentreOrg = {
      ...centreInst,
      index: c,
      subdistrict: sub.zh,
      stations,
      teams: [],
      admin: user(`c${c}_admin`, 'institution_admin', centreInst.id),
    };
    for (let t = 1; t <= TEAMS_PER_CENTRE; t++) {
      const prefix = `c${c}t${t}`;
      const teamId = randomUUID();
      const gp = user(`${prefix}_gp`, 'gp', centre.id);
      const healthManager = user(`${prefix}_hm`, 'health_manager', centre.id);
      const publicHealth = user(`${prefix}_ph`, 'public_health', centre.id);
      const nurses = [user(`${prefix}_nurse1`, 'nurse', centre.id)];
      if (rng.chance(0.5)) nurses.push(user(`${prefix}_nurse2`, 'nurse', centre.id));
      const name = `${sub.zh}${t}号家庭医生团队`;
      buf.add('team', { id: teamId, institution_id: centre.id, name, name_en: `${sub.en} Family Doctor Team ${t}` });
      for (const [member, role] of [
        [gp, 'gp'],
        [healthManager, 'health_manager'],
        [publicHealth, 'public_health'],
        ...nurses.map((n) => [n, 'nurse'] as const),
      ] as const) {
        buf.add('team_member', { team_id: teamId, user_id: member.id, team_role: role });
      }
      // Grid t is served from the centre itself or from one of its stations, in turn.
      const slot = (t - 1) % (stations.length + 1);
      const gridInstitution = slot === 0 ? centreInst : stations[slot - 1]!;
      const community = sub.communities[slot === 0 ? (t - 1) % sub.communities.length : slot - 1]!;
      const team = { id: teamId, index: t, name, centre, gp, healthManager, publicHealth, nurses } as TeamOrg;
      const grid: GridOrg = {
        id: randomUUID(),
        name: `${sub.zh}街道第${t}网格（${community}）`,
        institution: gridInstitution,
        community,
        team,
      };
      team.grid = grid;
      buf.add('grid', { id: grid.id, institution_id: gridInstitution.id, team_id: teamId, name: grid.name });
      centre.teams.push(team);
      teams.push(team);
      grids.push(grid);
    }
    centres.push(centre);
  });

  for (const p of SERVICE_PACKAGES) {
    buf.add('service_package', {
      code: p.code,
      name: p.name,
      name_en: p.name_en,
      kind: p.kind,
      annual_fee_cents: p.annual_fee_cents,
      items: JSON.stringify(p.items),
    });
  }
  const hashes = await hashPasswordEach(password, loginRows.length);
  loginRows.forEach((row, i) => (row.password_hash = hashes[i]!));
  await buf.flush(db);
  return { region: REGION, tertiary, secondary, commission, insurance, centres, teams, grids };
}
