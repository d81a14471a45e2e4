import { z } from 'zod';
import { ErrorBody, errorResponses } from '../http/errors.js';
import { MATERIALS } from './rules/validity.js';
import { METHODS } from './rules/monitoring.js';
import { STOP_STEPS, TICK_STEPS } from './rules/stop.js';

export const supplyErrors = { ...errorResponses, 422: ErrorBody } as const;

export const Material = z.enum(MATERIALS);
export const Method = z.enum(METHODS);
export const Step = z.enum(STOP_STEPS);
export const TickStep = z.enum(TICK_STEPS);
const Name = z.string().trim().min(1).max(80);
const Spec = z.string().trim().max(80).default('');
const Hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');
export const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
export const Label = z.string().trim().min(3).max(60);
export const Id = z.string().uuid();
export const Fraction = z.object({ numerator: z.number().int(), denominator: z.number().int(), rate: z.number().nullable() });
export const PassFail = z.enum(['pass', 'fail']);
export const ContentLine = z.strictObject({ name: Name, spec: Spec, quantity: z.number().int().min(1).max(200) });

export const DepartmentBody = z.strictObject({
  name: z.string().trim().min(2).max(80),
  storeControlled: z.boolean().default(true),
  centres: z
    .array(
      z.strictObject({
        centreId: Id,
        routeName: z.string().trim().min(1).max(40),
        stopOrder: z.number().int().min(1).max(100),
        plannedTime: Hhmm,
        runWeekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      }),
    )
    .max(200),
});

export const DepartmentOut = z.object({
  id: Id,
  name: z.string(),
  institutionName: z.string(),
  storeControlled: z.boolean(),
  scope: z.object({ centreId: Id.nullable() }),
  centres: z.array(z.object({ centreId: Id, name: z.string(), routeName: z.string(), stopOrder: z.number().int(), plannedTime: z.string(), runWeekdays: z.array(z.number().int()) })),
  packTypes: z.array(
    z.object({
      id: Id,
      code: z.string(),
      name: z.string(),
      contents: z.array(z.object({ name: z.string(), spec: z.string(), quantity: z.number() })),
      instruments: z.array(z.object({ id: Id, name: z.string(), spec: z.string(), udi: z.string().nullable() })),
      material: z.string(),
      method: z.string(),
      lowUse: z.boolean(),
      highRisk: z.boolean(),
      implant: z.boolean(),
    }),
  ),
  sterilisers: z.array(z.object({ id: Id, code: z.string(), name: z.string(), method: z.string(), status: z.string(), passesSinceBlock: z.number().int() })),
  scrappedInstruments: z.array(z.object({ id: Id, name: z.string(), spec: z.string(), reason: z.string() })),
  validityRules: z.array(
    z.object({ id: z.number().int(), version: z.number().int(), effectiveFrom: z.string(), material: z.string(), storeControlled: z.boolean().nullable(), months: z.number().nullable(), days: z.number().nullable(), basis: z.string() }),
  ),
  runNurses: z.array(z.object({ id: Id, name: z.string() })),
});

export const PackTypeBody = z.strictObject({
  code: z.string().trim().min(1).max(20),
  name: Name,
  contents: z.array(ContentLine).max(100).default([]),
  material: Material,
  method: Method,
  lowUse: z.boolean().default(false),
  highRisk: z.boolean().default(true),
  implant: z.boolean().default(false),
});

export const RequestOut = z.object({
  id: Id,
  centreId: Id,
  centreName: z.string(),
  packTypeId: Id,
  packName: z.string(),
  lowUse: z.boolean(),
  quantity: z.number().int(),
  neededOn: z.string(),
  requestedOn: z.string(),
  dayAhead: z.boolean(),
  status: z.string(),
});

export const RunSummary = z.object({
  id: Id,
  runDate: z.string(),
  routeName: z.string(),
  driverName: z.string(),
  nurseUserId: Id,
  nurseName: z.string(),
  status: z.string(),
  stops: z.number().int(),
  stopsDone: z.number().int(),
  discrepancies: z.number().int(),
});

const SlipLineOut = z.object({ kind: z.string(), name: z.string(), spec: z.string(), quantity: z.number().int() });
const CountedOut = z.object({ kind: z.string(), name: z.string(), spec: z.string(), slipQuantity: z.number().int(), countedQuantity: z.number().int(), intact: z.boolean(), matches: z.boolean() });
export const RunOut = z.object({
  id: Id,
  runDate: z.string(),
  routeName: z.string(),
  driverName: z.string(),
  nurseUserId: Id,
  nurseName: z.string(),
  status: z.string(),
  stops: z.array(
    z.object({
      id: Id,
      centreId: Id,
      centreName: z.string(),
      stopOrder: z.number().int(),
      plannedTime: z.string(),
      progress: z.number().int(),
      nextStep: Step.nullable(),
      collectionStatus: z.string(),
      resolutionNote: z.string().nullable(),
      issuedAt: z.string().nullable(),
      events: z.array(z.object({ step: z.string(), doneAt: z.string() })),
      slip: z.array(SlipLineOut),
      counted: z.array(CountedOut),
      requests: z.array(z.object({ id: Id, packTypeId: Id, packName: z.string(), quantity: z.number().int(), neededOn: z.string(), status: z.string() })),
      issued: z.array(
        z.object({ label: z.string(), name: z.string(), quantity: z.number().int(), sterilisedOn: z.string(), expiresOn: z.string(), method: z.string(), chemicalIndicator: z.string().nullable() }),
      ),
    }),
  ),
});

