import { describe, expect, it } from 'vitest';
import { FakePayments } from '../../../adapters/payments/index.ts';
import { FakeReceipts } from '../../../adapters/receipts/index.ts';
import { compareStatement, movesForward } from '../payments.service.ts';

describe('payment rules and the local fakes', () => {
  it('moves a payment only forward: a repeated or older event changes nothing', () => {
    expect(movesForward('pending', 'paid')).toBe(true);
    expect(movesForward('pending', 'failed')).toBe(true);
    expect(movesForward('paid', 'pending')).toBe(false);
    expect(movesForward('paid', 'paid')).toBe(false);
    expect(movesForward('paid', 'failed')).toBe(false);
    expect(movesForward('paid', 'refunded')).toBe(true);
    expect(movesForward('failed', 'refunded')).toBe(false);
    expect(movesForward('refunded', 'paid')).toBe(false);
  });

  it('compares a day with the statement: lost callbacks, amounts, unknown and missing payments', () => {
    const ours = [
      { id: 'a', amountFen: 1000, status: 'paid' },
      { id: 'b', amountFen: 700, status: 'pending' },
      { id: 'c', amountFen: 1500, status: 'paid' },
      { id: 'd', amountFen: 300, status: 'paid' },
      { id: 'e', amountFen: 300, status: 'pending' },
    ];
    const r = compareStatement(ours, [
      { paymentId: 'a', providerTxnId: 't1', amountFen: 1000, status: 'paid' },
      { paymentId: 'b', providerTxnId: 't2', amountFen: 700, status: 'paid' },
      { paymentId: 'c', providerTxnId: 't3', amountFen: 1600, status: 'paid' },
      { paymentId: 'x', providerTxnId: 't4', amountFen: 900, status: 'paid' },
    ]);
    expect(r.matched).toBe(1);
    expect(r.lostCallbacks).toEqual(['b']);
    expect(r.mismatches.map((m) => m.paymentId)).toEqual(['c', 'x', 'd']);
  });

  it('the fake channel signs its callbacks, and injects duplicate, lost and out-of-order ones', async () => {
    const f = new FakePayments();
    const req = { channel: 'alipay' as const, amountFen: 500, description: 'x', businessDate: '2024-03-04' };
    await f.charge({ ...req, paymentId: 'p1' });
    f.inject('duplicate');
    await f.charge({ ...req, paymentId: 'p2' });
    f.inject('lost');
    await f.charge({ ...req, paymentId: 'p3' });
    f.inject('out_of_order');
    await f.charge({ ...req, paymentId: 'p4' });
    const events = f.takeCallbacks().map((cb) => f.verify(cb.channel, cb.body, cb.signature));
    expect(events.map((e) => [e.paymentId, e.status])).toEqual([
      ['p1', 'paid'],
      ['p2', 'paid'],
      ['p2', 'paid'],
      ['p4', 'paid'],
      ['p4', 'pending'],
    ]);
    expect(events[1]!.eventId).toBe(events[2]!.eventId);
    const cb = { channel: 'alipay' as const, body: '{"paymentId":"p9"}' };
    expect(() => f.verify(cb.channel, cb.body, 'nope')).toThrow(/signature/);
    f.inject('statement_extra');
    await f.charge({ ...req, paymentId: 'p5' });
    expect((await f.statement('alipay', '2024-03-04')).map((l) => l.paymentId)).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      expect.stringMatching(/^unknown-/),
    ]);
    await expect(f.charge({ ...req, paymentId: 'p6', amountFen: 0 })).rejects.toThrow();
  });

  it('the fake e-receipt platform gives one receipt per business id and can be unreachable', async () => {
    const r = new FakeReceipts();
    const req = {
      businessId: 'p1',
      payerName: '张大爷',
      amountFen: 1000,
      item: '午餐',
      issuedOn: '2024-03-04',
    };
    r.failNext();
    await expect(r.issue(req)).rejects.toThrow(/unreachable/);
    const a = await r.issue(req);
    expect(a.receiptNo).toMatch(/^\d{18}$/);
    expect(await r.issue(req)).toEqual(a);
    expect((await r.issue({ ...req, businessId: 'p2' })).receiptNo).not.toBe(a.receiptNo);
  });
});
