import type { AppContext } from './context.ts';
import { buildApp } from './app.ts';
import { startDeadlineScheduler } from '../modules/problems/deadlineScheduler.ts';

/** Serves HTTP until SIGINT/SIGTERM, then finishes requests in flight and closes the database. */
export async function serve(ctx: AppContext): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildApp(ctx);
  const stopScheduler = ctx.config.scheduler ? startDeadlineScheduler(ctx) : () => undefined;
  const url = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      stopScheduler();
      await app.close();
      await ctx.database.close();
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      ctx.log.info({ signal: sig }, 'shutting down: finishing requests in flight');
      void close().then(() => process.exit(0));
    });
  }
  return { url, close };
}
