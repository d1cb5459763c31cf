/**
 * The lifecycle of a home-care order (issue 23): one transition table on the shared helper. Who may act
 * is said by relation: the elder, a proxy (family member or the staff who ordered), the provider's desk
 * (any worker of the order's provider), the assigned worker, a supervisor, and the system (timeouts).
 */
import { lifecycle } from '../flow/index.ts';

export const CARE_STATUSES = [
  'requested',
  'accepted',
  'rejected',
  'assigned',
  'en_route',
  'on_site',
  'completed',
  'confirmed',
  'rated',
  'settled',
  'cancelled',
  'failed',
  'disputed',
] as const;
export type CareStatus = (typeof CARE_STATUSES)[number];

export const CARE_STATUS_LABELS: Record<CareStatus, string> = {
  requested: '待接单',
  accepted: '已接单',
  rejected: '已拒单',
  assigned: '已派工',
  en_route: '在途',
  on_site: '服务中',
  completed: '服务完成',
  confirmed: '已确认',
  rated: '已评价',
  settled: '已结算',
  cancelled: '已取消',
  failed: '服务失败',
  disputed: '有争议',
};

/** Orders whose service is done and may be settled (when no flag stands). */
export const SETTLEABLE: readonly CareStatus[] = ['confirmed', 'rated'];

export type CareRelation = 'elder' | 'proxy' | 'provider' | 'worker' | 'supervisor' | 'system';

export const CARE_ACTIONS = [
  'accept',
  'reject',
  'time_out',
  'forward',
  'assign',
  'depart',
  'check_in',
  'check_out',
  'confirm',
  'rate',
  'dispute',
  'resolve',
  'fail',
  'cancel',
  'clear_flags',
  'settle',
] as const;
export type CareAction = (typeof CARE_ACTIONS)[number];

const BEFORE_VISIT: CareStatus[] = ['requested', 'accepted', 'assigned'];

/** The transition table. Placing an order (`request`) has no "from" and is not here. */
export const careLifecycle = lifecycle<CareAction, CareStatus, CareRelation>(
  CARE_ACTIONS,
  {
    accept: { from: ['requested'], to: 'accepted', who: ['provider'], label: '接单' },
    reject: { from: ['requested'], to: 'rejected', who: ['provider'], label: '拒单' },
    time_out: { from: ['requested'], to: 'rejected', who: ['system'], label: '接单超时' },
    forward: { from: ['rejected'], to: 'requested', who: ['system'], label: '转下一家' },
    assign: { from: ['accepted', 'assigned'], to: 'assigned', who: ['provider'], label: '派工' },
    depart: { from: ['assigned'], to: 'en_route', who: ['worker'], label: '出发' },
    check_in: { from: ['assigned', 'en_route'], to: 'on_site', who: ['worker'], label: '签到' },
    check_out: { from: ['on_site'], to: 'completed', who: ['worker'], label: '签退' },
    confirm: { from: ['completed'], to: 'confirmed', who: ['elder', 'proxy', 'worker'], label: '确认' },
    rate: { from: ['confirmed'], to: 'rated', who: ['elder', 'proxy'], label: '评价' },
    dispute: {
      from: ['completed', 'confirmed', 'rated'],
      to: 'disputed',
      who: ['elder', 'proxy'],
      label: '投诉',
    },
    resolve: { from: ['disputed'], to: 'confirmed', who: ['supervisor'], label: '争议处理' },
    fail: { from: ['assigned', 'en_route', 'on_site'], to: 'failed', who: ['worker'], label: '服务失败' },
    cancel: { from: BEFORE_VISIT, to: 'cancelled', who: ['elder', 'proxy', 'supervisor'], label: '取消' },
    clear_flags: {
      from: ['completed', 'confirmed', 'rated'],
      to: null,
      who: ['supervisor'],
      label: '核查通过',
    },
    settle: { from: SETTLEABLE, to: 'settled', who: ['system'], label: '结算' },
  },
  CARE_STATUS_LABELS,
);

/** Why a worker's order failed (不在家 / 拒绝服务 / 地址错误). */
export const FAILURE_REASONS = {
  not_home: '不在家',
  refused: '拒绝服务',
  wrong_address: '地址错误',
} as const;
