export { entitlementsRoutes } from './entitlements.routes.ts';
export {
  openAccount,
  grant,
  spend,
  correct,
  accountOf,
  accountsOf,
  entriesOf,
  spendsFor,
  spentBetween,
  occasionPaid,
  verifyEntitlements,
  type EntitlementAccount,
  type EntitlementEntry,
  type EntrySource,
} from './entitlements.service.ts';
export { ENTITLEMENT_KINDS, ENTITLEMENT_KIND_NAMES, type EntitlementKind } from './entitlements.rules.ts';
