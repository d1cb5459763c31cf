import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { briefingDocx } from './supervision.briefing.ts';
import { pressNoticePdf, unitCards, unitScores, unitScoresWorkbook } from './supervision.service.ts';

const tags = ['supervision'];
const Month = z.object({ month: z.string().max(7) });
const Rate = z.number().nullable();
/** The month's ranking (考核): each unit's score, its components and counts, with the weights used. */
const UnitScoresAnswer = z.object({
  month: z.string(),
  from: z.string(),
  to: z.string(),
  weights: z.object({
    responseRate: z.number(),
    onTimeRate: z.number(),
    resolutionRate: z.number(),
    satisfactionRate: z.number(),
    bounceRate: z.number(),
    reopenRate: z.number(),
  }),
  items: z.array(
    z.object({
      rank: z.number().nullable(),
      unitId: z.string(),
      name: z.string(),
      score: z.number().nullable(),
      components: z.object({
        responseRate: Rate,
        onTimeRate: Rate,
        resolutionRate: Rate,
        satisfactionRate: Rate,
        bounceRate: Rate,
        reopenRate: Rate,
      }),
      counts: z.object({ received: z.number(), accepted: z.number(), closed: z.number(), rated: z.number() }),
    }),
  ),
});

/** Supervision (督查): the 督办单 of a pressed problem and the monthly unit scores (考核). */
export async function supervisionRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/problems/:id/press-notice.pdf',
    { schema: { tags, params: z.object({ id: z.string().max(64) }) } },
    async (req, reply) => {
      const { pdf, number } = await pressNoticePdf(ctx, requireAuth(req), req.params.id);
      return reply
        .type('application/pdf')
        .header(
          'content-disposition',
          `inline; filename*=UTF-8''${encodeURIComponent(`督办单-${number}.pdf`)}`,
        )
        .send(pdf);
    },
  );
  app.get(
    '/api/units/scores',
    { schema: { tags, querystring: Month, response: { 200: UnitScoresAnswer } } },
    async (req) => unitScores(ctx, requireRole(req, 'supervisor', 'leader', 'admin'), req.query.month),
  );
  app.get(
    '/api/units/cards',
    {
      schema: {
        tags,
        response: {
          200: z.object({
            rules: z.object({ yellowOverdue: z.number(), redPressedOverdue: z.number() }),
            items: z.array(
              z.object({
                unitId: z.string(),
                name: z.string(),
                card: z.enum(['red', 'yellow']),
                overdue: z.number(),
                pressedOverdue: z.number(),
                problems: z.array(
                  z.object({
                    id: z.string(),
                    number: z.string(),
                    title: z.string(),
                    closeDueAt: z.string(),
                    pressed: z.boolean(),
                  }),
                ),
              }),
            ),
            total: z.number(),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const r = await unitCards(ctx, requireRole(req, 'supervisor', 'leader', 'admin', 'unit_handler'));
      return { ...r, total: r.items.length, nextCursor: null };
    },
  );
  app.get(
    '/api/briefing.docx',
    { schema: { tags, querystring: z.object({ campaign: z.string().trim().min(1).max(100).optional() }) } },
    async (req, reply) => {
      const { docx, name } = await briefingDocx(ctx, req.principal, req.jurisdictionId, req.query.campaign);
      return reply
        .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(docx);
    },
  );
  app.get('/api/units/scores.xlsx', { schema: { tags, querystring: Month } }, async (req, reply) => {
    const scores = await unitScores(ctx, requireRole(req, 'supervisor', 'leader', 'admin'), req.query.month);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header(
        'content-disposition',
        `attachment; filename*=UTF-8''${encodeURIComponent(`考核-${scores.month}.xlsx`)}`,
      )
      .send(await unitScoresWorkbook(scores));
  });
}
