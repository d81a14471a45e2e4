import { describe, expect, it } from 'vitest';
import { compareWithSlip, isDiscrepancy, ISSUE_AFTER, nextStep, STOP_STEPS, stepNo } from './stop.js';

describe('the stop in the seed order', () => {
  it('collects before it issues, with hand hygiene between', () => {
    expect(STOP_STEPS.indexOf('reprocess_counted')).toBeLessThan(STOP_STEPS.indexOf('used_counted'));
    expect(stepNo('gloves_off')).toBeLessThan(stepNo('hand_hygiene'));
    expect(ISSUE_AFTER).toBe(stepNo('issued') - 1);
    expect(nextStep(0)).toBe('gloves_on');
    expect(nextStep(7)).toBe('issued');
    expect(nextStep(8)).toBeNull();
  });
});

describe('counting against the 换物单', () => {
  const slip = [
    { name: '弯盘', spec: '20cm', quantity: 4 },
    { name: '止血钳', spec: '14cm 直', quantity: 6 },
  ];
  it.each([
    ['same lines, other order and spacing', [{ name: '止血钳', spec: '14cm  直', quantity: 6 }, { name: ' 弯盘', spec: '20cm', quantity: 4 }], false],
    ['one short', [{ name: '弯盘', spec: '20cm', quantity: 3 }, { name: '止血钳', spec: '14cm 直', quantity: 6 }], true],
    ['other specification', [{ name: '弯盘', spec: '25cm', quantity: 4 }, { name: '止血钳', spec: '14cm 直', quantity: 6 }], true],
    ['an item not on the slip', [...slip, { name: '剪刀', spec: '', quantity: 1 }], true],
    ['damaged item', [{ name: '弯盘', spec: '20cm', quantity: 4, intact: false }, { name: '止血钳', spec: '14cm 直', quantity: 6 }], true],
  ])('%s → discrepancy %s', (_label, counted, discrepancy) => {
    expect(isDiscrepancy(compareWithSlip(slip, counted))).toBe(discrepancy);
  });

  it('keeps both sides of a mismatched line', () => {
    const lines = compareWithSlip(slip, [{ name: '弯盘', spec: '20cm', quantity: 3 }]);
    expect(lines).toContainEqual({ name: '弯盘', spec: '20cm', slipQuantity: 4, countedQuantity: 3, intact: true, matches: false });
    expect(lines).toContainEqual({ name: '止血钳', spec: '14cm 直', slipQuantity: 6, countedQuantity: 0, intact: true, matches: false });
    expect(() => compareWithSlip(slip, [{ name: 'x', spec: '', quantity: -1 }])).toThrow(/lines\.0\.quantity/);
  });
});
