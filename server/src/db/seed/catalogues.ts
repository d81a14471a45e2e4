/**
 * Clinical catalogues used by the generator and the demo seed: conditions (ICD-10), drugs (ATC), the national
 * immunisation programme (国家免疫规划) doses, growth references and free-text snippets.
 */

export const CONDITIONS = {
  I10: { display: '原发性高血压', displayEn: 'Essential hypertension' },
  E11: { display: '2型糖尿病', displayEn: 'Type 2 diabetes mellitus' },
  I25: { display: '慢性缺血性心脏病（冠心病）', displayEn: 'Chronic ischaemic heart disease' },
  I63: { display: '脑梗死', displayEn: 'Cerebral infarction' },
  N18: { display: '慢性肾脏病', displayEn: 'Chronic kidney disease' },
  E78: { display: '高脂血症', displayEn: 'Hyperlipidaemia' },
} as const;
export type ConditionCode = keyof typeof CONDITIONS;

export interface Drug {
  name: string;
  atc: string;
  dose: string;
  frequency: string;
  route: string;
}

const oral = (name: string, atc: string, dose: string, frequency: string): Drug => ({ name, atc, dose, frequency, route: '口服' });

/** Antihypertensives, most prescribed first. */
export const HTN_DRUGS: readonly Drug[] = [
  oral('苯磺酸氨氯地平片', 'C08CA01', '5mg', '每日1次'),
  oral('硝苯地平控释片', 'C08CA05', '30mg', '每日1次'),
  oral('缬沙坦胶囊', 'C09CA03', '80mg', '每日1次'),
  oral('厄贝沙坦片', 'C09CA04', '150mg', '每日1次'),
  oral('马来酸依那普利片', 'C09AA02', '10mg', '每日1次'),
  oral('琥珀酸美托洛尔缓释片', 'C07AB02', '47.5mg', '每日1次'),
  oral('氢氯噻嗪片', 'C03AA03', '12.5mg', '每日1次'),
  oral('培哚普利叔丁胺片', 'C09AA04', '4mg', '每日1次'),
];

/** Glucose-lowering drugs, most prescribed first. */
export const DM_DRUGS: readonly Drug[] = [
  oral('盐酸二甲双胍片', 'A10BA02', '0.5g', '每日3次'),
  oral('格列美脲片', 'A10BB12', '2mg', '每日1次'),
  oral('阿卡波糖片', 'A10BF01', '50mg', '每日3次'),
  oral('磷酸西格列汀片', 'A10BH01', '100mg', '每日1次'),
  oral('达格列净片', 'A10BK01', '10mg', '每日1次'),
  { name: '甘精胰岛素注射液', atc: 'A10AE04', dose: '12U', frequency: '每晚1次', route: '皮下注射' },
];

export const ASPIRIN = oral('阿司匹林肠溶片', 'B01AC06', '100mg', '每日1次');
export const ATORVASTATIN = oral('阿托伐他汀钙片', 'C10AA05', '20mg', '每晚1次');

/** 国家免疫规划疫苗儿童免疫程序 (2021): vaccine, dose number, age at the dose in days. */
export const CHILD_VACCINES: readonly { code: string; name: string; dose: number; ageDays: number }[] = [
  { code: 'HepB', name: '乙肝疫苗', dose: 1, ageDays: 0 },
  { code: 'BCG', name: '卡介苗', dose: 1, ageDays: 0 },
  { code: 'HepB', name: '乙肝疫苗', dose: 2, ageDays: 30 },
  { code: 'IPV', name: '脊灰灭活疫苗', dose: 1, ageDays: 60 },
  { code: 'IPV', name: '脊灰灭活疫苗', dose: 2, ageDays: 91 },
  { code: 'DTaP', name: '百白破疫苗', dose: 1, ageDays: 91 },
  { code: 'bOPV', name: '脊灰减毒活疫苗', dose: 3, ageDays: 122 },
  { code: 'DTaP', name: '百白破疫苗', dose: 2, ageDays: 122 },
  { code: 'DTaP', name: '百白破疫苗', dose: 3, ageDays: 152 },
  { code: 'HepB', name: '乙肝疫苗', dose: 3, ageDays: 183 },
  { code: 'MPSV-A', name: 'A群流脑多糖疫苗', dose: 1, ageDays: 183 },
  { code: 'MMR', name: '麻腮风疫苗', dose: 1, ageDays: 243 },
  { code: 'JE-L', name: '乙脑减毒活疫苗', dose: 1, ageDays: 243 },
  { code: 'MPSV-A', name: 'A群流脑多糖疫苗', dose: 2, ageDays: 274 },
  { code: 'DTaP', name: '百白破疫苗', dose: 4, ageDays: 548 },
  { code: 'MMR', name: '麻腮风疫苗', dose: 2, ageDays: 548 },
  { code: 'HepA-L', name: '甲肝减毒活疫苗', dose: 1, ageDays: 548 },
  { code: 'JE-L', name: '乙脑减毒活疫苗', dose: 2, ageDays: 730 },
  { code: 'MPSV-AC', name: 'A群C群流脑多糖疫苗', dose: 1, ageDays: 1096 },
  { code: 'bOPV', name: '脊灰减毒活疫苗', dose: 4, ageDays: 1461 },
  { code: 'MPSV-AC', name: 'A群C群流脑多糖疫苗', dose: 2, ageDays: 2191 },
  { code: 'DT', name: '白破疫苗', dose: 1, ageDays: 2191 },
];

