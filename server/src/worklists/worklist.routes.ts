import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { careContext } from '../http/care-context.js';
import { errorResponses } from '../http/errors.js';
import { teamWorklist, WORKLIST_BUCKETS, WORKLIST_SORTS } from './worklist.service.js';
import { access } from '../http/route-access.js';

const Counts = z.object({ due_this_week: z.number().int(), overdue: z.number().int(), urgent: z.number().int(), open: z.number().int(), referred_back: z.number().int() });

export const worklistRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/worklist', {
    config: access('list', (w) => [{ query: { teamId: w.teamId } }, { query: { teamId: w.teamId, bucket: 'open' } }]),
    schema: {
      tags: ['worklists'],
      summary: 'A team’s (or member’s) due, overdue, urgent and referred-back work',
      querystring: z.strictObject({
        teamId: z.string().uuid().optional(),
        assigneeId: z.string().uuid().optional(),
        bucket: z.enum(WORKLIST_BUCKETS).default('due_this_week'),
        programme: z.enum(['hypertension', 'diabetes', 'elderly', 'child', 'maternal', 'screening', 'referral']).optional(),
        colour: z.enum(['green', 'yellow', 'red']).optional(),
        sort: z.enum(WORKLIST_SORTS).default('due'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        offset: z.coerce.number().int().min(0).max(100_000).default(0),
      }),
      response: {
        200: z.object({
          teamId: z.string().uuid(),
          today: z.string(),
          counts: Counts,
          items: z.array(
            z.object({
              id: z.string().uuid(),
              kind: z.enum(['task', 'referral']),
              residentId: z.string().uuid(),
              residentName: z.string(),
              sex: z.string(),
              age: z.number().int(),
              programme: z.string(),
              taskCode: z.string(),
              label: z.string(),
              labelEn: z.string(),
              dueDate: z.string(),
              windowEnd: z.string(),
              daysOverdue: z.number().int(),
              priority: z.enum(['urgent', 'high', 'normal']),
              reason: z.string().nullable(),
              riskColour: z.enum(['green', 'yellow', 'red']).nullable(),
              riskRule: z.string().nullable(),
              riskReason: z.string().nullable(),
              riskReasonEn: z.string().nullable(),
              lastVisitDate: z.string().nullable(),
              assigneeName: z.string().nullable(),
              /** Referred back: the referral's status and its dated discharge tasks (or the results notice). */
              referralStatus: z.string().nullable(),
              tasks: z.array(z.object({ id: z.string().uuid(), label: z.string(), labelEn: z.string(), dueDate: z.string(), windowEnd: z.string(), status: z.string(), doneOn: z.string().nullable() })),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => teamWorklist(careContext(request), request.query));
};
