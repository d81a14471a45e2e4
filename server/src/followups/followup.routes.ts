import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { Classification, FollowUpForm, RecordedFollowUp } from './followup.schemas.js';
import { previewFollowUp, recordFollowUp } from './followup.service.js';

export const followUpRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/residents/:id/followups/classify', {
    schema: {
      tags: ['follow-up'],
      summary: 'Classify a follow-up form as it is filled in (nothing is stored)',
      params: ResidentIdParams,
      body: FollowUpForm,
      response: { 200: Classification, ...errorResponses },
    },
  }, async (request) => previewFollowUp(careContext(request), request.params.id, request.body));

  app.post('/residents/:id/followups', {
    schema: {
      tags: ['follow-up'],
      summary: 'Record a hypertension or diabetes follow-up (随访服务记录表); classified by the national rules',
      params: ResidentIdParams,
      body: FollowUpForm,
      response: { 201: RecordedFollowUp, ...errorResponses },
    },
  }, async (request, reply) => reply.status(201).send(await recordFollowUp(careContext(request), request.params.id, request.body)));
};
