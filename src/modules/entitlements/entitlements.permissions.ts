import type { Permission } from '../../platform/permissions.ts';

/** The entitlement ledger's rows of the permission matrix. */
export const entitlementsPermissions: Record<string, Permission> = {
  'GET /api/entitlements/accounts': { access: ['admin', 'supervisor', 'unit_handler'] },
  'GET /api/entitlements/accounts/:id/entries': { access: ['admin', 'supervisor', 'unit_handler'] },
  'POST /api/entitlements/grants': { access: ['admin', 'supervisor'] },
  'POST /api/entitlements/entries/:id/corrections': { access: ['admin', 'supervisor'] },
};
