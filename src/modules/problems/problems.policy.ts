/**
 * Who may see and do what with a problem. The lifecycle says which *relation* an action needs; this file
 * says which relations a principal has to a problem, and what a principal may see at all.
 */
import { hasRole, STAFF_ROLES, type Principal, type Role } from '../../kernel/roles.ts';
import {
  ACTIONS,
  delegationFrom,
  delegationOf,
  TRANSITIONS,
  transitionFrom,
  type ActionName,
  type Relation,
  type Status,
} from './problems.lifecycle.ts';

/** The facts about a problem that access decisions need. */
export interface ProblemFacts {
  townshipCode: string | null;
  /** How the problem came in (a 12345 call is the hotline centre's to dispatch). */
  channel: string;
  leadUnitId: string | null;
  supportingUnitIds: string[];
  /** The village the lead township passed the problem to (二次交办), if any. */
  delegateUnitId: string | null;
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
  // 话务员: a caller may ask about any case of the jurisdiction, so the 12345 centre sees them all.
  if (hasRole(p, 'operator') && p.scope.kind === 'jurisdiction') v.all = true;
  if (hasRole(p, 'unit_handler')) v.unitIds.push(...p.unitIds);
  if (hasRole(p, 'official')) v.topicLeadId = p.userId;
  return v;
}

/**
 * Whether a principal may find problems by their reporter's phone number or name: those who read reporters'
 * numbers in full across the jurisdiction (the supervising office, the admin, the 12345 centre's operators).
 */
export function maySearchReporters(p: Principal): boolean {
  return hasRole(p, 'supervisor', 'admin', 'operator');
}

/** True when the visibility admits the problem. */
export function canSee(v: Visibility, f: ProblemFacts): boolean {
  if (v.all) return true;
  if (f.townshipCode && v.townships.includes(f.townshipCode)) return true;
  if (f.leadUnitId && v.unitIds.includes(f.leadUnitId)) return true;
  if (f.supportingUnitIds.some((u) => v.unitIds.includes(u))) return true;
  if (f.delegateUnitId && v.unitIds.includes(f.delegateUnitId)) return true;
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
  if (hasRole(p, 'operator') && canSee(v, f)) {
    r.add('follow_up_operator');
    if (p.via === 'session' && f.channel === 'hotline') r.add('hotline_operator');
  }
  if (hasRole(p, 'unit_handler')) {
    if (f.leadUnitId && p.unitIds.includes(f.leadUnitId)) r.add('lead_unit');
    if (f.supportingUnitIds.some((u) => p.unitIds.includes(u))) r.add('involved_unit');
    // The township's own staff see their villages' units too, but act on the village's part only as
    // the township (check, send back, pass to another village), never as the village itself.
    const leads = !!f.leadUnitId && p.unitIds.includes(f.leadUnitId);
    if (f.delegateUnitId && p.unitIds.includes(f.delegateUnitId) && !leads) r.add('delegate_unit');
  }
  if (p.userId && f.reporterUserId === p.userId) r.add('reporter');
  return r;
}

/** Why a principal may not take an action regardless of status, or null when the role allows it. */
export function roleDenial(p: Principal, f: ProblemFacts, action: ActionName): string | null {
  return denialAmong(relationsOf(p, f), p, f, action);
}

/** roleDenial with the principal's relations to the problem already found. */
function denialAmong(rel: Set<Relation>, p: Principal, f: ProblemFacts, action: ActionName): string | null {
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

/** What of a problem's state decides which actions are open beside its status. */
export interface ActionState {
  status: string;
  pending_extension: string | null;
  rating: string | null;
  delegate_state: string | null;
}

/** The actions this principal may take now on the problem. */
export function allowedActions(p: Principal, state: ActionState, facts: ProblemFacts): ActionName[] {
  // The relations are the same for every action: found once, not once an action.
  const rel = relationsOf(p, facts);
  return ACTIONS.filter((a) => {
    if (denialAmong(rel, p, facts, a)) return false;
    if (transitionFrom(a, state.status as Status) === 'not_allowed') return false;
    if (delegationFrom(a, delegationOf(state.delegate_state)) === 'not_allowed') return false;
    if (a === 'decide_extension' && !state.pending_extension) return false;
    if (a === 'request_extension' && state.pending_extension) return false;
    if (a === 'rate' && state.rating) return false;
    return true;
  });
}

/** Whether a principal reports as a member of the public: signed in without a staff role (not an integration). */
export function reportsAsPublic(p: Principal): boolean {
  return p.via === 'session' && !hasRole(p, ...STAFF_ROLES);
}

/** The channel a report comes by when it does not say, and the only one a member of the public may say. */
export function ownChannel(p: Principal, visitId?: string): string {
  if (visitId) return 'visit';
  if (p.via === 'api_key') return 'open311';
  if (hasRole(p, 'enterprise')) return 'enterprise';
  if (hasRole(p, 'resident')) return 'resident';
  // A 12345 operator's entries are calls; other staff enter what they were told (工作人员录入).
  if (hasRole(p, 'operator')) return 'hotline';
  return 'operator';
}

/** Channels only the staff who take them may label a report with: 12345 calls go through the operators. */
export const STAFF_CHANNELS: Record<string, readonly Role[]> = {
  hotline: ['operator', 'supervisor', 'admin'],
};

/** Whether the principal may label a new report with the channel (12345热线 only from the hotline centre). */
export function mayLabelChannel(p: Principal, channel: string): boolean {
  const who = STAFF_CHANNELS[channel];
  return !who || (p.via === 'session' && hasRole(p, ...who));
}

/** What a new report may say beyond its content: where it came from, how urgent, what it belongs to, who to call. */
export interface ReportClaims {
  channel?: string;
  urgency?: string;
  topicId?: string;
  visitId?: string;
  reporter?: { name?: string; phone?: string };
}

/**
 * What a reporter may not set on a new report, field by field (empty when all is allowed). A member of the
 * public reports by his own channel (no hotline or visit label), at normal urgency, outside campaign topics
 * and visits (officials link those), and under his own account's contact; a firm may name its contact person.
 */
export function reportDenials(p: Principal, claims: ReportClaims): { path: string; message: string }[] {
  if (claims.channel !== undefined && !mayLabelChannel(p, claims.channel))
    return [
      {
        path: 'channel',
        message: `「${claims.channel}」渠道只能由话务员录入 / only the hotline centre labels a report ${claims.channel}`,
      },
    ];
  if (!reportsAsPublic(p)) return [];
  const denials: { path: string; message: string }[] = [];
  if (claims.channel !== undefined && claims.channel !== ownChannel(p))
    denials.push({
      path: 'channel',
      message: `只能以本人渠道反映 / reports by this account come by the ${ownChannel(p)} channel`,
    });
  if (claims.urgency !== undefined && claims.urgency !== 'normal')
    denials.push({ path: 'urgency', message: '紧急程度由工作人员确定 / urgency is set by staff' });
  if (claims.topicId !== undefined)
    denials.push({ path: 'topicId', message: '调研课题由干部关联 / only staff link a report to a topic' });
  if (claims.visitId !== undefined)
    denials.push({ path: 'visitId', message: '走访记录由干部关联 / only staff link a report to a visit' });
  if (claims.reporter !== undefined && !hasRole(p, 'enterprise'))
    denials.push({
      path: 'reporter',
      message: '联系方式为本人账户信息 / the reporter is the signed-in account itself',
    });
  return denials;
}
