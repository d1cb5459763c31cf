import type { Permission } from '../../platform/permissions.ts';

const STAFF = ['admin', 'supervisor', 'unit_handler'] as const;
const SUPERVISION = ['supervisor', 'admin'] as const;

/** The registry's rows of the permission matrix. */
export const registryPermissions: Record<string, Permission> = {
  'GET /api/registry/persons': {
    access: 'signed-in',
    note: 'own record, or the persons of the reader’s scope; masked',
  },
  'POST /api/registry/persons': {
    access: STAFF,
    note: 'jurisdiction or township scope; sensitive fields need a basis',
  },
  'GET /api/registry/persons/:id': { access: 'signed-in', note: 'scope; every read logged' },
  'PATCH /api/registry/persons/:id': { access: STAFF, note: 'scope; sensitive fields need a basis' },
  'POST /api/registry/persons/:id/contacts': { access: STAFF },
  'POST /api/registry/persons/:id/consents': { access: STAFF },
  'POST /api/registry/consents/:id/withdraw': { access: 'signed-in', note: 'staff in scope, or the person' },
  'GET /api/registry/access-log': { access: SUPERVISION },
  'GET /api/registry/stats': { access: [...SUPERVISION, 'leader'], note: 'cells under 5 hidden' },
};
