/**
 * A scan repeated on a timer: one run at a time (a slow run is never overlapped by the next), a failure
 * logged and the next run tried as usual. The core's deadline scan and the services' scans share it.
 */
import type { AppContext } from './context.ts';

/** Runs `scan` now and every `intervalMs` until the returned function is called. */
export function repeatScan(
  ctx: AppContext,
  name: string,
  scan: () => Promise<unknown>,
  intervalMs: number,
): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await scan();
    } catch (err) {
      ctx.log.error({ err }, `${name} failed`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
