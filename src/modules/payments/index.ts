export { paymentsRoutes } from './payments.routes.ts';
export {
  createPayment,
  charge,
  handleCallback,
  reconcile,
  issueReceipt,
  compareStatement,
  movesForward,
  PAYMENT_STATUS_RANK,
  type PaymentHook,
  type PaymentHooks,
  type PaymentStatus,
  type NewPayment,
} from './payments.service.ts';
export type { Payment, Reconciliation } from './payments.schema.ts';
export { paymentsPermissions } from './payments.permissions.ts';
