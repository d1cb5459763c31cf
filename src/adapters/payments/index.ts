import { FakePayments } from './fake.ts';
import type { PaymentGateway } from './types.ts';

export { FakePayments, type PaymentFault, type OutgoingCallback } from './fake.ts';
export {
  PAYMENT_CHANNELS,
  type PaymentChannel,
  type ChargeRequest,
  type PaymentEvent,
  type StatementLine,
  type PaymentGateway,
  type PayoutRequest,
  PayoutRefused,
} from './types.ts';

/**
 * The payment channel named by configuration (`QINGDAN_PAYMENTS`): the local `fake` (the demo: callbacks
 * delivered in-process) or `fake-manual` (tests: callbacks wait to be posted through the HTTP route).
 */
export function createPaymentGateway(name: string): PaymentGateway {
  if (name === 'fake') return new FakePayments(true);
  if (name === 'fake-manual') return new FakePayments(false);
  throw new Error(`unknown payment provider "${name}" (QINGDAN_PAYMENTS): fake or fake-manual`);
}
