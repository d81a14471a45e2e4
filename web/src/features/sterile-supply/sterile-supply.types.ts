/** Shapes of /api/sterile-supply (server/src/sterile-supply/sterile-supply.schemas.ts). */
export const STOP_STEPS = ['gloves_on', 'reprocess_counted', 'reprocess_boxed', 'used_counted', 'used_boxed', 'gloves_off', 'hand_hygiene', 'issued'] as const;
export type StopStep = (typeof STOP_STEPS)[number];
export const COLLECTION_STATUSES = ['pending', 'matched', 'discrepancy', 'resolved'] as const;
export const PACK_STATUSES = ['packed', 'in_store', 'issued', 'used', 'recalled', 'discarded'] as const;
export const MATERIALS = ['textile', 'paper_bag', 'crepe_paper', 'nonwoven', 'paper_plastic', 'rigid_container'] as const;
export const METHODS = ['steam_prevacuum', 'steam_gravity', 'h2o2_plasma', 'ethylene_oxide'] as const;
export const BATCH_STATUSES = ['loading', 'completed', 'released', 'failed'] as const;
export const RUN_STATUSES = ['planned', 'in_progress', 'completed'] as const;
/** The five checks of issue (seed 1.2.5.2): 名称、数量、灭菌时间、灭菌方法、化学指示带颜色. */
export const ISSUE_CHECKS = ['name', 'quantity', 'sterilisedOn', 'method', 'indicatorColour'] as const;

export interface RunSummary {
  id: string;
  runDate: string;
  routeName: string;
  driverName: string;
  nurseUserId: string;
  nurseName: string;
  status: string;
  stops: number;
  stopsDone: number;
  discrepancies: number;
}

export interface SlipLine {
  kind: 'reprocess' | 'used';
  name: string;
  spec: string;
  quantity: number;
}
export interface CountedLine {
  kind: string;
  name: string;
  spec: string;
  slipQuantity: number;
  countedQuantity: number;
  intact: boolean;
  matches: boolean;
}
export interface Stop {
  id: string;
  centreId: string;
  centreName: string;
  stopOrder: number;
  plannedTime: string;
  progress: number;
  nextStep: StopStep | null;
  collectionStatus: string;
  resolutionNote: string | null;
  issuedAt: string | null;
  events: { step: string; doneAt: string }[];
  slip: SlipLine[];
  counted: CountedLine[];
  requests: { id: string; packTypeId: string; packName: string; quantity: number; neededOn: string; status: string }[];
  issued: { label: string; name: string; quantity: number; sterilisedOn: string; expiresOn: string; method: string; chemicalIndicator: string | null }[];
}
export interface Run extends Omit<RunSummary, 'stops' | 'stopsDone' | 'discrepancies'> {
  stops: Stop[];
}

export interface PackType {
  id: string;
  code: string;
  name: string;
  contents: { name: string; spec: string; quantity: number }[];
  material: string;
  method: string;
  lowUse: boolean;
  highRisk: boolean;
  implant: boolean;
}
export interface Department {
  id: string;
  name: string;
  institutionName: string;
  storeControlled: boolean;
  scope: { centreId: string | null };
  centres: { centreId: string; name: string; routeName: string; stopOrder: number; plannedTime: string; runWeekdays: number[] }[];
  packTypes: PackType[];
  sterilisers: { id: string; code: string; name: string; method: string; status: string; passesSinceBlock: number }[];
  validityRules: { id: number; version: number; material: string; storeControlled: boolean | null; months: number | null; days: number | null; basis: string }[];
  runNurses: { id: string; name: string }[];
}

export interface StockItem {
  label: string;
  name: string;
  quantity: number;
  sterilisedOn: string;
  expiresOn: string;
  method: string;
  material: string;
  status: string;
  issuedOn: string | null;
  expired: boolean;
  daysLeft: number;
  recallId: string | null;
}
export interface RequestItem {
  id: string;
  centreName: string;
  packName: string;
  lowUse: boolean;
  quantity: number;
  neededOn: string;
  requestedOn: string;
  dayAhead: boolean;
  status: string;
}
export interface BatchSummary {
  id: string;
  batchNo: string;
  sterilisedOn: string;
  cycleNo: number;
  status: string;
  physicalPass: boolean | null;
  biRequired: boolean;
  testCycle: boolean;
  biResult: string | null;
  steriliserCode: string;
  method: string;
  packs: number;
  withoutIndicator: number;
}
export interface SteriliserStatus {
  id: string;
  code: string;
  name: string;
  method: string;
  status: string;
  passesSinceBlock: number;
  bowieDickRequired: boolean;
  bowieDickToday: string | null;
  lastBiologicalPass: string | null;
  biologicalDue: boolean;
}
export interface RecallSummary {
  id: string;
  openedOn: string;
  steriliserCode: string;
  failedBatchNo: string;
  packs: number;
  centres: number;
}
export interface Holder {
  centreId: string | null;
  centreName: string | null;
  packs: { label: string; name: string; status: string; batchNo: string; expiresOn: string }[];
}
export interface RecallDetail {
  id: string;
  openedOn: string;
  steriliserCode: string;
  steriliserStatus: string;
  passesSinceBlock: number;
  failedBatchNo: string;
  lastPassBatchNo: string | null;
  holders: Holder[];
}
export interface ReprocessItem {
  id: string;
  centreName: string;
  name: string;
  spec: string;
  quantity: number;
  collectedOn: string;
  nextRunOn: string;
  scheduledOn: string;
  status: string;
}
export interface StoreItem {
  packTypeId: string | null;
  name: string;
  issuable: number;
  expired: number;
  awaitingRelease: number;
  nextExpiry: string | null;
}
export interface Trace {
  pack: {
    label: string;
    name: string;
    code: string | null;
    quantity: number;
    contents: { name: string; spec: string; quantity: number }[];
    material: string;
    method: string;
    sterilisedOn: string;
    expiresOn: string;
    implant: boolean;
    packer: string;
    status: string;
    chemicalExternal: string | null;
    chemicalInternal: string | null;
    reprocessedFor: { centreName: string; collectedOn: string | null } | null;
  };
  batch: { id: string; batchNo: string; cycleNo: number; sterilisedOn: string; status: string; temperatureC: number | null; pressureKpa: number | null; exposureMinutes: number | null; physicalPass: boolean | null; releasedAt: string | null; releasedBy: string | null };
  steriliser: { code: string; name: string; method: string; status: string };
  monitoring: { bowieDick: { testedOn: string; result: string }[]; biological: { readOn: string; result: string }[] };
  issue: { centreName: string; issuedOn: string; runDate: string; routeName: string; nurse: string; stopOrder: number } | null;
  use: { usedOn: string; encounterId: string | null } | null;
  recall: { id: string; openedOn: string; priorStatus: string } | null;
}
export interface Fraction {
  numerator: number;
  denominator: number;
  rate: number | null;
}
export interface SupplyKpiRow {
  month: string;
  centreId: string | null;
  centreName: string | null;
  passRate: Fraction | null;
  onTimeDelivery: Fraction;
  discrepancyRate: Fraction;
  expiredUnused: number;
  recalledPacks: number;
  recalls: number;
}
export interface SupplyKpis {
  from: string;
  to: string;
  onTimeGraceMinutes: number;
  rows: SupplyKpiRow[];
}
