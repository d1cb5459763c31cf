import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../../kernel/roles.ts';
import { delegationFrom, TRANSITIONS, type ActionName } from '../problems.lifecycle.ts';
import { allowedActions, relationsOf, type ProblemFacts } from '../problems.policy.ts';

/** A handler of a unit whose subtree is `unitIds` (a township sees its villages' units too). */
const handler = (unitIds: string[], role: Role = 'unit_handler'): Principal => ({
  jurisdictionId: '430202',
  userId: `u-${unitIds[0]}`,
  username: unitIds[0]!,
  displayName: unitIds[0]!,
  roles: [role],
  unitId: unitIds[0]!,
  unitIds,
  scope: { kind: 'unit', ref: unitIds[0]! },
  via: 'session',
});
const township = handler(['town', 'village-a', 'village-b']);
const villageA = handler(['village-a']);
const villageB = handler(['village-b']);
const facts: ProblemFacts = {
  townshipCode: '430202001',
  channel: 'resident',
  leadUnitId: 'town',
  supportingUnitIds: [],
  delegateUnitId: 'village-a',
  reporterUserId: 'r',
  topicLeadId: null,
};
const state = (part: string | null) => ({
  status: 'in_progress',
  pending_extension: null,
  rating: null,
  delegate_state: part,
});

describe('dispatch down the tree (二次交办), relation by relation', () => {
  it('makes the village that holds the problem its delegate unit, never the township above it', () => {
    expect([...relationsOf(villageA, facts)]).toEqual(['delegate_unit']);
    expect([...relationsOf(villageB, facts)]).toEqual([]);
    expect([...relationsOf(township, facts)]).toEqual(['lead_unit']);
  });

  it('moves the village’s part through the table: down, signed, reported, checked', () => {
    const path: [ActionName, string][] = [
      ['delegate', 'assigned'],
      ['delegate_sign', 'in_progress'],
      ['delegate_report', 'reported'],
      ['delegate_send_back', 'in_progress'],
      ['delegate_report', 'reported'],
      ['delegate_accept', 'accepted'],
    ];
    let part: Parameters<typeof delegationFrom>[1] = 'none';
    for (const [action, to] of path) {
      const next = delegationFrom(action, part);
      expect(next, `${action} from ${part}`).toBe(to);
      part = next as typeof part;
    }
    expect(delegationFrom('delegate', 'assigned')).toBe('not_allowed');
    expect(delegationFrom('redelegate', 'none')).toBe('not_allowed');
    expect(delegationFrom('redelegate', 'reported')).toBe('assigned');
    expect(delegationFrom('progress', 'assigned')).toBe('unchanged');
  });

  it('lets the township go up only with no village part or a checked one', () => {
    expect(delegationFrom('request_closure', 'none')).toBe('unchanged');
    expect(delegationFrom('request_closure', 'accepted')).toBe('unchanged');
    for (const part of ['assigned', 'in_progress', 'reported'] as const)
      expect(delegationFrom('request_closure', part)).toBe('not_allowed');
    expect(allowedActions(township, state('reported'), facts)).toEqual(
      expect.arrayContaining(['delegate_accept', 'delegate_send_back', 'redelegate']),
    );
    expect(allowedActions(township, state('reported'), facts)).not.toContain('request_closure');
    expect(allowedActions(township, state('accepted'), facts)).toContain('request_closure');
    expect(allowedActions(villageA, state('assigned'), facts)).toEqual(['progress', 'delegate_sign']);
    expect(allowedActions(villageA, state('in_progress'), facts)).toEqual(['progress', 'delegate_report']);
  });

  it('keeps every action on the village’s part inside 办理中', () => {
    for (const [name, t] of Object.entries(TRANSITIONS))
      if (t.delegation) expect(t.from, name).toEqual(['in_progress']);
  });
});
