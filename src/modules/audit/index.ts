export {
  recordAudit,
  verifyChains,
  actionHashRecord,
  type VerifyReport,
  type AuditEntry,
} from './audit.service.ts';