/** WHO child growth medians (boys), by age in months: weight kg, length/height cm. Girls ≈ −0.4 kg, −1.2 cm. */
const GROWTH_BOYS: readonly [number, number, number][] = [
  [0, 3.3, 49.9],
  [1, 4.5, 54.7],
  [3, 6.4, 61.4],
  [6, 7.9, 67.6],
  [8, 8.6, 70.6],
  [12, 9.6, 75.7],
  [18, 10.9, 82.3],
  [24, 12.2, 87.8],
  [30, 13.3, 91.9],
  [36, 14.3, 96.1],
  [48, 16.3, 103.3],
  [60, 18.3, 110.0],
  [72, 20.5, 116.0],
  [84, 22.9, 121.7],
];

export function growthMedian(ageMonths: number, sex: 'male' | 'female'): { weightKg: number; heightCm: number } {
  let lo = GROWTH_BOYS[0]!;
  let hi = GROWTH_BOYS[GROWTH_BOYS.length - 1]!;
  for (let i = 0; i < GROWTH_BOYS.length - 1; i++) {
    const a = GROWTH_BOYS[i]!;
    const b = GROWTH_BOYS[i + 1]!;
    if (ageMonths >= a[0] && ageMonths <= b[0]) {
      lo = a;
      hi = b;
      break;
    }
  }
  const f = hi[0] === lo[0] ? 0 : (Math.min(ageMonths, hi[0]) - lo[0]) / (hi[0] - lo[0]);
  const w = lo[1] + f * (hi[1] - lo[1]);
  const h = lo[2] + f * (hi[2] - lo[2]);
  return sex === 'male' ? { weightKg: w, heightCm: h } : { weightKg: w - 0.4, heightCm: h - 1.2 };
}

// prettier-ignore
export const ETHNICITIES: readonly (readonly [string, number])[] = [
  ['汉族', 95.2], ['畲族', 1.0], ['回族', 0.8], ['土家族', 0.6], ['苗族', 0.6], ['满族', 0.5], ['壮族', 0.5],
  ['布依族', 0.3], ['蒙古族', 0.2], ['侗族', 0.2], ['彝族', 0.1],
];

/** 职业 categories of the national basic-information form (GB/T 6565). */
export const OCCUPATIONS: readonly (readonly [string, number])[] = [
  ['专业技术人员', 20],
  ['办事人员和有关人员', 15],
  ['商业、服务业人员', 26],
  ['国家机关、党群组织、企业、事业单位负责人', 5],
  ['生产、运输设备操作人员及有关人员', 16],
  ['农、林、牧、渔、水利业生产人员', 3],
  ['军人', 0.5],
  ['不便分类的其他从业人员', 6],
  ['无职业', 8.5],
];

export const DISABILITIES = ['肢体残疾', '视力残疾', '听力残疾', '言语残疾', '智力残疾', '精神残疾'] as const;

export const SURGERIES = ['阑尾切除术', '胆囊切除术', '剖宫产术', '白内障摘除术', '疝修补术', '甲状腺部分切除术'] as const;
