/**
 * The payment adapter: what the product asks of a payment channel (WeChat Pay, Alipay, UnionPay). A
 * channel takes an order by our own number, tells the outcome later by a signed callback (which real
 * channels send more than once, out of order, or not at all), and publishes a statement per day.
 */

/** The channels a payment may go through; `cash` never reaches an adapter. */
export const PAYMENT_CHANNELS = ['wechat', 'alipay', 'unionpay'] as const;
export type PaymentChannel = (typeof PAYMENT_CHANNELS)[number];

/** A payment to collect: our id is the channel's out_trade_no. */
export interface ChargeRequest {
  paymentId: string;
  channel: PaymentChannel;
  amountFen: number;
  description: string;
  /** The business day (YYYY-MM-DD, China time) the statement lists it under. */
  businessDate: string;
  /** The payer's code scanned at the counter (付款码), when paid there. */
  authCode?: string;
}

/** What a channel says about a payment in a callback: an event with its own id and the time it happened. */
export interface PaymentEvent {
  channel: PaymentChannel;
  eventId: string;
  paymentId: string;
  status: 'pending' | 'paid' | 'failed' | 'refunded';
  amountFen: number;
  providerTxnId: string | null;
  at: string;
}

/** One line of a channel's daily statement (对账单). */
export interface StatementLine {
  paymentId: string;
  providerTxnId: string;
  amountFen: number;
  status: 'paid' | 'refunded';
}

/** A payment channel. `verify` rejects a callback whose signature does not hold. */
export interface PaymentGateway {
  readonly name: string;
  /** Starts a payment; the outcome arrives later as a callback. */
  charge(req: ChargeRequest): Promise<{ accepted: true }>;
  /** Checks a callback's signature and reads its event. */
  verify(channel: PaymentChannel, body: string, signature: string | undefined): PaymentEvent;
  /** The channel's statement of a business day. */
  statement(channel: PaymentChannel, businessDate: string): Promise<StatementLine[]>;
  /** A local channel (the fake) posts its callbacks in-process to this handler; real channels use HTTP. */
  deliverTo?(
    handler: (cb: { channel: PaymentChannel; body: string; signature: string }) => Promise<unknown>,
  ): void;
}
