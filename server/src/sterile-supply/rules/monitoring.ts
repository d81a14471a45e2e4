import { addDays, assertIsoDate } from '../../chronic/rules/age.js';

export const METHODS = ['steam_prevacuum', 'steam_gravity', 'h2o2_plasma', 'ethylene_oxide'] as const;
export type Method = (typeof METHODS)[number];

/**
 * What WS 310.3-2016 asks of a load (the seed checks only the tape colour at issue):
 * physical parameters every cycle; an external chemical indicator on every pack and an internal one in high-risk
 * packs; a Bowie-Dick test each day before the first run of a pre-vacuum steam steriliser; biological indicators at
 * least weekly for steam, daily for hydrogen-peroxide plasma, every load for ethylene oxide and every load that
 * holds implants — those loads are released only after their biological indicator passes.
 */
export interface MonitoringRequirements {
  physicalEveryCycle: true;
  externalChemicalEveryPack: true;
  internalChemical: boolean;
  bowieDickDaily: boolean;
  biologicalEvery: 'load' | 'day' | 'week';
  biologicalBeforeRelease: boolean;
}

export function monitoringRequirements(load: { method: Method; containsImplant: boolean; highRiskPack: boolean }): MonitoringRequirements {
  const everyLoad = load.containsImplant || load.method === 'ethylene_oxide';
  return {
    physicalEveryCycle: true,
    externalChemicalEveryPack: true,
    internalChemical: load.highRiskPack,
    bowieDickDaily: load.method === 'steam_prevacuum',
    biologicalEvery: everyLoad ? 'load' : load.method === 'h2o2_plasma' ? 'day' : 'week',
    biologicalBeforeRelease: everyLoad,
  };
}

/** Whether a routine biological indicator is due on `onDate`, given the steriliser's last passing one. */
export function biologicalDue(method: Method, lastPassOn: string | null, onDate: string): boolean {
  assertIsoDate('onDate', onDate);
  if (lastPassOn === null) return true;
  if (method === 'ethylene_oxide') return true;
  const window = method === 'h2o2_plasma' ? 1 : 7;
  return addDays(lastPassOn, window) <= onDate;
}

export interface ReleaseFacts {
  status: string;
  physicalPass: boolean | null;
  steriliserStatus: string;
  biRequired: boolean;
  biResults: readonly ('pass' | 'fail')[];
}

/** Why a load may not be released yet: one entry per unmet requirement, naming the field. Empty = releasable. */
export function releaseBlockers(f: ReleaseFacts): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (f.status !== 'completed') out.push({ field: 'status', message: `load is ${f.status}, not completed` });
  if (f.physicalPass !== true) out.push({ field: 'physicalPass', message: 'physical monitoring has not passed' });
  if (f.steriliserStatus !== 'in_service') out.push({ field: 'steriliserId', message: 'steriliser is blocked after a failed biological indicator' });
  if (f.biRequired && !f.biResults.includes('pass')) out.push({ field: 'biologicalIndicator', message: 'this load is released only after its biological indicator passes' });
  if (f.biResults.includes('fail')) out.push({ field: 'biologicalIndicator', message: 'the biological indicator of this load failed' });
  return out;
}

/**
 * A steriliser after a biological indicator result (WS 310.3-2016): a failure blocks it and opens a recall; while
 * blocked, it returns to service after 3 consecutive passes.
 */
export const PASSES_TO_REQUALIFY = 3;
export function afterBiologicalResult(
  s: { status: 'in_service' | 'blocked'; passesSinceBlock: number },
  result: 'pass' | 'fail',
): { status: 'in_service' | 'blocked'; passesSinceBlock: number; openRecall: boolean } {
  if (result === 'fail') return { status: 'blocked', passesSinceBlock: 0, openRecall: true };
  if (s.status === 'in_service') return { status: 'in_service', passesSinceBlock: 0, openRecall: false };
  const passes = s.passesSinceBlock + 1;
  return passes >= PASSES_TO_REQUALIFY
    ? { status: 'in_service', passesSinceBlock: 0, openRecall: false }
    : { status: 'blocked', passesSinceBlock: passes, openRecall: false };
}

/** Why a given pack may not be issued on `onDate` (empty = issuable). Field names are the pack record's. */
export function issueBlockers(p: { status: string; batchStatus: string; chemicalExternal: string | null; expiresOn: string }, onDate: string): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (p.status !== 'in_store') out.push({ field: 'status', message: `pack is ${p.status}, not in store` });
  if (p.batchStatus !== 'released') out.push({ field: 'batch', message: `its load is ${p.batchStatus}, not released` });
  if (p.chemicalExternal !== 'pass') {
    out.push({ field: 'chemicalIndicator', message: p.chemicalExternal === 'fail' ? 'the chemical indicator failed' : 'no passing chemical indicator is recorded' });
  }
  if (onDate > p.expiresOn) out.push({ field: 'expiresOn', message: `expired on ${p.expiresOn}` });
  return out;
}
