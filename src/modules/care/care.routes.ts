import fs from 'node:fs';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { requireAuth } from '../../platform/guards.ts';
import { sendAnswer } from '../../platform/sendAnswer.ts';
import type { App } from '../../platform/types.ts';
import { CARE_KINDS } from './care.kinds.ts';
import { CareMe, careMe } from './care.me.ts';
import { CareOrder, CareOrderList, CreateCareOrder, ListCareOrdersQuery, Settlement } from './care.schema.ts';
import { act, createOrder, getOrder, listOrdersAnswer, orderPhoto } from './care.service.ts';
import { settleMonth, settlementOf } from './care.settlement.ts';
import { CareToday, careToday } from './care.today.ts';

const tags = ['care'];
const month = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });

/** Home elderly-care orders (DESIGN §5 `/api/care/orders`), the six kinds and the monthly settlement. */
export async function careRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get('/api/care/kinds', { schema: { tags } }, async () => ({
    items: Object.entries(CARE_KINDS).map(([code, k]) => ({ code, ...k })),
  }));
  app.get('/api/care/today', { schema: { tags, response: { 200: CareToday } } }, async (req) =>
    careToday(ctx, requireAuth(req).jurisdictionId),
  );
  app.get('/api/care/me', { schema: { tags, response: { 200: CareMe } } }, async (req) =>
    careMe(ctx, requireAuth(req)),
  );
  app.get(
    '/api/care/orders',
    {
      schema: {
        tags,
        querystring: ListCareOrdersQuery,
        response: { 200: CareOrderList },
      },
    },
    // Kept per data version and viewer (listOrdersAnswer).
    async (req, reply) =>
      sendAnswer(req, reply, await listOrdersAnswer(ctx, requireAuth(req), req.query)) as never,
  );
  app.post(
    '/api/care/orders',
    { schema: { tags, body: CreateCareOrder, response: { 201: CareOrder } } },
    async (req, reply) => {
      const order = await createOrder(ctx, requireAuth(req), req.body);
      reply.status(201);
      return order;
    },
  );
  app.get(
    '/api/care/orders/:id',
    { schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: CareOrder } } },
    async (req) => getOrder(ctx, requireAuth(req), req.params.id),
  );
  app.get(
    '/api/care/orders/:id/photos/:fileId',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64), fileId: z.string().min(1).max(64) }),
      },
    },
    async (req, reply) => {
      const found = await orderPhoto(ctx, requireAuth(req), req.params.id, req.params.fileId);
      if (!fs.existsSync(found.absPath)) throw notFound('照片文件 / photo file');
      reply
        .type(found.row.mime)
        .header('content-disposition', 'inline')
        .header('cache-control', 'private, max-age=3600')
        .header('content-security-policy', "default-src 'none'; img-src 'self'; sandbox");
      return reply.send(fs.createReadStream(found.absPath));
    },
  );
  app.post(
    '/api/care/orders/:id/actions/:action',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64), action: z.string().max(40) }),
        response: { 200: CareOrder },
      },
    },
    async (req) => act(ctx, requireAuth(req), req.params.id, req.params.action, req.body),
  );
  app.post(
    '/api/care/settlements',
    { schema: { tags, body: month.strict(), response: { 200: Settlement } } },
    async (req) => settleMonth(ctx, requireAuth(req), req.body.month),
  );
  app.get(
    '/api/care/settlements',
    { schema: { tags, querystring: month, response: { 200: Settlement } } },
    async (req) => settlementOf(ctx, requireAuth(req), req.query.month),
  );
}
