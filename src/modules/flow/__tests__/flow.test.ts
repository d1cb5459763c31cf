import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.ts';
import { lifecycle, periodsOf } from '../index.ts';

/** A counter ticket (单证速办) as a small table: the helper knows nothing of it. */
const ticket = lifecycle(
  ['call', 'serve', 'finish', 'cancel'] as const,
  {
    call: { from: ['waiting'], to: 'called', who: ['clerk'], label: '叫号' },
    serve: { from: ['called'], to: 'serving', who: ['clerk'], label: '办理' },
    finish: { from: ['serving'], to: 'done', who: ['clerk'], label: '办结' },
    cancel: { from: ['waiting', 'called'], to: 'cancelled', who: ['holder', 'clerk'], label: '取消' },
  },
  { waiting: '等候', called: '已叫号', serving: '办理中', done: '已办结', cancelled: '已取消' },
);

describe('the transition-table helper', () => {
  const clerk = new Set(['clerk'] as const);
  const holder = new Set(['holder'] as const);
  const nobody = new Set<'clerk' | 'holder'>();

  it('gives the next state when relation and state allow it', () => {
    expect(ticket.decide('call', 'waiting', clerk)).toEqual({ ok: true, to: 'called' });
    expect(ticket.decide('cancel', 'called', holder)).toEqual({ ok: true, to: 'cancelled' });
  });

  it('answers 403 without the relation, whatever the state (as the core does)', () => {
    for (const status of ['waiting', 'called', 'serving', 'done', 'cancelled'] as const) {
      expect(ticket.decide('serve', status, holder)).toMatchObject({ ok: false, status: 403 });
      expect(ticket.decide('cancel', status, nobody)).toMatchObject({ ok: false, status: 403 });
    }
  });

  it('answers 409 with the relation in a state the action does not start from', () => {
    expect(ticket.decide('finish', 'waiting', clerk)).toMatchObject({ ok: false, status: 409 });
    expect(ticket.decide('cancel', 'serving', holder)).toMatchObject({ ok: false, status: 409 });
  });

  it('throws the AppError of the decision from enforce', () => {
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as AppError).statusCode;
      }
      return 200;
    };
    expect(thrown(() => ticket.enforce('serve', 'called', holder))).toBe(403);
    expect(thrown(() => ticket.enforce('serve', 'waiting', clerk))).toBe(409);
    expect(ticket.enforce('serve', 'called', clerk)).toBe('serving');
  });

  it('lists the allowed actions in table order and recognises action names', () => {
    expect(ticket.allowedActions('waiting', clerk)).toEqual(['call', 'cancel']);
    expect(ticket.allowedActions('done', clerk)).toEqual([]);
    expect(ticket.isAction('call')).toBe(true);
    expect(ticket.isAction('constructor')).toBe(false);
  });
});

describe('timed periods', () => {
  const log = [
    { fromStatus: null, toStatus: 'waiting', at: '2024-03-04T01:00:00.000Z' },
    { fromStatus: 'waiting', toStatus: 'called', at: '2024-03-04T01:02:30.000Z' },
    { fromStatus: 'called', toStatus: 'serving', at: '2024-03-04T01:03:00.000Z' },
    { fromStatus: 'serving', toStatus: 'done', at: '2024-03-04T01:06:00.000Z' },
  ];
  const rules = [
    { name: 'waiting', start: ['waiting'], end: ['called', 'cancelled'] },
    { name: 'serving', start: ['serving'], end: ['done'] },
    { name: 'never', start: ['refunded'], end: ['done'] },
  ];

  it('measures each period from its first start to the first end after it', () => {
    expect(periodsOf(log, rules, new Date('2024-03-04T02:00:00Z'))).toEqual([
      { name: 'waiting', startedAt: log[0]!.at, endedAt: log[1]!.at, seconds: 150 },
      { name: 'serving', startedAt: log[2]!.at, endedAt: log[3]!.at, seconds: 180 },
    ]);
  });

  it('counts a running period up to now', () => {
    const [waiting] = periodsOf(log.slice(0, 1), rules, new Date('2024-03-04T01:10:00Z'));
    expect(waiting).toEqual({ name: 'waiting', startedAt: log[0]!.at, endedAt: null, seconds: 600 });
  });
});
