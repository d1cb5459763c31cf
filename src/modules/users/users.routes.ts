import { z } from 'zod';
import type { AppContext } from '../../platform/context.ts';
import { ifMatchVersion, requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { usersRepository } from './users.repository.ts';
import { User, UserInput } from './users.schema.ts';
import { listOf } from '../../platform/lists.ts';
import { createUser, updateUser, userFromRow } from './users.service.ts';

/** User administration (admin only). */
export async function usersRoutes(app: App, ctx: AppContext): Promise<void> {
  const tags = ['users'];
  app.get(
    '/api/users',
    {
      schema: {
        tags,
        querystring: z.object({
          q: z.string().max(40).optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: listOf(User) },
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin');
      const ref = await ctx.reference.get(p.jurisdictionId);
      const [rows, count] = await usersRepository.list(
        ctx.db,
        p.jurisdictionId,
        req.query.q,
        req.query.pageSize,
        (req.query.page - 1) * req.query.pageSize,
      );
      return {
        items: rows.map((r) => userFromRow(ctx, r, null, r.unit_id ? ref.units.get(r.unit_id)?.name : null)),
        total: Number(count.n),
        nextCursor: null,
      };
    },
  );
  app.post('/api/users', { schema: { tags, body: UserInput } }, async (req, reply) => {
    const p = requireRole(req, 'admin');
    reply.status(201);
    return createUser(ctx, p.jurisdictionId, req.body, p);
  });
  app.patch(
    '/api/users/:id',
    { schema: { tags, params: z.object({ id: z.string() }), body: UserInput.partial() } },
    async (req) => {
      const p = requireRole(req, 'admin');
      return updateUser(ctx, p.jurisdictionId, req.params.id, req.body, ifMatchVersion(req), p);
    },
  );
}
