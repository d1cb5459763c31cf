/**
 * The fiscal e-receipt adapter (财政电子票据): after a payment, the financial bureau's platform issues an
 * e-receipt with a number and a check code. Issuing is idempotent by our business id: asking twice for
 * one payment gives the same receipt, as the platforms do.
 */

/** What a receipt is for. */
export interface ReceiptRequest {
  /** Our payment id: the business serial the platform deduplicates on. */
  businessId: string;
  payerName: string;
  amountFen: number;
  item: string;
  issuedOn: string;
}

/** An issued e-receipt. */
export interface Receipt {
  receiptNo: string;
  checkCode: string;
  url: string;
}

/** A fiscal e-receipt platform; `issue` rejects when the platform cannot be reached. */
export interface ReceiptIssuer {
  readonly name: string;
  issue(req: ReceiptRequest): Promise<Receipt>;
}
