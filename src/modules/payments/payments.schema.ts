import { z } from 'zod';
import { PAYMENT_CHANNELS } from '../../adapters/payments/index.ts';

export const Payment = z.object({
  id: z.string(),
  module: z.string(),
  refId: z.string(),
  channel: z.string(),
  amountFen: z.number(),
  status: z.string(),
  providerTxnId: z.string().nullable(),
  paidAt: z.string().nullable(),
  businessDate: z.string(),
  receiptNo: z.string().nullable(),
  receiptUrl: z.string().nullable(),
  description: z.string(),
});
export type Payment = z.infer<typeof Payment>;

export const PaymentDetail = Payment.extend({
  callbacks: z.array(
    z.object({ eventId: z.string(), status: z.string(), outcome: z.string(), receivedAt: z.string() }),
  ),
  actions: z.array(
    z.object({
      action: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const ReconcileInput = z
  .object({
    channel: z.enum(PAYMENT_CHANNELS),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  })
  .strict();

export const Reconciliation = z.object({
  channel: z.string(),
  businessDate: z.string(),
  statementLines: z.number(),
  matched: z.number(),
  recovered: z.number(),
  receiptsIssued: z.number(),
  mismatches: z.array(z.object({ paymentId: z.string(), reason: z.string() })),
  problemId: z.string().nullable(),
  problemNumber: z.string().nullable(),
});
export type Reconciliation = z.infer<typeof Reconciliation>;
