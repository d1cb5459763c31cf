import { describe, expect, it } from 'vitest';
import { ACTIONS, STATUSES } from '../problems.lifecycle.ts';
import { mayMessageReporter, reporterMessage } from '../reporterNotifier.ts';

describe('reporter messages', () => {
  it('reads the problem again only for actions that can message its reporter, and skips none that can', () => {
    const messaging = new Set<string>();
    for (const action of ['submit', ...ACTIONS])
      for (const status of STATUSES)
        for (const reopen_count of [0, 1])
          if (reporterMessage(action, { status, reopen_count }) !== null) messaging.add(action);
    // Every action whose message depends on nothing but the action, or on the state it leaves, is found.
    expect([...messaging].sort()).toEqual(['dispatch', 'rate', 'reassign', 'reopen', 'submit', 'verify']);
    for (const action of ['submit', ...ACTIONS])
      expect(mayMessageReporter(action), action).toBe(messaging.has(action));
  });
});
