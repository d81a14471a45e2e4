import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clinicalDate } from '../http/schema-primitives.js';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { EnrolBody, ScreeningBody, ScreeningResult, SelfCareBody } from './programme.schemas.js';
import { completeScheduledVisit, enrol, recordScreening, recordSelfCareAssessment } from './programme.service.js';
import { access } from '../http/route-access.js';

export const programmeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/residents/:id/enrolments', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { programme: 'diabetes', icd10: 'E11.9', diagnosedOn: w.today } })),
    schema: {
      tags: ['programmes'],
      summary: 'Enrol in hypertension, diabetes, elderly, child or maternal management',
      params: ResidentIdParams,
      body: EnrolBody,
      response: {
        201: z.object({ id: z.string().uuid(), tasks: z.array(z.object({ taskCode: z.string(), label: z.string(), dueDate: z.string(), windowEnd: z.string() })) }),
        ...errorResponses,
      },
    },
  }, async (request, reply) => reply.status(201).send(await enrol(careContext(request), request.params.id, request.body)));

  app.post('/residents/:id/screenings', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { kind: 'bp', measuredOn: w.today, sbp: 128, dbp: 82 } })),
    schema: {
      tags: ['programmes'],
      summary: 'Record a BP or fasting-glucose screening; returns the confirmation status',
      params: ResidentIdParams,
      body: ScreeningBody,
      response: { 201: ScreeningResult, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await recordScreening(careContext(request), request.params.id, request.body)));

  app.post('/residents/:id/self-care-assessments', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { assessedOn: w.today, eating: 0, grooming: 0, dressing: 0, toileting: 0, moving: 0 } })),
    schema: {
      tags: ['programmes'],
      summary: '老年人生活自理能力评估 (five items, total 0–37)',
      params: ResidentIdParams,
      body: SelfCareBody,
      response: { 201: z.object({ id: z.string().uuid(), total: z.number().int(), band: z.string(), labelZh: z.string(), labelEn: z.string() }), ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await recordSelfCareAssessment(careContext(request), request.params.id, request.body)));

  app.post('/residents/:id/tasks/:taskId/complete', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId, taskId: w.taskId }, body: { doneOn: w.today } })),
    schema: {
      tags: ['programmes'],
      summary: 'Mark a scheduled key-population visit done',
      params: z.strictObject({ id: z.string().uuid(), taskId: z.string().uuid() }),
      body: z.strictObject({ doneOn: clinicalDate() }),
      response: { 200: z.object({ id: z.string().uuid(), status: z.literal('done'), doneOn: z.string() }), ...errorResponses },
    },
  }, async (request) => completeScheduledVisit(careContext(request), request.params.id, request.params.taskId, request.body.doneOn));
};
