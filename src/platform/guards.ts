import type { FastifyRequest } from 'fastify';
import { hasRole, type Principal, type Role } from '../kernel/roles.ts';
import { forbidden, unauthorized } from './errors.ts';

/** The caller, or 401. */
export function requireAuth(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

/** The caller if it has one of the roles, else 401 / 403. */
export function requireRole(req: FastifyRequest, ...roles: Role[]): Principal {
  const p = requireAuth(req);
  if (!hasRole(p, ...roles))
    throw forbidden(`需要角色 ${roles.join(' / ')} / requires role ${roles.join(' or ')}`);
  return p;
}

/** Parses an `If-Match` header holding a version number (quoted or not); undefined when absent. */
export function ifMatchVersion(req: FastifyRequest): number | undefined {
  const h = req.headers['if-match'];
  if (typeof h !== 'string') return undefined;
  const n = Number(h.replace(/^W\//, '').replace(/"/g, ''));
  return Number.isInteger(n) ? n : undefined;
}

/** The name of the session cookie. */
export const SESSION_COOKIE = 'qd_session';
