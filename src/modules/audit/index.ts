export {
  recordAudit,
  verifyChains,
  actionHashRecord,
  type VerifyReport,
  type AuditEntry,
  type CheckpointSource,
} from './audit.service.ts';
export { userGrantDigest, type GrantColumns } from './audit.grants.ts';
export { writeCheckpoints, readCheckpoints, type Checkpoint } from './audit.checkpoints.ts';
