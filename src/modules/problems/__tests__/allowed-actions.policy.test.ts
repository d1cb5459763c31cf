import { describe, expect, it } from 'vitest';
import { ROLES, type Principal, type Role } from '../../../kernel/roles.ts';
import { ACTIONS, delegationFrom, delegationOf, STATUSES, transitionFrom } from '../problems.lifecycle.ts';
import { allowedActions, roleDenial, type ActionState, type ProblemFacts } from '../problems.policy.ts';

/** Every role, as a session user scoped to the whole jurisdiction, a township or a unit. */
const principals: Principal[] = ROLES.flatMap((role: Role) =>
  (['jurisdiction', 'township', 'unit'] as const).map((kind) => ({
    jurisdictionId: 'j',
    userId: `u-${role}`,
    username: role,
    displayName: role,
    roles: [role],
    unitId: kind === 'unit' ? 'lead' : null,
    unitIds: kind === 'unit' ? ['lead', 'village'] : [],
    scope: { kind, ref: kind === 'township' ? '430202001' : kind === 'unit' ? 'lead' : null },
    via: 'session' as const,
  })),
);

const facts: ProblemFacts[] = [
  {
    townshipCode: '430202001',
    channel: 'hotline',
    leadUnitId: 'lead',
    supportingUnitIds: [],
    delegateUnitId: null,
    reporterUserId: 'u-resident',
    topicLeadId: null,
  },
  {
    townshipCode: '430202002',
    channel: 'resident',
    leadUnitId: 'other',
    supportingUnitIds: ['lead'],
    delegateUnitId: 'village',
    reporterUserId: 'u-supervisor',
    topicLeadId: null,
  },
  {
    townshipCode: null,
    channel: 'open311',
    leadUnitId: null,
    supportingUnitIds: [],
    delegateUnitId: null,
    reporterUserId: null,
    topicLeadId: null,
  },
];

const states: ActionState[] = STATUSES.flatMap((status) =>
  [null, 'assigned', 'reported'].flatMap((delegate_state) => [
    { status, pending_extension: null, rating: null, delegate_state },
    { status, pending_extension: '{}', rating: 'satisfied', delegate_state },
  ]),
);

describe('allowedActions', () => {
  it('finds the relations once and allows exactly what the action-by-action checks allow', () => {
    const fast: string[] = [];
    const plain: string[] = [];
    for (const p of principals)
      for (const f of facts)
        for (const s of states) {
          const where = `${p.roles[0]}/${p.scope.kind}/${f.channel}/${s.status}/${s.delegate_state}: `;
          fast.push(where + allowedActions(p, s, f).join(','));
          const each = ACTIONS.filter(
            (a) =>
              !roleDenial(p, f, a) &&
              transitionFrom(a, s.status as (typeof STATUSES)[number]) !== 'not_allowed' &&
              delegationFrom(a, delegationOf(s.delegate_state)) !== 'not_allowed' &&
              !(a === 'decide_extension' && !s.pending_extension) &&
              !(a === 'request_extension' && s.pending_extension) &&
              !(a === 'rate' && s.rating),
          );
          plain.push(where + each.join(','));
        }
    expect(fast).toEqual(plain);
    // The cases allow actions often enough that the comparison is not one of empty lists.
    expect(plain.filter((x) => !x.endsWith(': ')).length).toBeGreaterThan(100);
  });
});
