/**
 * The resident services' scheduled scans, run beside the core's deadline scan: 助急 orders not accepted
 * in time escalate, and notices past their date expire.
 */
import type { AppContext } from '../platform/context.ts';
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
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runServiceScans(ctx);
    } catch (err) {
      ctx.log.error({ err }, 'service scan failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
