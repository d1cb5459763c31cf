import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { ACTIONS } from './problems.lifecycle.ts';
import {
  CreateProblem,
  ListProblemsQuery,
  MapPoint,
  Problem,
  ProblemDetail,
  SimilarProblem,
  ProblemFilters,
  SuggestQuery,
  Suggestion,
} from './problems.schema.ts';
import { similarOpen, suggestUnits } from './problemMatcher.ts';
import { act, actOnMany } from './problems.actions.ts';
import { createProblem } from './problems.create.ts';
import {
  getProblemJson,
  listProblemsJson,
  mapPoints,
  previewDeadlines,
  queues,
  similarProblems,
} from './problems.read.ts';
import { sendAnswer } from '../../platform/sendAnswer.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';

const tags = ['problems'];
const idParam = z.object({ id: z.string().min(1).max(64) });

/** The problems API of DESIGN §5. */
export async function problemsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/problems',
    {
      schema: {
        tags,
        querystring: ListProblemsQuery,
        response: {
          200: z.object({
            items: z.array(Problem),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (req, reply) =>
      sendAnswer(req, reply, await listProblemsJson(ctx, requireAuth(req), req.query)) as never,
  );

  app.post(
    '/api/problems',
    {
      schema: { tags, body: CreateProblem, response: { 201: ProblemDetail } },
      config: { rateLimit: { max: ctx.config.reportsPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const p = requireAuth(req);
      reply.status(201);
      return createProblem(ctx, p, req.body, { idempotency: req.idempotency });
    },
  );

  app.get(
    '/api/problems/suggest',
    { schema: { tags, querystring: SuggestQuery, response: { 200: Suggestion } } },
    async (req) => {
      const p = requireRole(req, 'operator', 'supervisor', 'admin');
      const q = req.query;
      if ((q.lat === undefined) !== (q.lng === undefined))
        throw badRequest('lat and lng go together', [
          { path: q.lat === undefined ? 'lat' : 'lng', message: 'lat and lng go together' },
        ]);
      const [units, similar] = await Promise.all([
        suggestUnits(ctx, p.jurisdictionId, q),
        similarOpen(ctx, p, q),
      ]);
      return { units, similar };
    },
  );

  app.get('/api/problems/queues', { schema: { tags } }, async (req) => queues(ctx, requireAuth(req)));
  app.get(
    '/api/problems/map',
    { schema: { tags, querystring: ProblemFilters, response: { 200: listOf(MapPoint) } } },
    async (req) => listAnswer(await mapPoints(ctx, requireAuth(req), req.query)),
  );

  app.get(
    '/api/problems/:id',
    { schema: { tags, params: idParam, response: { 200: ProblemDetail } } },
    async (req, reply) =>
      sendAnswer(req, reply, await getProblemJson(ctx, requireAuth(req), req.params.id)) as never,
  );
  app.get(
    '/api/problems/:id/similar',
    { schema: { tags, params: idParam, response: { 200: listOf(SimilarProblem) } } },
    async (req) => listAnswer(await similarProblems(ctx, requireRole(req, 'supervisor'), req.params.id)),
  );
  app.get(
    '/api/problems/:id/deadline-preview',
    {
      schema: {
        tags,
        params: idParam,
        querystring: z.object({
          urgency: z.enum(['normal', 'urgent', 'critical']).optional(),
          unitId: z.string().optional(),
        }),
      },
    },
    async (req) =>
      previewDeadlines(ctx, requireRole(req, 'supervisor', 'operator'), req.params.id, req.query.urgency),
  );

  app.post(
    '/api/problems/:id/actions/:action',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64), action: z.string().max(40) }),
        response: { 200: ProblemDetail },
      },
    },
    async (req) =>
      act(ctx, requireAuth(req), req.params.id, req.params.action, req.body, {
        idempotency: req.idempotency,
      }),
  );

  app.post(
    '/api/problems/batch/:action',
    {
      schema: {
        tags,
        params: z.object({ action: z.enum(ACTIONS) }),
        body: z.object({
          ids: z.array(z.string().max(64)).min(1).max(200),
          body: z.record(z.string(), z.unknown()).default({}),
        }),
      },
    },
    async (req) => actOnMany(ctx, requireAuth(req), req.body.ids, req.params.action, req.body.body),
  );
}
