import { FakeReceipts } from './fake.ts';
import type { ReceiptIssuer } from './types.ts';

export { FakeReceipts } from './fake.ts';
export type { Receipt, ReceiptIssuer, ReceiptRequest } from './types.ts';

/** The e-receipt platform named by configuration (`QINGDAN_RECEIPTS`): only the local `fake` so far. */
export function createReceiptIssuer(name: string): ReceiptIssuer {
  if (name === 'fake') return new FakeReceipts();
  throw new Error(`unknown e-receipt provider "${name}" (QINGDAN_RECEIPTS): fake`);
}
