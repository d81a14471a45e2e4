import { describe, expect, it } from 'vitest';
import { afterBiologicalResult, biologicalDue, issueBlockers, monitoringRequirements, releaseBlockers, type Method } from './monitoring.js';

describe('monitoring requirements (WS 310.3-2016)', () => {
  it.each([
    ['steam_prevacuum', false, true, { internalChemical: true, bowieDickDaily: true, biologicalEvery: 'week', biologicalBeforeRelease: false }],
    ['steam_prevacuum', true, true, { internalChemical: true, bowieDickDaily: true, biologicalEvery: 'load', biologicalBeforeRelease: true }],
    ['steam_gravity', false, false, { internalChemical: false, bowieDickDaily: false, biologicalEvery: 'week', biologicalBeforeRelease: false }],
    ['h2o2_plasma', false, true, { internalChemical: true, bowieDickDaily: false, biologicalEvery: 'day', biologicalBeforeRelease: false }],
    ['ethylene_oxide', false, false, { internalChemical: false, bowieDickDaily: false, biologicalEvery: 'load', biologicalBeforeRelease: true }],
  ] as const)('%s, implant %s, high risk %s', (method, implant, highRisk, expected) => {
    expect(monitoringRequirements({ method, containsImplant: implant, highRiskPack: highRisk })).toEqual({
      physicalEveryCycle: true,
      externalChemicalEveryPack: true,
      ...expected,
    });
  });

  it.each([
    ['steam_prevacuum', null, '2024-01-15', true],
    ['steam_prevacuum', '2024-01-09', '2024-01-15', false],
    ['steam_prevacuum', '2024-01-08', '2024-01-15', true],
    ['h2o2_plasma', '2024-01-15', '2024-01-15', false],
    ['h2o2_plasma', '2024-01-14', '2024-01-15', true],
    ['ethylene_oxide', '2024-01-15', '2024-01-15', true],
  ] as [Method, string | null, string, boolean][])('%s last pass %s, on %s → BI due %s', (m, last, on, due) => {
    expect(biologicalDue(m, last, on)).toBe(due);
  });
});

describe('release and issue', () => {
  const ok = { status: 'completed', physicalPass: true, steriliserStatus: 'in_service', biRequired: false, biResults: [] as ('pass' | 'fail')[] };
  it.each([
    [{}, []],
    [{ physicalPass: false }, ['physicalPass']],
    [{ physicalPass: null }, ['physicalPass']],
    [{ steriliserStatus: 'blocked' }, ['steriliserId']],
    [{ biRequired: true }, ['biologicalIndicator']],
    [{ biRequired: true, biResults: ['pass'] }, []],
    [{ biResults: ['fail'] }, ['biologicalIndicator']],
    [{ status: 'loading' }, ['status']],
  ] as const)('load %j → blockers %j', (change, fields) => {
    expect(releaseBlockers({ ...ok, ...change }).map((b) => b.field)).toEqual(fields);
  });

  const pack = { status: 'in_store', batchStatus: 'released', chemicalExternal: 'pass', expiresOn: '2024-07-15' };
  it.each([
    [{}, '2024-07-15', []],
    [{}, '2024-07-16', ['expiresOn']],
    [{ chemicalExternal: null }, '2024-02-01', ['chemicalIndicator']],
    [{ chemicalExternal: 'fail' }, '2024-02-01', ['chemicalIndicator']],
    [{ status: 'issued' }, '2024-02-01', ['status']],
    [{ batchStatus: 'completed' }, '2024-02-01', ['batch']],
  ] as const)('pack %j on %s → blockers %j', (change, on, fields) => {
    expect(issueBlockers({ ...pack, ...change }, on).map((b) => b.field)).toEqual(fields);
  });
});

describe('steriliser after a biological indicator', () => {
  it('blocks on failure and needs 3 consecutive passes', () => {
    let s = afterBiologicalResult({ status: 'in_service', passesSinceBlock: 0 }, 'fail');
    expect(s).toEqual({ status: 'blocked', passesSinceBlock: 0, openRecall: true });
    s = afterBiologicalResult(s, 'pass');
    s = afterBiologicalResult(s, 'pass');
    expect(s.status).toBe('blocked');
    s = afterBiologicalResult(s, 'fail'); // a failure restarts the count
    expect(s).toEqual({ status: 'blocked', passesSinceBlock: 0, openRecall: true });
    for (let i = 0; i < 2; i++) s = afterBiologicalResult(s, 'pass');
    expect(s.status).toBe('blocked');
    s = afterBiologicalResult(s, 'pass');
    expect(s).toEqual({ status: 'in_service', passesSinceBlock: 0, openRecall: false });
  });
});
