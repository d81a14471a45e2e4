import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

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
    ];
    expect(need.filter((k) => !baseKeys.has(k))).toEqual([]);
  });
});
