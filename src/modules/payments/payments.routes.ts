import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PAYMENT_CHANNELS } from '../../adapters/payments/index.ts';
import type { AppContext } from '../../platform/context.ts';
import { requireAuth } from '../../platform/guards.ts';
import type { App } from '../../platform/types.ts';
import { PaymentDetail, ReconcileInput, Reconciliation } from './payments.schema.ts';
import { getPayment, handleCallback, reconcile, type PaymentHooks } from './payments.service.ts';

const tags = ['payments'];

/**
 * Payment callbacks (public, signed by the channel), a payment with its log, and the daily reconciliation.
 * A local channel delivers its callbacks in-process through the same handler.
 */
export async function paymentsRoutes(app: App, ctx: AppContext, hooks: PaymentHooks): Promise<void> {
  const jid0 = () => ctx.jurisdictions[0]?.id ?? '';
  ctx.payments.deliverTo?.((cb) => handleCallback(ctx, hooks, jid0(), cb.channel, cb.body, cb.signature));
  // The signature covers the exact bytes the channel sent: the body is read as text, not re-serialised.
  await app.register(async (plugin) => {
    const raw = plugin.withTypeProvider<ZodTypeProvider>();
    raw.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    raw.post(
      '/api/payments/callbacks/:channel',
      {
        schema: {
          tags,
          params: z.object({ channel: z.enum(PAYMENT_CHANNELS) }),
          response: { 200: z.object({ outcome: z.string() }) },
        },
      },
      async (req) => {
        const sig = req.headers['x-signature'];
        return handleCallback(
          ctx,
          hooks,
          req.jurisdictionId,
          req.params.channel,
          typeof req.body === 'string' ? req.body : '',
          typeof sig === 'string' ? sig : undefined,
        );
      },
    );
  });
  app.get(
    '/api/payments/:id',
    {
      schema: { tags, params: z.object({ id: z.string().min(1).max(64) }), response: { 200: PaymentDetail } },
    },
    async (req) => getPayment(ctx, requireAuth(req), req.params.id),
  );
  app.post(
    '/api/payments/reconciliations',
    { schema: { tags, body: ReconcileInput, response: { 200: Reconciliation } } },
    async (req) => reconcile(ctx, hooks, requireAuth(req), req.body.channel, req.body.date),
  );
}
