export { ledgerRoutes } from './ledger.routes.ts';
export {
  exportLedger,
  importLedger,
  readLedger,
  validateLedger,
  loadProblems,
  beginBulkLoad,
  INDEX_REBUILD_MIN,
  type BulkLoad,
  type BulkLoadOptions,
  parseLedgerDate,
  XLSX_MIME,
  type LedgerTargets,
} from './ledger.service.ts';
export {
  actionHashText,
  ChunkPreparer,
  problemRowOf,
  type ImportActor,
  type LoadPlan,
  type PreparedChunk,
} from './bulk.prepare.ts';
export type { RowSet } from '../../db/dialect/rowSet.ts';
export { briefing, formatYuan } from './briefing.ts';
export {
  LEDGER_COLUMNS,
  MAX_LEDGER_ROWS,
  type ImportProblem,
  type LedgerIssue,
  type LedgerRecord,
  Briefing,
  BriefingQuery,
  ExportQuery,
} from './ledger.schema.ts';
export { registerLedgerCommands } from './ledger.cli.ts';
