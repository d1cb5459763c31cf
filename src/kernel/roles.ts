import type { Lang } from './apiText.ts';

/** The roles of DESIGN §4. */
export const ROLES = [
  'resident',
  'enterprise',
  'official',
  'unit_handler',
  /** 话务员: takes calls at the 12345 hotline centre and calls reporters back (回访). */
  'operator',
  'supervisor',
  'leader',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** What a staff user may see: everything, a township, or a unit and its children. */
export type ScopeKind = 'jurisdiction' | 'township' | 'unit' | 'own';

/** Who is making a request: a signed-in user or an API key. */
export interface Principal {
  jurisdictionId: string;
  userId: string | null;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string | null;
  /** The user's unit and all units below it. */
  unitIds: string[];
  scope: { kind: ScopeKind; ref: string | null };
  via: 'session' | 'api_key';
  sessionId?: string;
  csrfToken?: string;
  apiKeyId?: string;
  /** The language the caller asked for (Accept-Language): names of reference data are presented in it. */
  lang?: Lang;
}

/** True when the principal has any of the roles. */
export function hasRole(p: Principal | null | undefined, ...roles: Role[]): boolean {
  return !!p && p.roles.some((r) => roles.includes(r));
}

/** Staff roles (console users). */
export const STAFF_ROLES: Role[] = ['official', 'unit_handler', 'operator', 'supervisor', 'leader', 'admin'];
