/** A load's place in its steriliser's sequence: by sterilisation date, then cycle number. */
export interface LoadKey {
  sterilisedOn: string;
  cycleNo: number;
}
export const compareLoads = (a: LoadKey, b: LoadKey) =>
  a.sterilisedOn < b.sterilisedOn ? -1 : a.sterilisedOn > b.sterilisedOn ? 1 : a.cycleNo - b.cycleNo;

/** Unused: not yet opened at a centre (and not already recalled or discarded). */
export const UNUSED_STATUSES = ['packed', 'in_store', 'issued'] as const;

/**
 * The last load with a passing biological indicator before the failed one (WS 310.3-2016: recall every unused item
 * since the last passing biological indicator). Null when the steriliser never passed: then everything is recalled.
 */
export function lastPassBefore(passes: readonly LoadKey[], failed: LoadKey): LoadKey | null {
  const before = passes.filter((p) => compareLoads(p, failed) < 0).sort(compareLoads);
  return before.at(-1) ?? null;
}

/** The packs a failed biological indicator recalls: unused packs of that steriliser from loads after the last pass. */
export function recallSet<P extends { steriliserId: string; status: string; load: LoadKey }>(
  packs: readonly P[],
  steriliserId: string,
  since: LoadKey | null,
): P[] {
  return packs.filter(
    (p) =>
      p.steriliserId === steriliserId &&
      (UNUSED_STATUSES as readonly string[]).includes(p.status) &&
      (since === null || compareLoads(p.load, since) > 0),
  );
}
