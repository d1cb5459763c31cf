/**
 * The resident-service modules (DESIGN §3), registered together so that adding one touches this list
 * and not the core's registry.
 */
import type { AppContext } from '../platform/context.ts';
import type { App } from '../platform/types.ts';
import { canteenPaymentHook, canteenRoutes, CANTEEN_MODULE } from './canteen/index.ts';
import { careRoutes } from './care/index.ts';
import { directoryRoutes } from './directory/index.ts';
import { entitlementsRoutes } from './entitlements/index.ts';
import { jobsRoutes } from './jobs/index.ts';
import { noticesRoutes } from './notices/index.ts';
import { paymentsRoutes, type PaymentHooks } from './payments/index.ts';
import { registryRoutes } from './registry/index.ts';

/** What each module does when one of its payments changes (by the payment's module). */
export const paymentHooks: PaymentHooks = { [CANTEEN_MODULE]: canteenPaymentHook };

/** Route registrations of the shared pieces and the service modules, in order. */
export const residentServiceRoutes = [
  registryRoutes,
  directoryRoutes,
  entitlementsRoutes,
  careRoutes,
  jobsRoutes,
  canteenRoutes,
  noticesRoutes,
  (app: App, ctx: AppContext) => paymentsRoutes(app, ctx, paymentHooks),
];
