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

/** The relation of a principal to a problem that grants an action. */
export type Relation = 'supervisor' | 'lead_unit' | 'involved_unit' | 'reporter' | 'follow_up_operator';

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
  dispatch: {
    from: ['submitted', 'bounced'],
    to: 'assigned',
    who: ['supervisor'],
    public: true,
    label: '交办',
  },
  sign: { from: ['assigned'], to: 'in_progress', who: ['lead_unit'], public: true, label: '签收' },
  bounce: { from: ['assigned'], to: 'bounced', who: ['lead_unit'], public: false, label: '退单' },
  progress: {
    from: ['in_progress'],
    to: null,
    who: ['lead_unit', 'involved_unit'],
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
  request_closure: {
    from: ['in_progress'],
    to: 'closure_requested',
    who: ['lead_unit'],
    public: true,
    label: '申请销号',
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
};

/** Entries of the log that are not actions of the table: creation, a ledger import, the deadline scan's marks. */
export const LOG_ONLY_LABELS: Record<string, string> = {
  submit: '提交',
  import: '台账导入',
  due_state: '时限预警',
};

/** The result of asking whether an action may start from a status. */
export function transitionFrom(action: ActionName, status: Status): Status | 'not_allowed' {
  const t = TRANSITIONS[action];
  if (!t.from.includes(status)) return 'not_allowed';
  return t.to ?? status;
}

/** Ratings of a follow-up call (回访). */
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABELS: Record<Rating, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};