export const StepOut = z.object({ stopId: Id, progress: z.number().int(), nextStep: Step.nullable() });
export const CountBody = z.strictObject({
  kind: z.enum(['reprocess', 'used']),
  lines: z.array(z.strictObject({ name: Name, spec: Spec, quantity: z.number().int().min(0).max(1000), intact: z.boolean().default(true) })).max(200),
});
export const CountOut = StepOut.extend({
  discrepancy: z.boolean(),
  lines: z.array(z.object({ name: z.string(), spec: z.string(), slipQuantity: z.number().int(), countedQuantity: z.number().int(), intact: z.boolean(), matches: z.boolean() })),
  scheduled: z.array(z.object({ name: z.string(), quantity: z.number().int(), scheduledOn: z.string() })),
});
export const SlipBody = z.strictObject({
  lines: z.array(z.strictObject({ kind: z.enum(['reprocess', 'used']), name: Name, spec: Spec, quantity: z.number().int().min(1).max(1000) })).max(200),
});
export const IssueBody = z.strictObject({
  items: z
    .array(
      z.union([
        z.strictObject({ label: Label, indicatorColour: PassFail }),
        z.strictObject({ packTypeId: Id, quantity: z.number().int().min(1).max(100), indicatorColour: PassFail }),
      ]),
    )
    .min(1)
    .max(100),
});

export const StockOut = z.object({
  label: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  sterilisedOn: z.string(),
  expiresOn: z.string(),
  method: z.string(),
  material: z.string(),
  status: z.string(),
  issuedOn: z.string().nullable(),
  expired: z.boolean(),
  daysLeft: z.number().int(),
  recallId: Id.nullable(),
});

export const BatchSummary = z.object({
  id: Id,
  batchNo: z.string(),
  sterilisedOn: z.string(),
  cycleNo: z.number().int(),
  status: z.string(),
  physicalPass: z.boolean().nullable(),
  biRequired: z.boolean(),
  testCycle: z.boolean(),
  biResult: z.string().nullable(),
  steriliserCode: z.string(),
  method: z.string(),
  packs: z.number().int(),
  withoutIndicator: z.number().int(),
});

const Holder = z.object({
  centreId: Id.nullable(),
  centreName: z.string().nullable(),
  packs: z.array(z.object({ label: z.string(), name: z.string(), status: z.string(), batchNo: z.string(), expiresOn: z.string() })),
});
export const RecallOut = z.object({
  id: Id,
  openedOn: z.string(),
  steriliserCode: z.string(),
  steriliserStatus: z.string(),
  passesSinceBlock: z.number().int(),
  failedBatchNo: z.string(),
  lastPassBatchNo: z.string().nullable(),
  holders: z.array(Holder),
});
export const BatchTraceOut = z.object({ id: Id, batchNo: z.string(), status: z.string(), holders: z.array(Holder) });

export const TraceOut = z.object({
  pack: z.object({
    label: z.string(),
    name: z.string(),
    code: z.string().nullable(),
    quantity: z.number().int(),
    contents: z.array(z.object({ name: z.string(), spec: z.string(), quantity: z.number() })),
    material: z.string(),
    method: z.string(),
    sterilisedOn: z.string(),
    expiresOn: z.string(),
    validityRuleId: z.number().int(),
    implant: z.boolean(),
    packer: z.string(),
    packedAt: z.string(),
    status: z.string(),
    chemicalExternal: z.string().nullable(),
    chemicalInternal: z.string().nullable(),
    reprocessedFor: z.object({ centreName: z.string(), collectedOn: z.string().nullable() }).nullable(),
  }),
  batch: z.object({
    id: Id,
    batchNo: z.string(),
    cycleNo: z.number().int(),
    sterilisedOn: z.string(),
    status: z.string(),
    temperatureC: z.number().nullable(),
    pressureKpa: z.number().nullable(),
    exposureMinutes: z.number().nullable(),
    physicalPass: z.boolean().nullable(),
    biRequired: z.boolean(),
    releasedAt: z.string().nullable(),
    releasedBy: z.string().nullable(),
  }),
  steriliser: z.object({ id: Id, code: z.string(), name: z.string(), method: z.string(), status: z.string() }),
  monitoring: z.object({
    bowieDick: z.array(z.object({ testedOn: z.string(), result: z.string() })),
    biological: z.array(z.object({ readOn: z.string(), result: z.string() })),
  }),
  issue: z
    .object({
      centreId: Id,
      centreName: z.string(),
      issuedOn: z.string(),
      issuedAt: z.string().nullable(),
      runId: Id,
      runDate: z.string(),
      routeName: z.string(),
      nurse: z.string(),
      stopOrder: z.number().int(),
    })
    .nullable(),
  use: z.object({ usedOn: z.string(), encounterId: Id.nullable() }).nullable(),
  recall: z.object({ id: Id, openedOn: z.string(), priorStatus: z.string() }).nullable(),
});

export const KpiOut = z.object({
  from: z.string(),
  to: z.string(),
  onTimeGraceMinutes: z.number().int(),
  rows: z.array(
    z.object({
      month: z.string(),
      centreId: Id.nullable(),
      centreName: z.string().nullable(),
      passRate: Fraction.nullable(),
      onTimeDelivery: Fraction,
      discrepancyRate: Fraction,
      expiredUnused: z.number().int(),
      recalledPacks: z.number().int(),
      recalls: z.number().int(),
    }),
  ),
});
