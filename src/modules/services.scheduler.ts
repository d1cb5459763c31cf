/**
 * The resident services' scheduled scans, run beside the core's deadline scan: 助急 orders not accepted
 * in time escalate, and notices past their date expire.
 */
import type { AppContext } from '../platform/context.ts';
import { repeatScan } from '../platform/repeat.ts';
import { runCareEscalationScan } from './care/index.ts';
import { expireNotices } from './notices/index.ts';

/** Runs every scan once. */
export async function runServiceScans(
  ctx: AppContext,
  now: Date = ctx.clock.now(),
): Promise<{ careEscalated: number; noticesExpired: number }> {
  return {
    careEscalated: await runCareEscalationScan(ctx, now),
    noticesExpired: await expireNotices(ctx, now),
  };
}

/** Runs the scans every minute until stopped (one at a time). */
export function startServiceScheduler(ctx: AppContext, intervalMs = 60_000): () => void {
  return repeatScan(ctx, 'service scan', () => runServiceScans(ctx), intervalMs);
}
