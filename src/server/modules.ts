import type { AppContext } from '../platform/context.ts';
import type { App } from '../platform/types.ts';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import { usersRoutes } from '../modules/users/users.routes.ts';
import { referenceRoutes } from '../modules/reference/reference.routes.ts';
import { problemsRoutes } from '../modules/problems/problems.routes.ts';
import { attachmentsRoutes } from '../modules/attachments/attachments.routes.ts';
import { campaignsRoutes } from '../modules/campaigns/campaigns.routes.ts';
import { statsRoutes } from '../modules/stats/stats.routes.ts';
import { inboxRoutes } from '../modules/inbox/inbox.routes.ts';
import { open311Routes } from '../open311/open311.routes.ts';
import { ledgerRoutes } from '../modules/ledger/index.ts';
import { residentServiceRoutes } from '../modules/services.ts';
import { supervisionRoutes } from '../modules/supervision/index.ts';

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
    ...residentServiceRoutes,
  ]) {
    await register(app, ctx);
  }
}
