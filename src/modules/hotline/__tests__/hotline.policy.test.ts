import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../../kernel/roles.ts';
import {
  mayLabelChannel,
  relationsOf,
  reportDenials,
  roleDenial,
  visibilityOf,
} from '../../problems/index.ts';
import { mayFollowUp, mayTakeCalls, seesCallerPhone } from '../hotline.policy.ts';

const who = (role: Role, via: Principal['via'] = 'session'): Principal => ({
  jurisdictionId: '430202',
  userId: `u-${role}`,
  username: role,
  displayName: role,
  roles: [role],
  unitId: null,
  unitIds: [],
  scope: { kind: role === 'resident' || role === 'unit_handler' ? 'own' : 'jurisdiction', ref: null },
  via,
});
const facts = {
  townshipCode: '430202001',
  channel: 'resident',
  leadUnitId: 'u1',
  supportingUnitIds: [],
  delegateUnitId: null,
  reporterUserId: 'x',
  topicLeadId: null,
};

describe('the hotline centre, role by role', () => {
  it('lets only the centre and the supervision office take calls and call back', () => {
    for (const role of ['operator', 'supervisor'] as const) {
      expect(mayTakeCalls(who(role)), role).toBe(true);
      expect(mayFollowUp(who(role)), role).toBe(true);
    }
    for (const role of ['resident', 'enterprise', 'official', 'unit_handler', 'leader', 'admin'] as const) {
      expect(mayTakeCalls(who(role)), role).toBe(false);
      expect(mayFollowUp(who(role)), role).toBe(false);
    }
    expect(mayTakeCalls(who('operator', 'api_key'))).toBe(false);
  });

  it('shows the caller’s number to those who call back', () => {
    expect(seesCallerPhone(who('operator'))).toBe(true);
    expect(seesCallerPhone(who('leader'))).toBe(false);
    expect(seesCallerPhone(who('unit_handler'))).toBe(false);
  });

  it('labels reports 12345热线 only from the centre', () => {
    expect(mayLabelChannel(who('operator'), 'hotline')).toBe(true);
    expect(mayLabelChannel(who('resident'), 'hotline')).toBe(false);
    expect(mayLabelChannel(who('unit_handler'), 'hotline')).toBe(false);
    expect(mayLabelChannel(who('official'), 'hotline')).toBe(false);
    expect(mayLabelChannel(who('unit_handler'), 'forum')).toBe(true);
    expect(reportDenials(who('unit_handler'), { channel: 'hotline' })[0]?.path).toBe('channel');
    expect(reportDenials(who('operator'), { channel: 'hotline', urgency: 'urgent' })).toEqual([]);
  });

  it('gives the operator the whole jurisdiction to look up and the follow-up relation, nothing more', () => {
    expect(visibilityOf(who('operator')).all).toBe(true);
    expect([...relationsOf(who('operator'), facts)]).toEqual(['follow_up_operator']);
  });

  it('lets the centre dispatch the calls it took (派单), and only those', () => {
    const call = { ...facts, channel: 'hotline' };
    expect([...relationsOf(who('operator'), call)].sort()).toEqual([
      'follow_up_operator',
      'hotline_operator',
    ]);
    expect(roleDenial(who('operator'), call, 'dispatch')).toBeNull();
    expect(roleDenial(who('operator'), facts, 'dispatch')).not.toBeNull();
    expect(roleDenial(who('operator'), call, 'verify')).not.toBeNull();
    expect(roleDenial(who('operator', 'api_key'), call, 'dispatch')).not.toBeNull();
  });
});
