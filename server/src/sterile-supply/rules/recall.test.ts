import { describe, expect, it } from 'vitest';
import { lastPassBefore, recallSet } from './recall.js';

const load = (sterilisedOn: string, cycleNo: number) => ({ sterilisedOn, cycleNo });

describe('recall after a failed biological indicator', () => {
  it.each([
    [[load('2024-01-08', 1), load('2024-01-15', 1)], load('2024-01-22', 1), load('2024-01-15', 1)],
    [[load('2024-01-15', 1), load('2024-01-15', 3)], load('2024-01-15', 2), load('2024-01-15', 1)],
    [[load('2024-01-22', 1)], load('2024-01-15', 1), null],
    [[], load('2024-01-15', 1), null],
  ])('passes %j, failure %j → since %j', (passes, failed, since) => {
    expect(lastPassBefore(passes, failed)).toEqual(since);
  });

  const packs = [
    { id: 'a', steriliserId: 'S1', status: 'used', load: load('2024-01-16', 1) }, // used: nothing to recall
    { id: 'b', steriliserId: 'S1', status: 'issued', load: load('2024-01-16', 1) }, // at a centre, unused
    { id: 'c', steriliserId: 'S1', status: 'in_store', load: load('2024-01-15', 1) }, // the passing load itself
    { id: 'd', steriliserId: 'S1', status: 'in_store', load: load('2024-01-15', 2) }, // later cycle, same day
    { id: 'e', steriliserId: 'S2', status: 'in_store', load: load('2024-01-20', 1) }, // another steriliser
    { id: 'f', steriliserId: 'S1', status: 'packed', load: load('2024-01-22', 1) }, // the failed load
    { id: 'g', steriliserId: 'S1', status: 'discarded', load: load('2024-01-20', 1) },
  ];
  it('takes every unused pack of the steriliser after the last passing load', () => {
    expect(recallSet(packs, 'S1', load('2024-01-15', 1)).map((p) => p.id)).toEqual(['b', 'd', 'f']);
    expect(recallSet(packs, 'S1', null).map((p) => p.id)).toEqual(['b', 'c', 'd', 'f']);
  });
});
