/**
 * The lifecycle of a problem (DESIGN §2): one transition table, used by the API, the UI (through
 * `allowedActions`) and the tests. Who may act is said here by *relation* (supervisor, lead unit,
 * involved unit, reporter); the policy file turns a principal and a problem into relations.
 */

export const STATUSES = [
  'submitted',
  'returned',
  'rejected',
  'assigned',
  'bounced',
  'in_progress',
  'closure_requested',
  'closed',
  'merged',
] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses in which a problem is still being worked on. */
export const OPEN_STATUSES: Status[] = [
  'submitted',
  'returned',
  'assigned',
  'bounced',
  'in_progress',
  'closure_requested',
];
/**
 * Statuses in which a problem is public (受理后公开): once the supervisor has accepted it. A report still
 * 待审核 (submitted, returned) or refused (rejected) is seen only by its reporter and the staff.
 */
export const PUBLISHED_STATUSES: Status[] = [
  'assigned',
  'bounced',
  'in_progress',
  'closure_requested',
  'closed',
  'merged',
];
/** Statuses a duplicate may be merged into (and be suggested for merging): open, and not back with its reporter. */
export const MERGE_TARGET_STATUSES: Status[] = OPEN_STATUSES.filter((s) => s !== 'returned');
/** Statuses after dispatch and before closure: the deadline clock runs. */
export const RUNNING_STATUSES: Status[] = ['assigned', 'in_progress', 'closure_requested'];

/** Chinese labels of the statuses. */
export const STATUS_LABELS: Record<Status, string> = {
  submitted: '待审核',
  returned: '退回补充',
  rejected: '不予受理',
  assigned: '已交办',
  bounced: '待重派',
  in_progress: '办理中',
  closure_requested: '申请销号',
  closed: '已销号',
  merged: '已合并',
};

/**
 * Where a village's part of a problem stands after its township passed it down (二次交办): not passed down,
 * passed and waiting for the village to sign, being handled by the village, reported done by the village,
 * checked and accepted by the township. The problem itself stays 办理中 with the township throughout.
 */
export const DELEGATION_STATES = ['none', 'assigned', 'in_progress', 'reported', 'accepted'] as const;
export type DelegationState = (typeof DELEGATION_STATES)[number];

/** Chinese labels of the village's part. */
export const DELEGATION_LABELS: Record<DelegationState, string> = {
  none: '未下派',
  assigned: '待村(社区)签收',
  in_progress: '村(社区)办理中',
  reported: '村(社区)办结待镇街审核',
  accepted: '镇街已审核',
};

/** Parts in which the village still owes its work, so that its own deadline can run out (the deadline scan). */
export const VILLAGE_OWES: readonly DelegationState[] = ['assigned', 'in_progress'];

/** The relation of a principal to a problem that grants an action. */
export type Relation =
  | 'supervisor'
  | 'lead_unit'
  | 'involved_unit'
  | 'reporter'
  | 'follow_up_operator'
  /** The village unit the lead township passed the problem to (二次交办). */
  | 'delegate_unit'
  /** A 12345 operator, on a problem that came in by the hotline: the centre dispatches its calls (派单). */
  | 'hotline_operator';

export interface Transition {
  /** Statuses the action may start from. */
  from: readonly Status[];
  /** The resulting status; `null` keeps the current one. */
  to: Status | null;
  /** Any of these relations allows the action. */
  who: readonly Relation[];
  /** Shown on the public timeline and as Open311 status_notes. */
  public: boolean;
  label: string;
  /**
   * For actions that need or move the village's part (二次交办): the parts it may start from and the part it
   * leaves (`null` keeps it). Without it the action does not look at the village's part.
   */
  delegation?: { from: readonly DelegationState[]; to: DelegationState | null };
}

