import { RuleInputError } from '../../chronic/rules/errors.js';

/**
 * The run nurse's work at a centre, in the seed's order (1.2.5.2): gloves on → count the 代消毒 items → rear sealed
 * box → count the used instruments → rear sealed dirty box → gloves off → disinfect hands → issue sterile items.
 * A step's number is its position (1-based); ss_stop.progress holds the last step done.
 */
export const STOP_STEPS = ['gloves_on', 'reprocess_counted', 'reprocess_boxed', 'used_counted', 'used_boxed', 'gloves_off', 'hand_hygiene', 'issued'] as const;
export type StopStep = (typeof STOP_STEPS)[number];
export const stepNo = (step: StopStep) => STOP_STEPS.indexOf(step) + 1;
export const COUNT_STEPS = { reprocess: 'reprocess_counted', used: 'used_counted' } as const satisfies Record<string, StopStep>;
/** Steps recorded by a plain tick (counting and issue carry their own data). */
export const TICK_STEPS = ['gloves_on', 'reprocess_boxed', 'used_boxed', 'gloves_off', 'hand_hygiene'] as const satisfies readonly StopStep[];
/** Issue is allowed once everything before it is done: collection first, then hand hygiene. */
export const ISSUE_AFTER = stepNo('hand_hygiene');

export function nextStep(progress: number): StopStep | null {
  return STOP_STEPS[progress] ?? null;
}

export interface SlipLine {
  name: string;
  spec: string;
  quantity: number;
}
export interface CountedLine extends SlipLine {
  intact?: boolean;
}
export interface ComparedLine {
  name: string;
  spec: string;
  slipQuantity: number;
  countedQuantity: number;
  intact: boolean;
  matches: boolean;
}

const norm = (s: string) => s.normalize('NFKC').trim().replace(/\s+/g, ' ');
const keyOf = (l: { name: string; spec: string }) => `${norm(l.name)}\u0000${norm(l.spec)}`;

/**
 * Counts against the 换物单 by name, specification and quantity (品名、数量、规格). Every line of either side appears
 * once; a line matches when both quantities agree and the items are intact (完好性).
 */
export function compareWithSlip(slip: readonly SlipLine[], counted: readonly CountedLine[]): ComparedLine[] {
  const out = new Map<string, ComparedLine>();
  const add = (l: SlipLine, field: 'slipQuantity' | 'countedQuantity', intact: boolean, path: string) => {
    if (!Number.isInteger(l.quantity) || l.quantity < 0) throw new RuleInputError(path, 'quantity must be a whole number ≥ 0');
    const k = keyOf(l);
    const line = out.get(k) ?? { name: norm(l.name), spec: norm(l.spec), slipQuantity: 0, countedQuantity: 0, intact: true, matches: false };
    line[field] += l.quantity;
    line.intact &&= intact;
    out.set(k, line);
  };
  slip.forEach((l, i) => add(l, 'slipQuantity', true, `slip.${i}.quantity`));
  counted.forEach((l, i) => add(l, 'countedQuantity', l.intact ?? true, `lines.${i}.quantity`));
  return [...out.values()].map((l) => ({ ...l, matches: l.intact && l.slipQuantity === l.countedQuantity }));
}

export const isDiscrepancy = (lines: readonly ComparedLine[]) => lines.some((l) => !l.matches);
