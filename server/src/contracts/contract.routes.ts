import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDate, text } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { changeTeam, KEY_POPULATIONS, listContracts, renewContract, signContract, terminateContract } from './contract.service.js';
import { access } from '../http/route-access.js';

const ContractOut = z.object({
  id: z.string().uuid(),
  teamId: z.string().uuid(),
  startDate: z.string(),
  endDate: z.string(),
  keyPopulations: z.array(z.string()),
});
const ContractId = z.strictObject({ contractId: z.string().uuid() });

export const contractRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/service-packages', {
    config: access('session'),
    schema: {
      tags: ['contracts'],
      summary: 'Service packages (free basic package and paid personalised packages)',
      response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string(), kind: z.string(), annualFeeCents: z.number().int() })) }) },
    },
  }, async (request) => {
    const rows = await careContext(request).shared.selectFrom('service_package').select(['code', 'name', 'name_en', 'kind', 'annual_fee_cents']).orderBy('code').execute();
    return { items: rows.map((r) => ({ code: r.code, name: r.name, nameEn: r.name_en, kind: r.kind, annualFeeCents: r.annual_fee_cents })) };
  });

  app.post('/contracts', {
    config: access('starts-relationship', (w) => ({ body: { residentId: w.residentId, teamId: w.teamId, packageCode: 'basic' } })),
    schema: {
      tags: ['contracts'],
      summary: 'Sign a resident to a family-doctor team for one year',
      body: z.strictObject({
        residentId: z.string().uuid(),
        teamId: z.string().uuid(),
        packageCode: text(40),
        keyPopulations: z.array(z.enum(KEY_POPULATIONS)).max(KEY_POPULATIONS.length).default([]),
        startDate: calendarDate().optional(),
      }),
      response: { 201: ContractOut, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await signContract(careContext(request), request.body)));

  app.post('/contracts/:contractId/renew', {
    config: access('resident-write', (w) => ({ params: { contractId: w.contractId }, body: {} })),
    schema: {
      tags: ['contracts'],
      summary: 'Renew for another year (from the old end date)',
      params: ContractId,
      body: z.strictObject({ packageCode: text(40).optional(), keyPopulations: z.array(z.enum(KEY_POPULATIONS)).optional() }),
      response: { 201: ContractOut, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await renewContract(careContext(request), request.params.contractId, request.body)));

  app.post('/contracts/:contractId/terminate', {
    config: access('resident-write', (w) => ({ params: { contractId: w.contractId }, body: { reason: '迁出本区' } })),
    schema: {
      tags: ['contracts'],
      summary: 'Terminate with a reason',
      params: ContractId,
      body: z.strictObject({ reason: text(500, 2) }),
      response: { 200: z.object({ id: z.string().uuid(), status: z.literal('terminated') }), ...errorResponses },
    },
  }, async (request) => terminateContract(careContext(request), request.params.contractId, request.body.reason));

  app.post('/contracts/:contractId/change-team', {
    config: access('resident-write', (w) => ({ params: { contractId: w.contractId }, body: { teamId: w.otherTeamId, reason: '就近服务' } })),
    schema: {
      tags: ['contracts'],
      summary: 'Move the resident to another team (new contract from today)',
      params: ContractId,
      body: z.strictObject({ teamId: z.string().uuid(), reason: text(500, 2) }),
      response: { 201: ContractOut, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await changeTeam(careContext(request), request.params.contractId, request.body)));

  app.get('/residents/:id/contracts', {
    config: access('resident', (w) => ({ params: { id: w.residentId } })),
    schema: {
      tags: ['contracts'],
      summary: 'Contract history of a resident',
      params: ResidentIdParams,
      response: {
        200: z.object({
          items: z.array(
            z.object({
              id: z.string().uuid(),
              teamId: z.string().uuid(),
              teamName: z.string(),
              packageCode: z.string(),
              packageName: z.string(),
              keyPopulations: z.array(z.string()),
              startDate: z.string(),
              endDate: z.string(),
              status: z.enum(['active', 'terminated', 'superseded']),
              endReason: z.string().nullable(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => ({ items: await listContracts(careContext(request), request.params.id) }));
};
