import type { Permission } from '../../platform/permissions.ts';

const staff = { access: 'signed-in', note: 'staff of the canteen’s provider, or supervisors' } as const;

/** The canteen's rows of the permission matrix. */
export const canteenPermissions: Record<string, Permission> = {
  'GET /api/canteens': { access: 'public' },
  'GET /api/canteens/served': { access: 'public' },
  'GET /api/canteens/my-meals': { access: 'signed-in', note: 'own and family meals' },
  'GET /api/canteens/:id': { access: 'public' },
  'GET /api/canteens/:id/menu': { access: 'public' },
  'GET /api/canteens/:id/dishes': { access: 'public' },
  'GET /api/canteens/:id/feed.json': { access: 'public' },
  'GET /api/canteens/:id/feed.xml': { access: 'public' },
  'PUT /api/canteens/:id/menu': staff,
  'POST /api/canteens/:id/dishes': staff,
  'POST /api/canteens/:id/codes': staff,
  'POST /api/canteens/:id/cards': { access: 'signed-in', note: 'supervisors' },
  'GET /api/canteens/:id/checkins': staff,
  'POST /api/canteens/:id/checkins': staff,
  'POST /api/canteens/:id/checkins/:mealId/actions/:action': {
    access: 'signed-in',
    note: 'the check-in table: 403 by relation, 409 by status',
  },
  'GET /api/canteens/:id/days/:date': staff,
  'POST /api/canteens/:id/days/:date/actions/:action': {
    access: 'signed-in',
    note: 'the day table: 403 by relation, 409 by status',
  },
  'GET /api/canteens/:id/samples': staff,
  'POST /api/canteens/:id/samples': staff,
};
