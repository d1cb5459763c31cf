/**
 * Evidence rules of a home visit (DESIGN §3 "evidence checks"): a check-in far from the address, a visit
 * shorter than half the standard, one worker on overlapping orders, a photo used before. A flagged order
 * is left out of settlement until a supervisor clears it.
 */
import { haversineMeters } from '../../kernel/geo.ts';

/** Configurable limits. */
export const EVIDENCE_LIMITS = {
  /** Metres between the check-in and the order's address beyond which the check-in is flagged. */
  maxCheckinDistanceM: 200,
  /** Share of the standard duration below which a visit is flagged. */
  minDurationShare: 0.5,
};

export const FLAGS = {
  far_checkin: '签到位置距服务地址过远',
  short_visit: '服务时长不足标准一半',
  overlapping_orders: '同一服务人员时间重叠',
  photo_reused: '照片重复使用',
  no_position: '签到无位置',
} as const;
export type Flag = keyof typeof FLAGS;

/** The distance of a check-in from the address, and whether it is flagged (no address position: not measured). */
export function checkinFlags(
  address: { lat: number | null; lng: number | null },
  at: { lat?: number; lng?: number },
): { distanceM: number | null; flags: Flag[] } {
  if (at.lat === undefined || at.lng === undefined) return { distanceM: null, flags: ['no_position'] };
  if (address.lat === null || address.lng === null) return { distanceM: null, flags: [] };
  const d = Math.round(haversineMeters(address.lat, address.lng, at.lat, at.lng));
  return { distanceM: d, flags: d > EVIDENCE_LIMITS.maxCheckinDistanceM ? ['far_checkin'] : [] };
}

/** Whether a visit from `checkinAt` to `checkoutAt` is shorter than half the standard. */
export function durationFlags(checkinAt: string, checkoutAt: string, standardMinutes: number): Flag[] {
  const minutes = (Date.parse(checkoutAt) - Date.parse(checkinAt)) / 60_000;
  return minutes < standardMinutes * EVIDENCE_LIMITS.minDurationShare ? ['short_visit'] : [];
}

/** Whether [start, end) overlaps any of the worker's other visits. */
export function overlapFlags(
  start: string,
  end: string,
  others: readonly { checkinAt: string; checkoutAt: string | null }[],
): Flag[] {
  return others.some((o) => o.checkinAt < end && (o.checkoutAt ?? '9999') > start)
    ? ['overlapping_orders']
    : [];
}

/** Whether any of the photos was used by another order. */
export function photoFlags(reused: readonly string[]): Flag[] {
  return reused.length > 0 ? ['photo_reused'] : [];
}
