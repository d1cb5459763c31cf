/**
 * When an open posting lapses: at its `validThrough`, or earlier when the employer has not reconfirmed it
 * for a while (a gig is stale after days, a full-time job after weeks). The employer is reminded by SMS a
 * day before, with a one-tap link; reconfirming moves the due time on, never past `validThrough`.
 */
import type { JobKind } from './jobs.wages.ts';

/** Days an open posting stays without a reconfirmation, by kind. */
export const RECONFIRM_DAYS: Record<JobKind, number> = {
  gig_day: 3,
  piece: 7,
  part_time: 7,
  full_time: 15,
};

/** Hours before the due time at which the reminder goes out. */
export const REMIND_HOURS_BEFORE = 24;

const DAY_MS = 86_400_000;

/** The due time after opening or reconfirming at `at`: `RECONFIRM_DAYS` later, never past `validThrough`. */
export function reconfirmDueAt(kind: JobKind, at: string, validThrough: string): string {
  const due = new Date(Date.parse(at) + RECONFIRM_DAYS[kind] * DAY_MS).toISOString();
  return due < validThrough ? due : validThrough;
}

/** Whether an open posting has lapsed at `now` (its due time or its validity passed). */
export function hasLapsed(p: { validThrough: string; reconfirmDueAt: string | null }, now: string): boolean {
  return p.validThrough <= now || (p.reconfirmDueAt !== null && p.reconfirmDueAt <= now);
}

/** Whether the reminder should go out at `now`: within the window, not yet sent for this due time. */
export function reminderDue(
  p: { reconfirmDueAt: string | null; validThrough: string; remindedAt: string | null },
  now: string,
): boolean {
  if (!p.reconfirmDueAt || p.reconfirmDueAt <= now) return false;
  // Nothing to reconfirm when the validity itself ends at the due time.
  if (p.reconfirmDueAt >= p.validThrough) return false;
  const windowStart = new Date(Date.parse(p.reconfirmDueAt) - REMIND_HOURS_BEFORE * 3_600_000).toISOString();
  return now >= windowStart && (p.remindedAt === null || p.remindedAt < windowStart);
}
