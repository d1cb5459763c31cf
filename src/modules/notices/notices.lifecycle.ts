/**
 * The lifecycle of a public notice (公告): drafted by its author (a department's or the district's
 * staff), published by an editor (admin or supervisor), then withdrawn by an editor or expired by the
 * system when its date passes. One transition table on the shared helper.
 */
import { lifecycle } from '../flow/index.ts';

export const NOTICE_STATUSES = ['draft', 'published', 'expired', 'withdrawn'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];
export const NOTICE_STATUS_LABELS: Record<NoticeStatus, string> = {
  draft: '草稿',
  published: '已发布',
  expired: '已过期',
  withdrawn: '已撤回',
};

export type NoticeRelation = 'author' | 'editor' | 'system';

export const NOTICE_ACTIONS = ['revise', 'publish', 'withdraw', 'expire'] as const;
export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

/** The table; drafting (`create`) has no "from" and is not here. */
export const noticeLifecycle = lifecycle<NoticeAction, NoticeStatus, NoticeRelation>(
  NOTICE_ACTIONS,
  {
    revise: { from: ['draft'], to: null, who: ['author', 'editor'], label: '修改' },
    publish: { from: ['draft'], to: 'published', who: ['editor'], label: '发布' },
    withdraw: { from: ['published'], to: 'withdrawn', who: ['editor'], label: '撤回' },
    expire: { from: ['published'], to: 'expired', who: ['system'], label: '到期' },
  },
  NOTICE_STATUS_LABELS,
);
