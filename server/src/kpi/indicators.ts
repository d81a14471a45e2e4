/**
 * The KPI dictionary (SPEC "KPIs"): one entry per indicator, with the named numerator and
 * denominator that the SQL in kpi.service.ts computes. Targets are the seeds' where they give one.
 */
export const INDICATORS = {
  htn_standard_management: {
    nameZh: '高血压患者规范管理率',
    nameEn: 'Hypertension standard management rate',
    numerator: 'patients with the required face-to-face follow-ups in the period (4 a year, pro rata)',
    denominator: 'hypertension patients under management in the period',
    target: null,
  },
  htn_bp_control: {
    nameZh: '管理人群血压控制率',
    nameEn: 'Blood pressure control rate',
    numerator: 'patients whose most recent follow-up BP in the period is below 140/90 (150/90 at 65+)',
    denominator: 'hypertension patients under management in the period (no follow-up counts as not controlled)',
    target: null,
  },
  dm_standard_management: {
    nameZh: '2型糖尿病患者规范管理率',
    nameEn: 'Type 2 diabetes standard management rate',
    numerator: 'patients with the required face-to-face follow-ups in the period (4 a year, pro rata)',
    denominator: 'type 2 diabetes patients under management in the period',
    target: null,
  },
  dm_glucose_control: {
    nameZh: '管理人群血糖控制率',
    nameEn: 'Blood glucose control rate',
    numerator: 'patients whose most recent follow-up FBG in the period is below 7.0 mmol/L',
    denominator: 'type 2 diabetes patients under management in the period',
    target: null,
  },
  followup_timeliness: {
    nameZh: '随访及时率',
    nameEn: 'Follow-up timeliness',
    numerator: 'chronic follow-ups done by their due date',
    denominator: 'chronic follow-ups due in the period (up to today)',
    target: 0.9,
  },
  elderly_management: {
    nameZh: '老年人健康管理率',
    nameEn: 'Elderly health management rate',
    numerator: 'residents 65+ who received the annual health management in the period',
    denominator: 'residents 65+',
    target: null,
  },
  contract_rate: {
    nameZh: '家庭医生签约率',
    nameEn: 'Family-doctor contract rate',
    numerator: 'residents with a contract in force at the end of the period',
    denominator: 'residents',
    target: null,
  },
  contract_rate_key_populations: {
    nameZh: '重点人群签约率',
    nameEn: 'Contract rate, key populations',
    numerator: 'key-population residents (65+, hypertension, diabetes) with a contract in force',
    denominator: 'key-population residents (65+, or enrolled in hypertension or diabetes management)',
    target: null,
  },
  record_usage: {
    nameZh: '健康档案使用率',
    nameEn: 'Health record usage rate',
    numerator: 'records with a dynamic entry (encounter, follow-up, screening, assessment) in the year to the end of the period',
    denominator: 'records',
    target: null,
  },
  newborn_visit: {
    nameZh: '新生儿访视率',
    nameEn: 'Newborn home visit rate',
    numerator: 'newborns visited at home within 7 days of discharge',
    denominator: 'live births in the period',
    target: null,
  },
  early_pregnancy_registration: {
    nameZh: '早孕建册率',
    nameEn: 'Early pregnancy registration rate',
    numerator: 'women delivering in the period who registered with a first exam before 13 weeks',
    denominator: 'live births in the period',
    target: null,
  },
  postpartum_visit: {
    nameZh: '产后访视率',
    nameEn: 'Postpartum visit rate',
    numerator: 'women delivering in the period visited within 28 days of discharge',
    denominator: 'live births in the period',
    target: null,
  },
  referral_timely: {
    nameZh: '转诊及时率',
    nameEn: 'Timely referral rate',
    numerator: 'up-referrals seen at the hospital within 1 day of the request (seed 003: 3 days → 1)',
    denominator: 'up-referrals requested in the period, not cancelled or rejected, seen or over a day old',
    target: null,
  },
  referral_green_channel_share: {
    nameZh: '绿色通道转诊占比',
    nameEn: 'Green-channel share of up-referrals',
    numerator: 'green-channel up-referrals requested in the period',
    denominator: 'up-referrals requested in the period',
    target: null,
  },
  up_referral_rate: {
    nameZh: '上转率（应转尽转）',
    nameEn: 'Up-referral rate when indicated',
    numerator: 'follow-ups classified urgent or refer followed by an up-referral within 14 days',
    denominator: 'follow-ups in the period classified urgent or refer',
    target: null,
  },
  down_referral_rate: {
    nameZh: '下转率',
    nameEn: 'Down-referral rate',
    numerator: 'completed up-referrals that came back down with a discharge package',
    denominator: 'up-referrals requested in the period and completed',
    target: null,
  },
  discharge_tasks_on_time: {
    nameZh: '下转患者出院任务按时完成率',
    nameEn: 'Down-referred patients with discharge tasks done on time',
    numerator: 'down-referrals whose discharge tasks were all done within their windows',
    denominator: 'down-referrals requested in the period whose last discharge task window has ended',
    target: null,
  },
  repeat_test_rate: {
    nameZh: '重复检查率',
    nameEn: 'Repeat-test rate',
    numerator: 'recognised tests repeated inside the validity window of an earlier result',
    denominator: 'test orders in the period that met a recognised result inside its window (reused or repeated)',
    target: null,
  },
} as const;

export type IndicatorCode = keyof typeof INDICATORS;
export const INDICATOR_CODES = Object.keys(INDICATORS) as [IndicatorCode, ...IndicatorCode[]];

/** Face-to-face follow-ups a year for hypertension and type 2 diabetes (national standard). */
export const FOLLOW_UPS_PER_YEAR = 4;
