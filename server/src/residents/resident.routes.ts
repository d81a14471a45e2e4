import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clinicalDateTime, safe, text } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { badRequest, errorResponses } from '../http/errors.js';
import { BREAK_GLASS_HOURS } from '../access/care-relationship.js';
import {
  CreateResidentBody,
  DuplicateCandidate,
  ResidentIdParams,
  ResidentRecord,
  ResidentSummary,
  SearchQuery,
  TimelineItem,
  UpdateBasicInfoBody,
} from './resident.schemas.js';
import {
  accessLog,
  breakTheGlass,
  BREAK_GLASS_MIN_REASON,
  createResident,
  readResidentRecord,
  recordEmergencyNote,
  searchResidents,
  updateBasicInfo,
} from './resident.service.js';
import { residentTimeline } from '../records/timeline.js';
import { access } from '../http/route-access.js';


export const residentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/residents',
    {
      // An exact identifier identifies; a name browses within the care relationship (a list).
      config: access('identify', (w) => [{ query: { q: w.nationalId } }, { query: { q: w.phone } }, { query: { q: w.name }, kind: 'list' }]),
      schema: {
        tags: ['residents'],
        summary: 'Search the master index by national ID, phone, other identifier or name',
        querystring: SearchQuery,
        response: { 200: z.object({ by: z.enum(['national_id', 'phone', 'identifier', 'name']), items: z.array(ResidentSummary) }), ...errorResponses },
      },
    },
    async (request) => searchResidents(careContext(request), request.query.q, request.query.limit),
  );

  app.post(
    '/residents',
    {
      // The same person's demographics (possible duplicates are listed), and an ID already on file (409).
      config: access('starts-relationship', (w) => [
        { body: { name: w.name, birthDate: w.birthDate, sex: w.sex, phone: w.phone } },
        { body: { name: w.name, nationalId: w.nationalId } },
      ]),
      schema: {
        tags: ['residents'],
        summary: 'Register a resident (national ID validated per GB 11643, stored encrypted)',
        body: CreateResidentBody,
        response: { 201: z.object({ id: z.string().uuid(), possibleDuplicates: z.array(DuplicateCandidate) }), ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await createResident(careContext(request), request.body)),
  );

  app.get(
    '/residents/:id',
    {
      config: access('resident', (w) => ({ params: { id: w.residentId } })),
      schema: {
        tags: ['residents'],
        summary: 'The resident record (basic information, care team, conditions, programmes)',
        params: ResidentIdParams,
        response: { 200: ResidentRecord, ...errorResponses },
      },
    },
    async (request) => readResidentRecord(careContext(request), request.params.id),
  );

  app.put(
    '/residents/:id/basic-info',
    {
      config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { basicInfo: { occupation: '教师' }, reason: '核对更正' } })),
      schema: {
        tags: ['residents'],
        summary: 'Replace the basic information (个人基本信息表) with a reason; the previous version is kept in the change log',
        params: ResidentIdParams,
        body: UpdateBasicInfoBody,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await updateBasicInfo(careContext(request), request.params.id, request.body.basicInfo, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/residents/:id/timeline',
    {
      config: access('resident', (w) => ({ params: { id: w.residentId } })),
      schema: {
        tags: ['residents'],
        summary: 'Everything in the record from every institution, newest first',
        params: ResidentIdParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
        response: { 200: z.object({ items: z.array(TimelineItem) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await residentTimeline(careContext(request), request.params.id, request.query.limit) }),
  );

  app.post(
    '/residents/:id/break-glass',
    {
      config: access('break-glass', (w) => ({ params: { id: w.residentId }, body: { reason: '患者昏迷送来急诊，需查看既往病史' } })),
      schema: {
        tags: ['access'],
        summary: 'Emergency access without a care relationship; the reason is audited and flagged for review',
        params: ResidentIdParams,
        body: z.strictObject({ reason: safe(z.string().trim().min(BREAK_GLASS_MIN_REASON, `must explain the emergency in at least ${BREAK_GLASS_MIN_REASON} characters`).max(1000)) }),
        response: { 201: z.object({ id: z.string().uuid(), expiresAt: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await breakTheGlass(careContext(request), request.params.id, request.body.reason, BREAK_GLASS_HOURS)),
  );

  app.get(
    '/residents/:id/access-log',
    {
      config: access('resident', (w) => ({ params: { id: w.residentId } })),
      schema: {
        tags: ['access'],
        summary: 'Who accessed this record, when and why (residents see their own)',
        params: ResidentIdParams,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                occurredAt: z.string(),
                actorName: z.string().nullable(),
                actorRole: z.string().nullable(),
                institutionName: z.string().nullable(),
                action: z.string(),
                resource: z.string(),
                accessBasis: z.string().nullable(),
                reason: z.string().nullable(),
                outcome: z.enum(['success', 'denied', 'error']),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => ({ items: await accessLog(careContext(request), request.params.id, request.query.limit) }),
  );

  app.post(
    '/residents/:id/emergency-notes',
    {
      config: access('emergency-note', (w) => ({ params: { id: w.residentId }, body: { note: '急诊处理：吸氧，监护' } })),
      schema: {
        tags: ['access'],
        summary: 'The emergency note of a break-the-glass access (an emergency encounter tied to it); the one write break-the-glass allows',
        params: ResidentIdParams,
        body: z.strictObject({
          note: text(2000),
          occurredAt: clinicalDateTime().optional().describe('when the emergency care happened; now when absent, never in the future'),
        }),
        response: { 201: z.object({ id: z.string().uuid() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const occurredAt = request.body.occurredAt ? new Date(request.body.occurredAt) : new Date();
      if (occurredAt.getTime() > Date.now() + 60_000) throw badRequest('body.occurredAt', 'is in the future');
      if (occurredAt.getTime() < Date.now() - BREAK_GLASS_HOURS * 3600_000) throw badRequest('body.occurredAt', 'is before this break-the-glass access could have begun');
      return reply.status(201).send(await recordEmergencyNote(careContext(request), request.params.id, request.body.note, occurredAt));
    },
  );
};
