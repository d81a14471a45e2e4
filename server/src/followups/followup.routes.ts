import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DIABETES_URGENT_SYMPTOMS, FOLLOW_UP_MESSAGES, HYPERTENSION_URGENT_SYMPTOMS, SELF_CARE_ITEMS, SELF_CARE_ITEM_SCORES, VISIT_CLASSIFICATIONS } from '../chronic/rules/index.js';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { code } from '../http/schema-primitives.js';
import { ResidentIdParams } from '../residents/resident.schemas.js';
import { Classification, FollowUpForm, RecordedFollowUp, StoredFollowUp } from './followup.schemas.js';
import { listFollowUps, previewFollowUp, recordFollowUp } from './followup.service.js';
import { access } from '../http/route-access.js';

export const followUpRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/residents/:id/followups/classify', {
    config: access('resident', (w) => ({ params: { id: w.residentId }, body: { programme: 'hypertension', visitDate: w.today, visitMode: 'clinic', sbp: 132, dbp: 84 } })),
    schema: {
      tags: ['follow-up'],
      summary: 'Classify a follow-up form as it is filled in (nothing is stored)',
      params: ResidentIdParams,
      body: FollowUpForm,
      response: { 200: Classification, ...errorResponses },
    },
  }, async (request) => previewFollowUp(careContext(request), request.params.id, request.body));

  app.get('/residents/:id/followups', {
    config: access('resident', (w) => ({ params: { id: w.residentId } })),
    schema: {
      tags: ['follow-up'],
      summary: 'The resident\'s follow-ups, newest first, every field as recorded (cancelled ones included, marked)',
      params: ResidentIdParams,
      querystring: z.strictObject({ programme: z.enum(['hypertension', 'diabetes']).optional() }),
      response: { 200: z.object({ items: z.array(StoredFollowUp) }), ...errorResponses },
    },
  }, async (request) => ({ items: await listFollowUps(careContext(request), request.params.id, request.query.programme) }));

  app.post('/residents/:id/followups', {
    config: access('resident-write', (w) => ({ params: { id: w.residentId }, body: { programme: 'hypertension', visitDate: w.today, visitMode: 'clinic', sbp: 132, dbp: 84 } })),
    schema: {
      tags: ['follow-up'],
      summary: 'Record a hypertension or diabetes follow-up (随访服务记录表); classified by the national rules',
      params: ResidentIdParams,
      headers: z.looseObject({
        'idempotency-key': code(/^[\x21-\x7E]{1,100}$/, 'must be 1–100 visible ASCII characters', 100)
          .optional()
          .describe('Optional. A repeat with the same key (or the same form) is answered 409 duplicate_followup with existingId'),
      }),
      body: FollowUpForm,
      response: { 201: RecordedFollowUp, ...errorResponses },
    },
  }, async (request, reply) =>
    reply.status(201).send(await recordFollowUp(careContext(request), request.params.id, request.body, request.headers['idempotency-key'])));
};

const Label = z.object({ code: z.string(), zh: z.string(), en: z.string() });

/** Code lists the follow-up and assessment forms offer, with their labels (from the rules, not copied). */
export const formOptionsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/forms/options', {
    config: access('session'),
    schema: {
      tags: ['follow-up'],
      summary: 'Urgent symptoms per programme, self-care items and their allowed scores, visit classifications',
      response: {
        200: z.object({
          urgentSymptoms: z.object({ hypertension: z.array(Label), diabetes: z.array(Label) }),
          selfCareItems: z.array(Label.extend({ scores: z.array(z.number().int()) })),
          classifications: z.array(Label),
        }),
      },
    },
  }, async () => ({
    urgentSymptoms: { hypertension: [...HYPERTENSION_URGENT_SYMPTOMS], diabetes: [...DIABETES_URGENT_SYMPTOMS] },
    selfCareItems: SELF_CARE_ITEMS.map((i) => ({ ...i, scores: [...new Set(SELF_CARE_ITEM_SCORES[i.code])] })),
    classifications: VISIT_CLASSIFICATIONS.map((code) => ({ code, zh: FOLLOW_UP_MESSAGES.hypertension[code].zh, en: FOLLOW_UP_MESSAGES.hypertension[code].en })),
  }));
};
