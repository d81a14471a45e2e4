import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';
import { DIABETES_ICD10, ENROL_PROGRAMMES, HYPERTENSION_ICD10, KEY_POPULATIONS } from '../features/care/care.types';
import { ADHERENCES, ADVERSE_REACTIONS, CLASSIFICATIONS, HYPOGLYCAEMIA, LEVELS3, SALT_INTAKES, VISIT_MODES } from '../features/followup/followup.types';
import { REVIEW_OUTCOMES, REVIEW_SIDES, REVIEW_STATUSES } from '../features/access-review/access-review.types';
import { KPI_LEVELS } from '../features/kpi/kpi.types';
import { WORKLIST_BUCKETS, WORKLIST_PROGRAMMES, WORKLIST_SORTS } from '../features/worklist/worklist.types';
import {
  BATCH_STATUSES,
  COLLECTION_STATUSES,
  ISSUE_CHECKS,
  MATERIALS,
  METHODS,
  PACK_STATUSES,
  RUN_STATUSES,
  STOP_STEPS,
} from '../features/sterile-supply/sterile-supply.types';

type Catalog = { [key: string]: string | Catalog };

function flatten(catalog: Catalog, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flatten(v, `${prefix}${k}.`)));
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const zhKeys = new Set(flatten(zhCN as Catalog));
const enKeys = new Set(flatten(en as Catalog));
const baseKeys = new Set([...zhKeys].map((k) => k.replace(PLURAL, '')));

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('i18n catalogs', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
  });

  it('has no empty translations', () => {
    const empty = (c: Catalog, p = ''): string[] =>
      Object.entries(c).flatMap(([k, v]) => (typeof v === 'string' ? (v.trim() ? [] : [`${p}${k}`]) : empty(v, `${p}${k}.`)));
    expect(empty(zhCN as Catalog)).toEqual([]);
    expect(empty(en as Catalog)).toEqual([]);
  });

  it("has every literal t('key') used in the source", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.]*)'/g)) {
        if (!baseKeys.has(m[1]!)) missing.push(`${path.relative(srcDir, file)}: ${m[1]}`);
      }
      for (const m of text.matchAll(/labelKey:\s*'([\w.]+)'/g)) {
        if (!baseKeys.has(m[1]!)) missing.push(`${path.relative(srcDir, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('covers every value of the enums shown through dynamic keys', () => {
    const need = [
      ...['male', 'female', 'unknown'].map((s) => `sex.${s}`),
      ...['self', 'care_team', 'referral', 'break_glass'].map((s) => `access.${s}`),
      ...['red', 'yellow', 'green'].map((s) => `risk.${s}`),
      ...['hypertension', 'diabetes', 'elderly', 'child', 'maternal'].map((s) => `programme.${s}`),
      ...['active', 'merged', 'deceased', 'moved_out'].map((s) => `resident.status.${s}`),
      ...['national_id', 'phone', 'name', 'identifier'].map((s) => `search.by.${s}`),
      ...['encounter', 'condition', 'observation', 'medication', 'immunization', 'followup', 'screening', 'contract', 'referral', 'assessment'].map(
        (s) => `timeline.kinds.${s}`,
      ),
      ...[
        'resident',
        'gp',
        'health_manager',
        'public_health',
        'nurse',
        'specialist',
        'referral_coordinator',
        'institution_admin',
        'commission_admin',
        'insurance_admin',
      ].map((s) => `roles.${s}`),
      ...['A', 'B', 'O', 'AB', 'unknown'].map((s) => `basic.bloodTypes.${s}`),
      ...['unmarried', 'married', 'widowed', 'divorced', 'unknown'].map((s) => `basic.marital.${s}`),
      ...['urban_employee', 'urban_rural_resident', 'poverty_relief', 'commercial', 'self_pay', 'other'].map((s) => `basic.insurance.${s}`),
      // Chronic care: worklist, follow-up, contracts, screening, enrolment, KPIs.
      ...WORKLIST_BUCKETS.flatMap((b) => [`worklist.buckets.${b}`, `worklist.empty.${b}`]),
      ...[...WORKLIST_PROGRAMMES, 'referral'].map((p) => `worklist.programmes.${p}`),
      ...WORKLIST_SORTS.map((s) => `worklist.sorts.${s}`),
      ...['urgent', 'high', 'normal'].map((p) => `worklist.priority.${p}`),
      ...CLASSIFICATIONS.map((c) => `classification.${c}`),
      ...['hypertension', 'diabetes'].flatMap((p) => [`followup.title.${p}`, `followup.short.${p}`]),
      ...VISIT_MODES.map((m) => `followup.visitModes.${m}`),
      ...SALT_INTAKES.map((m) => `followup.salt.${m}`),
      ...LEVELS3.map((m) => `followup.levels.${m}`),
      ...ADHERENCES.map((m) => `followup.adherence.${m}`),
      ...ADVERSE_REACTIONS.map((m) => `followup.adverse.${m}`),
      ...HYPOGLYCAEMIA.map((m) => `followup.hypo.${m}`),
      ...['underweight', 'normal', 'overweight', 'obese'].map((b) => `followup.bmiBands.${b}`),
      ...['urgent', 'suggested', 'none'].map((r) => `followup.referralAdvice.${r}`),
      ...['active', 'superseded', 'terminated'].map((s) => `contract.status.${s}`),
      ...KEY_POPULATIONS.map((k) => `keyPopulation.${k}`),
      ...['normal', 'suspected_recheck', 'confirmed_refer_for_diagnosis'].map((s) => `screening.confirmation.${s}`),
      ...['normal', 'impaired', 'diabetic'].map((s) => `screening.glucose.${s}`),
      ...ENROL_PROGRAMMES.flatMap((p) => [`enrol.hints.${p}`, `programme.${p}`]),
      ...[...HYPERTENSION_ICD10, ...DIABETES_ICD10].map((c) => `enrol.icd.${c}`),
      ...['independent', 'mild_dependence', 'moderate_dependence', 'unable'].map((b) => `selfCare.bands.${b}`),
      ...['0', '1', '2', '3', 'firstTwo'].map((l) => `selfCare.levels.${l}`),
      ...KPI_LEVELS.flatMap((l) => [`kpi.levels.${l}`, `kpi.choose.${l}`]),
      ...['numerator', 'denominator', 'gap'].map((s) => `kpi.drill.${s}`),
      ...['met', 'missed'].map((s) => `kpi.targetStatus.${s}`),
      // Break-the-glass: the review page and the emergency note.
      ...REVIEW_STATUSES.flatMap((s) => [`accessReview.status.${s}`, `accessReview.empty.${s}`]),
      ...REVIEW_OUTCOMES.map((o) => `accessReview.outcome.${o}`),
      ...REVIEW_SIDES.flatMap((s) => [`accessReview.side.${s}`, `accessReview.sideHint.${s}`]),
      ...['note_required', 'note_too_long'].map((p) => `accessReview.problems.${p}`),
      ...['note_required', 'note_too_long', 'occurred_in_future'].map((p) => `emergencyAccess.problems.${p}`),
      // Central sterile supply.
      ...['cssd_staff', 'cssd_run_nurse', 'cssd_centre_nurse'].map((s) => `roles.${s}`),
      ...STOP_STEPS.map((s) => `sterileSupply.steps.${s}`),
      ...COLLECTION_STATUSES.map((s) => `sterileSupply.collection.${s}`),
      ...PACK_STATUSES.map((s) => `sterileSupply.packStatus.${s}`),
      ...MATERIALS.map((s) => `sterileSupply.materials.${s}`),
      ...METHODS.map((s) => `sterileSupply.methods.${s}`),
      ...BATCH_STATUSES.map((s) => `sterileSupply.batchStatus.${s}`),
      ...RUN_STATUSES.map((s) => `sterileSupply.runStatus.${s}`),
      ...ISSUE_CHECKS.map((s) => `sterileSupply.checks.${s}`),
      ...['pass', 'fail', 'none'].map((s) => `sterileSupply.result.${s}`),
      ...['open', 'fulfilled', 'cancelled'].map((s) => `sterileSupply.requestStatus.${s}`),
      ...['in_service', 'blocked'].map((s) => `sterileSupply.steriliserStatus.${s}`),
    ];
    expect(need.filter((k) => !baseKeys.has(k))).toEqual([]);
  });
});
