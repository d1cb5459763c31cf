/** The permission-matrix rows of the resident-service modules, merged into the core's matrix. */
import type { Permission } from '../platform/permissions.ts';
import { canteenPermissions } from './canteen/index.ts';
import { carePermissions } from './care/index.ts';
import { directoryPermissions } from './directory/directory.permissions.ts';
import { entitlementsPermissions } from './entitlements/entitlements.permissions.ts';
import { jobsPermissions } from './jobs/index.ts';
import { noticesPermissions } from './notices/index.ts';
import { paymentsPermissions } from './payments/index.ts';
import { registryPermissions } from './registry/registry.permissions.ts';

/** Route → who may call it, for every resident-service route. */
export const servicePermissions: Record<string, Permission> = {
  ...registryPermissions,
  ...directoryPermissions,
  ...entitlementsPermissions,
  ...carePermissions,
  ...jobsPermissions,
  ...canteenPermissions,
  ...paymentsPermissions,
  ...noticesPermissions,
};
