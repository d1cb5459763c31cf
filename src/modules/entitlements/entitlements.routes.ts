import { z } from 'zod';
import type { EntitlementKind } from './entitlements.rules.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import { requireRole } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { personFacts } from '../registry/index.ts';
import { Account, CorrectionInput, Entry, GrantInput } from './entitlements.schema.ts';
import { accountsOf, correct, entriesOf, grant, openAccount } from './entitlements.service.ts';
import { entitlementsRepository } from './entitlements.repository.ts';

const tags = ['entitlements'];

/** The entitlement ledger's API: accounts and entries (staff), grants and corrections (supervisors). */
export async function entitlementsRoutes(app: App, ctx: AppContext): Promise<void> {
  app.get(
    '/api/entitlements/accounts',
    {
      schema: {
        tags,
        querystring: z.object({ personId: z.string().min(1).max(64) }),
        response: { 200: z.object({ items: z.array(Account) }) },
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin', 'supervisor', 'unit_handler');
      return { items: await accountsOf(ctx.db, p.jurisdictionId, req.query.personId) };
    },
  );
  app.get(
    '/api/entitlements/accounts/:id/entries',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: z.object({ items: z.array(Entry) }) },
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin', 'supervisor', 'unit_handler');
      if (!(await entitlementsRepository.account(ctx.db, p.jurisdictionId, req.params.id)))
        throw notFound('权益账户 / account');
      return { items: await entriesOf(ctx.db, p.jurisdictionId, req.params.id) };
    },
  );
  app.post(
    '/api/entitlements/grants',
    { schema: { tags, body: GrantInput, response: { 201: Entry } } },
    async (req, reply) => {
      const p = requireRole(req, 'admin', 'supervisor');
      const b = req.body;
      if (!(await personFacts(ctx.db, p.jurisdictionId, b.personId))) throw notFound('人员 / person');
      const entry = await ctx.database.write(async (trx) => {
        const acc = await openAccount(
          ctx.clock,
          trx,
          p.jurisdictionId,
          b.personId,
          b.kind as EntitlementKind,
        );
        return grant(ctx.clock, trx, p.jurisdictionId, acc.id, b.amount, {
          module: 'entitlements',
          ref: b.reference,
          actorUserId: p.userId,
          note: b.note,
        });
      });
      reply.status(201);
      return entry;
    },
  );
  app.post(
    '/api/entitlements/entries/:id/corrections',
    {
      schema: {
        tags,
        params: z.object({ id: z.string().max(64) }),
        body: CorrectionInput,
        response: { 201: Entry },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin', 'supervisor');
      const entry = await ctx.database.write((trx) =>
        correct(ctx.clock, trx, p.jurisdictionId, req.params.id, req.body.amount, {
          module: 'entitlements',
          ref: `correction:${req.params.id}`,
          actorUserId: p.userId,
          note: req.body.note,
        }),
      );
      reply.status(201);
      return entry;
    },
  );
}
