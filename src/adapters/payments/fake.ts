import crypto from 'node:crypto';
import {
  PayoutRefused,
  type ChargeRequest,
  type PaymentChannel,
  type PaymentEvent,
  type PaymentGateway,
  type PayoutRequest,
  type StatementLine,
} from './types.ts';

/** Failures the fake injects, each for the next charge (or statement) it is told about. */
export type PaymentFault =
  /** The paid callback arrives twice. */
  | 'duplicate'
  /** No callback arrives at all: only the statement knows it was paid. */
  | 'lost'
  /** A late "pending" callback arrives after the "paid" one. */
  | 'out_of_order'
  /** The statement lists the payment with another amount. */
  | 'statement_amount'
  /** The statement lists a payment we never made. */
  | 'statement_extra';

/** A callback as the channel would post it: a body and its signature header. */
export interface OutgoingCallback {
  channel: PaymentChannel;
  body: string;
  signature: string;
}

/**
 * The local payment channel for tests and the demo. Every charge is paid at once (the payer scanned the
 * code); its callbacks wait in `outbox` until delivered: to a handler registered with `deliverTo`
 * (the running server), or taken with `takeCallbacks` and posted by a test through the HTTP route.
 * Faults are injected per charge, as real channels misbehave.
 */
export class FakePayments implements PaymentGateway {
  readonly name = 'fake';
  readonly outbox: OutgoingCallback[] = [];
  private readonly paid = new Map<
    string,
    StatementLine & { channel: PaymentChannel; businessDate: string }
  >();
  private faults: PaymentFault[] = [];
  private extra: { channel: PaymentChannel; businessDate: string; line: StatementLine }[] = [];
  private handler: ((cb: OutgoingCallback) => Promise<unknown>) | null = null;
  private seq = 0;
  /** Transfers made, by our id: the same id asked again answers the same transaction. */
  readonly payouts = new Map<string, PayoutRequest & { providerTxnId: string }>();
  private payoutRefusals: string[] = [];

  /** `auto`: callbacks go to the handler given to `deliverTo` (the demo); else they wait for a test. */
  constructor(
    private readonly auto = false,
    private readonly secret: string = 'fake-payments-secret',
  ) {}

  /** Makes the next charge (or, for statement faults, the next charge's statement line) misbehave. */
  inject(fault: PaymentFault): void {
    this.faults.push(fault);
  }

  /** Makes the next transfer fail as a channel refuses one (the reason is the channel's words). */
  refuseNextPayout(reason = '收款账户状态异常（账户已冻结）'): void {
    this.payoutRefusals.push(reason);
  }

  /** Delivers callbacks to `handler` as they are made (a running server); without it they wait. */
  deliverTo(handler: (cb: OutgoingCallback) => Promise<unknown>): void {
    if (this.auto) this.handler = handler;
  }

  /** The callbacks waiting, oldest first, removed from the outbox. */
  takeCallbacks(): OutgoingCallback[] {
    return this.outbox.splice(0, this.outbox.length);
  }

  /** Signs a body as the channel does. */
  sign(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('hex');
  }

  private event(req: ChargeRequest, status: PaymentEvent['status'], txn: string, at: Date): OutgoingCallback {
    const e: PaymentEvent = {
      channel: req.channel,
      eventId: `evt-${++this.seq}`,
      paymentId: req.paymentId,
      status,
      amountFen: req.amountFen,
      providerTxnId: status === 'pending' ? null : txn,
      at: at.toISOString(),
    };
    const body = JSON.stringify(e);
    return { channel: req.channel, body, signature: this.sign(body) };
  }

  /** Takes the payment: paid at once, its callbacks queued with the injected fault. */
  async charge(req: ChargeRequest): Promise<{ accepted: true }> {
    if (!Number.isSafeInteger(req.amountFen) || req.amountFen <= 0) throw new Error('amount must be > 0');
    const fault = this.faults.shift();
    const txn = `${req.channel.toUpperCase()}${String(++this.seq).padStart(10, '0')}`;
    const now = new Date();
    const pending = this.event(req, 'pending', txn, new Date(now.getTime() - 1000));
    const paid = this.event(req, 'paid', txn, now);
    const line = {
      paymentId: req.paymentId,
      providerTxnId: txn,
      amountFen: req.amountFen,
      status: 'paid' as const,
    };
    this.paid.set(req.paymentId, { ...line, channel: req.channel, businessDate: req.businessDate });
    if (fault === 'statement_amount') this.paid.get(req.paymentId)!.amountFen = req.amountFen + 100;
    if (fault === 'statement_extra')
      this.extra.push({
        channel: req.channel,
        businessDate: req.businessDate,
        line: { paymentId: `unknown-${this.seq}`, providerTxnId: `${txn}X`, amountFen: 900, status: 'paid' },
      });
    const queue =
      fault === 'lost'
        ? []
        : fault === 'duplicate'
          ? [paid, paid]
          : fault === 'out_of_order'
            ? [paid, pending]
            : [paid];
    this.outbox.push(...queue);
    if (this.handler) for (const cb of this.takeCallbacks()) await this.handler(cb);
    return { accepted: true };
  }

  /** Reads a callback after checking its signature. */
  verify(channel: PaymentChannel, body: string, signature: string | undefined): PaymentEvent {
    const expected = this.sign(body);
    if (
      !signature ||
      signature.length !== expected.length ||
      !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    )
      throw new Error('bad signature');
    const e = JSON.parse(body) as PaymentEvent;
    if (e.channel !== channel) throw new Error('callback for another channel');
    return e;
  }

  /** The statement of a day: every payment taken, with the injected differences. */
  async statement(channel: PaymentChannel, businessDate: string): Promise<StatementLine[]> {
    const lines = [...this.paid.values()]
      .filter((l) => l.channel === channel && l.businessDate === businessDate)
      .map(({ paymentId, providerTxnId, amountFen, status }) => ({
        paymentId,
        providerTxnId,
        amountFen,
        status,
      }));
    for (const x of this.extra)
      if (x.channel === channel && x.businessDate === businessDate) lines.push(x.line);
    return lines;
  }

  /** Transfers at once, or refuses as told; a repeated id answers the transfer made before. */
  async payout(req: PayoutRequest): Promise<{ providerTxnId: string }> {
    if (!Number.isSafeInteger(req.amountFen) || req.amountFen <= 0) throw new Error('amount must be > 0');
    const done = this.payouts.get(req.payoutId);
    if (done) return { providerTxnId: done.providerTxnId };
    const refused = this.payoutRefusals.shift();
    if (refused) throw new PayoutRefused('account', refused);
    const providerTxnId = `PAYOUT${String(++this.seq).padStart(10, '0')}`;
    this.payouts.set(req.payoutId, { ...req, providerTxnId });
    return { providerTxnId };
  }
}
