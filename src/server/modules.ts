import type { AppContext } from '../platform/context.ts';
import type { App } from '../platform/types.ts';
import { authRoutes } from '../modules/auth/index.ts';
import { usersRoutes } from '../modules/users/index.ts';
import { referenceRoutes } from '../modules/reference/index.ts';
import { problemsRoutes } from '../modules/problems/index.ts';
import { attachmentsRoutes } from '../modules/attachments/index.ts';
import { campaignsRoutes } from '../modules/campaigns/index.ts';
import { statsRoutes } from '../modules/stats/index.ts';
import { inboxRoutes } from '../modules/inbox/index.ts';
import { open311Routes } from '../open311/index.ts';
import { ledgerRoutes } from '../modules/ledger/index.ts';
import { residentServiceRoutes } from '../modules/services.ts';
import { supervisionRoutes } from '../modules/supervision/index.ts';
import { hotlineRoutes } from '../modules/hotline/index.ts';
import { cityRoutes } from '../modules/city/index.ts';

/** The module registry: every module's routes, in one place. */
export async function registerModules(app: App, ctx: AppContext): Promise<void> {
  for (const register of [
    authRoutes,
    usersRoutes,
    referenceRoutes,
    problemsRoutes,
    attachmentsRoutes,
    campaignsRoutes,
    statsRoutes,
    inboxRoutes,
    open311Routes,
    ledgerRoutes,
    supervisionRoutes,
    hotlineRoutes,
    cityRoutes,
    ...residentServiceRoutes,
  ]) {
    await register(app, ctx);
  }
}
