/**
 * The resident-service modules (DESIGN §3), registered together so that adding one touches this list
 * and not the core's registry.
 */
import { careRoutes } from './care/index.ts';
import { directoryRoutes } from './directory/index.ts';
import { entitlementsRoutes } from './entitlements/index.ts';
import { jobsRoutes } from './jobs/index.ts';
import { registryRoutes } from './registry/index.ts';

/** Route registrations of the shared pieces and the service modules, in order. */
export const residentServiceRoutes = [
  registryRoutes,
  directoryRoutes,
  entitlementsRoutes,
  careRoutes,
  jobsRoutes,
];
