import { z } from 'zod';
import { uuidv7 } from '../../kernel/ids.ts';
import { redactText } from '../../kernel/redact.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { requireAuth, requireRole } from '../../platform/guards.ts';
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
const Notice = z.object({ id: z.string(), title: z.string(), body: z.string(), publishedAt: z.string() });

/** The in-app inbox (notifications to a user, a unit or a role) and public notices (公告). */
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
  app.get(
    '/api/notices',
    { schema: { tags: ['notices'], response: { 200: listOf(Notice) } } },
    async (req) => {
      const rows = await ctx.db
        .selectFrom('notices')
        .selectAll()
        .where('jurisdiction_id', '=', req.jurisdictionId)
        .orderBy('published_at', 'desc')
        .limit(100)
        .execute();
      // Public: personal numbers in a notice's text are masked (the author sees them in the console's form).
      return listAnswer(
        rows.map((r) => ({
          id: r.id,
          title: redactText(r.title),
          body: redactText(r.body),
          publishedAt: r.published_at,
        })),
      );
    },
  );
  app.post(
    '/api/notices',
    {
      schema: {
        tags: ['notices'],
        body: z.object({
          title: z.string().trim().min(2).max(100),
          body: z.string().trim().min(1).max(20000),
        }),
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin', 'supervisor');
      const row = {
        jurisdiction_id: p.jurisdictionId,
        id: uuidv7(),
        title: req.body.title,
        body: req.body.body,
        published_at: ctx.clock.now().toISOString(),
        created_by: p.userId,
      };
      await ctx.db.insertInto('notices').values(row).execute();
      reply.status(201);
      return { id: row.id, title: row.title, body: row.body, publishedAt: row.published_at };
    },
  );
}
