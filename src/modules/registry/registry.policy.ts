/**
 * Who may see and change the registry. Staff of the whole jurisdiction (admin, supervisor) see every
 * person; staff scoped to a township see its persons; anyone sees their own record. Sensitive fields are
 * shown only to jurisdiction supervisors and admins, and to the person, and only under a consent or basis.
 */
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { PersonScope } from './registry.repository.ts';

/** The persons a principal may read. */
export function personScopeOf(p: Principal): PersonScope {
  const staff = hasRole(p, 'admin', 'supervisor', 'unit_handler');
  const all = hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction';
  const townships = staff && p.scope.kind === 'township' && p.scope.ref ? [p.scope.ref] : [];
  return { all, townships, userId: p.userId };
}

/** Whether a principal may read a person in a village (or the person is the principal). */
export function canReadPerson(p: Principal, villageCode: string, personUserId: string | null): boolean {
  const s = personScopeOf(p);
  return (
    s.all || s.townships.some((t) => villageCode.startsWith(t)) || (!!p.userId && p.userId === personUserId)
  );
}

/** Whether a principal may register and change persons (not their own record: that goes through staff). */
export function canWritePerson(p: Principal, villageCode: string): boolean {
  const s = personScopeOf(p);
  return s.all || s.townships.some((t) => villageCode.startsWith(t));
}

/** Whether a principal's work needs sensitive fields (the person themselves always may see theirs). */
export function mayReadSensitive(p: Principal, personUserId: string | null): boolean {
  return (
    (hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction') ||
    (!!p.userId && p.userId === personUserId)
  );
}

/** Whether a principal may read the access log and the registry's statistics. */
export function canAudit(p: Principal): boolean {
  return hasRole(p, 'admin', 'supervisor');
}
