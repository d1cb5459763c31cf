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

/**
 * A transfer to a payee (代付): a provider's monthly care settlement. Our id is the channel's transfer
 * number, so asking twice for one id never pays twice.
 */
export interface PayoutRequest {
  payoutId: string;
  channel: PaymentChannel;
  amountFen: number;
  payeeName: string;
  /** The payee's 统一社会信用代码: the channel pays only an account registered to it. */
  payeeUscc: string;
  description: string;
  /** The business day (YYYY-MM-DD, China time) the channel's statement lists it under. */
  businessDate: string;
}

/** Why a channel refused a transfer. */
export class PayoutRefused extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
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
  /**
   * Transfers money to a payee and answers the channel's transaction id once it is done; throws
   * `PayoutRefused` when the channel refuses it (an unknown or frozen account, a name that does not match).
   */
  payout(req: PayoutRequest): Promise<{ providerTxnId: string }>;
  /** A local channel (the fake) posts its callbacks in-process to this handler; real channels use HTTP. */
  deliverTo?(
    handler: (cb: { channel: PaymentChannel; body: string; signature: string }) => Promise<unknown>,
  ): void;
}
