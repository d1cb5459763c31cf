import type { Permission } from '../../platform/permissions.ts';

/** Home care's rows of the permission matrix. */
export const carePermissions: Record<string, Permission> = {
  'GET /api/care/kinds': { access: 'public' },
  'GET /api/care/today': {
    access: 'signed-in',
    note: 'the big screen’s figures: counts and sums only, no person',
  },
  'GET /api/care/me': { access: 'signed-in', note: 'whom one may order for; one’s worker record' },
  'GET /api/care/orders': {
    access: 'signed-in',
    note: 'own and family orders, the provider’s and worker’s, or all for supervisors',
  },
  'POST /api/care/orders': {
    access: 'signed-in',
    note: 'for oneself, a family member, or (staff) a resident',
  },
  'GET /api/care/orders/:id': { access: 'signed-in', note: 'by relation; staff reads are in the access log' },
  'GET /api/care/orders/:id/photos/:fileId': {
    access: 'signed-in',
    note: 'a visit photo, to whoever may see the order; staff reads are in the access log',
  },
  'POST /api/care/orders/:id/actions/:action': {
    access: 'signed-in',
    note: 'the transition table: 403 by relation, 409 by status',
  },
  'POST /api/care/settlements': { access: ['admin', 'supervisor'] },
  'GET /api/care/settlements': { access: ['admin', 'supervisor'] },
};