export const ACTIONS = [
  'resubmit',
  'return',
  'reject',
  'dispatch',
  'sign',
  'bounce',
  'progress',
  'request_extension',
  'decide_extension',
  'request_closure',
  'send_back',
  'verify',
  'rate',
  'reopen',
  'merge',
  'press',
  'reassign',
  'recategorize',
  'change_deadline',
  'delegate',
  'redelegate',
  'delegate_sign',
  'delegate_report',
  'delegate_send_back',
  'delegate_accept',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** The transition table. `submit` (creation) is not here: it has no "from". */
export const TRANSITIONS: Record<ActionName, Transition> = {
  resubmit: { from: ['returned'], to: 'submitted', who: ['reporter'], public: true, label: '补充后重新提交' },
  return: { from: ['submitted'], to: 'returned', who: ['supervisor'], public: true, label: '退回补充' },
  reject: {
    from: ['submitted', 'returned'],
    to: 'rejected',
    who: ['supervisor'],
    public: true,
    label: '不予受理',
  },
  /** 交办; a call taken at the 12345 centre is dispatched by the centre itself (派单), as 接诉即办 does. */
  dispatch: {
    from: ['submitted', 'bounced'],
    to: 'assigned',
    who: ['supervisor', 'hotline_operator'],
    public: true,
    label: '交办',
  },
  sign: { from: ['assigned'], to: 'in_progress', who: ['lead_unit'], public: true, label: '签收' },
  bounce: { from: ['assigned'], to: 'bounced', who: ['lead_unit'], public: false, label: '退单' },
  progress: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit', 'involved_unit', 'delegate_unit'],
    public: true,
    label: '办理进展',
  },
  request_extension: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit'],
    public: false,
    label: '申请延期',
  },
  decide_extension: {
    from: ['in_progress'],
    to: null,
    who: ['supervisor'],
    public: false,
    label: '延期审批',
  },
  /** The township asks for closure itself, or after it has checked its village's work. */
  request_closure: {
    from: ['in_progress'],
    to: 'closure_requested',
    who: ['lead_unit'],
    public: true,
    label: '申请销号',
    delegation: { from: ['none', 'accepted'], to: null },
  },
  send_back: {
    from: ['closure_requested'],
    to: 'in_progress',
    who: ['supervisor'],
    public: false,
    label: '销号退回',
  },
  verify: { from: ['closure_requested'], to: 'closed', who: ['supervisor'], public: true, label: '审核销号' },
  rate: {
    from: ['closed'],
    to: null,
    who: ['reporter', 'follow_up_operator'],
    public: true,
    label: '回访评价',
  },
  reopen: { from: ['closed'], to: 'in_progress', who: ['supervisor'], public: true, label: '重办' },
  merge: { from: OPEN_STATUSES, to: 'merged', who: ['supervisor'], public: true, label: '合并办理' },
  press: { from: OPEN_STATUSES, to: null, who: ['supervisor'], public: false, label: '督办' },
  /** 改派: another lead unit after dispatch; it signs again, with fresh deadlines. */
  reassign: {
    from: ['assigned', 'in_progress'],
    to: 'assigned',
    who: ['supervisor'],
    public: true,
    label: '改派',
  },
  /** 重新分类: the category (and with it domain and kind) was wrong. */
  recategorize: {
    from: OPEN_STATUSES,
    to: null,
    who: ['supervisor'],
    public: false,
    label: '调整分类',
  },
  /** 调整期限: the supervisor sets the completion deadline himself. */
  change_deadline: {
    from: RUNNING_STATUSES,
    to: null,
    who: ['supervisor'],
    public: false,
    label: '调整期限',
  },
  /** 二次交办: the lead township passes the problem to one of its villages, with a deadline inside its own. */
  delegate: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit'],
    public: false,
    label: '二次交办',
    delegation: { from: ['none'], to: 'assigned' },
  },
  /** 改派 within the township: another village takes over; the log keeps who had it. */
  redelegate: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit'],
    public: false,
    label: '村级改派',
    delegation: { from: ['assigned', 'in_progress', 'reported', 'accepted'], to: 'assigned' },
  },
  delegate_sign: {
    from: ['in_progress'],
    to: null,
    who: ['delegate_unit'],
    public: false,
    label: '村级签收',
    delegation: { from: ['assigned'], to: 'in_progress' },
  },
  /** The village reports its work done; the township checks it before anything goes up to the district. */
  delegate_report: {
    from: ['in_progress'],
    to: null,
    who: ['delegate_unit'],
    public: false,
    label: '村级办结上报',
    delegation: { from: ['in_progress'], to: 'reported' },
  },
  delegate_send_back: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit'],
    public: false,
    label: '镇街退回重办',
    delegation: { from: ['reported'], to: 'in_progress' },
  },
  delegate_accept: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit'],
    public: false,
    label: '镇街审核通过',
    delegation: { from: ['reported'], to: 'accepted' },
  },
};

/** Entries of the log that are not actions of the table: creation, a ledger import, the deadline scan's marks. */
export const LOG_ONLY_LABELS: Record<string, string> = {
  submit: '提交',
  import: '台账导入',
  due_state: '时限预警',
  village_due_state: '村级时限预警',
};

/** The result of asking whether an action may start from a status. */
export function transitionFrom(action: ActionName, status: Status): Status | 'not_allowed' {
  const t = TRANSITIONS[action];
  if (!t.from.includes(status)) return 'not_allowed';
  return t.to ?? status;
}

/** The village's part as stored (null when the problem was never passed down). */
export function delegationOf(stored: string | null): DelegationState {
  return (DELEGATION_STATES as readonly string[]).includes(stored ?? '')
    ? (stored as DelegationState)
    : 'none';
}

/**
 * The village's part after the action, `'unchanged'` when the action does not look at it, or
 * `'not_allowed'` when the action cannot start from the part the problem is in.
 */
export function delegationFrom(
  action: ActionName,
  part: DelegationState,
): DelegationState | 'unchanged' | 'not_allowed' {
  const d = TRANSITIONS[action].delegation;
  if (!d) return 'unchanged';
  if (!d.from.includes(part)) return 'not_allowed';
  return d.to ?? 'unchanged';
}

/** Ratings of a follow-up call (回访). */
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
