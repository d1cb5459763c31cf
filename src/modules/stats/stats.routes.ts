import { z } from 'zod';
import { langOf } from '../../kernel/apiText.ts';
import type { AppContext } from '../../platform/context.ts';
import type { App } from '../../platform/types.ts';
import { PublicResults, RecentAction, ResultsQuery, Summary, SummaryQuery } from './stats.schema.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';
import { sendAnswer } from '../../platform/sendAnswer.ts';
import { publicResults, recentActions, summaryAnswer } from './stats.service.ts';

/** KPIs, the public results list and the live feed. */
export async function statsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/stats/summary',
    { schema: { tags: ['stats'], querystring: SummaryQuery, response: { 200: Summary } } },
    async (req, reply) =>
      sendAnswer(
        req,
        reply,
        await summaryAnswer(
          ctx,
          req.principal,
          req.jurisdictionId,
          req.query,
          langOf(req.headers['accept-language']),
        ),
      ) as never,
  );
  app.get(
    '/api/results',
    { schema: { tags: ['results'], querystring: ResultsQuery, response: { 200: PublicResults } } },
    async (req) => publicResults(ctx, req.jurisdictionId, req.query, langOf(req.headers['accept-language'])),
  );
  app.get(
    '/api/actions/recent',
    {
      schema: {
        tags: ['stats'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: listOf(RecentAction) },
      },
    },
    async (req) => listAnswer(await recentActions(ctx, req.jurisdictionId, req.query.limit)),
  );
}
