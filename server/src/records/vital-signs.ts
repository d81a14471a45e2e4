/**
 * Vital signs and measurements the record accepts, by LOINC code with UCUM units (SPEC "FHIR R4
 * conventions"). Plausibility ranges reject typing errors, not abnormal values.
 */
export const VITAL_SIGNS = {
  '8480-6': { display: '收缩压', displayEn: 'Systolic blood pressure', unit: 'mm[Hg]', min: 40, max: 300 },
  '8462-4': { display: '舒张压', displayEn: 'Diastolic blood pressure', unit: 'mm[Hg]', min: 20, max: 200 },
  '8867-4': { display: '心率', displayEn: 'Heart rate', unit: '/min', min: 20, max: 300 },
  '29463-7': { display: '体重', displayEn: 'Body weight', unit: 'kg', min: 0.3, max: 400 },
  '8302-2': { display: '身高', displayEn: 'Body height', unit: 'cm', min: 20, max: 260 },
  '39156-5': { display: '体质指数', displayEn: 'Body mass index', unit: 'kg/m2', min: 5, max: 100 },
  '8310-5': { display: '体温', displayEn: 'Body temperature', unit: 'Cel', min: 25, max: 45 },
  '14771-0': { display: '空腹血糖(静脉)', displayEn: 'Fasting glucose [Moles/volume] in Serum or Plasma', unit: 'mmol/L', min: 0.5, max: 50 },
  '14770-2': { display: '空腹血糖(指尖)', displayEn: 'Fasting glucose [Moles/volume] in Capillary blood by Glucometer', unit: 'mmol/L', min: 0.5, max: 50 },
  '4548-4': { display: '糖化血红蛋白', displayEn: 'Hemoglobin A1c/Hemoglobin.total in Blood', unit: '%', min: 2, max: 25 },
  '2708-6': { display: '血氧饱和度', displayEn: 'Oxygen saturation in Arterial blood', unit: '%', min: 30, max: 100 },
  '59408-5': { display: '血氧饱和度(脉搏)', displayEn: 'Oxygen saturation in Arterial blood by Pulse oximetry', unit: '%', min: 30, max: 100 },
  '41950-7': { display: '步数', displayEn: 'Number of steps in 24 hour Measured', unit: '/d', min: 0, max: 200000 },
  '8280-0': { display: '腰围', displayEn: 'Waist Circumference at umbilicus by Tape measure', unit: 'cm', min: 30, max: 250 },
} as const;

export type VitalSignCode = keyof typeof VITAL_SIGNS;
export const VITAL_SIGN_CODES = Object.keys(VITAL_SIGNS) as [VitalSignCode, ...VitalSignCode[]];
