/**
 * The two transition tables of the jobs module (issue 24), on the shared helper: a posting (draft →
 * pending_review → open → filled | expired | withdrawn | taken_down) and an application (proposed →
 * contacted → accepted → on_site → completed → settled, with declined, no_show and disputed). As in the
 * core, a caller without the relation gets 403 whatever the state, and 409 when the state forbids it.
 */
import { lifecycle } from '../flow/index.ts';

export const POSTING_STATUSES = [
  'draft',
  'pending_review',
  'open',
  'filled',
  'expired',
  'withdrawn',
  'taken_down',
] as const;
export type PostingStatus = (typeof POSTING_STATUSES)[number];

export const POSTING_STATUS_LABELS: Record<PostingStatus, string> = {
  draft: '草稿',
  pending_review: '待审核',
  open: '招聘中',
  filled: '已招满',
  expired: '已过期',
  withdrawn: '已撤回',
  taken_down: '已下架',
};

/** The employer (its account), a reviewer (station staff, supervisors), the system (expiry, SMS link). */
export type PostingRelation = 'employer' | 'reviewer' | 'system';

export const POSTING_ACTIONS = [
  'submit',
  'approve',
  'reject',
  'reconfirm',
  'fill',
  'expire',
  'withdraw',
  'take_down',
] as const;
export type PostingAction = (typeof POSTING_ACTIONS)[number];

/** The posting table. Creating a posting (a draft) has no "from" and is not here. */
export const postingLifecycle = lifecycle<PostingAction, PostingStatus, PostingRelation>(
  POSTING_ACTIONS,
  {
    submit: { from: ['draft'], to: 'pending_review', who: ['employer', 'reviewer'], label: '提交审核' },
    approve: { from: ['pending_review'], to: 'open', who: ['reviewer'], label: '审核发布' },
    reject: { from: ['pending_review'], to: 'draft', who: ['reviewer'], label: '退回修改' },
    reconfirm: { from: ['open'], to: null, who: ['employer', 'reviewer', 'system'], label: '确认仍在招' },
    fill: { from: ['open'], to: 'filled', who: ['employer', 'reviewer', 'system'], label: '招满' },
    expire: { from: ['open'], to: 'expired', who: ['system'], label: '到期下架' },
    withdraw: {
      from: ['draft', 'pending_review', 'open'],
      to: 'withdrawn',
      who: ['employer', 'reviewer'],
      label: '撤回',
    },
    take_down: { from: ['pending_review', 'open'], to: 'taken_down', who: ['reviewer'], label: '违规下架' },
  },
  POSTING_STATUS_LABELS,
);

export const APPLICATION_STATUSES = [
  'proposed',
  'contacted',
  'accepted',
  'on_site',
  'completed',
  'settled',
  'declined',
  'no_show',
  'disputed',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  proposed: '已报名',
  contacted: '已联系',
  accepted: '已录用',
  on_site: '到岗',
  completed: '已完工',
  settled: '已结清',
  declined: '未录用',
  no_show: '未到岗',
  disputed: '有争议',
};

/**
 * The worker, the employer of the posting, station staff or supervisors (who act at the desk for a worker
 * without a smartphone), and the system (the pay deadline).
 */
export type ApplicationRelation = 'worker' | 'employer' | 'staff' | 'system';

export const APPLICATION_ACTIONS = [
  'contact',
  'accept',
  'decline',
  'check_in',
  'no_show',
  'complete',
  'confirm_wage',
  'confirm_paid',
  'dispute',
  'resolve',
  'escalate_unpaid',
] as const;
export type ApplicationAction = (typeof APPLICATION_ACTIONS)[number];

/** The application table. Proposing (an application or an invitation) has no "from" and is not here. */
export const applicationLifecycle = lifecycle<ApplicationAction, ApplicationStatus, ApplicationRelation>(
  APPLICATION_ACTIONS,
  {
    contact: { from: ['proposed'], to: 'contacted', who: ['employer', 'staff'], label: '联系' },
    accept: {
      from: ['proposed', 'contacted'],
      to: 'accepted',
      who: ['employer', 'worker', 'staff'],
      label: '录用',
    },
    decline: {
      from: ['proposed', 'contacted'],
      to: 'declined',
      who: ['employer', 'worker', 'staff'],
      label: '谢绝',
    },
    check_in: { from: ['accepted'], to: 'on_site', who: ['worker', 'employer', 'staff'], label: '到岗' },
    no_show: { from: ['accepted'], to: 'no_show', who: ['employer', 'staff'], label: '未到岗' },
    complete: { from: ['on_site'], to: 'completed', who: ['employer', 'worker', 'staff'], label: '完工' },
    confirm_wage: {
      from: ['completed'],
      to: null,
      who: ['employer', 'worker'],
      label: '确认工时工资',
    },
    confirm_paid: { from: ['completed'], to: 'settled', who: ['worker'], label: '确认已收到工资' },
    dispute: {
      from: ['on_site', 'completed'],
      to: 'disputed',
      who: ['worker', 'employer'],
      label: '提出争议',
    },
    resolve: { from: ['disputed'], to: 'completed', who: ['staff'], label: '调解结案' },
    escalate_unpaid: { from: ['completed'], to: null, who: ['system'], label: '欠薪转人社局' },
  },
  APPLICATION_STATUS_LABELS,
);

/** Applications that hold a place of the headcount. */
export const HOLDS_PLACE: readonly ApplicationStatus[] = [
  'accepted',
  'on_site',
  'completed',
  'settled',
  'disputed',
];
