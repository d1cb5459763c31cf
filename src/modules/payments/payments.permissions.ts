import type { Permission } from '../../platform/permissions.ts';

/** Payments' rows of the permission matrix. */
export const paymentsPermissions: Record<string, Permission> = {
  'POST /api/payments/callbacks/:channel': {
    access: 'public',
    note: 'the channel’s signature is checked; each event is taken once',
  },
  'GET /api/payments/:id': { access: ['admin', 'supervisor'] },
  'POST /api/payments/reconciliations': { access: ['admin', 'supervisor'] },
};
