export { careRoutes } from './care.routes.ts';
export { createOrder, getOrder, listOrders, listOrdersAnswer, act } from './care.service.ts';
export { settleMonth, settlementOf, occasionOf, PAYOUT_STATUSES } from './care.settlement.ts';
export { CARE_KINDS, CARE_KIND_CODES, type CareKindCode } from './care.kinds.ts';
export {
  careLifecycle,
  CARE_STATUSES,
  CARE_ACTIONS,
  type CareStatus,
  type CareAction,
} from './care.lifecycle.ts';
export { carePermissions } from './care.permissions.ts';
export { runCareEscalationScan } from './care.escalation.ts';
