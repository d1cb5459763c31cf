import type { Permission } from '../../platform/permissions.ts';

/** Public notices' rows of the permission matrix. */
export const noticesPermissions: Record<string, Permission> = {
  'GET /api/notices': { access: 'public', note: 'published and live; editors may ask for other statuses' },
  'POST /api/notices': { access: ['admin', 'supervisor', 'unit_handler'] },
  'GET /api/notices/:id': { access: 'public', note: 'drafts only for their author and editors' },
  'GET /api/notices/:id/cap.xml': { access: 'public', note: 'urgent notices only' },
  'POST /api/notices/:id/actions/:action': {
    access: 'signed-in',
    note: 'the notice table: 403 by relation, 409 by status',
  },
};
