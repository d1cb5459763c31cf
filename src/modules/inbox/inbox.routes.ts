import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { inboxRepository } from './inbox.repository.ts';
import { listAnswer, listOf } from '../../platform/lists.ts';

/** An item of a user's inbox. */
const Notification = z.object({
  id: z.string(),
  kind: z.string(),
  problemId: z.string().nullable(),
  problemNumber: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
});
/** A public notice (公告). */

/** The in-app inbox (notifications to a user, a unit or a role); public notices are the notices module's. */
export async function inboxRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['inbox'],
        querystring: z.object({
          unread: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: listOf(Notification) },
      },
    },
    async (req) => {
      const p = requireAuth(req);
      const rows = await inboxRepository.list(ctx.db, p, !!req.query.unread, req.query.limit);
      return listAnswer(
        rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          problemId: r.problem_id,
          problemNumber: r.problem_number ?? null,
          title: r.title,
          body: r.body,
          createdAt: r.created_at,
          read: r.readByMe !== null,
        })),
      );
    },
  );
  app.get(
    '/api/notifications/unread-count',
    { schema: { tags: ['inbox'], response: { 200: z.object({ unread: z.number().int() }) } } },
    async (req) => ({ unread: await inboxRepository.unreadCount(ctx.db, requireAuth(req)) }),
  );
  app.post(
    '/api/notifications/read-all',
    { schema: { tags: ['inbox'], response: { 200: z.object({ marked: z.number().int() }) } } },
    async (req) => ({
      marked: await inboxRepository.markAllRead(ctx.db, requireAuth(req), ctx.clock.now().toISOString()),
    }),
  );
  app.post(
    '/api/notifications/:id/read',
    { schema: { tags: ['inbox'], params: z.object({ id: z.string() }) } },
    async (req) => {
      const p = requireAuth(req);
      // Someone else's notification does not exist for the caller.
      if (!(await inboxRepository.markRead(ctx.db, p, req.params.id, ctx.clock.now().toISOString())))
        throw notFound('notification');
      return { ok: true };
    },
  );
}
