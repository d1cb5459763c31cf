import v8 from 'node:v8';
import type { AppContext } from '../platform/context.ts';
import { buildApp } from './app.ts';
import { startDeadlineScheduler } from '../modules/problems/index.ts';
import { writeCheckpoints } from '../modules/audit/index.ts';
import { startJobsScheduler } from '../modules/jobs/index.ts';
import { startServiceScheduler } from '../modules/services.scheduler.ts';

/** How long requests in flight may take to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 25_000;

/**
 * How far V8 lets the heap grow past what the last full collection kept, in percent. By default a server's
 * heap grows to several times its live data between full collections; more frequent, smaller collections
 * keep the process small at the same throughput. A `--heap-growing-percent` given to node itself wins.
 */
const HEAP_GROWING_PERCENT = 50;

/** Makes V8 keep the server's heap close to its live data (see HEAP_GROWING_PERCENT); before serving. */
export function keepHeapLean(): void {
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** Signs the chains' heads into the checkpoint file; a failure is logged, never fatal to serving. */
async function signHeads(ctx: AppContext): Promise<void> {
  try {
    await writeCheckpoints(ctx.db, ctx.config.auditCheckpointFile, ctx.cipher, ctx.clock.now());
  } catch (err) {
    ctx.log.error({ err }, 'audit checkpoint not written');
  }
}

/** Signs the chains' heads every `auditCheckpointMinutes`, so a later rewrite of the logs is caught. */
function startCheckpoints(ctx: AppContext): () => void {
  const timer = setInterval(() => void signHeads(ctx), ctx.config.auditCheckpointMinutes * 60_000);
  timer.unref();
  void signHeads(ctx);
  return () => clearInterval(timer);
}

/** Serves HTTP until SIGINT/SIGTERM, then finishes requests in flight and closes the database. */
export async function serve(ctx: AppContext): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildApp(ctx);
  const stopScheduler = ctx.config.scheduler ? startDeadlineScheduler(ctx) : () => undefined;
  const stopCheckpoints = ctx.config.scheduler ? startCheckpoints(ctx) : () => undefined;
  const stopJobs = ctx.config.scheduler ? startJobsScheduler(ctx) : () => undefined;
  const stopServiceScans = ctx.config.scheduler ? startServiceScheduler(ctx) : () => undefined;
  const url = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopScheduler();
      stopCheckpoints();
      stopJobs();
      stopServiceScans();
      await signHeads(ctx);
      // Connections that finish their last request while we close would otherwise stay open until the
      // client's keep-alive ends; close them as soon as they are idle, and give up on stragglers after
      // the grace period.
      const idle = setInterval(() => app.server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      try {
        await app.close();
      } finally {
        clearInterval(idle);
        clearTimeout(deadline);
      }
      await ctx.database.close();
    })());
  // Diagnostics: started with --expose-gc, the server collects garbage on SIGUSR2, so that a soak can read
  // its resident memory after a full collection rather than wherever the collector happens to be.
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') process.on('SIGUSR2', () => gc());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      ctx.log.warn({ signal: sig }, 'shutting down: finishing requests in flight');
      void close().then(() => process.exit(0));
    });
  }
  return { url, close };
}
