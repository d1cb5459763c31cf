import type { Permission } from '../../platform/permissions.ts';

const KEEPERS = ['admin', 'supervisor'] as const;

/** The directory's rows of the permission matrix. */
export const directoryPermissions: Record<string, Permission> = {
  'GET /api/directory/providers': { access: 'public' },
  'POST /api/directory/providers': { access: KEEPERS },
  'GET /api/directory/providers/:id/workers': { access: ['admin', 'supervisor', 'unit_handler'] },
  'POST /api/directory/providers/:id/workers': { access: KEEPERS },
  'GET /api/directory/places': { access: 'public' },
  'GET /api/directory/places/:id': { access: 'public' },
  'POST /api/directory/places': { access: KEEPERS },
  'GET /api/directory/hsds': { access: 'public', note: 'Open Referral HSDS 3' },
};
