import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../http/route-access.js';
import { careContext } from '../http/care-context.js';
import { todayIso } from '../shared/dates.js';
import { addDays } from '../chronic/rules/age.js';
import { createInstrument, createPackType, createSteriliser, getDepartment, inspectInstrument, recordWash, setupDepartment } from './catalogue.service.js';
import { centreStock, countStep, createRequest, getRun, issueAtStop, listReprocessItems, listRequests, listRuns, planRun, putSlip, resolveDiscrepancy, storeStock, tickStep, usePack } from './loop.service.js';
import { addPacks, createBatch, listBatches, listRecalls, recordBdTest, recordBiTest, recordResults, releaseBatch, steriliserStatus } from './sterilisation.service.js';
import { traceBatch, traceLabel, traceRecall } from './trace.service.js';
import { supplyKpis } from './kpi.service.js';
import * as S from './sterile-supply.schemas.js';

const tags = ['sterile-supply'];
const IdParams = (name: string) => z.strictObject({ [name]: S.Id });
const Created = z.object({ id: S.Id });
const DateRange = { from: z.iso.date().default(() => addDays(todayIso(), -30)), to: z.iso.date().default(() => addDays(todayIso(), 30)) };

/** Central sterile supply (集中式消毒供应, 下收下送), under /api/sterile-supply. */
export const sterileSupplyRoutes: FastifyPluginAsyncZod = async (app) => {
  // ── department and catalogue ──
  app.put('/department', {
    config: access('session'),
    schema: { tags, summary: 'Set up the supply department of your hospital and the centres its van serves', body: S.DepartmentBody, response: { 200: Created, ...S.supplyErrors } },
  }, async (request) => setupDepartment(careContext(request), request.body));

  app.get('/department', {
    config: access('session'),
    schema: { tags, summary: 'The department: centres and routes, catalogue, sterilisers, validity table, run nurses', response: { 200: S.DepartmentOut, ...S.supplyErrors } },
  }, async (request) => getDepartment(careContext(request)));

  app.post('/pack-types', {
    config: access('session'),
    schema: { tags, summary: 'A standard pack: one name, content list and label (seed 1.2.2)', body: S.PackTypeBody, response: { 201: Created, ...S.supplyErrors } },
  }, async (request, reply) => reply.status(201).send(await createPackType(careContext(request), request.body)));

  app.post('/sterilisers', {
    config: access('session'),
    schema: { tags, summary: 'Register a steriliser', body: z.strictObject({ code: z.string().trim().min(1).max(20), name: z.string().trim().min(1).max(80), method: S.Method }), response: { 201: Created, ...S.supplyErrors } },
  }, async (request, reply) => reply.status(201).send(await createSteriliser(careContext(request), request.body)));

  app.post('/instruments', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Register an instrument (optionally in a standard pack)',
      body: z.strictObject({ packTypeId: S.Id.nullable().default(null), name: z.string().trim().min(1).max(80), spec: z.string().trim().max(80).default(''), udi: z.string().trim().max(120).nullable().default(null) }),
      response: { 201: Created, ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await createInstrument(careContext(request), request.body)));

  app.post('/instruments/:instrumentId/inspection', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Inspection after cleaning: a failed instrument is scrapped (报废) and leaves its pack',
      params: IdParams('instrumentId'),
      body: z.strictObject({ result: S.PassFail, reason: z.string().trim().min(2).max(300).nullable().default(null) }),
      response: { 200: z.object({ id: S.Id, status: z.enum(['in_service', 'scrapped']) }), ...S.supplyErrors },
    },
  }, async (request) => inspectInstrument(careContext(request), (request.params as { instrumentId: string }).instrumentId, request.body));

  app.post('/wash-cycles', {
    config: access('session'),
    schema: {
      tags,
      summary: 'A washer-disinfector cycle (final rinse ≥ 90 ℃ for ≥ 1 min passes; the seed runs 93 ℃)',
      body: z.strictObject({ washerCode: z.string().trim().min(1).max(20), washedOn: z.iso.date().optional(), finalRinseC: z.number().min(0).max(120), rinseMinutes: z.number().min(0).max(120) }),
      response: { 201: z.object({ id: S.Id, passed: z.boolean() }), ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await recordWash(careContext(request), request.body)));

  // ── centre requests and stock ──
  app.post('/requests', {
    config: access('session'),
    schema: {
      tags,
      summary: 'A centre asks for packs (low-use packs at least one day ahead)',
      body: z.strictObject({ packTypeId: S.Id, quantity: z.number().int().min(1).max(500), neededOn: z.iso.date() }),
      response: { 201: z.object({ id: S.Id, dayAhead: z.boolean() }), ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await createRequest(careContext(request), request.body)));

  app.get('/requests', {
    config: access('session'),
    schema: { tags, summary: 'Requests (a centre nurse sees her centre’s)', querystring: z.strictObject({ status: z.enum(['open', 'fulfilled', 'cancelled']).optional() }), response: { 200: z.object({ items: z.array(S.RequestOut) }), ...S.supplyErrors } },
  }, async (request) => ({ items: await listRequests(careContext(request), request.query) }));

  app.get('/stock/centre', {
    config: access('session'),
    schema: { tags, summary: 'Packs at a centre with expiry (a centre nurse: her own)', querystring: z.strictObject({ centreId: S.Id.optional() }), response: { 200: z.object({ items: z.array(S.StockOut) }), ...S.supplyErrors } },
  }, async (request) => ({ items: await centreStock(careContext(request), request.query) }));

  app.get('/stock/store', {
    config: access('session'),
    schema: {
      tags,
      summary: 'The department’s store by pack kind',
      response: { 200: z.object({ items: z.array(z.object({ packTypeId: S.Id.nullable(), name: z.string(), issuable: z.number().int(), expired: z.number().int(), awaitingRelease: z.number().int(), nextExpiry: z.string().nullable() })) }), ...S.supplyErrors },
    },
  }, async (request) => ({ items: await storeStock(careContext(request)) }));

  app.post('/packs/:label/use', {
    config: access('session'),
    schema: {
      tags,
      summary: 'The centre opens a pack (optionally for an encounter, by id only)',
      params: z.strictObject({ label: S.Label }),
      body: z.strictObject({ usedOn: z.iso.date().optional(), encounterId: S.Id.optional() }),
      response: { 200: z.object({ label: z.string(), status: z.literal('used') }), ...S.supplyErrors },
    },
  }, async (request) => usePack(careContext(request), request.params.label, request.body));

  // ── runs and stops ──
  app.post('/runs', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Plan a run: route, driver, run nurse, the centres in stop order with their planned times',
      body: z.strictObject({ runDate: z.iso.date(), routeName: z.string().trim().min(1).max(40), driverName: z.string().trim().min(1).max(40), nurseUserId: S.Id, centreIds: z.array(S.Id).min(1).max(100).optional() }),
      response: { 201: z.object({ id: S.Id, stops: z.number().int() }), ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await planRun(careContext(request), request.body)));

  app.get('/runs', {
    config: access('session'),
    schema: { tags, summary: 'Runs in a date range', querystring: z.strictObject({ ...DateRange, mine: z.stringbool().optional() }), response: { 200: z.object({ items: z.array(S.RunSummary) }), ...S.supplyErrors } },
  }, async (request) => ({ items: await listRuns(careContext(request), request.query) }));

  app.get('/runs/:runId', {
    config: access('session'),
    schema: { tags, summary: 'A run with its stops: slip, counts, requests, issued packs, steps done', params: IdParams('runId'), response: { 200: S.RunOut, ...S.supplyErrors } },
  }, async (request) => getRun(careContext(request), (request.params as { runId: string }).runId));

  app.put('/stops/:stopId/slip', {
    config: access('session'),
    schema: { tags, summary: 'The centre’s 换物单 (before counting starts)', params: IdParams('stopId'), body: S.SlipBody, response: { 200: z.object({ stopId: S.Id, lines: z.number().int() }), ...S.supplyErrors } },
  }, async (request) => putSlip(careContext(request), (request.params as { stopId: string }).stopId, request.body.lines));

  app.post('/stops/:stopId/steps', {
    config: access('session'),
    schema: { tags, summary: 'Tick the next step at the stop (gloves on, boxes, gloves off, hand hygiene)', params: IdParams('stopId'), body: z.strictObject({ step: S.TickStep }), response: { 200: S.StepOut, ...S.supplyErrors } },
  }, async (request) => tickStep(careContext(request), (request.params as { stopId: string }).stopId, request.body.step));

  app.post('/stops/:stopId/count', {
    config: access('session'),
    schema: { tags, summary: 'Count 代消毒 items or used instruments against the 换物单', params: IdParams('stopId'), body: S.CountBody, response: { 200: S.CountOut, ...S.supplyErrors } },
  }, async (request) => countStep(careContext(request), (request.params as { stopId: string }).stopId, request.body));

  app.post('/stops/:stopId/issue', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Issue sterile packs at the stop, after collection and hand hygiene (by label, or by kind and number)',
      params: IdParams('stopId'),
      body: S.IssueBody,
      response: { 200: z.object({ stopId: S.Id, progress: z.number().int(), issued: z.array(z.string()) }), ...S.supplyErrors },
    },
  }, async (request) => issueAtStop(careContext(request), (request.params as { stopId: string }).stopId, request.body.items));

  app.post('/stops/:stopId/resolve', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Resolve a collection discrepancy with a note',
      params: IdParams('stopId'),
      body: z.strictObject({ note: z.string().trim().min(2).max(500) }),
      response: { 200: z.object({ stopId: S.Id, collectionStatus: z.literal('resolved') }), ...S.supplyErrors },
    },
  }, async (request) => resolveDiscrepancy(careContext(request), (request.params as { stopId: string }).stopId, request.body.note));

  app.get('/reprocess-items', {
    config: access('session'),
    schema: {
      tags,
      summary: '代消毒 items and the day each is scheduled for (the day before the centre’s next run)',
      querystring: z.strictObject({ status: z.enum(['pending', 'packed']).optional(), centreId: S.Id.optional() }),
      response: {
        200: z.object({
          items: z.array(
            z.object({ id: S.Id, centreId: S.Id, centreName: z.string(), name: z.string(), spec: z.string(), quantity: z.number().int(), collectedOn: z.string(), nextRunOn: z.string(), scheduledOn: z.string(), status: z.string() }),
          ),
        }),
        ...S.supplyErrors,
      },
    },
  }, async (request) => ({ items: await listReprocessItems(careContext(request), request.query) }));

  // ── sterilisation and monitoring ──
  app.get('/sterilisers', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Sterilisers with their status and the monitoring due today',
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: S.Id,
              code: z.string(),
              name: z.string(),
              method: z.string(),
              status: z.string(),
              passesSinceBlock: z.number().int(),
              bowieDickRequired: z.boolean(),
              bowieDickToday: z.string().nullable(),
              lastBiologicalPass: z.string().nullable(),
              biologicalDue: z.boolean(),
              biologicalEvery: z.string(),
            }),
          ),
        }),
        ...S.supplyErrors,
      },
    },
  }, async (request) => ({ items: await steriliserStatus(careContext(request)) }));

  app.post('/bd-tests', {
    config: access('session'),
    schema: { tags, summary: 'B-D test of a pre-vacuum steriliser', body: z.strictObject({ steriliserId: S.Id, testedOn: z.iso.date().optional(), result: S.PassFail }), response: { 201: Created, ...S.supplyErrors } },
  }, async (request, reply) => reply.status(201).send(await recordBdTest(careContext(request), request.body)));

  app.post('/batches', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Open a load (refused on a blocked steriliser, or a pre-vacuum one without that day’s passing B-D test)',
      body: z.strictObject({ steriliserId: S.Id, sterilisedOn: z.iso.date().optional(), testCycle: z.boolean().optional().describe('a test cycle: allowed on a blocked steriliser, carries no packs') }),
      response: { 201: z.object({ id: S.Id, batchNo: z.string(), cycleNo: z.number().int() }), ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await createBatch(careContext(request), request.body)));

  app.get('/batches', {
    config: access('session'),
    schema: { tags, summary: 'Loads in a date range', querystring: z.strictObject(DateRange), response: { 200: z.object({ items: z.array(S.BatchSummary) }), ...S.supplyErrors } },
  }, async (request) => ({ items: await listBatches(careContext(request), request.query) }));

  app.post('/batches/:batchId/packs', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Pack into the load: labels with packer, steriliser, load, sterilisation date and expiry',
      params: IdParams('batchId'),
      body: z.union([
        z.strictObject({ packTypeId: S.Id, quantity: z.number().int().min(1).max(200) }),
        z.strictObject({ reprocessItemId: S.Id, material: S.Material }),
      ]),
      response: { 201: z.object({ labels: z.array(z.string()), sterilisedOn: z.string(), expiresOn: z.string(), validityRuleId: z.number().int() }), ...S.supplyErrors },
    },
  }, async (request, reply) => reply.status(201).send(await addPacks(careContext(request), (request.params as { batchId: string }).batchId, request.body)));

  app.post('/batches/:batchId/results', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Record the cycle: physical parameters and the chemical indicator of each pack',
      params: IdParams('batchId'),
      body: z.strictObject({
        temperatureC: z.number().min(0).max(200),
        pressureKpa: z.number().min(0).max(500),
        exposureMinutes: z.number().min(0).max(600),
        physicalPass: z.boolean(),
        chemical: z.array(z.strictObject({ label: S.Label, external: S.PassFail, internal: S.PassFail.optional() })).max(500),
      }),
      response: { 200: z.object({ id: S.Id, status: z.string(), withoutIndicator: z.array(z.string()) }), ...S.supplyErrors },
    },
  }, async (request) => recordResults(careContext(request), (request.params as { batchId: string }).batchId, request.body));

  app.post('/batches/:batchId/release', {
    config: access('session'),
    schema: { tags, summary: 'Release the load to the store', params: IdParams('batchId'), response: { 200: z.object({ id: S.Id, status: z.literal('released'), packs: z.number().int() }), ...S.supplyErrors } },
  }, async (request) => releaseBatch(careContext(request), (request.params as { batchId: string }).batchId));

  app.get('/batches/:batchId/trace', {
    config: access('session'),
    schema: { tags, summary: 'Every pack of a load and the centre holding it', params: IdParams('batchId'), response: { 200: S.BatchTraceOut, ...S.supplyErrors } },
  }, async (request) => traceBatch(careContext(request), (request.params as { batchId: string }).batchId));

  app.post('/bi-tests', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Biological indicator of a load; a failure blocks the steriliser and opens a recall',
      body: z.strictObject({ batchId: S.Id, result: S.PassFail, readOn: z.iso.date().optional() }),
      response: {
        201: z.object({ id: S.Id, steriliserStatus: z.string(), passesSinceBlock: z.number().int(), recall: z.object({ id: S.Id, packs: z.number().int() }).nullable() }),
        ...S.supplyErrors,
      },
    },
  }, async (request, reply) => reply.status(201).send(await recordBiTest(careContext(request), request.body)));

  // ── recall, trace, KPIs ──
  app.get('/recalls', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Recalls',
      response: { 200: z.object({ items: z.array(z.object({ id: S.Id, openedOn: z.string(), steriliserCode: z.string(), failedBatchNo: z.string(), packs: z.number().int(), centres: z.number().int() })) }), ...S.supplyErrors },
    },
  }, async (request) => ({ items: await listRecalls(careContext(request)) }));

  app.get('/recalls/:recallId', {
    config: access('session'),
    schema: { tags, summary: 'A recall and every centre holding its packs', params: IdParams('recallId'), response: { 200: S.RecallOut, ...S.supplyErrors } },
  }, async (request) => traceRecall(careContext(request), (request.params as { recallId: string }).recallId));

  app.get('/trace/:label', {
    config: access('session'),
    schema: { tags, summary: 'From a pack label to its load, steriliser, monitoring, packer and centre', params: z.strictObject({ label: S.Label }), response: { 200: S.TraceOut, ...S.supplyErrors } },
  }, async (request) => traceLabel(careContext(request), request.params.label));

  app.get('/kpi', {
    config: access('session'),
    schema: {
      tags,
      summary: 'Pass rate, on-time delivery, discrepancy rate, packs expired unused, recalls — per centre and month',
      querystring: z.strictObject({ from: S.Month.default(() => todayIso().slice(0, 7)), to: S.Month.default(() => todayIso().slice(0, 7)), departmentId: S.Id.optional() }),
      response: { 200: S.KpiOut, ...S.supplyErrors },
    },
  }, async (request) => supplyKpis(careContext(request), request.query));
};
