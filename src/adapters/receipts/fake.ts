import crypto from 'node:crypto';
import type { Receipt, ReceiptIssuer, ReceiptRequest } from './types.ts';

/**
 * The local e-receipt platform for tests and the demo: numbers receipts in order, gives the same receipt
 * for the same business id, and can be told to be unreachable for the next requests.
 */
export class FakeReceipts implements ReceiptIssuer {
  readonly name = 'fake';
  readonly issued = new Map<string, Receipt & { request: ReceiptRequest }>();
  private failures = 0;

  /** Makes the next `n` requests fail as an unreachable platform does. */
  failNext(n = 1): void {
    this.failures += n;
  }

  /** Issues (or returns the already issued) receipt of a business id. */
  async issue(req: ReceiptRequest): Promise<Receipt> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('e-receipt platform unreachable');
    }
    const known = this.issued.get(req.businessId);
    if (known) return { receiptNo: known.receiptNo, checkCode: known.checkCode, url: known.url };
    const receiptNo = `43020224${String(this.issued.size + 1).padStart(10, '0')}`;
    const checkCode = crypto
      .createHash('sha256')
      .update(`${receiptNo}:${req.businessId}`)
      .digest('hex')
      .slice(0, 6);
    const receipt = {
      receiptNo,
      checkCode,
      url: `https://einvoice.example/receipts/${receiptNo}?c=${checkCode}`,
    };
    this.issued.set(req.businessId, { ...receipt, request: req });
    return receipt;
  }
}
