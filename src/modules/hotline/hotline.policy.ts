/** Who may do what at the 12345 centre: small pure functions, tested role by role. */
import { hasRole, type Principal } from '../../kernel/roles.ts';

/** 接听登记: operators take calls; the supervision office may type one in when the centre is short. */
export function mayTakeCalls(p: Principal): boolean {
  return p.via === 'session' && hasRole(p, 'operator', 'supervisor');
}

/** 回访: operators and the supervision office call reporters back after closure. */
export function mayFollowUp(p: Principal): boolean {
  return p.via === 'session' && hasRole(p, 'operator', 'supervisor');
}

/** Whether the viewer reads a caller's number in full (the people who call back); others see it masked. */
export function seesCallerPhone(p: Principal): boolean {
  return hasRole(p, 'operator', 'supervisor', 'admin');
}

/** How many unanswered follow-up calls take a problem out of the queue (three tries, then it is left). */
export const FOLLOW_UP_MAX_TRIES = 3;
