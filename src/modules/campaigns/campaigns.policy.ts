import { hasRole, type Principal } from '../../kernel/roles.ts';

/** Roles that oversee every topic and visit of the jurisdiction. */
const OVERSIGHT = ['supervisor', 'leader', 'admin'] as const;

/** Whether the caller sees every field visit (supervision, leaders, the admin). */
export function seesAllVisits(p: Principal): boolean {
  return hasRole(p, ...OVERSIGHT);
}

/**
 * Whether the caller may read one field visit: oversight roles, the topic's lead official, or the official
 * who logged it. Residents, enterprises, unit handlers and API keys never read visits by id.
 */
export function canReadVisit(
  p: Principal,
  visit: { created_by: string | null },
  topic: { lead_official_id: string | null } | undefined,
): boolean {
  if (seesAllVisits(p)) return true;
  if (!hasRole(p, 'official') || !p.userId) return false;
  return visit.created_by === p.userId || topic?.lead_official_id === p.userId;
}
