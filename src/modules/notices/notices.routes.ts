import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth } from '../../platform/guards.ts';
import { listOf } from '../../platform/lists.ts';
import type { App } from '../../platform/types.ts';
import { CreateNotice, ListNoticesQuery, Notice, NoticeDetail } from './notices.schema.ts';
import { createNotice, getNotice, listNotices, noticeAct, noticeCap } from './notices.service.ts';

const tags = ['notices'];
const byId = z.object({ id: z.string().min(1).max(64) });

/** Public notices (DESIGN §5 `GET /api/notices`): the list by audience, one notice, its CAP alert, the lifecycle. */
export async function noticesRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/notices',
    { schema: { tags, querystring: ListNoticesQuery, response: { 200: listOf(Notice) } } },
    async (req) => listNotices(ctx, req.principal, req.jurisdictionId, req.query),
  );
  app.post(
    '/api/notices',
    { schema: { tags, body: CreateNotice, response: { 201: Notice } } },
    async (req, reply) => {
      const n = await createNotice(ctx, requireAuth(req), req.body);
      reply.status(201);
      return n;
    },
  );
  app.get(
    '/api/notices/:id',
    { schema: { tags, params: byId, response: { 200: NoticeDetail } } },
    async (req) => getNotice(ctx, req.principal, req.jurisdictionId, req.params.id),
  );
  app.get('/api/notices/:id/cap.xml', { schema: { tags, params: byId } }, async (req, reply) => {
    const xml = await noticeCap(ctx, req.principal, req.jurisdictionId, req.params.id);
    reply.type('application/cap+xml; charset=utf-8');
    return xml;
  });
  app.post(
    '/api/notices/:id/actions/:action',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().min(1).max(64), action: z.string().max(40) }),
        response: { 200: NoticeDetail },
      },
    },
    async (req) => noticeAct(ctx, requireAuth(req), req.params.id, req.params.action, req.body),
  );
}
