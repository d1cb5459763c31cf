/**
 * Who may see and do what with a problem. The lifecycle says which *relation* an action needs; this file
 * says which relations a principal has to a problem, and what a principal may see at all.
 */
import { hasRole, type Principal } from '../../kernel/roles.ts';
import { TRANSITIONS, type ActionName, type Relation } from './problems.lifecycle.ts';

/** The facts about a problem that access decisions need. */
export interface ProblemFacts {
  townshipCode: string | null;
  leadUnitId: string | null;
  supportingUnitIds: string[];
  reporterUserId: string | null;
  topicLeadId: string | null;
}

/** What a principal may see, as a union of conditions (the repository turns it into SQL). */
export interface Visibility {
  all: boolean;
  townships: string[];
  unitIds: string[];
  reporterId: string | null;
  topicLeadId: string | null;
}

/** The visibility of a principal: its roles and data scope. */
export function visibilityOf(p: Principal): Visibility {
  const v: Visibility = { all: false, townships: [], unitIds: [], reporterId: p.userId, topicLeadId: null };
  const scoped = hasRole(p, 'admin', 'supervisor', 'leader', 'unit_handler');
  if (scoped) {
    if (p.scope.kind === 'jurisdiction' && hasRole(p, 'admin', 'supervisor', 'leader')) v.all = true;
    if (p.scope.kind === 'township' && p.scope.ref) v.townships.push(p.scope.ref);
    if (p.scope.kind === 'unit' && p.scope.ref && !p.unitIds.includes(p.scope.ref))
      v.unitIds.push(p.scope.ref);
  }
  if (hasRole(p, 'unit_handler')) v.unitIds.push(...p.unitIds);
  if (hasRole(p, 'official')) v.topicLeadId = p.userId;
  return v;
}

/** True when the visibility admits the problem. */
export function canSee(v: Visibility, f: ProblemFacts): boolean {
  if (v.all) return true;
  if (f.townshipCode && v.townships.includes(f.townshipCode)) return true;
  if (f.leadUnitId && v.unitIds.includes(f.leadUnitId)) return true;
  if (f.supportingUnitIds.some((u) => v.unitIds.includes(u))) return true;
  if (v.reporterId && f.reporterUserId === v.reporterId) return true;
  if (v.topicLeadId && f.topicLeadId === v.topicLeadId) return true;
  return false;
}

/** The relations a principal has to a problem. */
export function relationsOf(p: Principal, f: ProblemFacts): Set<Relation> {
  const r = new Set<Relation>();
  const v = visibilityOf(p);
  if (hasRole(p, 'supervisor') && canSee(v, f)) {
    r.add('supervisor');
    r.add('follow_up_operator');
  }
  if (hasRole(p, 'unit_handler')) {
    if (f.leadUnitId && p.unitIds.includes(f.leadUnitId)) r.add('lead_unit');
    if (f.supportingUnitIds.some((u) => p.unitIds.includes(u))) r.add('involved_unit');
  }
  if (p.userId && f.reporterUserId === p.userId) r.add('reporter');
  return r;
}

/** Why a principal may not take an action regardless of status, or null when the role allows it. */
export function roleDenial(p: Principal, f: ProblemFacts, action: ActionName): string | null {
  const rel = relationsOf(p, f);
  if (!TRANSITIONS[action].who.some((w) => rel.has(w))) {
    return `无权执行「${TRANSITIONS[action].label}」/ not allowed to ${action} this problem`;
  }
  // A unit never verifies its own work (销号 is never self-service).
  if (action === 'verify' && f.leadUnitId && p.unitIds.includes(f.leadUnitId)) {
    return '承办单位不能审核本单位的销号申请 / a unit may not verify its own work';
  }
  return null;
}

/**
 * 查看个人信息: whether the principal reads personal numbers typed into free text unmasked in outputs
 * that are redacted for everyone else (the ledger export): supervisors and administrators.
 */
export function seesPersonalData(p: Principal | null): boolean {
  return hasRole(p, 'supervisor', 'admin');
}
