/**
 * Who may do what in the jobs module. Supervisors and admins of the whole jurisdiction review employers
 * and postings; station staff (users listed on a station) review too, post for an employer (即时快招) and
 * register workers at their station; an employer acts through the account that registered it; a worker
 * through his own account. The module acts in the registry as the jobs platform, under its lawful basis.
 */
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { ApplicationRelation, PostingRelation } from './jobs.lifecycle.ts';

/** A supervisor or admin of the whole jurisdiction. */
export function isSupervisor(p: Principal): boolean {
  return hasRole(p, 'admin', 'supervisor') && p.scope.kind === 'jurisdiction';
}

/** Whether a principal reviews employers and postings: a supervisor or the staff of any station. */
export function isReviewer(p: Principal, stations: readonly string[]): boolean {
  return isSupervisor(p) || stations.length > 0;
}

/** Whether a principal may see statistics and every worker (supervisors, leaders, station staff). */
export function mayOversee(p: Principal, stations: readonly string[]): boolean {
  return isReviewer(p, stations) || hasRole(p, 'leader');
}

/** The relations of a principal to a posting. */
export function postingRelations(
  p: Principal,
  employerOwner: string | null,
  stations: readonly string[],
): Set<PostingRelation> {
  const r = new Set<PostingRelation>();
  if (p.userId && employerOwner === p.userId) r.add('employer');
  if (isReviewer(p, stations)) r.add('reviewer');
  return r;
}

/** The relations of a principal to an application. */
export function applicationRelations(
  p: Principal,
  a: { workerUserId: string | null; employerOwner: string | null },
  stations: readonly string[],
): Set<ApplicationRelation> {
  const r = new Set<ApplicationRelation>();
  if (p.userId && a.workerUserId === p.userId) r.add('worker');
  if (p.userId && a.employerOwner === p.userId) r.add('employer');
  if (isReviewer(p, stations)) r.add('staff');
  return r;
}

/** The principal the jobs platform acts as in the registry (registering a worker under its lawful basis). */
export function platformPrincipal(jid: string, on: Principal): Principal {
  return {
    jurisdictionId: jid,
    userId: on.userId,
    username: `system:jobs`,
    displayName: `荷塘大就业（${on.displayName}）`,
    roles: ['supervisor'],
    unitId: null,
    unitIds: [],
    scope: { kind: 'jurisdiction', ref: null },
    via: 'api_key',
  };
}
